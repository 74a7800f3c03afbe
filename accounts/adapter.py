import zoneinfo

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language

from accounts import standing, timezones
from accounts.models import LANGUAGE_CODES
from config.ratelimit import RateLimited, allauth_retry_after, client_ip
from notifications.services.outbox import queue_email
from safety import names

# allauth's words for a used-up limit that it reports as a form error: failed sign-ins
# (login_failed, per address and per login) and wrong two-factor codes.
_LIMIT_ERRORS = {"too_many_login_attempts", "rate_limited"}


def _zone_of(user):
    return zoneinfo.ZoneInfo(user.timezone if timezones.is_known(user.timezone) else "UTC")


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """The address allauth's per-address limits count: the project's one rule."""
        return client_ip(request)

    def validation_error(self, code, *args):
        """allauth's form errors, except that a used-up limit is a 429 like every other.

        allauth raises `validation_error("too_many_login_attempts")` when failed sign-ins
        or wrong two-factor codes pass their limit (ACCOUNT_RATE_LIMITS["login_failed"]),
        which would answer 200 with the form. Raising RateLimited here instead makes
        RateLimitMiddleware answer with the 429 page (or htmx message) and Retry-After.
        """
        if code in _LIMIT_ERRORS:
            raise RateLimited(
                retry_after=allauth_retry_after("login_failed") or 60,
                message=str(self.error_messages[code]),
            )
        return super().validation_error(code, *args)

    def clean_username(self, username, shallow=False):
        """allauth's checks, then refuse names kept for staff.

        A new account is never staff, so a reserved name is refused whoever signs up: an
        admin gives staff their names in the admin. Users cannot rename themselves.
        """
        username = super().clean_username(username, shallow=shallow)
        names.validate_name(username, user=None)
        return username

    def save_user(self, request, user, form, commit=True):
        """allauth's new user, in the time zone the browser reported at sign-up, if any."""
        user = super().save_user(request, user, form, commit=False)
        zone = getattr(form, "cleaned_data", {}).get("timezone", "")
        if zone:
            user.timezone = zone
        if commit:
            user.save()
        return user

    def pre_login(self, request, user, **kwargs):
        """allauth's checks, then refuse a suspended account, saying why and until when in
        the member's own language and time zone (accounts.standing)."""
        response = super().pre_login(request, user, **kwargs)
        if response is not None or not standing.is_suspended(user):
            return response
        from allauth.account.internal.stagekit import clear_login

        clear_login(request)
        language = user.language if user.language in LANGUAGE_CODES else get_language()
        with translation.override(language), timezone.override(_zone_of(user)):
            message = standing.refusal_for(user)
            return render(
                request,
                "accounts/suspended.html",
                {"message": message, "language": language},
                status=403,
            )

    def send_mail(self, template_prefix, email, context):
        """Put account mail (verification, password reset) in the outbox.

        The outbox row commits with the request and a worker delivers it, so a slow
        mail server or a broker outage never fails a sign-up; it delays the mail.
        """
        # The same context allauth's own send_mail gives its templates: without it the
        # mails read "Hello from !" and "account already exists" omits the address.
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        if not html:
            # Every mail of ours is HTML and text. An account email with no HTML template
            # of its own (templates/account/email/) shows its text in our frame.
            html = render_to_string(
                "account/email/base_message.html", {**context, "text_body": message.body}
            )
        queue_email(to=list(message.to), subject=message.subject, text=message.body, html=html)
