from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = _("Escalation")

    def ready(self) -> None:
        from escalation import receivers  # noqa: F401  (forum events)
        from escalation.selectors import panels
        from escalation.services import replies
        from forum import extensions

        extensions.register_thread_panel(panels.thread_panel)
        extensions.register_post_hook(replies.on_post_created)
