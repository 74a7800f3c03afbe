from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from accounts import names
from notifications.services import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        """allauth's checks, then refuse names kept for staff.

        A new account is never staff, so a reserved name is refused whoever signs up: an
        admin gives staff their names in the admin. Users cannot rename themselves.
        """
        username = super().clean_username(username, shallow=shallow)
        names.validate_name(username, user=None)
        return username

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
        queue_email(to=list(message.to), subject=message.subject, text=message.body, html=html)
