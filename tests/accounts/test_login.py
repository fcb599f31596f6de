import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_with_right_password_lands_on_dashboard(client, university_liaison):
    response = login(client, "uni.liaison", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:dashboard")
    assert client.session[SESSION_KEY] == str(university_liaison.pk)


def test_wrong_password_shows_error_and_does_not_log_in(client, university_liaison):
    response = login(client, "uni.liaison", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_login_starts_a_new_session(client, university_liaison):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    login(client, "uni.liaison", PASSWORD)
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"


def test_inactive_user_cannot_log_in(client, university_liaison):
    university_liaison.is_active = False
    university_liaison.save(update_fields=["is_active"])
    response = login(client, "uni.liaison", PASSWORD)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_repeated_failures_lock_out_username_from_that_address(client, university_liaison, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "uni.liaison", "wrong-guess")
    response = login(client, "uni.liaison", PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many failed attempts" in body
    assert "15 minutes" in body
    assert SESSION_KEY not in client.session


def test_lockout_does_not_block_the_same_username_from_another_address(client, university_liaison, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "uni.liaison", "wrong-guess")
    response = client.post(
        reverse("login"), {"username": "uni.liaison", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302


def test_lockout_ends_after_cool_off(client, university_liaison, settings):
    import time_machine

    with time_machine.travel("2026-11-21 10:00 +0000", tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, "uni.liaison", "wrong-guess")
        assert login(client, "uni.liaison", PASSWORD).status_code == 429
    with time_machine.travel("2026-11-21 10:16 +0000", tick=False):
        assert login(client, "uni.liaison", PASSWORD).status_code == 302


def test_logout_needs_post_and_ends_session(client, university_liaison):
    client.force_login(university_liaison)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_password_change(client, university_liaison):
    client.force_login(university_liaison)
    new = "a-much-longer-new-passphrase"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    university_liaison.refresh_from_db()
    assert university_liaison.check_password(new)


def test_password_change_rejects_short_password(client, university_liaison):
    client.force_login(university_liaison)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


def test_password_reset_by_email(client, university_liaison):
    response = client.post(reverse("password_reset"), {"email": university_liaison.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [university_liaison.email]
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    new = "another-long-passphrase-2026"
    response = client.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    university_liaison.refresh_from_db()
    assert university_liaison.check_password(new)


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


# Behind the documented TLS proxy every request comes from the proxy's address: the client's
# own address is the one the proxy appended to X-Forwarded-For (settings.PROXY_COUNT).
PROXY = "10.0.0.2"


def login_through_proxy(client, forwarded_for, password):
    return client.post(
        reverse("login"),
        {"username": "uni.liaison", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@override_settings(PROXY_COUNT=1)
def test_behind_one_proxy_a_lockout_holds_for_the_forwarded_address_only(client, university_liaison, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_through_proxy(client, "198.51.100.7", "wrong-guess")
    assert login_through_proxy(client, "198.51.100.7", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().ip_address == "198.51.100.7"
    # Another client behind the same proxy still logs in; a forged address on the left changes nothing.
    assert login_through_proxy(Client(), "203.0.113.9", PASSWORD).status_code == 302
    assert login_through_proxy(Client(), "203.0.113.9, 198.51.100.7", PASSWORD).status_code == 429


@override_settings(PROXY_COUNT=0)
def test_with_no_proxy_configured_x_forwarded_for_is_ignored(client, university_liaison, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_through_proxy(client, "198.51.100.7", "wrong-guess")
    # A client cannot step out of its lockout by sending another X-Forwarded-For.
    assert login_through_proxy(Client(), "203.0.113.9", PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().ip_address == PROXY
