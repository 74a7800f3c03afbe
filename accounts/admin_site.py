"""The admin site: staff status and a second factor verified in this session (accounts.powers).

The stock admin login form checks only a password: it would let staff skip email
verification and two-factor. Everyone signs in through allauth's pages instead.
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin

from accounts import powers


class HandoffAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and powers.is_second_factor_verified(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_active and user.is_staff and not powers.is_second_factor_verified(user):
            return powers.second_factor_redirect(request)
        return secure_admin_login(super().login)(request, extra_context)
