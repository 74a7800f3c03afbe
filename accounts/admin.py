from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# The stock admin login form checks only a password: it would let staff skip email
# verification and two-factor authentication. Send everyone through allauth's sign-in.
admin.site.login = secure_admin_login(admin.site.login)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "display_name", "reputation", "is_staff", "date_joined"]
    search_fields = ["username", "email", "display_name"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Profile"), {"fields": ["display_name", "bio", "timezone", "language", "reputation"]}),
    ]
