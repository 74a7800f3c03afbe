"""The admin site: staff status and a second factor verified in this session (accounts.powers).

The stock admin login form checks only a password: it would let staff skip email
verification and two-factor. Everyone signs in through allauth's pages instead.
"""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext as _

from accounts import powers


class HandoffAdminSite(admin.AdminSite):
    # The site's name, not Django's, in the header and the browser tab.
    @property
    def site_header(self):
        return _("%(site_name)s administration") % {"site_name": settings.SITE_NAME}

    @property
    def site_title(self):
        return _("%(site_name)s admin") % {"site_name": settings.SITE_NAME}

    @property
    def index_title(self):
        return _("Configure the forum and the support team")

    site_url = "/"

    def has_permission(self, request):
        return super().has_permission(request) and powers.is_second_factor_verified(request.user)

    def login(self, request, extra_context=None):
        user = request.user
        if user.is_active and user.is_staff and not powers.is_second_factor_verified(user):
            return powers.second_factor_redirect(request)
        return secure_admin_login(super().login)(request, extra_context)
