"""Asking the support team, escalating, and the asker's view of their requests."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import get_usage

from accounts import powers
from config.errors import HandoffError
from config.ratelimit import RateLimited
from escalation.forms.asker import AskStaffForm, RatingForm
from escalation.selectors import asker, panels
from escalation.services import lifecycle, surveys, tickets
from forum import access
from forum.views.thread import render_thread_update


def _panel(request, thread, *, form=None):
    context = panels.panel_context(user=request.user, thread=thread, form=form)
    # On its own (an htmx answer), the panel says how the action went.
    return render(request, "escalation/_thread_panel.html", {**context, "shows_messages": True})


def _refused(request, thread, form):
    """The form's errors: in the panel for htmx, as messages on the thread page otherwise."""
    if request.htmx:
        return _panel(request, thread, form=form)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(thread)


def _hand_over(request, thread, *, service, success: str):
    """Validate the note, call `service` (ask_for_staff or escalate_thread), say how it went."""
    form = AskStaffForm(request.POST)
    if not form.is_valid():
        return _refused(request, thread, form)
    try:
        ticket = service(actor=request.user, thread=thread, note=form.cleaned_data["note"])
    except HandoffError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success % {"reference": ticket.reference})
    if not request.htmx:
        return redirect(thread)
    # The question changed hands: the header, the sidebar (this panel in it) and the
    # thread's body all say so at once, as a reload would.
    response = render_thread_update(request, thread)
    response["HX-Retarget"] = "#thread-body"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_POST
@login_required
def ask_staff(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    if request.user.pk != thread.author_id:
        raise Http404  # another member's question: nothing to see here
    return _hand_over(
        request,
        thread,
        service=tickets.ask_for_staff,
        success=_("The support team has your question. Your reference is %(reference)s."),
    )


@require_POST
@login_required
def escalate(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    if not powers.acting_role(request.user):
        if powers.needs_second_factor(request.user):
            return powers.second_factor_redirect(request)
        raise Http404
    return _hand_over(
        request,
        thread,
        service=tickets.escalate_thread,
        success=_("Escalated to the support team as %(reference)s."),
    )


# --- My requests -------------------------------------------------------------------


@login_required
def my_requests(request):
    page = asker.request_page(user=request.user, before=request.GET.get("before", ""))
    return render(request, "escalation/my_requests.html", {"page": page})


@login_required
def my_request(request, reference):
    ticket = asker.get_request_for_asker(request.user, reference)
    return render(request, "escalation/my_request.html", _request_context(ticket, request.user))


def _request_context(ticket, viewer) -> dict:
    return {**asker.request_detail(ticket, viewer=viewer), "rating_form": RatingForm()}


def _request_updated(request, reference):
    """After an action on a request: the request's region for htmx, else the page again."""
    ticket = asker.get_request_for_asker(request.user, reference)
    if request.htmx:
        return render(
            request, "escalation/my_request.html#request", _request_context(ticket, request.user)
        )
    return redirect(ticket)


@require_POST
@login_required
def reopen_request(request, reference):
    ticket = asker.get_request_for_asker(request.user, reference)
    try:
        lifecycle.asker_reopen(actor=request.user, ticket=ticket)
    except HandoffError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Your request is open again. The support team will answer in the thread.")
        )
    return _request_updated(request, reference)


@require_POST
@login_required
def rate_request(request, reference):
    """A rating (and optional comment) from the request's page; later, the comment alone."""
    ticket = asker.get_request_for_asker(request.user, reference)
    form = RatingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _request_updated(request, reference)
    try:
        _rating, outcome = surveys.rate_as_asker(
            actor=request.user, ticket=ticket, **form.cleaned_data
        )
    except HandoffError as error:
        messages.error(request, str(error))
    else:
        if outcome == surveys.Outcome.CHANGED:
            messages.success(request, _("Your rating is changed. Thank you for telling us."))
        else:
            messages.success(request, _("Thank you for telling us how we did."))
    return _request_updated(request, reference)


# --- The survey from the resolution email ------------------------------------------
# The token in the link is the credential: no sign-in. Mail scanners open every link of
# a message before the asker does, so opening a link (GET) only shows the survey, the
# score from the link chosen in advance; the page's button (POST) records.


def _survey_refused(request, message: str):
    return render(request, "escalation/survey_error.html", {"message": message}, status=400)


def _count_survey_answer(request) -> None:
    """Count every answer sent, accepted or not, per client address; raise RateLimited."""
    usage = get_usage(
        request,
        group="escalation:survey",
        key="ip",
        rate=settings.SURVEY_RATE,
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        raise RateLimited(
            retry_after=usage["time_left"],
            message=_("Many survey answers came from your network in a short while."),
        )


def _survey_page(request, link: surveys.SurveyLink, *, chosen=None, form=None, **flags):
    rating = surveys.rating_for(link.ticket, link.cycle)
    can_change = rating is not None and surveys.can_change(rating)
    context = {
        "ticket": link.ticket,
        "token": link.token,
        "rating": rating,
        "score_label": asker.score_label(rating.score) if rating else "",
        "scores": [(score, asker.score_label(score)) for score in surveys.SCORES],
        # The link's score, or the one given: what the form has ticked.
        "chosen": chosen or (rating.score if rating else None),
        "can_change": can_change,
        "change_until": surveys.change_until(rating) if rating else None,
        "change_closed": surveys.change_closed_message() if rating and not can_change else "",
        "form": form or RatingForm(),
        **flags,
    }
    template = "escalation/survey.html#survey" if request.htmx else "escalation/survey.html"
    return render(request, template, context)


@never_cache
@require_GET
def survey_rate(request, token, score):
    """The survey page, `score` chosen: records nothing (see above)."""
    if score not in surveys.SCORES:
        return _survey_refused(request, _("Choose a rating from 1 to 5."))
    try:
        link = surveys.read_token(token, accept_legacy=True)
    except surveys.InvalidSurveyLink as error:
        return _survey_refused(request, error.message)
    is_rated = surveys.rating_for(link.ticket, link.cycle) is not None
    if not is_rated and (refusal := surveys.rating_refusal(link.ticket, link.cycle)):
        return _survey_refused(request, refusal)
    return _survey_page(request, link, chosen=score)


@never_cache
@require_POST
def survey_answer(request, token):
    """The survey page's button: the score and comment, or the comment alone once rated."""
    _count_survey_answer(request)
    try:
        link = surveys.read_token(token)
    except surveys.InvalidSurveyLink as error:
        return _survey_refused(request, error.message)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            _rating, outcome = surveys.rate_or_comment(
                ticket=link.ticket, cycle=link.cycle, **form.cleaned_data
            )
        except HandoffError as error:
            form.add_error(None, str(error))
        else:
            return _survey_page(
                request, link, outcome=outcome, commented=bool(form.cleaned_data["comment"])
            )
    # 200 with the errors: htmx does not swap 4xx responses by default.
    chosen = form.cleaned_data.get("score") if hasattr(form, "cleaned_data") else None
    return _survey_page(request, link, chosen=chosen, form=form)
