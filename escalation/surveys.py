"""The satisfaction survey: a one-click rating from the resolution email, then a comment.

The email carries five links, one per score, each a signed token naming the ticket and
its escalation cycle, valid for SURVEY_MAX_AGE. A token is not a login: it lets whoever
holds it rate that one cycle of that one ticket, once. The first click records the score;
any later click (another score, or the same link again) is told it was already rated.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from escalation.models import SatisfactionRating, Ticket, TicketEvent
from forum import services as forum_services
from forum.errors import InvalidTransition
from forum.models import SecretRefusal

SALT = "escalation.survey"
SCORES = range(1, 6)


def max_age() -> timedelta:
    return timedelta(days=getattr(settings, "HANDOFF_SURVEY_DAYS", 30))


class InvalidSurveyLink(Exception):
    """A survey link that was tampered with, is expired, or names no ticket."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def make_token(*, ticket_id: int, cycle: int) -> str:
    return signing.dumps([ticket_id, cycle], salt=SALT)


def survey_path(*, ticket_id: int, cycle: int, score: int) -> str:
    token = make_token(ticket_id=ticket_id, cycle=cycle)
    return reverse("escalation:survey-rate", args=[token, score])


def read_token(token: str) -> tuple[Ticket, int]:
    """The ticket and cycle a token names. Raises InvalidSurveyLink with the reason."""
    try:
        ticket_id, cycle = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise InvalidSurveyLink(
            _("This survey link has expired. You can still rate the help on your request's page.")
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidSurveyLink(_("This survey link is not valid.")) from None
    if not isinstance(ticket_id, int) or not isinstance(cycle, int):
        raise InvalidSurveyLink(_("This survey link is not valid."))
    ticket = Ticket.objects.select_related("thread").filter(pk=ticket_id).first()
    if ticket is None:
        raise InvalidSurveyLink(_("This survey link is not valid."))
    return ticket, cycle


def current_rating(ticket: Ticket) -> SatisfactionRating | None:
    return SatisfactionRating.objects.filter(ticket=ticket, cycle=ticket.escalation_count).first()


def can_rate(ticket: Ticket) -> bool:
    return ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) and (
        ticket.resolved_at is not None
    )


def rate(*, ticket: Ticket, cycle: int, score, now=None) -> SatisfactionRating:
    """Record the asker's score for one cycle. Raises InvalidTransition with the reason."""
    now = now or timezone.now()
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if score not in SCORES:
        raise InvalidTransition(_("Choose a rating from 1 to 5."))
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if SatisfactionRating.objects.filter(ticket=ticket, cycle=cycle).exists():
            raise InvalidTransition(_("You have already rated this request. Thank you!"))
        if cycle != ticket.escalation_count or not can_rate(ticket):
            raise InvalidTransition(
                _(
                    "This request was reopened after this survey was sent: rate it when it is resolved again."
                )
            )
        try:
            with transaction.atomic():
                rating = SatisfactionRating.objects.create(
                    ticket=ticket, cycle=cycle, score=score, created_at=now
                )
        except IntegrityError:
            raise InvalidTransition(_("You have already rated this request. Thank you!")) from None
        TicketEvent.objects.create(
            ticket=ticket,
            kind=TicketEvent.Kind.RATED,
            actor_id=ticket.requester_id,
            from_status=ticket.status,
            to_status=ticket.status,
            detail=str(score),
            created_at=now,
        )
    return rating


def add_comment(*, rating: SatisfactionRating, comment: str, now=None) -> SatisfactionRating:
    """The optional comment after the click: once. Raises InvalidTransition with the reason
    (SecretRefused for a comment holding a recovery phrase or a private key)."""
    forum_services.refuse_secrets(where=SecretRefusal.Where.SURVEY, texts=[comment], now=now)
    now = now or timezone.now()
    comment = (comment or "").strip()
    if not comment:
        raise InvalidTransition(_("Write a comment, or just close this page."))
    if len(comment) > 2000:
        raise InvalidTransition(_("Keep the comment under 2,000 characters."))
    with transaction.atomic():
        rating = SatisfactionRating.objects.select_for_update().get(pk=rating.pk)
        if rating.commented_at is not None:
            raise InvalidTransition(_("You have already left a comment. Thank you!"))
        rating.comment, rating.commented_at = comment, now
        rating.save(update_fields=["comment", "commented_at"])
    return rating
