"""Send a person who has signed in with a password to their second factor before anything else."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import two_factor

# Pages a half-signed-in person may still open: the two-factor pages, logging out, and the
# public pages that need no log-in at all.
ALLOWED_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/.well-known/", "/agreements/verify/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(ALLOWED_PREFIXES) and two_factor.needs_verification(request):
            target = "two_factor_verify" if two_factor.has_device(request.user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
