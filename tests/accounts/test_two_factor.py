"""Two-factor authentication: who must use it, setting it up, logging in with a code or a
recovery code, and the throttle on guessing."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD
from tests.helpers import second_factor_device, totp_code

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("portal:dashboard")
VERIFY = reverse("two_factor_verify")
SETUP = reverse("two_factor_setup")


def log_in_with_password(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was not accepted"
    return client.get(DASHBOARD)


def code_for(device) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


@pytest.mark.parametrize("persona", ["police_liaison", "administrator"])
def test_roles_that_need_it_are_sent_to_set_it_up(client, persona, request):
    user = request.getfixturevalue(persona)
    response = log_in_with_password(client, user)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    # Nothing else opens until it is done; the notifications list, an API-ish page, the admin.
    for url in (reverse("notifications:list"), reverse("partnerships:partnership_list"), "/admin/"):
        assert client.get(url)["Location"].startswith(SETUP)


@pytest.mark.parametrize("persona", ["university_liaison", "staff_member"])
def test_others_may_do_without_it(client, persona, request):
    response = log_in_with_password(client, request.getfixturevalue(persona))
    assert response.status_code == 200


def test_setting_up_an_authenticator_and_recovery_codes(client, police_liaison):
    log_in_with_password(client, police_liaison)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "otpauth" not in page  # the QR code carries the secret; the page does not print the URL
    device = TOTPDevice.objects.get(user=police_liaison, confirmed=False)

    wrong = client.post(SETUP, {"code": "000000"})
    assert "That code did not match" in wrong.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # a second later, say

    done = client.post(SETUP, {"code": code_for(device), "next": "/partnerships/"})
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(DASHBOARD).status_code == 200  # this session is verified
    assert StaticToken.objects.filter(device__user=police_liaison).count() == 10


def test_logging_in_asks_for_the_code_and_goes_on_to_the_page_asked_for(client, police_liaison):
    device = second_factor_device(police_liaison)
    client.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    asked = client.get("/partnerships/")
    assert asked["Location"] == f"{VERIFY}?next=%2Fpartnerships%2F"

    page = client.get(asked["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/partnerships/"})

    assert response.status_code == 302 and response["Location"] == "/partnerships/"
    assert client.get("/partnerships/").status_code == 200


def test_a_code_cannot_be_used_twice(client, police_liaison):
    device = second_factor_device(police_liaison)
    code = totp_code(device)
    client.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    assert client.post(VERIFY, {"code": code}).status_code == 302

    other = type(client)()
    other.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    again = other.post(VERIFY, {"code": code})
    assert again.status_code == 200 and "not right, or has been used" in again.content.decode()


def test_a_recovery_code_works_once(client, police_liaison):
    from accounts import services as account_services
    from accounts import two_factor

    second_factor_device(police_liaison)
    codes = account_services.new_recovery_codes(police_liaison)
    client.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    assert client.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert two_factor.recovery_codes_left(police_liaison) == 9

    other = type(client)()
    other.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    assert other.post(VERIFY, {"code": codes[0]}).status_code == 200


def test_guessing_is_throttled(client, police_liaison):
    device = second_factor_device(police_liaison)
    client.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    wrong = client.post(VERIFY, {"code": "123456"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # After a wrong code the device waits (1 s, doubling with each failure): even the right
    # code is refused straight away.
    right = code_for(device)
    assert client.post(VERIFY, {"code": right}).status_code == 200


def test_the_code_form_is_rate_limited_per_address(client, police_liaison, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "two_factor": (3, 300)}
    second_factor_device(police_liaison)
    client.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    statuses = [client.post(VERIFY, {"code": "111111"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_staff_member_turns_it_on_and_off(client, staff_member):
    from accounts import two_factor

    client.force_login(staff_member)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=staff_member, confirmed=False)
    client.post(SETUP, {"code": code_for(device)})
    assert two_factor.has_device(staff_member)

    client.post(reverse("reauthenticate"), {"password": PASSWORD, "code": totp_code(device)})
    response = client.post(reverse("two_factor_off"), follow=True)
    assert "Two-factor authentication is off." in response.content.decode()
    assert not two_factor.has_device(staff_member)


def test_a_required_role_cannot_turn_it_off(client, police_liaison):
    from accounts import two_factor

    client.force_login(police_liaison)
    response = client.post(reverse("two_factor_off"), follow=True)
    assert "cannot be turned off" in response.content.decode()
    assert two_factor.has_device(police_liaison)


def test_a_staff_member_who_set_it_up_is_asked_for_a_code(client, staff_member):
    second_factor_device(staff_member)
    response = log_in_with_password(client, staff_member)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)


def test_the_next_address_never_leads_elsewhere(client, police_liaison):
    device = second_factor_device(police_liaison)
    client.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == DASHBOARD


def test_the_code_page_shows_nothing_of_the_account(client, police_liaison):
    from notifications.kinds import Due
    from notifications.services import record

    record("action_due", [Due(type("Obj", (), {"pk": 1})(), [police_liaison], "2026-11-21", "Secret title", "/")])
    second_factor_device(police_liaison)
    client.post(reverse("login"), {"username": police_liaison.username, "password": PASSWORD})
    page = client.get(VERIFY).content.decode()
    assert "notification-bell" not in page and "Partnerships</a>" not in page
    assert escape(police_liaison.get_full_name()) not in page
