from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self) -> None:
        from forum.access import notifications_out_of_sight
        from forum.hosts import forget_domain_rules
        from forum.models import BlockedDomain, OfficialDomain
        from forum.states import states_of_threads
        from notifications import subjects, visibility

        visibility.register(notifications_out_of_sight)
        subjects.register(states_of_threads)

        for model in (BlockedDomain, OfficialDomain):
            post_save.connect(forget_domain_rules, sender=model, dispatch_uid=f"rules-{model}")
            post_delete.connect(forget_domain_rules, sender=model, dispatch_uid=f"rules-{model}")
