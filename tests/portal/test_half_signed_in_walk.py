"""Every URL pattern, asked for by a session that has given the password but not the code.

The URL conf is walked with ``get_resolver()``, so a URL added tomorrow is walked too without
anyone listing it. Arguments are filled in from each converter (an object need not exist: the
second-factor check runs before the view, once the address has resolved). Each URL is sent a
GET and a POST by three half-signed-in sessions: someone whose role requires two-factor
authentication (with an authenticator), someone who chose it, and someone whose role requires
it and has not set it up yet. Every answer must be a redirect to the code page (the set-up
page for the last), apart from the few views accounts/middleware.py names.
"""

import re
import uuid

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from accounts.middleware import PUBLIC_VIEWS, SECOND_STEP_VIEWS, SETUP_VIEW
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import second_factor_device

SAMPLES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "x", "str": "x", "path": "x"}


def _fill_route(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda match: SAMPLES.get(match.group(1) or "str", "1"), route)


def _fill_regex(regex: str) -> str:
    """A path that a regex route matches: each named group becomes its first alternative or "1"."""

    def group(match):
        body = match.group(1)
        return body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "1"

    text = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", group, regex)
    return text.replace("^", "").replace("$", "").replace("\\", "")


def walk(patterns, prefix=""):
    """Every (view name or None, example path) in the URL conf."""
    for pattern in patterns:
        part = pattern.pattern
        text = _fill_route(str(part)) if isinstance(part, RoutePattern) else _fill_regex(part.regex.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + text)
        elif isinstance(pattern, URLPattern):
            yield prefix + text


def example_paths() -> dict[str, str]:
    """One example path per resolvable route, keyed by the view name it resolves to."""
    paths = {}
    for path in walk(get_resolver().url_patterns):
        path = "/" + path.lstrip("/")
        try:
            match = resolve(path)
        except Resolver404:
            continue
        paths.setdefault(match.view_name or match._func_path, path)
    return paths


PATHS = example_paths()


def test_the_walk_reaches_every_part_of_the_url_conf():
    names = set(PATHS)
    # Plain routes, nested namespaces, converters, and the admin site's regex routes.
    for name in ("portal:dashboard", "partnerships:share_detail", "agreements:clause_edit", "training:feed"):
        assert name in names, f"{name} was not reached"
    assert "admin:partnerships_informationshare_change" in names
    assert "admin:app_list" in names
    assert len(names) > 150


def test_the_views_open_half_signed_in_are_few_and_named():
    """Adding a view to the list in accounts/middleware.py is a decision: this test names it."""
    assert {"two_factor_verify", "logout"} == SECOND_STEP_VIEWS
    assert SETUP_VIEW == "two_factor_setup"
    assert {"security_txt", "agreements:verify", "training:feed", "people:accept"} == PUBLIC_VIEWS
    for name in PUBLIC_VIEWS:
        assert name in PATHS


@pytest.fixture
def half_signed_in(police_liaison, university_liaison, administrator, university):
    """Clients signed in with the password only, and the page each must be sent to."""
    from django.test import Client

    sponsor = factories.UserFactory(organisation=university, username="half.sponsor", role="senior_sponsor")
    second_factor_device(police_liaison)  # must use it, and has it
    second_factor_device(university_liaison)  # chose it
    sessions = {}
    for label, user, target in [
        ("police liaison officer (two-factor required)", police_liaison, "two_factor_verify"),
        ("university liaison officer (two-factor chosen)", university_liaison, "two_factor_verify"),
        ("administrator without an authenticator yet (required)", administrator, "two_factor_setup"),
        ("senior sponsor without an authenticator yet (required)", sponsor, "two_factor_setup"),
    ]:
        client = Client()
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, f"{label}: the password was not accepted"
        sessions[label] = (client, reverse(target) + "?next=")
    return sessions


@pytest.mark.django_db
def test_half_signed_in_sessions_reach_only_the_code_page(half_signed_in):
    failures = []
    requests = 0
    open_to_all = SECOND_STEP_VIEWS | PUBLIC_VIEWS | {SETUP_VIEW}
    for label, (client, expected) in half_signed_in.items():
        for name, path in sorted(PATHS.items()):
            if name in open_to_all:
                continue
            for method in ("GET", "POST"):
                requests += 1
                response = client.get(path) if method == "GET" else client.post(path, {})
                location = response.get("Location", "")
                if response.status_code != 302 or not location.startswith(expected):
                    failures.append(f"{method} {path} ({name}) as {label}: {response.status_code} {location}")
    assert requests > 1200
    assert not failures, f"{len(failures)} of {requests} requests got past the code step:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_the_set_up_page_is_closed_half_signed_in_once_there_is_an_authenticator(half_signed_in):
    client, expected = half_signed_in["police liaison officer (two-factor required)"]
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("two_factor_setup"))
        assert response.status_code == 302 and response["Location"].startswith(expected)
