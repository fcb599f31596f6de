from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import two_factor

        # Whether the person has a second factor is asked once, at log-in, not on every page.
        user_logged_in.connect(two_factor.remember_device_at_login, dispatch_uid="two_factor_device")
