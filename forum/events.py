"""What the forum tells the rest of the product. Sent after commit, with ids only.

Receivers (escalation, notifications, search) load what they need; the forum imports
none of them.
"""

from django.db import transaction
from django.dispatch import Signal

thread_created = Signal()  # thread_id
post_created = Signal()  # post_id, thread_id, is_reply_by_other
answer_accepted = Signal()  # thread_id, post_id, actor_id
answer_unaccepted = Signal()  # thread_id, post_id, actor_id
thread_solved = Signal()  # thread_id, actor_id
thread_unsolved = Signal()  # thread_id
thread_moved = Signal()  # thread_id, from_category_id, to_category_id
thread_closed = Signal()  # thread_id
thread_reopened = Signal()  # thread_id
post_hidden = Signal()  # post_id, thread_id
post_unhidden = Signal()  # post_id, thread_id


def send_after_commit(signal: Signal, **kwargs) -> None:
    """Send once the transaction commits; a failing receiver is logged and the others still run."""

    # A plain function, not functools.partial: Django's robust on_commit names the callback
    # (__qualname__) when it fails, and a partial has none, which turned one failing
    # receiver into an AttributeError that lost every later callback.
    def send() -> None:
        signal.send_robust(sender=None, **kwargs)

    transaction.on_commit(send, robust=True)
