"""The idle timeout (core.middleware.SessionIdleExpiryMiddleware): a session used within the
timeout stays signed in, one left idle ends, and the session row is written at most once a
minute rather than on every request."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
AGE = timedelta(seconds=settings.SESSION_COOKIE_AGE)


def session_writes(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return sum('UPDATE "django_session"' in q["sql"] or 'INSERT INTO "django_session"' in q["sql"] for q in queries)


def expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_session_is_written_at_most_once_a_minute(client, staff_member):
    url = reverse("notifications:list")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff_member)
        client.get(url)  # refreshed at START
        assert session_writes(client, url) == 0
        traveller.shift(timedelta(seconds=59))
        assert session_writes(client, url) == 0
        traveller.shift(timedelta(seconds=2))
        assert session_writes(client, url) == 1
        assert expiry(client) == START + timedelta(seconds=61) + AGE


def test_a_session_in_use_outlives_the_timeout_and_an_idle_one_ends(client, staff_member):
    url = reverse("notifications:list")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff_member)
        assert client.get(url).status_code == 200
        # Used every half of the timeout: still signed in long after the first timeout.
        for _ in range(4):
            traveller.shift(AGE / 2)
            assert client.get(url).status_code == 200
        # Then left for the whole timeout: signed out.
        traveller.shift(AGE + timedelta(seconds=1))
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_idle_session_ends_within_a_minute_of_the_timeout(client, staff_member):
    url = reverse("notifications:list")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff_member)
        client.get(url)  # refreshed: expires at START + AGE
        traveller.shift(timedelta(seconds=50))
        client.get(url)  # not refreshed (under a minute)
        traveller.shift(AGE - timedelta(seconds=50) + timedelta(seconds=1))
        assert client.get(url).status_code == 302


def test_no_session_is_made_for_someone_not_signed_in(client):
    before = Session.objects.count()
    assert client.get(reverse("login")).status_code == 200
    assert Session.objects.count() == before


def test_a_short_timeout_is_refreshed_more_often(client, staff_member, settings):
    """With a timeout of five minutes the expiry moves every 30 s, so someone working is never
    signed out early by a minute's refresh."""
    settings.SESSION_COOKIE_AGE = 300
    url = reverse("notifications:list")
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(staff_member)
        traveller.shift(timedelta(seconds=29))
        assert session_writes(client, url) == 0
        traveller.shift(timedelta(seconds=2))
        assert session_writes(client, url) == 1
        assert expiry(client) == START + timedelta(seconds=31 + 300)
