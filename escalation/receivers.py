"""How escalation follows the forum: each forum event recomputes the clocks it may change.

The events come after the forum's transaction commits. Should one be lost (a crash
between the commit and the receiver), the sweep still re-checks a due thread's facts
before acting, and gives the newest threads that lack a clock one.
"""

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver
from django.utils import timezone

from escalation.models import Ticket
from escalation.services import clocks, lifecycle
from forum import events
from forum.models import Thread


def _recompute(thread_id: int) -> None:
    with transaction.atomic():
        clocks.recompute_clocks([thread_id], now=timezone.now())


@receiver(events.thread_created)
@receiver(events.thread_moved)
@receiver(events.thread_closed)
@receiver(events.thread_reopened)
@receiver(events.thread_unsolved)
@receiver(events.answer_unaccepted)
@receiver(events.post_hidden)
@receiver(events.post_unhidden)
def recompute_clock(sender, *, thread_id, **kwargs) -> None:
    _recompute(thread_id)


@receiver(events.thread_moved)
def follow_move(sender, *, thread_id, **kwargs) -> None:
    """The thread's ticket, if any, takes the thread's category (the staff queue's copy).

    Read from the thread rather than the event, so events handled late or out of order
    still leave the ticket where the thread is.
    """
    category = Thread.objects.filter(pk=OuterRef("thread_id")).values("category_id")
    Ticket.objects.filter(thread_id=thread_id).update(category_id=Subquery(category))


@receiver(events.post_created)
def follow_reply(sender, *, thread_id, post_id, is_reply_by_other, **kwargs) -> None:
    # The ticket moved with the post, in its transaction (services.replies.on_post_created).
    if is_reply_by_other:  # the asker's own follow-ups do not stop the clock
        _recompute(thread_id)


@receiver(events.thread_solved)
def follow_solution(sender, *, thread_id, actor_id=None, **kwargs) -> None:
    lifecycle.resolve_solved_thread(thread_id=thread_id, actor_id=actor_id)
    _recompute(thread_id)
