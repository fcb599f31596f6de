"""The second factor cannot be skipped: a password alone opens nothing for someone who has one,
and changes to how an account signs in ask again for the password and a current code."""

import re
import time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.factories import PASSWORD
from tests.helpers import second_factor_device, totp_code

pytestmark = pytest.mark.django_db

VERIFY = reverse("two_factor_verify")
MANAGE = reverse("two_factor_manage")
CODES = reverse("two_factor_recovery_codes")
OFF = reverse("two_factor_off")
SETUP = reverse("two_factor_setup")
CONFIRM = "/accounts/confirm/"  # reverse("reauthenticate"), spelled out so this file loads on older code


def password_only(client, user):
    """Log in through the real form with the password, and stop before the code."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was not accepted"


def recovery_codes_in(response) -> list[str]:
    return re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", response.content.decode())


@pytest.mark.parametrize("persona", ["police_liaison", "administrator"])
def test_a_password_alone_cannot_make_recovery_codes_and_open_the_admin(client, persona, request):
    user = request.getfixturevalue(persona)
    second_factor_device(user)
    password_only(client, user)

    assert client.get(MANAGE)["Location"].startswith(VERIFY)
    response = client.post(CODES)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert recovery_codes_in(response) == []
    assert not StaticToken.objects.filter(device__user=user).exists()
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_a_password_alone_cannot_turn_off_a_second_factor_chosen_by_choice(client, university_liaison):
    second_factor_device(university_liaison)
    password_only(client, university_liaison)

    response = client.post(OFF)

    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert two_factor.has_device(university_liaison)


def test_a_password_alone_cannot_replace_the_authenticator(client, police_liaison):
    second_factor_device(police_liaison)
    password_only(client, police_liaison)
    assert client.get(SETUP)["Location"].startswith(VERIFY)
    assert not TOTPDevice.objects.filter(user=police_liaison, confirmed=False).exists()


def test_half_signed_in_may_set_up_a_first_authenticator_only(client, police_liaison):
    password_only(client, police_liaison)
    assert client.get(SETUP).status_code == 200
    assert client.get(MANAGE)["Location"].startswith(SETUP)


def test_new_recovery_codes_ask_again_for_password_and_code_and_send_an_email(
    client, police_liaison, django_capture_on_commit_callbacks
):
    device = second_factor_device(police_liaison)
    client.force_login(police_liaison)  # a verified session

    asked = client.post(CODES)
    assert asked.status_code == 302 and asked["Location"] == f"{CONFIRM}?next=%2Faccounts%2Ftwo-factor%2F"
    assert not StaticToken.objects.filter(device__user=police_liaison).exists()

    wrong = client.post(CONFIRM, {"password": "not-the-password", "code": totp_code(device)})
    assert "That password or code is not right" in wrong.content.decode()
    no_code = client.post(CONFIRM, {"password": PASSWORD, "code": "000000"})
    assert "That password or code is not right" in no_code.content.decode()  # it does not say which

    confirmed = client.post(CONFIRM, {"password": PASSWORD, "code": totp_code(device), "next": MANAGE})
    assert confirmed["Location"] == MANAGE
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(CODES)
    assert len(recovery_codes_in(done)) == 10
    assert [message.subject for message in mail.outbox] == ["Your account: new recovery codes were made"]
    assert mail.outbox[0].to == [police_liaison.email]


def test_the_confirmation_lasts_a_few_minutes(client, university_liaison, settings):
    device = second_factor_device(university_liaison)
    client.force_login(university_liaison)
    client.post(CONFIRM, {"password": PASSWORD, "code": totp_code(device)})
    later = time.time() + settings.REAUTHENTICATION_SECONDS + 5
    with time_machine.travel(later, tick=False):
        asked = client.post(OFF)
    assert asked["Location"].startswith(CONFIRM)
    assert two_factor.has_device(university_liaison)


def test_turning_it_off_asks_again_and_sends_an_email(client, university_liaison, django_capture_on_commit_callbacks):
    device = second_factor_device(university_liaison)
    client.force_login(university_liaison)
    assert client.post(OFF)["Location"].startswith(CONFIRM)
    assert two_factor.has_device(university_liaison)

    client.post(CONFIRM, {"password": PASSWORD, "code": totp_code(device)})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(OFF, follow=True)

    assert "Two-factor authentication is off." in response.content.decode()
    assert not two_factor.has_device(university_liaison)
    assert [message.subject for message in mail.outbox] == ["Your account: two-factor authentication was turned off"]


def test_a_new_authenticator_sends_an_email(client, staff_member, django_capture_on_commit_callbacks):
    client.force_login(staff_member)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff_member, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SETUP, {"code": totp_code(device)})
    assert [message.subject for message in mail.outbox] == ["Your account: a new authenticator app was set up"]


def test_changing_the_password_asks_for_a_current_code(client, police_liaison, django_capture_on_commit_callbacks):
    device = second_factor_device(police_liaison)
    client.force_login(police_liaison)
    new = {
        "old_password": PASSWORD,
        "new_password1": "a-new-long-passphrase-2026",
        "new_password2": "a-new-long-passphrase-2026",
    }

    refused = client.post(reverse("password_change"), {**new, "code": "000000"})
    police_liaison.refresh_from_db()
    assert refused.status_code == 200 and police_liaison.check_password(PASSWORD)

    with django_capture_on_commit_callbacks(execute=True):
        changed = client.post(reverse("password_change"), {**new, "code": totp_code(device)})
    police_liaison.refresh_from_db()
    assert changed.status_code == 302 and police_liaison.check_password("a-new-long-passphrase-2026")
    assert [message.subject for message in mail.outbox] == ["Your account: your password was changed"]


def test_guessing_the_password_on_the_confirmation_page_ends_the_session(client, university_liaison):
    """A stolen session cannot be used to guess the password: axes counts log-ins, not this form,
    and the rate limit counts addresses, so the form counts wrong answers per user."""
    second_factor_device(university_liaison)
    client.force_login(university_liaison)
    for attempt in range(4):
        response = client.post(
            CONFIRM, {"password": f"guess-{attempt}", "code": "123456"}, REMOTE_ADDR=f"192.0.2.{attempt}"
        )
        assert response.status_code == 200
    last = client.post(CONFIRM, {"password": "guess-5", "code": "123456"}, REMOTE_ADDR="192.0.2.99")
    assert last.status_code == 302 and last["Location"] == reverse("login")
    assert client.get(MANAGE)["Location"].startswith(reverse("login"))


def test_a_wrong_old_password_uses_up_no_code(client, police_liaison):
    device = second_factor_device(police_liaison)
    client.force_login(police_liaison)
    code = totp_code(device)
    new = {"new_password1": "a-new-long-passphrase-2026", "new_password2": "a-new-long-passphrase-2026"}
    client.post(reverse("password_change"), {**new, "old_password": "wrong", "code": code})
    device.refresh_from_db()
    assert device.last_t == -1  # the code was not checked, so it still works
    changed = client.post(reverse("password_change"), {**new, "old_password": PASSWORD, "code": code})
    assert changed.status_code == 302


def test_the_session_key_changes_when_the_code_is_given(client, police_liaison):
    device = second_factor_device(police_liaison)
    password_only(client, police_liaison)
    before = client.session.session_key
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.session.session_key != before
