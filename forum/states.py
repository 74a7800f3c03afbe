"""Where a question stands, as its asker and a helper see it: the one state model.

    new ──► needs help ──► with the support team ──► resolved by the support team
     │          │              ▲ (re-escalated)            │
     └──────────┴──► answered ─┘                           │
    any of them ──► solved (an accepted answer, or marked solved) ──► closed (moderator)

Every list and page shows this state through one template, `includes/question_state.html`,
in the words defined here, so a question never reads "needs an answer" on one page and
"escalated" on another. The forum keeps the support team's facts it needs on the
thread (`escalated_at` while a ticket is being worked, `support_resolved_at` once the
team resolved or closed it), written by the escalation app through forum services in
the same transaction as the ticket: a list shows the state without asking for tickets.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class QuestionState(models.TextChoices):
    # A context of their own: "New" is also a ticket's status, in other words in Chinese.
    NEW = "new", pgettext_lazy("question state", "New")
    NEEDS_HELP = "needs_help", pgettext_lazy("question state", "Needs help")
    ANSWERED = "answered", pgettext_lazy("question state", "Answered")
    SOLVED = "solved", pgettext_lazy("question state", "Solved")
    WITH_SUPPORT = "with_support", pgettext_lazy("question state", "With the support team")
    RESOLVED_BY_SUPPORT = (
        "resolved_by_support",
        pgettext_lazy("question state", "Resolved by the support team"),
    )
    CLOSED = "closed", pgettext_lazy("question state", "Closed")


def question_state(
    *,
    is_closed: bool,
    is_solved: bool,
    is_with_support: bool,
    was_resolved_by_support: bool,
    is_answered: bool,
    is_flagged_for_help: bool,
) -> QuestionState:
    """The one state a question is in, from its facts (a pure function).

    - closed: a moderator closed the thread to replies (whatever else is true);
    - solved: an accepted answer, or a moderator marked it solved;
    - with the support team: a ticket is being worked (new, open or waiting on the asker);
    - resolved by the support team: its ticket was resolved or closed, and no answer
      was accepted since;
    - answered: someone other than the asker replied;
    - needs help: past the community's window with no answer (and not escalated);
    - new: none of the above.
    """
    if is_closed:
        return QuestionState.CLOSED
    if is_solved:
        return QuestionState.SOLVED
    if is_with_support:
        return QuestionState.WITH_SUPPORT
    if was_resolved_by_support:
        return QuestionState.RESOLVED_BY_SUPPORT
    if is_answered:
        return QuestionState.ANSWERED
    if is_flagged_for_help:
        return QuestionState.NEEDS_HELP
    return QuestionState.NEW


# The thread's columns state_of() reads: a query that loads only some columns (`.only()`)
# names these to show the badge without a query per row.
QUESTION_STATE_FIELDS = (
    "state",
    "first_reply_at",
    "needs_help_at",
    "escalated_at",
    "support_resolved_at",
)


def state_of(thread) -> QuestionState:
    """The state of a loaded thread (its `state`, `first_reply_at`, `needs_help_at`,
    `escalated_at` and `support_resolved_at`)."""
    return question_state(
        is_closed=thread.is_closed,
        is_solved=thread.is_solved,
        is_with_support=thread.escalated_at is not None,
        was_resolved_by_support=thread.support_resolved_at is not None,
        is_answered=thread.first_reply_at is not None,
        is_flagged_for_help=thread.needs_help_at is not None,
    )
