"""What the escalation app asks of the forum (through these functions, never the tables): a thread needs help, is with the support team, was resolved by it."""

from django.db import transaction
from django.utils import timezone

from forum.models import (
    Thread,
)


def mark_needs_help(*, thread_ids, now=None) -> list[int]:
    """Put open, unanswered, visible threads on the community's "needs an answer" list.

    Returns the ids flagged by this call: threads answered, solved, closed, hidden or
    already flagged in the meantime are left alone, so two callers never both flag one.
    """
    now = now or timezone.now()
    with transaction.atomic():
        flagged = list(
            Thread.objects.select_for_update()
            .filter(
                pk__in=list(thread_ids),
                state=Thread.State.OPEN,
                is_hidden=False,
                first_reply_at=None,
                needs_help_at=None,
            )
            .order_by("pk")  # one lock order for every caller that locks several threads
            .values_list("pk", flat=True)
        )
        Thread.objects.filter(pk__in=flagged).update(needs_help_at=now)
    return flagged


def set_escalated(*, thread_ids, escalated_at) -> None:
    """The support team took these threads on at `escalated_at` (forum/states.py): they
    leave the community's "needs help" lists (selectors), and show as with the team."""
    Thread.objects.filter(pk__in=list(thread_ids)).update(
        escalated_at=escalated_at, support_resolved_at=None
    )


def set_support_resolved(*, thread_ids, resolved_at) -> None:
    """The support team resolved (or closed) its request on these threads at `resolved_at`."""
    Thread.objects.filter(pk__in=list(thread_ids)).update(
        escalated_at=None, support_resolved_at=resolved_at
    )
