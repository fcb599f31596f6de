"""Asking a signed-in person again who they are, before an act that must be theirs.

Signing an agreement, making new recovery codes, turning two-factor authentication off and
changing the password each ask again for the password and, where the person has a second
factor, a current code. A stolen, unlocked session then is not enough for any of them.

``ReauthenticationForm`` checks both. Pages that only need a recent check (the two-factor
management pages) use ``@recent_reauthentication_required``: a successful check is remembered
in the session for ``settings.REAUTHENTICATION_SECONDS``; signing asks every time.
"""

import logging
import time
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.cache import cache
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from . import two_factor

SESSION_KEY = "reauthenticated_at"
logger = logging.getLogger("portal.security")

# How the person proved who they were, as recorded with a signature.
PASSWORD = "password"  # noqa: S105 - the name of a method, not a password
PASSWORD_AND_APP = "password_and_app"  # noqa: S105
PASSWORD_AND_RECOVERY_CODE = "password_and_recovery_code"  # noqa: S105
METHOD_LABELS = {
    PASSWORD: "Password",
    PASSWORD_AND_APP: "Password and authenticator app code",
    PASSWORD_AND_RECOVERY_CODE: "Password and recovery code",
}


class ReauthenticationForm(forms.Form):
    """The password and, for someone with a second factor, a current code."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="Code from your authenticator app (or a recovery code)",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.method = None
        if not two_factor.has_device(user):
            del self.fields["code"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned  # a field is missing: say so, and use up no code
        if not self.user.check_password(cleaned["password"]):
            self._failed()
            return cleaned
        if "code" not in self.fields:
            self.method = PASSWORD
        else:
            self.method = check_code(self.user, cleaned["code"])
            if self.method is None:
                self._failed()
        return cleaned

    def _failed(self):
        # One message for a wrong password or a wrong code: the form does not tell which. It
        # stands by the password field, where the person starts again.
        self.add_error("password", WRONG if "code" in self.fields else WRONG_PASSWORD)
        self.too_many_failures = count_failure(self.user)

    too_many_failures = False


WRONG_CODE = "That code is not right, or has been used. Wait for the next code from your app and type it."
WRONG = (
    "That password or code is not right. Type the password you log in with and the newest code from your app "
    "(a code works once)."
)
WRONG_PASSWORD = "That password is not right. Type the password you log in with."  # noqa: S105 - a message
# Wrong answers allowed per user in FAILURE_WINDOW before the session is ended: someone holding
# a stolen session cannot go on guessing the password (axes counts log-ins, not this form).
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60


def count_failure(user) -> bool:
    """Count one wrong answer for ``user``; True once they have had too many."""
    key = f"reauth-failures:{user.pk}"
    cache.add(key, 0, timeout=FAILURE_WINDOW)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=FAILURE_WINDOW)
        failures = 1
    return failures >= MAX_FAILURES


def check_code(user, code: str) -> str | None:
    """How ``code`` proved who ``user`` is (app or recovery code), or None if it is not right.

    A code is used up by this check: a recovery code works once, an app code once per step.
    """
    device = match_token(user, "".join(code.split()).lower())
    if device is None:
        return None
    return PASSWORD_AND_RECOVERY_CODE if isinstance(device, StaticDevice) else PASSWORD_AND_APP


def end_session(request):
    """Log out after too many wrong answers, and say why on the log-in page."""
    logger.warning("re-authentication failed too often user=%s; session ended", request.user.pk)
    logout(request)
    messages.error(request, "You were logged out after several wrong passwords or codes. Log in again.")
    return redirect("login")


def remember(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def is_recent(request) -> bool:
    at = request.session.get(SESSION_KEY)
    return isinstance(at, int) and 0 <= time.time() - at <= settings.REAUTHENTICATION_SECONDS


def recent_reauthentication_required(view):
    """Send the person to confirm their password (and code) first, unless they did a moment ago."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_recent(request):
            return redirect(f"{reverse('reauthenticate')}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
