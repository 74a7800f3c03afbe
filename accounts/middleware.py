import zoneinfo

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import LANGUAGE_CODES

TIMEZONE_COOKIE = "handoff_tz"
_KNOWN_TIMEZONES = frozenset(zoneinfo.available_timezones())


class UserLocaleMiddleware:
    """Show times in the viewer's time zone and pages in their chosen language.

    Signed-in users get what their settings say; visitors get the time zone their
    browser reported in a cookie (static/js/site.js) and the language LocaleMiddleware
    negotiated.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        tz_name = user.timezone if user.is_authenticated else request.COOKIES.get(TIMEZONE_COOKIE)
        if tz_name in _KNOWN_TIMEZONES:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        else:
            timezone.deactivate()
        if user.is_authenticated and user.language in LANGUAGE_CODES:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class StaffMfaMiddleware:
    """Agents and admins must have two-factor authentication before any staff page.

    One place for the rule, so no staff view can forget it.
    """

    STAFF_PREFIXES = ("/staff/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(self.STAFF_PREFIXES)
            and user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not _has_mfa(user)
        ):
            messages.warning(
                request,
                _("Staff accounts must use two-factor authentication. Set it up to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_mfa(user) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return is_mfa_enabled(user)


class AuditActorMiddleware:
    """Credit the role changes made while serving a request to its signed-in user.

    Sets a context variable (accounts.audit); the user is looked up only if a role
    actually changes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.request_scope(request):
            return self.get_response(request)
