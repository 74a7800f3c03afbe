from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin on our site class (accounts.admin_site): it needs staff powers."""

    default_site = "accounts.admin_site.HandoffAdminSite"
