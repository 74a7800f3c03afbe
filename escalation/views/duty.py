"""Agents' duty: on or off, the queues each works, and who on the team is on duty now."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.redirects import safe_next_url
from escalation.forms.duty import DutyForm
from escalation.models import AgentStatus
from escalation.permissions import agent_required, staff_nav_context
from escalation.selectors.agents import duty_roster
from escalation.services import assignment


def _form_errors(form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


@agent_required
@require_http_methods(["GET", "POST"])
def duty(request):
    """GET: the agent's duty and queues, and who is on duty. POST: change them.

    The nav's toggle posts on_duty (and `next`, the page to go back to); the duty
    page's form also posts the queues. With no on_duty the state flips.
    """
    status = AgentStatus.objects.filter(user=request.user).first()
    if request.method == "GET":
        return _duty_page(request, status, DutyForm(initial=_duty_initial(status)))
    form = DutyForm(request.POST)
    if not form.is_valid():
        if request.htmx:  # the nav's toggle: say why in it
            for error in _form_errors(form):
                messages.error(request, error)
            return _duty_toggle(request, status, next_url="")
        return _duty_page(request, status, form)
    data = form.cleaned_data
    on_duty = data["on_duty"]
    if on_duty is None:
        on_duty = not (status and status.on_duty)
    queues = data["queues"] if data["set_queues"] else None
    status = assignment.set_on_duty(actor=request.user, on_duty=on_duty, queues=queues)
    if on_duty:
        messages.success(request, _("You are on duty: new tickets in your queues come to you."))
    else:
        messages.success(request, _("You are off duty: no new tickets are assigned to you."))
    # The page the nav's toggle goes back to, or "" (the toggle then stays put).
    next_url = safe_next_url(request, data["next"], default="")
    if request.htmx:
        return _duty_toggle(request, status, next_url=next_url)
    return redirect(next_url or reverse("escalation:staff-duty"))


def _duty_initial(status: AgentStatus | None) -> dict:
    if status is None:
        return {"queues": []}
    return {"queues": list(status.queues.values_list("pk", flat=True))}


def _duty_page(request, status, form):
    context = {
        "form": form,
        "status": status,
        "team": duty_roster(),
        **staff_nav_context(request.user),
    }
    return render(request, "escalation/staff/duty.html", context)


def _duty_toggle(request, status, *, next_url: str):
    context = {"agent_on_duty": bool(status and status.on_duty), "duty_next": next_url}
    return render(request, "escalation/staff/_nav.html#duty-toggle", context)
