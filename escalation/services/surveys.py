"""The satisfaction survey: a link from the resolution email to a page that records on POST.

The email carries five links, one per score. Opening one only shows the survey page, the
score chosen in advance, with a comment box and a button; pressing the button records.
Mail scanners open every link in a message before the asker does, so no GET may record.

A link carries a token: the random key of the cycle's SurveyInvitation, signed with the
time it was made (TimestampSigner), valid for SURVEY_MAX_AGE. The key is letters only and
says nothing about the ticket. A token is not a login: it lets whoever holds it rate that
one cycle of that one ticket, change that score for SURVEY_CHANGE_DAYS after the first
(a TicketEvent records each change; after that the page says it can no longer change),
and comment once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from escalation.models import SatisfactionRating, SurveyInvitation, Ticket, TicketEvent
from forum.errors import InvalidTransition, NotAllowed
from safety import services as safety_services
from safety.models import SecretRefusal

SALT = "escalation.survey.key"
# Emails sent before the invitations existed carry signing.dumps([ticket_id, cycle]) under
# this salt. They still open the page (which carries a new token, so nothing more leaks),
# and they expire like any link: this can go 30 days after the release that added it.
LEGACY_SALT = "escalation.survey"
SCORES = range(1, 6)


def max_age() -> timedelta:
    return timedelta(days=getattr(settings, "HANDOFF_SURVEY_DAYS", 30))


class InvalidSurveyLink(Exception):
    """A survey link that was tampered with, is expired, or names no ticket."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SurveyLink:
    """What a valid token names, and the token the page's form posts back."""

    ticket: Ticket
    cycle: int
    token: str


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def invitation(*, ticket_id: int, cycle: int) -> SurveyInvitation:
    """The cycle's invitation, made with its first link (emails are rendered at delivery).

    Raises Ticket.DoesNotExist for a ticket that is gone.
    """
    found = SurveyInvitation.objects.filter(ticket_id=ticket_id, cycle=cycle).first()
    if found is None:
        if not Ticket.objects.filter(pk=ticket_id).exists():
            raise Ticket.DoesNotExist(ticket_id)
        # Two deliveries at once: get_or_create reads the row the other one wrote.
        found, _created = SurveyInvitation.objects.get_or_create(ticket_id=ticket_id, cycle=cycle)
    return found


def make_token(*, ticket_id: int, cycle: int) -> str:
    return _signer().sign(invitation(ticket_id=ticket_id, cycle=cycle).key)


def survey_path(*, ticket_id: int, cycle: int, score: int) -> str:
    token = make_token(ticket_id=ticket_id, cycle=cycle)
    return reverse("escalation:survey-rate", args=[token, score])


def _expired() -> InvalidSurveyLink:
    return InvalidSurveyLink(
        _("This survey link has expired. You can still rate the help on your request's page.")
    )


def _not_valid() -> InvalidSurveyLink:
    return InvalidSurveyLink(_("This survey link is not valid."))


def _read_legacy(token: str) -> SurveyLink:
    try:
        ticket_id, cycle = signing.loads(token, salt=LEGACY_SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise _expired() from None
    except (signing.BadSignature, ValueError, TypeError):
        raise _not_valid() from None
    if not isinstance(ticket_id, int) or not isinstance(cycle, int) or cycle < 1:
        raise _not_valid()
    ticket = Ticket.objects.select_related("thread").filter(pk=ticket_id).first()
    if ticket is None:
        raise _not_valid()
    return SurveyLink(
        ticket=ticket, cycle=cycle, token=make_token(ticket_id=ticket.pk, cycle=cycle)
    )


def read_token(token: str, *, accept_legacy: bool = False) -> SurveyLink:
    """The ticket and cycle a token names. Raises InvalidSurveyLink with the reason.

    `accept_legacy` lets a link from an email sent before the opaque tokens open the page;
    the page then carries a new token, and only new tokens record anything.
    """
    try:
        key = _signer().unsign(token, max_age=max_age())
    except signing.SignatureExpired:
        raise _expired() from None
    except signing.BadSignature:
        if accept_legacy:
            return _read_legacy(token)
        raise _not_valid() from None
    found = (
        SurveyInvitation.objects.select_related("ticket__thread").filter(key=key).first()
        if len(key) == SurveyInvitation._meta.get_field("key").max_length
        else None
    )
    if found is None:
        raise _not_valid()
    return SurveyLink(ticket=found.ticket, cycle=found.cycle, token=token)


def current_rating(ticket: Ticket) -> SatisfactionRating | None:
    return SatisfactionRating.objects.filter(ticket=ticket, cycle=ticket.escalation_count).first()


def can_rate(ticket: Ticket) -> bool:
    return ticket.status in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED) and (
        ticket.resolved_at is not None
    )


def rating_for(ticket: Ticket, cycle: int) -> SatisfactionRating | None:
    return SatisfactionRating.objects.filter(ticket=ticket, cycle=cycle).first()


def rating_refusal(ticket: Ticket, cycle: int) -> str | None:
    """Why this cycle of the ticket cannot be rated now; None if it can."""
    if cycle != ticket.escalation_count or not can_rate(ticket):
        return _(
            "This request was reopened after this survey was sent: rate it when it is resolved again."
        )
    return None


