"""Demo authenticators for the demo users whose role needs two-factor authentication.

The keys are derived from the username, so they are the same on every machine: they are
public and only for the fictional demo data. ``manage.py demo_code USERNAME`` prints the code
an app with that key would show now.
"""

import hashlib

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def demo_key(username: str) -> str:
    return hashlib.sha256(f"partnership-portal-demo:{username}".encode()).hexdigest()[:40]


def seed_devices(users) -> int:
    """Give each user who needs a second factor a confirmed demo authenticator, once."""
    made = 0
    for user in users:
        if two_factor.is_required(user) and not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name="Demo authenticator", key=demo_key(user.username), confirmed=True)
            made += 1
    return made


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True, name="Demo authenticator")
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():0{device.digits}d}"
