from django.apps import AppConfig


class HandoffConfig(AppConfig):
    """The shared infrastructure in config/, as an app so that its checks and lookups load."""

    name = "config"
    label = "handoff"
    verbose_name = "Handoff"

    def ready(self):
        from config import caching, lookups, staticfiles  # noqa: F401  (staticfiles: its check)

        lookups.register()
        caching.deploy_version()  # once at start, not on the first request
