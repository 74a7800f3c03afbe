"""Moderator actions and queues. Every action is logged with who, what, when and why."""

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import powers
from accounts.models import Sanction, User
from config.errors import HandoffError
from config.redirects import safe_next_url
from forum import access, sanctions
from forum.forms import ModerationReasonForm, MoveThreadForm, SanctionForm
from forum.models import Flag, ModerationLog, Post
from forum.services import moderation
from forum.views.thread import render_thread_update


def moderator_required(view):
    """Moderators acting with a verified second factor; a moderator without one is sent
    to set it up (or confirm it) before their first moderation action."""
    checked = powers.power_required(
        access.is_moderator, otherwise=lambda: PermissionDenied(_("Only moderators can do that."))
    )(view)
    return wraps(view)(login_required(checked))


def _moderate(request, *, action, target, done_message, thread=None):
    """Run one logged moderator action with the form's reason; say how it went.

    `action` is a service call taking the reason. A refusal changes nothing and is shown
    as an error; success goes back to `next` (a local path) or to `target`. Sent by htmx
    from the `thread` page, the answer is that page's update instead.
    """
    form = ModerationReasonForm(request.POST)
    try:
        action(reason=form.cleaned_data["reason"] if form.is_valid() else "")
    except HandoffError as error:
        messages.error(request, str(error))
        if request.htmx and thread is not None:
            return render_thread_update(request, thread)
        return redirect(target)
    messages.success(request, done_message)
    if request.htmx and thread is not None:
        return render_thread_update(request, thread)
    return redirect(safe_next_url(request, request.POST.get("next", ""), default=target))


@require_POST
@moderator_required
def set_post_hidden(request, post_id, hide):
    post = access.get_post_for_user(request.user, post_id)
    return _moderate(
        request,
        action=partial(moderation.set_post_hidden, actor=request.user, post=post, is_hidden=hide),
        target=post.get_absolute_url(),
        done_message=_("The post is hidden.") if hide else _("The post is visible again."),
        thread=post.thread,
    )


