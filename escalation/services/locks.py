"""The row locks every change to a thread's escalation takes, in the one order they take them.

Order: the thread's clock row, then the thread's row, then the ticket's row. Every
service that needs more than one of them takes them through these functions, so no two
paths ever wait on each other in opposite orders.
"""

from escalation.models import ThreadClock, Ticket
from forum.models import Thread


def lock_thread(thread_id: int) -> None:
    """Lock the thread's clock row, then the thread's row: the order the sweep takes them.

    The sweep claims clock rows, then flags and escalates their threads. Someone asking
    for staff on a thread the sweep holds waits for that batch, then finds its ticket;
    a sweep passes by (SKIP LOCKED) a thread someone is escalating. Locking the thread
    first deadlocked the two: the sweep waited for the thread, the asker for the clock.
    """
    ThreadClock.objects.select_for_update().filter(thread_id=thread_id).values_list("pk").first()
    Thread.objects.select_for_update().filter(pk=thread_id).values_list("pk").first()


def lock_ticket(ticket: Ticket, *, with_thread: bool = False) -> Ticket:
    """The ticket's row, locked; `with_thread` first locks the thread's clock and row.

    Only the ticket's row (FOR UPDATE OF): the joined thread is read, not locked, so no
    statement here ever takes a thread's lock after a ticket's, the reverse of the order
    every path that needs both takes them in.
    """
    if with_thread:
        lock_thread(ticket.thread_id)
    return Ticket.objects.select_for_update(of=("self",)).select_related("thread").get(pk=ticket.pk)
