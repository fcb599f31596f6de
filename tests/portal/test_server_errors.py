"""A database that cannot be reached is a 503 with Retry-After; any other failure a 500; a
request refused before authentication (an unknown Host) a 400."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.urls("tests.portal.error_urls"), pytest.mark.django_db]


@pytest.fixture
def failing_client(client, university_liaison):
    client.force_login(university_liaison)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", ["/fail/database/", "/fail/closed/"])
def test_database_unreachable_is_a_temporary_503(failing_client, url):
    with CaptureQueriesContext(connection) as queries:
        response = failing_client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.text
    assert "check whether it was saved" in response.text
    # The page itself asks nothing of the database (only the request's own session and user).
    assert not [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]


def test_other_failures_are_a_500_without_retry_after(failing_client):
    response = failing_client.get("/fail/bug/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    assert "Something went wrong" in response.text


def test_the_portal_urls_still_answer_under_this_url_conf(failing_client):
    assert failing_client.get("/").status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_host_is_a_400_with_the_error_page_and_nothing_of_the_account(
    client, university_liaison, settings, method
):
    """CommonMiddleware refuses the Host before authentication runs: the page must not need it."""
    settings.DEBUG = False
    client.force_login(university_liaison)
    client.raise_request_exception = False
    response = getattr(client, method)("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Bad request" in response.text and "could not read that request" in response.text
    assert university_liaison.get_full_name() not in response.text