@require_POST
@moderator_required
def confirm_hidden_post(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    return _moderate(
        request,
        action=partial(moderation.confirm_hidden_post, actor=request.user, post=post),
        target="forum:flag-queue",
        done_message=_("The post stays hidden, and its flags are closed."),
    )


@require_POST
@moderator_required
def dismiss_flags(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    return _moderate(
        request,
        action=partial(moderation.dismiss_flags, actor=request.user, post=post),
        target="forum:flag-queue",
        done_message=_("Flags dismissed."),
    )


@moderator_required
def move_thread(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    form = MoveThreadForm(request.POST or None, initial={"category": thread.category_id})
    if request.method == "POST" and form.is_valid():
        try:
            moderation.move_thread(actor=request.user, thread=thread, **form.cleaned_data)
        except HandoffError as error:
            form.add_error("category", str(error))
        else:
            messages.success(request, _("The thread is moved."))
            return redirect(thread)
    return render(request, "forum/move_thread.html", {"form": form, "thread": thread})


@require_POST
@moderator_required
def set_thread_closed(request, thread_id, close):
    thread = access.get_thread_for_user(request.user, thread_id)
    return _moderate(
        request,
        action=partial(
            moderation.set_thread_closed, actor=request.user, thread=thread, is_closed=close
        ),
        target=thread,
        done_message=_("The thread is closed.") if close else _("The thread is open again."),
    )


@require_POST
@moderator_required
def set_thread_solved(request, thread_id, solved):
    thread = access.get_thread_for_user(request.user, thread_id)
    return _moderate(
        request,
        action=partial(
            moderation.set_thread_solved, actor=request.user, thread=thread, is_solved=solved
        ),
        target=thread,
        done_message=_("The thread is marked solved.")
        if solved
        else _("The thread is marked unsolved."),
    )


@moderator_required
def flag_queue(request):
    """Posts with open flags: those hidden automatically first, then the most flagged."""
    flagged = (
        # flags__isnull=False makes the join inner: alone, "resolved_at IS NULL" also
        # matched every post that was never flagged.
        Post.objects.filter(flags__isnull=False, flags__resolved_at__isnull=True)
        .annotate(open_flags=Count("flags"), first_flagged_at=Min("flags__created_at"))
        .select_related("author", "thread")
        .order_by(F("auto_hidden_at").desc(nulls_last=True), "-open_flags", "first_flagged_at")[
            :100
        ]
    )
    flagged = list(flagged)
    reasons = {}
    for flag in Flag.objects.filter(post__in=flagged, resolved_at__isnull=True).select_related(
        "reporter"
    ):
        reasons.setdefault(flag.post_id, []).append(flag)
    for post in flagged:
        post.open_flag_list = reasons.get(post.pk, [])
    authors = {post.author_id: post.author for post in flagged}
    context = {
        "posts": flagged,
        "sanction_form": SanctionForm(initial={"kind": "silence", "duration": "7d"}),
        # The members the bulk form may tick: authors the moderator may sanction.
        "sanctionable_ids": {
            pk for pk, author in authors.items() if sanctions.can_sanction(request.user, author)
        },
    }
    return render(request, "forum/flag_queue.html", context)


@moderator_required
def moderation_log(request):
    entries = ModerationLog.objects.select_related("actor", "thread", "post", "member")[:200]
    return render(request, "forum/moderation_log.html", {"entries": entries})


def _sanction_refused(request, message: str, target):
    messages.error(request, message)
    return redirect(safe_next_url(request, request.POST.get("next", ""), default=target))


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@require_POST
@moderator_required
def sanction_member(request, username):
    """Silence or suspend one member (the profile's controls, and the flag queue's "hide
    this member's posts waiting for review and silence them")."""
    member = get_object_or_404(User, username=username, is_active=True)
    target = member.get_absolute_url()
    form = SanctionForm(request.POST)
    if not form.is_valid():
        return _sanction_refused(request, _form_errors(form), target)
    now = timezone.now()
    impose = (
        sanctions.suspend_member
        if form.cleaned_data["kind"] == Sanction.Kind.SUSPEND
        else sanctions.silence_member
    )
    try:
        sanction = impose(
            actor=request.user,
            member=member,
            reason=form.cleaned_data["reason"],
            ends_at=sanctions.ends_at_for(form.cleaned_data["duration"], now=now),
            now=now,
        )
    except HandoffError as error:
        return _sanction_refused(request, str(error), target)
    done = (
        _("%(name)s is suspended, and their posts waiting for review are hidden.")
        if sanction.kind == Sanction.Kind.SUSPEND
        else _("%(name)s is silenced, and their posts waiting for review are hidden.")
    )
    messages.success(request, done % {"name": member.public_name})
    return redirect(safe_next_url(request, request.POST.get("next", ""), default=target))


@require_POST
@moderator_required
def sanction_members(request):
    """The flag queue's bulk form: the same action on every member ticked."""
    target = "forum:flag-queue"
    form = SanctionForm(request.POST)
    ids = [
        value
        for value in request.POST.getlist("member")
        if value.isascii() and value.isdigit() and len(value) < 19  # within the database's integers
    ]
    members = list(User.objects.filter(pk__in=[int(value) for value in ids[:100]], is_active=True))
    if not members:
        return _sanction_refused(request, _("Choose at least one member."), target)
    if not form.is_valid():
        return _sanction_refused(request, _form_errors(form), target)
    now = timezone.now()
    try:
        done = sanctions.sanction_members(
            actor=request.user,
            members=members,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            ends_at=sanctions.ends_at_for(form.cleaned_data["duration"], now=now),
            now=now,
        )
    except HandoffError as error:
        return _sanction_refused(request, str(error), target)
    messages.success(
        request,
        ngettext(
            "%(count)d member is sanctioned, and their posts waiting for review are hidden.",
            "%(count)d members are sanctioned, and their posts waiting for review are hidden.",
            len(done),
        )
        % {"count": len(done)},
    )
    return redirect(target)


@require_POST
@moderator_required
def lift_sanction(request, sanction_id):
    if not 0 < sanction_id < 2**63:  # past the database's integers: there is no such row
        raise Http404
    sanction = get_object_or_404(Sanction.objects.select_related("user"), pk=sanction_id)
    target = sanction.user.get_absolute_url()
    form = ModerationReasonForm(request.POST)
    try:
        sanctions.lift_sanction(
            actor=request.user,
            sanction=sanction,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except HandoffError as error:
        return _sanction_refused(request, str(error), target)
    messages.success(
        request, _("Lifted: %(name)s may post again.") % {"name": sanction.user.public_name}
    )
    return redirect(safe_next_url(request, request.POST.get("next", ""), default=target))


def profile_panel(*, viewer: User, person: User) -> dict:
    """The sanctions part of `person`'s profile page (accounts.profiles): their history and
    the form, for a moderator acting with their powers; nothing for anyone else."""
    if not powers.acts_as_moderator(viewer):
        return {}
    now = timezone.now()
    history = list(person.sanctions.select_related("created_by", "lifted_by")[:20])
    for sanction in history:
        sanction.in_force = sanction.is_in_force(now=now)
    return {
        "sanctions": history,
        "can_sanction": sanctions.can_sanction(viewer, person),
        "sanction_form": SanctionForm(),
    }
