from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import RoleChange, User
from config.adminlists import BoundedDateHierarchy


class ReadOnlyAdminMixin:
    """The audit log is written by accounts.audit only: nobody adds, edits or deletes it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RoleChange
    fk_name = "user"
    fields = ["changed_at", "role_label", "action", "actor_name"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = _("role changes (audit log)")

    @admin.display(description=_("role"))
    def role_label(self, change):
        return change.role_label


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "display_name", "reputation", "is_staff", "date_joined"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ["display_name", "bio", "timezone", "language", "reputation"]}),
    ]
    inlines = [RoleChangeInline]


@admin.register(RoleChange)
class RoleChangeAdmin(BoundedDateHierarchy, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["changed_at", "username", "role_label", "action", "actor_name"]
    list_filter = ["action", "role"]
    search_fields = ["username", "actor_name", "role"]
    date_hierarchy = "changed_at"
    fields = ["changed_at", "user", "username", "role_label", "action", "actor", "actor_name"]
    readonly_fields = fields

    @admin.display(description=_("role"), ordering="role")
    def role_label(self, change):
        return change.role_label
