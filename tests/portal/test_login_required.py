"""Every URL that needs a login sends anonymous visitors to the login page.

The URL conf is walked, not listed by hand, so a new view is covered the day it is added.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# URL names that anyone may open. Everything else must redirect to a login page.
PUBLIC = {
    "login",
    "logout",  # POST only; anonymous use is harmless
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:logout",  # POST only; a GET sends the visitor to the admin index, hence to login
    "agreements:verify",  # the public verification page that signed PDFs link to
    "training:feed",  # calendar apps cannot log in: the secret token in the address is the credential
    "security_txt",  # RFC 9116: how to report a vulnerability, for anyone
    "people:accept",  # the invitation link: its secret token is the credential, for someone with no account yet
}

SAMPLE_VALUES = {"int": "1", "str": "sample", "slug": "sample", "uuid": "00000000-0000-0000-0000-000000000001"}


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}" if pattern.name else None


def sample_path(route: str) -> str:
    """Turn a route such as ``organisations/<int:pk>/`` or a regex into a concrete path."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "sample"), route)
    # Regex routes (the admin uses a few): strip anchors and fill groups with a sample value.
    path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "sample", path)
    path = re.sub(r"\(\?:[^)]*\)\??", "", path)
    return "/" + path


def all_routes():
    return sorted({(sample_path(route), name) for route, name in walk(get_resolver().url_patterns)})


ROUTES = all_routes()


def test_url_walk_finds_the_portal_views():
    names = {name for _, name in ROUTES}
    assert {"portal:dashboard", "partnerships:organisation_list", "partnerships:organisation_detail"} <= names


@pytest.mark.parametrize(("path", "name"), ROUTES, ids=[f"{name or '?'} {path}" for path, name in ROUTES])
def test_anonymous_visitor_is_sent_to_login(client, path, name):
    if name in PUBLIC:
        return
    response = client.get(path, follow=True)
    assert response.redirect_chain, f"{path} ({name}) answered {response.status_code} to an anonymous visitor"
    final = response.redirect_chain[-1][0]
    assert final.startswith(reverse("login") + "?next="), f"{path} ({name}) ended at {final}, not the login page"
