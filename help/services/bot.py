"""The first-line answer bot's writes: its automatic reply to a new question, and the
asker's answer to it ("This answered my question" or "I still need help").

What the reply offers is chosen by help.receivers (with help.selectors.closest_answers)
right after a question is posted; this module only keeps it. The reply is not a post
(help.models.BotReply): nothing here touches the thread's counts or clocks, so
escalation runs as if the bot had not spoken. "This answered my question" solves the
thread through the forum's own service (forum.services.answers.mark_solved_by_asker) and
counts a deflection; "I still need help" counts the opposite and changes nothing else:
the community and, when the asker's policy allows, the support team take it from there.
"""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.services import answers as forum_answers
from help.errors import NotAllowed
from help.models import BotReply, DeflectionDay
from help.services import deflections

# The bot's own account: it signs its replies. The site's name makes it one no member can
# take (BRAND_NAMES in settings); it cannot sign in (inactive, no usable password).
BOT_USERNAME = "handoff-assistant"


def bot_account():
    """The system account the bot writes as, made on first use."""
    User = get_user_model()
    try:
        return User.objects.get(username=BOT_USERNAME)
    except User.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            account = User(username=BOT_USERNAME, display_name="Handoff assistant", is_active=False)
            account.set_unusable_password()
            account.save()
            return account
    except IntegrityError:  # made by another process at the same moment
        return User.objects.get(username=BOT_USERNAME)


def write_reply(*, thread, suggestions: list[dict], language: str, now=None) -> BotReply | None:
    """Keep the bot's reply to `thread` (at most one a thread: a second call keeps the
    first). `suggestions` is what it offers, best first, each {"kind", "id", "title",
    "excerpt", "url"}; none, no reply. Counts the offer for the deflection figures."""
    if not suggestions:
        return None
    now = now or timezone.now()
    try:
        with transaction.atomic():
            reply = BotReply.objects.create(
                thread=thread,
                author=bot_account(),
                language=language,
                suggestions=suggestions,
                created_at=now,
            )
    except IntegrityError:  # the thread has its reply already
        return BotReply.objects.get(thread=thread)
    deflections.record_offer(source=DeflectionDay.Source.BOT, now=now)
    return reply


def _answerable(actor, reply: BotReply) -> BotReply:
    """The reply, locked, if `actor` asked the question and has not answered it yet."""
    reply = BotReply.objects.select_for_update().select_related("thread").get(pk=reply.pk)
    if not actor.is_authenticated or actor.pk != reply.thread.author_id:
        raise NotAllowed(_("Only the person who asked can answer the automatic reply."))
    if reply.outcome:
        raise NotAllowed(_("You have answered the automatic reply already."))
    return reply


def mark_answered(*, actor, reply: BotReply, kind: str, pk: int, now=None) -> BotReply:
    """The asker says the suggestion (`kind`, `pk`) answered the question: the thread is
    solved (without an accepted answer) and a deflection is counted."""
    now = now or timezone.now()
    offered = {(item["kind"], item["id"]) for item in reply.suggestions}
    if (kind, pk) not in offered:
        raise NotAllowed(_("That is not one of the automatic reply's suggestions."))
    with transaction.atomic():
        reply = _answerable(actor, reply)
        forum_answers.mark_solved_by_asker(actor=actor, thread=reply.thread, now=now)
        reply.outcome, reply.outcome_at = BotReply.Outcome.ANSWERED, now
        reply.answered_by_kind, reply.answered_by_id = kind, pk
        reply.save(update_fields=["outcome", "outcome_at", "answered_by_kind", "answered_by_id"])
        deflections.record_deflection(actor=actor, source=DeflectionDay.Source.BOT, now=now)
    return reply


def mark_needs_help(*, actor, reply: BotReply, now=None) -> BotReply:
    """The asker still needs help: counted, and nothing else changes (the question's
    clocks never stopped for the bot)."""
    now = now or timezone.now()
    with transaction.atomic():
        reply = _answerable(actor, reply)
        reply.outcome, reply.outcome_at = BotReply.Outcome.NEEDS_HELP, now
        reply.save(update_fields=["outcome", "outcome_at"])
        deflections.record_asked_anyway(source=DeflectionDay.Source.BOT, now=now)
    return reply
