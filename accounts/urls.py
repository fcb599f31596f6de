"""Accounts' addresses: logging in, the password, two-factor authentication and re-authentication.

The names are not namespaced (``login``, ``two_factor_verify``): Django's auth views and
``accounts/middleware.py`` use them as they are. The portal's own login, password reset and
password change come before ``django.contrib.auth.urls``, which supplies the rest (logout,
the reset's later steps).
"""

from django.urls import include, path

from .views import auth, two_factor

urlpatterns = [
    path("login/", auth.PortalLoginView.as_view(), name="login"),
    path("password_reset/", auth.PortalPasswordResetView.as_view(), name="password_reset"),
    path("password_change/", auth.PortalPasswordChangeView.as_view(), name="password_change"),
    path("two-factor/", two_factor.manage, name="two_factor_manage"),
    path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", two_factor.recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/off/", two_factor.turn_off, name="two_factor_off"),
    path("confirm/", two_factor.reauthenticate, name="reauthenticate"),
    path("", include("django.contrib.auth.urls")),
]
