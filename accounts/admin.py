from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "display_name", "reputation", "is_staff", "date_joined"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ["display_name", "bio", "timezone", "language", "reputation"]}),
    ]
