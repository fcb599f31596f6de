from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Fictional demo data and its commands (seed_demo, demo_code): the top layer, above the site."""

    name = "demo"
    verbose_name = "Demo data"
