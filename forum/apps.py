from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self) -> None:
        from accounts import profiles
        from forum.access import notifications_out_of_sight
        from forum.selectors import states_of_threads
        from forum.views.moderation import profile_panel
        from notifications import subjects, visibility

        visibility.register(notifications_out_of_sight)
        subjects.register(states_of_threads)
        profiles.register(profile_panel)
