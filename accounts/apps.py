from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in

        from . import tallies, two_factor  # noqa: F401 (tallies: registers the counters core.tally.ensure keeps)

        # Whether the person has a second factor is asked once, at log-in, not on every page.
        user_logged_in.connect(two_factor.remember_device_at_login, dispatch_uid="two_factor_device")
        # django-otp's apps show as "OTP_STATIC" and "OTP_TOTP" in the Administration area: name
        # them in words (only the names change; the labels and tables stay django-otp's).
        apps.get_app_config("otp_static").verbose_name = "Two-factor: recovery codes"
        apps.get_app_config("otp_totp").verbose_name = "Two-factor: authenticator apps"
