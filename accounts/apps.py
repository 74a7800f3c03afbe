from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Members and roles")

    def ready(self):
        from django.apps import apps

        from accounts import audit, powers, roles

        # allauth's apps call themselves "Accounts" and "MFA" in the admin: beside ours,
        # two sections named alike. Named here for what they hold.
        apps.get_app_config("account").verbose_name = _("Sign-in email addresses")
        apps.get_app_config("mfa").verbose_name = _("Two-factor authentication")

        post_migrate.connect(ensure_site_and_roles, sender=self)
        audit.connect()
        roles.connect()
        powers.connect()


def ensure_site_and_roles(*, using="default", **kwargs):
    """Make the role groups and the Site record exist after every migrate.

    The data migration creates the groups once; this also restores them after a test
    flushes the database, and names the site (used in account emails) after SITE_NAME.
    """
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.contrib.sites.models import Site

    from accounts import roles

    for name in roles.ALL_GROUPS:
        Group.objects.using(using).get_or_create(name=name)
    site, _created = Site.objects.using(using).get_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.SITE_DOMAIN, "name": settings.SITE_NAME}
    )
    if site.name != settings.SITE_NAME or site.domain == "example.com":
        site.name = settings.SITE_NAME
        site.domain = settings.SITE_DOMAIN if site.domain == "example.com" else site.domain
        site.save(using=using)
