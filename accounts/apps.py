from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import two_factor

        # Whether the person has a second factor is asked once, at log-in, not on every page.
        user_logged_in.connect(two_factor.remember_device_at_login, dispatch_uid="two_factor_device")


# django-otp's apps, with names people understand in the Administration area (its defaults
# show as "OTP_STATIC" and "OTP_TOTP"). Same labels, so nothing in the database changes.
class RecoveryCodesConfig(AppConfig):
    name = "django_otp.plugins.otp_static"
    label = "otp_static"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = "Two-factor: recovery codes"


class AuthenticatorAppsConfig(AppConfig):
    name = "django_otp.plugins.otp_totp"
    label = "otp_totp"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = "Two-factor: authenticator apps"
