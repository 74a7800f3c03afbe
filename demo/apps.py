from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo content for `make run` and screenshots. Depends on every other app; none depends on it."""

    name = "demo"
    verbose_name = "Demo data"
