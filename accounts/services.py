"""Accounts' writes: confirming a new authenticator, replacing recovery codes, turning two-factor off.

Each runs in a transaction and emails the account holder (``two_factor.tell_user``) once it
commits. Questions about a person's second factor stay in ``accounts/two_factor.py``.
"""

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor


@transaction.atomic
def confirm(request, device, token: str) -> list[str] | None:
    """Confirm a new authenticator with its first code; return fresh recovery codes, or None."""
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    codes = _replace_recovery_codes(device.user)
    two_factor.mark_verified(request, device)
    two_factor.tell_user(device.user, "a new authenticator app was set up")
    return codes


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes at their request, and tell them by email."""
    codes = _replace_recovery_codes(user)
    two_factor.tell_user(user, "new recovery codes were made")
    return codes


def _replace_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ``two_factor.RECOVERY_CODES`` new ones (each works once)."""
    static, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    static.token_set.all().delete()
    codes = [
        f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}"
        for _ in range(two_factor.RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


@transaction.atomic
def turn_off(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    two_factor.tell_user(user, "two-factor authentication was turned off")
