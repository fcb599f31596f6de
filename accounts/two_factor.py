"""Two-factor authentication with django-otp: an authenticator app (TOTP) and recovery codes.

Administrators, police liaison officers and senior sponsors must use it (``TWO_FACTOR_REQUIRED_ROLES``);
anyone else may turn it on. After the password, a person with a confirmed device is asked
for a code (or a recovery code) before any other page; a person who must use it and has no
device yet is taken to set one up.

This module answers questions (has a device, is verified) and marks a session verified; the
changes to a person's devices and recovery codes are in ``accounts/services.py``.
"""

import base64
import logging

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10

logger = logging.getLogger("portal.security")


def is_required(user) -> bool:
    return user.is_superuser or user.role in settings.TWO_FACTOR_REQUIRED_ROLES


def has_device(user) -> bool:
    return user_has_device(user, confirmed=True)


# Session keys: django-otp's id of the device that verified this session, and whether the
# user had a confirmed device when the session began (asked once per session, not per page).
VERIFIED_KEY = DEVICE_ID_SESSION_KEY
HAS_DEVICE_KEY = "two_factor_has_device"


def is_verified(request) -> bool:
    # Session data lives on the server: only ``otp_login`` after a correct code sets this key.
    return bool(request.session.get(VERIFIED_KEY))


def remember_device_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_KEY] = has_device(user)


def needs_verification(request) -> bool:
    """Signed in with a password but not (yet) with a second factor that they have or need."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return False
    if is_required(user):
        return True
    if HAS_DEVICE_KEY not in request.session:
        request.session[HAS_DEVICE_KEY] = has_device(user)
    return request.session[HAS_DEVICE_KEY]


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a new secret each time set-up starts over)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def qr_svg(device) -> str:
    """The otpauth:// address as an inline SVG QR code (no image request, nothing inline to run)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1b1b1b", light="#ffffff")


def secret_text(device) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def verify(request, token: str) -> bool:
    """Check a code from the app or a recovery code; on success the session is verified."""
    token = "".join(token.split()).lower()
    device = match_token(request.user, token)
    if device is None:
        return False
    mark_verified(request, device)
    return True


def mark_verified(request, device) -> None:
    """Mark the session as past the code step, under a new session key: a session id planted
    before the code was given (session fixation) is not the one that is now fully signed in."""
    otp_login(request, device)
    request.session.cycle_key()


def has_recovery_codes_device(user) -> bool:
    """Whether recovery codes were ever made (a warning about running out means nothing otherwise)."""
    return StaticDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def tell_user(user, change: str) -> None:
    """Email the account holder that their sign-in protection changed, once the change is saved.

    A failure to send is logged, not raised: the change itself has happened either way.
    """
    from core import mail

    def send():
        try:
            mail.send("security_change", [user.email], {"recipient": user, "change": change, "when": timezone.now()})
        except Exception:
            logger.exception("could not email user=%s about: %s", user.pk, change)

    transaction.on_commit(send)
