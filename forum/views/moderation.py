"""Moderator actions and queues. Every action is logged with who, what, when and why."""

from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Min
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import powers
from config.redirects import safe_next_url
from forum import access, services
from forum.errors import ForumError
from forum.forms import ModerationReasonForm, MoveThreadForm
from forum.models import Flag, ModerationLog, Post
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
    except ForumError as error:
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
        action=partial(services.set_post_hidden, actor=request.user, post=post, is_hidden=hide),
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
        action=partial(services.confirm_hidden_post, actor=request.user, post=post),
        target="forum:flag-queue",
        done_message=_("The post stays hidden, and its flags are closed."),
    )


@require_POST
@moderator_required
def dismiss_flags(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    return _moderate(
        request,
        action=partial(services.dismiss_flags, actor=request.user, post=post),
        target="forum:flag-queue",
        done_message=_("Flags dismissed."),
    )


@moderator_required
def move_thread(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    form = MoveThreadForm(request.POST or None, initial={"category": thread.category_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.move_thread(actor=request.user, thread=thread, **form.cleaned_data)
        except ForumError as error:
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
            services.set_thread_closed, actor=request.user, thread=thread, is_closed=close
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
            services.set_thread_solved, actor=request.user, thread=thread, is_solved=solved
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
    return render(request, "forum/flag_queue.html", {"posts": flagged})


@moderator_required
def moderation_log(request):
    entries = ModerationLog.objects.select_related("actor", "thread", "post")[:200]
    return render(request, "forum/moderation_log.html", {"entries": entries})
