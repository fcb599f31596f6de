"""Response headers on every kind of page, security.txt, rate limits, and `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.helpers import second_factor_device

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def pages(personas):
    """A page of each kind: public, logged-in HTML, a form, a 404, an htmx partial's host."""
    return [
        (None, reverse("login")),
        (None, reverse("password_reset")),
        (None, "/.well-known/security.txt"),
        (personas["university_liaison"], reverse("portal:dashboard")),
        (personas["university_liaison"], reverse("partnerships:partnership_list")),
        (personas["university_liaison"], reverse("notifications:settings")),
        (personas["police_liaison"], reverse("training:session_list")),
        (personas["administrator"], reverse("agreements:template_list")),
        (personas["administrator"], "/admin/"),
        (personas["staff"], "/no-such-page/"),
    ]


def test_every_page_sends_the_security_headers(client, personas):
    for user, url in pages(personas):
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code in (200, 404), f"{url}: {response.status_code}"
        csp = response["Content-Security-Policy"]
        for directive in (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "object-src 'none'",
            "base-uri 'none'",
        ):
            assert directive in csp, f"{url}: {directive!r} missing from {csp!r}"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        client.logout()


def test_hsts_and_secure_cookies_over_https(client, settings, university_liaison):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    response = client.post(
        reverse("login"),
        {"username": university_liaison.username, "password": "correct-horse-battery-staple"},
        secure=True,
    )
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_no_page_has_inline_script_or_style(client, personas):
    """The CSP forbids them; a template that adds one breaks in the browser, so it fails here."""
    for user, url in pages(personas):
        if user is not None:
            client.force_login(user)
        html = client.get(url).content.decode()
        assert "<script>" not in html and " style=" not in html and "<style" not in html, url
        client.logout()


def test_security_txt(client):
    response = client.get("/.well-known/security.txt")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert body.startswith("Contact: mailto:") and "\nExpires: " in body and "Preferred-Languages: en" in body


def test_password_reset_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (2, 900)}
    statuses = [client.post(reverse("password_reset"), {"email": "someone@example.org"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert "Too many requests" in client.post(reverse("password_reset"), {"email": "x@example.org"}).content.decode()


def test_the_public_verification_page_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": (3, 60)}
    url = reverse("agreements:verify", args=["00000000-0000-0000-0000-000000000000"])
    statuses = [client.get(url).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get(url)["Retry-After"].isdigit()


def test_check_deploy_is_clean():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "HTTPS": "true",
        "SECRET_KEY": "a-production-like-secret-key-" + "x7Gq2LmP9vR4tZ8wK1nB6cY3hJ5dF0sA" * 2,
        "ALLOWED_HOSTS": "portal.example.ac.uk",
        "SITE_URL": "https://portal.example.ac.uk",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_force_login_helper_verifies_the_second_factor(client, police_liaison):
    second_factor_device(police_liaison)
    client.force_login(police_liaison)
    assert client.get(reverse("portal:dashboard")).status_code == 200
