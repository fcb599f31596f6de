from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # Each app declares its reminder kinds in its own ``reminders`` module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reminders")
