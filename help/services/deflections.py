"""Deflection: a member who, while asking, opens a suggested article or solved thread and
then does not ask. Counts only: no text, no thread or article is recorded.

How it is counted, so that every step is a database fact a test can set up:
1. A suggestion on the ask page links through `help:open` (views.open_suggestion), the
   marker: it calls `record_suggestion_open`, which writes the member's PendingDeflection
   row (one a member: opening three suggestions in one go is one question not asked) and
   counts `opened` for the day, then redirects to the article or thread.
2. Beat's fold (`fold_deflections`, every minute) takes each pending row whose last open is
   DEFLECTION_WINDOW_MINUTES old: if the member asked a question since the first open
   (forum.selectors.has_asked_since: submitting the ask form is what cancels a pending
   deflection, read from the threads, so no hook in the ask path can be missed), the day
   counts `asked_anyway`, else `deflected`. The row is taken by a conditional delete, so
   two folds at once count it once. A lost beat only delays the count.
The first-line bot's "This answered my question" counts at once (`record_deflection`).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from forum import selectors as forum_selectors
from help.models import DeflectionDay, PendingDeflection


def _day(at):
    return timezone.localdate(at, timezone=_zone())


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(getattr(settings, "ANALYTICS_TIME_ZONE", settings.TIME_ZONE))


def _count(*, day, source: str, **counts) -> None:
    updates = {name: F(name) + value for name, value in counts.items()}
    if DeflectionDay.objects.filter(day=day, source=source).update(**updates):
        return
    try:
        with transaction.atomic():
            DeflectionDay.objects.create(day=day, source=source, **counts)
    except IntegrityError:  # another request made the day's row first
        DeflectionDay.objects.filter(day=day, source=source).update(**updates)


def record_suggestion_open(*, actor, now=None) -> bool:
    """The member opened a suggestion from the ask page. Returns whether this began a new
    pending deflection (and was counted as opened). Visitors cannot ask: nothing to count."""
    if not actor.is_authenticated:
        return False
    now = now or timezone.now()
    with transaction.atomic():
        if PendingDeflection.objects.filter(user_id=actor.pk).update(last_opened_at=now):
            return False
        try:
            with transaction.atomic():
                PendingDeflection.objects.create(
                    user_id=actor.pk, first_opened_at=now, last_opened_at=now
                )
        except IntegrityError:
            return False
        _count(day=_day(now), source=DeflectionDay.Source.ASK, opened=1)
    return True


def fold_deflections(*, now=None) -> tuple[int, int]:
    """Count the pending deflections whose window has passed. Returns (deflected, asked
    anyway). Safe to run twice at once."""
    now = now or timezone.now()
    due = now - timedelta(minutes=settings.DEFLECTION_WINDOW_MINUTES)
    deflected = asked = 0
    rows = list(
        PendingDeflection.objects.filter(last_opened_at__lte=due).values_list(
            "user_id", "first_opened_at", "last_opened_at"
        )[:1000]
    )
    for user_id, first_opened_at, last_opened_at in rows:
        with transaction.atomic():
            taken, _ = PendingDeflection.objects.filter(
                user_id=user_id, last_opened_at=last_opened_at
            ).delete()
            if not taken:
                continue  # opened again since, or another fold took it
            if forum_selectors.has_asked_since(author_id=user_id, since=first_opened_at):
                asked += 1
                _count(day=_day(first_opened_at), source=DeflectionDay.Source.ASK, asked_anyway=1)
            else:
                deflected += 1
                _count(day=_day(first_opened_at), source=DeflectionDay.Source.ASK, deflected=1)
    return deflected, asked


def record_deflection(*, actor, source: str = DeflectionDay.Source.BOT, now=None) -> None:
    """A question answered without people (the bot's "This answered my question")."""
    _count(day=_day(now or timezone.now()), source=source, deflected=1)


def record_offer(*, source: str, now=None) -> None:
    """Self-service offered answers (the bot's reply to a question): counted as `opened`."""
    _count(day=_day(now or timezone.now()), source=source, opened=1)


def record_asked_anyway(*, source: str, now=None) -> None:
    """What self-service offered did not answer the question (the bot's "I still need help")."""
    _count(day=_day(now or timezone.now()), source=source, asked_anyway=1)
