"""Asking a signed-in person again who they are, before an act that must be theirs.

Signing an agreement, making new recovery codes, turning two-factor authentication off and
changing the password each ask again for the password and, where the person has a second
factor, a current code. A stolen, unlocked session then is not enough for any of them.

``ReauthenticationForm`` checks both. Pages that only need a recent check (the two-factor
management pages) use ``@recent_reauthentication_required``: a successful check is remembered
in the session for ``settings.REAUTHENTICATION_SECONDS``; signing asks every time.
"""

import time
from functools import wraps

from django import forms
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from . import two_factor

SESSION_KEY = "reauthenticated_at"

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
        password = cleaned.get("password")
        if password is not None and not self.user.check_password(password):
            self.add_error("password", "That password is not right. Type the password you log in with.")
            return cleaned
        if "code" not in self.fields:
            self.method = PASSWORD
            return cleaned
        code = "".join((cleaned.get("code") or "").split()).lower()
        if not code or password is None:
            return cleaned
        device = match_token(self.user, code)
        if device is None:
            self.add_error(
                "code", "That code is not right, or has been used. Wait for the next code from your app and type it."
            )
            return cleaned
        self.method = PASSWORD_AND_RECOVERY_CODE if isinstance(device, StaticDevice) else PASSWORD_AND_APP
        return cleaned


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
