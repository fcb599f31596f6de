"""One client address behind the configured number of proxies (``settings.PROXY_COUNT``).

The lockouts (tests/accounts/test_login.py), the rate limits, the address a signature records
and the share view log all take it from ``core.client.client_address``.
"""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from agreements.models import Signature
from partnerships.models import ShareView
from tests.factories import PASSWORD
from tests.helpers import second_factor_device, totp_code

PROXY = "10.0.0.2"


def through_proxy(forwarded_for: str | None = None, remote_addr: str = PROXY) -> dict:
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return meta


def address(**meta):
    from core.client import client_address

    return client_address(RequestFactory().get("/", **meta))


# --- The function ------------------------------------------------------------------------------


@override_settings(PROXY_COUNT=0)
@pytest.mark.parametrize("forwarded_for", [None, "198.51.100.7", "198.51.100.7, 203.0.113.9", "junk"])
def test_with_no_proxy_the_address_is_the_peer_and_x_forwarded_for_is_ignored(forwarded_for):
    assert address(**through_proxy(forwarded_for, remote_addr="192.0.2.10")) == "192.0.2.10"


@override_settings(PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("  198.51.100.7  ", "198.51.100.7"),
        # The proxy appends the address it saw: anything left of it came from the client.
        ("203.0.113.9, 198.51.100.7", "198.51.100.7"),
        ("forged, 198.51.100.7", "198.51.100.7"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::ffff:198.51.100.7", "::ffff:c633:6407"),
    ],
)
def test_behind_one_proxy_the_address_is_the_last_one_it_appended(forwarded_for, expected):
    assert address(**through_proxy(forwarded_for)) == expected


@override_settings(PROXY_COUNT=2)
def test_behind_two_proxies_the_address_is_the_second_from_the_right():
    assert address(**through_proxy("forged, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"


@override_settings(PROXY_COUNT=1)
@pytest.mark.parametrize(
    "forwarded_for",
    [
        None,  # the proxy was bypassed, or sent nothing
        "",
        " , ",
        "198.51.100.7, ",
        "unknown",
        "198.51.100.7:5000",
        "300.1.1.1",
        "fe80::1%eth0",
        "<script>alert(1)</script>",
        "198.51.100.7\x00",
        "1" * 10_000,
        "," * 10_000,
    ],
)
def test_a_malformed_x_forwarded_for_falls_back_to_the_peer(forwarded_for):
    assert address(**through_proxy(forwarded_for)) == PROXY


@override_settings(PROXY_COUNT=3)
def test_fewer_addresses_than_proxies_falls_back_to_the_peer():
    assert address(**through_proxy("198.51.100.7, 10.0.0.1")) == PROXY


@pytest.mark.parametrize("remote_addr", ["", "unix:/run/gunicorn.sock", "not an address"])
def test_no_usable_address_at_all_is_none(remote_addr):
    assert address(**through_proxy(remote_addr=remote_addr)) is None


def test_axes_asks_the_same_function(settings):
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.client.client_address"


# --- Where the address is used -----------------------------------------------------------------


@override_settings(PROXY_COUNT=1)
def test_rate_limits_count_each_forwarded_address_on_its_own(settings, db):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 900)}
    url = reverse("password_reset")

    def reset(client, forwarded_for):
        return client.post(url, {"email": "someone@example.org"}, **through_proxy(forwarded_for)).status_code

    first = Client()
    assert [reset(first, "198.51.100.7") for _ in range(3)] == [302, 302, 429]
    assert reset(Client(), "203.0.113.9") == 302
    assert reset(Client(), "203.0.113.9, 198.51.100.7") == 429  # a forged address on the left changes nothing


@override_settings(PROXY_COUNT=0)
def test_with_no_proxy_rate_limits_ignore_x_forwarded_for(settings, db):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 900)}
    url = reverse("password_reset")
    statuses = [
        Client().post(url, {"email": "someone@example.org"}, **through_proxy(forwarded)).status_code
        for forwarded in ("198.51.100.7", "203.0.113.9", "192.0.2.44")
    ]
    assert statuses == [302, 302, 429]


@override_settings(PROXY_COUNT=1)
def test_a_signature_records_the_forwarded_address(client, approved, police_liaison):
    client.force_login(police_liaison)
    code = totp_code(second_factor_device(police_liaison))
    response = client.post(
        reverse("agreements:sign", args=[approved.pk]),
        {"position": "Inspector", "confirmed": "on", "password": PASSWORD, "code": code},
        **through_proxy("203.0.113.9, 198.51.100.7"),
    )
    assert response.status_code == 302
    assert Signature.objects.get().ip_address == "198.51.100.7"


@pytest.mark.parametrize(("proxy_count", "expected"), [(1, "198.51.100.7"), (0, PROXY)])
def test_the_share_view_log_records_the_client_address(client, share, police_liaison, proxy_count, expected):
    client.force_login(police_liaison)
    with override_settings(PROXY_COUNT=proxy_count):
        response = client.get(share.get_absolute_url(), **through_proxy("198.51.100.7"))
    assert response.status_code == 200
    assert ShareView.objects.get(share=share).ip_address == expected
