"""What an email says and where its links point: a notification's email rendered in its
recipient's language and time zone, its subject line, absolute links."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications import messages, subjects

_UNREAD = object()  # where the question stands: not looked up yet


def absolute_url(path: str) -> str:
    """A link for an email, which leaves the request: the public domain and scheme from settings."""
    scheme = "https" if settings.HTTPS else "http"
    return f"{scheme}://{settings.SITE_DOMAIN}{path}"


def subject_line(subject: str) -> str:
    """An email's subject on one line, no longer than a header line may be."""
    return subject.replace("\n", " ").strip()[:998]


def render_email(
    *, recipient: AbstractBaseUser, kind: str, url: str, params: dict, question_state=_UNREAD
) -> dict:
    """Subject, text and HTML in the recipient's language, with times in their zone.

    With where the question stands as it is sent (notifications.subjects), read here
    unless the caller, rendering one email for many people, read it once for all.
    """
    if question_state is _UNREAD:
        question_state = subjects.state_for(params)
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(time_zone(recipient.timezone)):
        context = {
            "recipient": recipient,
            "question_state": question_state,
            "headline": messages.headline(kind, params),
            "params": messages.display_params(params),
            "url": absolute_url(url),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
            "site_name": settings.SITE_NAME,
            "language": language,
        }
        return {
            "subject": f"[{settings.SITE_NAME}] {messages.subject(kind, params)}",
            "text": render_to_string(f"notifications/email/{kind}.txt", context),
            "html": render_to_string(f"notifications/email/{kind}.html", context),
        }


def time_zone(name: str) -> zoneinfo.ZoneInfo:
    """The time zone of that name; UTC for a name we do not know."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
