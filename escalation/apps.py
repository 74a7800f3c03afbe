from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Escalation")

    def ready(self) -> None:
        from escalation import panels, receivers, workflow  # noqa: F401  (receivers: forum events)
        from forum import extensions

        extensions.register_thread_panel(panels.thread_panel)
        extensions.register_post_hook(workflow.on_post_created)
