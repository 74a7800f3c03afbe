from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    name = "help"
    label = "help"
    verbose_name = _("Help")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from forum import extensions
        from help import panels, receivers  # noqa: F401 (connects the bot to new questions)

        extensions.register_thread_footer(panels.thread_footer)
        extensions.register_page_read(panels.FOOTER_READ)
        extensions.register_question_followup(panels.bot_reply)
        extensions.register_ask_suggestions(panels.ask_suggestions)
        extensions.register_search_section(panels.search_section)