def change_until(rating: SatisfactionRating) -> datetime:
    """Until when the asker may change this rating: SURVEY_CHANGE_DAYS after the first."""
    return rating.created_at + timedelta(days=settings.SURVEY_CHANGE_DAYS)


def can_change(rating: SatisfactionRating, *, now=None) -> bool:
    return (now or timezone.now()) < change_until(rating)


def change_closed_message() -> str:
    """What the asker reads once their rating can no longer change."""
    return ngettext(
        "A rating can be changed for %(days)d day after it is given, and this one no "
        "longer can. Thank you for telling us how we did!",
        "A rating can be changed for %(days)d days after it is given, and this one no "
        "longer can. Thank you for telling us how we did!",
        settings.SURVEY_CHANGE_DAYS,
    ) % {"days": settings.SURVEY_CHANGE_DAYS}


class Outcome(StrEnum):
    """What an answer to the survey did."""

    RATED = "rated"  # the first score of the cycle
    CHANGED = "changed"  # a new score within the change window
    KEPT = "kept"  # the same score again, or the comment alone


def rate(*, ticket: Ticket, cycle: int, score, now=None) -> SatisfactionRating:
    """Record the asker's score for one cycle or, within SURVEY_CHANGE_DAYS of the first
    score, change it (a RATING_CHANGED event says from what to what). The same score again
    changes nothing. Raises InvalidTransition with the reason."""
    now = now or timezone.now()
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if score not in SCORES:
        raise InvalidTransition(_("Choose a rating from 1 to 5."))
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if (refusal := rating_refusal(ticket, cycle)) is not None:
            raise InvalidTransition(refusal)
        existing = SatisfactionRating.objects.filter(ticket=ticket, cycle=cycle).first()
        if existing is not None:
            return _change(existing, ticket=ticket, score=score, now=now)
        try:
            with transaction.atomic():
                rating = SatisfactionRating.objects.create(
                    ticket=ticket, cycle=cycle, score=score, created_at=now
                )
        except IntegrityError:
            raise InvalidTransition(_("You have already rated this request. Thank you!")) from None
        _log(ticket, TicketEvent.Kind.RATED, detail=str(score), now=now)
    return rating


def _change(rating: SatisfactionRating, *, ticket: Ticket, score: int, now) -> SatisfactionRating:
    """Caller holds the ticket's row lock, which every rating of it is written under."""
    if score == rating.score:
        return rating
    if not can_change(rating, now=now):
        raise InvalidTransition(change_closed_message())
    before = rating.score
    rating.score, rating.changed_at = score, now
    rating.save(update_fields=["score", "changed_at"])
    _log(ticket, TicketEvent.Kind.RATING_CHANGED, detail=f"{before}→{score}", now=now)
    return rating


def _log(ticket: Ticket, kind: str, *, detail: str, now) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor_id=ticket.requester_id,
        from_status=ticket.status,
        to_status=ticket.status,
        detail=detail,
        created_at=now,
    )


def add_comment(*, rating: SatisfactionRating, comment: str, now=None) -> SatisfactionRating:
    """The optional comment after the click: once. Raises InvalidTransition with the reason
    (SecretRefused for a comment holding a recovery phrase or a private key)."""
    safety_services.refuse_secrets(where=SecretRefusal.Where.SURVEY, texts=[comment], now=now)
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


def rate_or_comment(
    *, ticket: Ticket, cycle: int, score: int | None, comment: str = "", now=None
) -> tuple[SatisfactionRating, Outcome]:
    """Rate one cycle (with an optional comment), change its score for a while, or add the
    comment alone once it is rated.

    The survey page and the request's page both send this. Raises InvalidTransition (or
    SecretRefused) with the reason, and then records nothing, the score included.
    """
    # Before the transaction, so that a refused secret is counted.
    safety_services.refuse_secrets(where=SecretRefusal.Where.SURVEY, texts=[comment], now=now)
    with transaction.atomic():
        rating = rating_for(ticket, cycle)
        before = rating.score if rating else None
        if score is not None:
            rating = rate(ticket=ticket, cycle=cycle, score=score, now=now)
        elif rating is None:
            raise InvalidTransition(_("Choose a rating from 1 to 5."))
        if before is None:
            outcome = Outcome.RATED
        else:
            outcome = Outcome.KEPT if rating.score == before else Outcome.CHANGED
        if comment or score is None:
            rating = add_comment(rating=rating, comment=comment, now=now)
    return rating, outcome


def rate_as_asker(*, actor, ticket: Ticket, score: int | None, comment: str = "", now=None):
    """Rate this cycle's help (with an optional comment), change the score for a while, or,
    once rated, add the comment. Returns (rating, Outcome).

    The page's form sends both; the survey link rates without signing in (rate_or_comment).
    Raises NotAllowed or InvalidTransition with the reason, and then records nothing.
    """
    if actor.pk != ticket.requester_id:
        raise NotAllowed(_("Only the person who asked can rate this request."))
    if current_rating(ticket) is None and not can_rate(ticket):
        raise InvalidTransition(_("You can rate the help once your request is resolved."))
    return rate_or_comment(
        ticket=ticket, cycle=ticket.escalation_count, score=score, comment=comment, now=now
    )
