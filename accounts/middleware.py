import zoneinfo

from django.contrib.auth.middleware import get_user
from django.utils import timezone, translation

from accounts import audit, powers, timezones
from accounts.models import LANGUAGE_CODES

TIMEZONE_COOKIE = timezones.COOKIE


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
        if timezones.is_known(tz_name):
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        else:
            timezone.deactivate()
        if user.is_authenticated and user.language in LANGUAGE_CODES:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class SecondFactorMiddleware:
    """Mark request.user with whether this session verified a second factor, and put the
    user itself in place of AuthenticationMiddleware's lazy stand-in.

    accounts.powers reads the mark: every staff power needs it. Every page reads its user
    (UserLocaleMiddleware, next, asks for its language and time zone), so nothing is saved
    by waiting; and each attribute read through the stand-in costs a few microseconds,
    some seventy of them on a member's thread page. A request without a session cookie
    looks nothing up (AnonymousUser).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user = _user_with_mark(request)
        return self.get_response(request)


def _user_with_mark(request):
    user = get_user(request)  # AuthenticationMiddleware's, cached on the request
    if user.is_authenticated:
        powers.mark_verified(user, powers.session_verified_second_factor(request, user))
    return user


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
