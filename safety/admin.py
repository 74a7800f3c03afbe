from django.contrib import admin

from config.adminlists import BoundedDateHierarchy
from safety.models import BlockedDomain, OfficialDomain, SecretRefusal


@admin.register(SecretRefusal)
class SecretRefusalAdmin(BoundedDateHierarchy, admin.ModelAdmin):
    """Counts only, written by the secret guard: nothing to add or edit by hand."""

    list_display = ["day", "kind", "where", "count"]
    list_filter = ["kind", "where"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _DomainRuleAdmin(admin.ModelAdmin):
    """Takes effect on the next post: safety/hosts.py forgets its cached lists on save."""

    search_fields = ["domain"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(BlockedDomain)
class BlockedDomainAdmin(_DomainRuleAdmin):
    list_display = ["domain", "reason", "created_at", "created_by"]
    fields = ["domain", "reason", "created_at", "created_by"]


@admin.register(OfficialDomain)
class OfficialDomainAdmin(_DomainRuleAdmin):
    list_display = ["domain", "note", "created_at", "created_by"]
    fields = ["domain", "note", "created_at", "created_by"]
