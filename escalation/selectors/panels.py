"""The escalation box on a thread page: asking for staff, or where the ticket stands."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts import powers
from escalation.forms.asker import AskStaffForm
from escalation.models import ThreadClock, Ticket
from escalation.selectors.asker import expected_answer_at
from forum.models import Thread


def thread_panel(*, request, thread: Thread, form: AskStaffForm | None = None) -> str:
    """For the asker, moderators and agents only: everyone else sees the public badge."""
    user = request.user
    if not user.is_authenticated:
        return ""
    is_asker = user.pk == thread.author_id
    is_staff = powers.acting_role(user) != ""
    if not (is_asker or is_staff):
        return ""
    context = panel_context(user=user, thread=thread, form=form)
    if not any(context[key] for key in ("ticket", "can_ask", "can_escalate", "can_ask_from")):
        return ""  # nothing to say (a solved question, say): no empty card
    return render_to_string("escalation/_thread_panel.html", context, request=request)


def panel_context(*, user, thread: Thread, form=None) -> dict:
    ticket = Ticket.objects.filter(thread_id=thread.pk).first()
    is_asker = user.pk == thread.author_id
    can_request_at = None
    if is_asker and thread.state == Thread.State.OPEN and not thread.is_hidden:
        can_request_at = (
            ThreadClock.objects.filter(thread_id=thread.pk)
            .values_list("member_can_request_at", flat=True)
            .first()
        )
    is_active = ticket is not None and ticket.is_active
    now = timezone.now()
    expected = expected_answer_at(ticket) if is_active else None
    return {
        "thread": thread,
        "ticket": ticket,
        "is_asker": is_asker,
        "is_agent": powers.acts_as_agent(user),
        "ticket_is_active": is_active,
        "expected_answer_at": expected,
        "is_late": expected is not None and expected < now,
        "can_ask": is_asker
        and not is_active
        and can_request_at is not None
        and can_request_at <= now,
        "can_ask_from": can_request_at if can_request_at and can_request_at > now else None,
        "can_escalate": powers.acting_role(user) != ""
        and not is_active
        and not thread.is_hidden
        and not thread.is_closed,
        "form": form or AskStaffForm(),
    }
