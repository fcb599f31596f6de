"""Send a person who has signed in with a password to their second factor before anything else.

A session that has given the password but not the code ("half signed in") reaches only the
views named here, by view name rather than by address, so a page added under any path is
closed to it until someone names it here (and the half-signed-in walk in
tests/portal/test_half_signed_in_walk.py checks every URL pattern against this list).
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import two_factor

# The second step of logging in, and the way out of it.
SECOND_STEP_VIEWS = frozenset({"two_factor_verify", "logout"})
# Setting up a first authenticator: only while the person has no confirmed device (with one,
# replacing it needs the current one first).
SETUP_VIEW = "two_factor_setup"
# Public pages that anyone may open without logging in: half signed in opens nothing more.
PUBLIC_VIEWS = frozenset({"security_txt", "agreements:verify", "training:feed", "people:accept"})


def allowed_half_signed_in(view_name: str, user) -> bool:
    if view_name in SECOND_STEP_VIEWS or view_name in PUBLIC_VIEWS:
        return True
    return view_name == SETUP_VIEW and not two_factor.has_device(user)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not two_factor.needs_verification(request):
            return None
        if allowed_half_signed_in(request.resolver_match.view_name, request.user):
            return None
        target = "two_factor_verify" if two_factor.has_device(request.user) else SETUP_VIEW
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
