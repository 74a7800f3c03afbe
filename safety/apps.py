from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "safety"
    verbose_name = _("Safety")

    def ready(self) -> None:
        from safety.models import BlockedDomain, OfficialDomain
        from safety.selectors import forget_domain_rules

        for model in (BlockedDomain, OfficialDomain):
            post_save.connect(forget_domain_rules, sender=model, dispatch_uid=f"rules-{model}")
            post_delete.connect(forget_domain_rules, sender=model, dispatch_uid=f"rules-{model}")
