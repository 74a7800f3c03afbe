from django.apps import AppConfig


class HandoffConfig(AppConfig):
    """The shared infrastructure in config/, as an app only so that its system checks load."""

    name = "config"
    label = "handoff"
    verbose_name = "Handoff"

    def ready(self):
        from config import staticfiles  # noqa: F401  (registers its system check)
