"""Asking, answering and the actions on a post. Each works as htmx and as a plain form post."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.trust import trust_of
from config.errors import HandoffError
from config.ratelimit import RateLimited
from forum import access, extensions, selectors
from forum.errors import AlreadyPosted
from forum.forms import AskForm, EditPostForm, FlagForm, ReplyForm
from forum.markdown import is_within_budget, over_budget_message, render_markdown
from forum.models import Category
from forum.services import answers, following, moderation
from forum.services import posting as forum_posting
from forum.views.thread import page_number, render_thread, render_thread_update
from safety import guard, limits
from safety.errors import SecretRefused


def _refused(request, error: HandoffError, thread):
    """A rule said no: tell the user, change nothing."""
    messages.error(request, str(error))
    return render_thread_update(request, thread) if request.htmx else redirect(thread)


def _limited(response, limited: RateLimited):
    """A form a limit refused, shown again: 429, and when to try (Retry-After)."""
    response.status_code = 429
    response["Retry-After"] = str(limited.retry_after)
    return response


@login_required
def ask(request):
    category = None
    slug = request.GET.get("category", "")
    if slug:
        category = Category.objects.filter(slug=slug).first()
    if request.method == "POST" and "check_similar" in request.POST:
        return _ask_with_suggestions(request, category=category)
    form = AskForm(request.POST or None, category=category, author=request.user)
    limited = None
    if request.method == "POST":
        try:
            limits.count(request, limits.SUBMITTING, trust=trust_of(request.user))
            limits.check(request, limits.POSTING, trust=trust_of(request.user))
        except RateLimited as error:
            form.keep_unsent(limits.unsent_message(error))
            limited = error
    if request.method == "POST" and limited is None and form.is_valid():
        data = form.cleaned_data
        try:
            limits.count(request, limits.POSTING, trust=trust_of(request.user))
            thread = forum_posting.create_thread(
                author=request.user,
                category=data["category"],
                title=data["title"],
                body=data["body"],
                chain=data.get("chain"),
                app_version=data.get("app_version") or "",
                device=data.get("device") or "",
                tx_hash=data.get("tx_hash") or "",
            )
        except RateLimited as error:
            form.add_error(None, limits.unsent_message(error))
            limited = error
        except AlreadyPosted as already:
            messages.info(request, str(already))
            return redirect(already.post.thread)
        except HandoffError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your question is posted. You will be told when someone answers.")
            )
            return redirect(thread)
    response = _render_ask(request, form)
    return _limited(response, limited) if limited else response


def _render_ask(request, form, **context):
    wallet_categories = list(
        Category.objects.filter(asks_wallet_details=True).values_list("pk", flat=True)
    )
    return render(
        request,
        "forum/ask.html",
        {"form": form, "wallet_categories": wallet_categories, **context},
    )


def _ask_with_suggestions(request, *, category):
    """ "Check for similar questions" without JavaScript: the form again as typed (nothing
    checked or counted: it is not sent yet), with the questions like it that the apps
    registered for the ask page suggest (forum/extensions.py)."""
    typed = {
        name: request.POST.get(name, "")[:50_000]
        for name in ("title", "category", "body", "chain", "app_version", "device", "tx_hash")
    }
    form = AskForm(
        initial={name: value for name, value in typed.items() if value},
        category=category,
        author=request.user,
    )
    suggestions = extensions.ask_suggestions(
        request=request, title=typed["title"], body=typed["body"]
    )
    return _render_ask(request, form, suggestions_html=mark_safe(suggestions))


@require_POST
def preview(request):
    limits.count(request, limits.PREVIEWING, trust=trust_of(request.user))
    body = request.POST.get("body", "")[:50_000]
    refused = guard.refused(guard.find_secrets(body))
    if refused:  # say why instead, and show none of it
        context = {"preview_refusal": guard.message_for(finding.kind for finding in refused)}
    elif not is_within_budget(body):
        context = {"preview_refusal": over_budget_message()}
    else:
        context = {"preview_html": render_markdown(body)}
    return render(request, "forum/ask.html#preview", context)


def _reply_form_again(request, thread, form, *, status=200):
    """The thread as it was, with the reply as typed (a secret taken out) and why it was
    refused under it: the reply form's htmx target is the whole thread body, which comes
    back with the header and sidebar (render_thread_update); else the whole thread page."""
    if request.htmx:
        response = render_thread_update(request, thread, form=form)
    else:
        page = page_number(request.POST.get("page", "1"))
        response = render_thread(request, thread, form=form, page=page)
    response.status_code = status
    return response


@require_POST
@login_required
def reply(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    form = ReplyForm(request.POST, author=request.user)
    posting = limits.posting_limit(user=request.user, thread=thread)
    try:
        limits.count(request, limits.SUBMITTING, trust=trust_of(request.user))
        limits.check(request, posting, trust=trust_of(request.user))
    except RateLimited as limited:
        form.keep_unsent(limits.unsent_message(limited))
        return _limited(_reply_form_again(request, thread, form), limited)
    if not form.is_valid():
        return _reply_form_again(request, thread, form)
    try:
        limits.count(request, posting, trust=trust_of(request.user))
    except RateLimited as limited:
        form.add_error(None, limits.unsent_message(limited))
        return _limited(_reply_form_again(request, thread, form), limited)
    try:
        post = forum_posting.create_post(
            author=request.user, thread=thread, body=form.cleaned_data["body"]
        )
    except AlreadyPosted as already:  # land on the reply as if this one had made it
        post = already.post
        messages.info(request, str(already))
    except SecretRefused as error:  # never shown again, not even to its writer
        return _refused(request, error, thread)
    except HandoffError as error:
        if not request.htmx:
            return _refused(request, error, thread)
        messages.error(request, str(error))  # above the thread, the reply kept in its box
        return render_thread_update(request, thread, form=form)
    if request.htmx:
        thread.refresh_from_db()
        last_page = -(-thread.post_count // selectors.POSTS_PER_PAGE)
        response = render_thread_update(request, thread, page=last_page)
        page_query = f"?page={last_page}" if last_page > 1 else ""
        response["HX-Push-Url"] = f"{thread.get_absolute_url()}{page_query}#post-{post.pk}"
        return response
    return redirect(post.get_absolute_url())


@login_required
def edit_post(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    if not access.can_edit_post(request.user, post):
        messages.error(request, _("You can only edit your own posts."))
        return redirect(post.get_absolute_url())
    if request.method == "POST":
        limits.count(request, limits.EDITING, trust=trust_of(request.user))
    initial = {"body": post.body, "title": post.thread.title}
    form = EditPostForm(
        request.POST or None, initial=initial, is_question=post.is_question, author=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            forum_posting.edit_post(
                actor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
                reason=form.cleaned_data["reason"],
            )
        except HandoffError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your edit is saved."))
            return redirect(post.get_absolute_url())
    return render(
        request, "forum/edit_post.html", {"form": form, "post": post, "thread": post.thread}
    )


def _thread_action(request, thread, action, done_message=""):
    """Run a member's action on a thread; re-render its body (htmx) or go back to it."""
    try:
        action()
    except HandoffError as error:
        return _refused(request, error, thread)
    if request.htmx:
        return render_thread_update(request, thread)
    if done_message:
        messages.success(request, done_message)
    return redirect(thread)


@require_POST
@login_required
def delete_post(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    return _thread_action(
        request,
        post.thread,
        partial(forum_posting.delete_post, actor=request.user, post=post),
        _("Your post is deleted."),
    )


@require_POST
@login_required
def accept(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    return _thread_action(
        request,
        post.thread,
        partial(answers.accept_answer, actor=request.user, post=post),
        _("Answer accepted. Thank you for closing the loop!"),
    )


@require_POST
@login_required
def unaccept(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    return _thread_action(
        request, thread, partial(answers.unaccept_answer, actor=request.user, thread=thread)
    )


@require_POST
@login_required
def vote(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    is_undo = request.POST.get("undo") == "1"
    try:
        if is_undo:
            post = answers.unvote(actor=request.user, post=post)
        else:
            post = answers.vote(actor=request.user, post=post)
    except HandoffError as error:
        if request.htmx:
            return render(
                request,
                "forum/thread.html#vote-button",
                {"post": post, "has_voted": not is_undo, "vote_error": str(error)},
            )
        messages.error(request, str(error))
        return redirect(post.get_absolute_url())
    if request.htmx:
        return render(
            request, "forum/thread.html#vote-button", {"post": post, "has_voted": not is_undo}
        )
    return redirect(post.get_absolute_url())


@require_POST
@login_required
def follow(request, thread_id):
    thread = access.get_thread_for_user(request.user, thread_id)
    is_following = request.POST.get("undo") != "1"
    if is_following:
        following.follow_thread(actor=request.user, thread=thread)
    else:
        following.unfollow_thread(actor=request.user, thread=thread)
    if request.htmx:
        return render(
            request,
            "forum/thread.html#follow-button",
            {"thread": thread, "is_following": is_following},
        )
    return redirect(thread)


@login_required
def flag(request, post_id):
    post = access.get_post_for_user(request.user, post_id)
    if request.method == "POST":
        limits.check(request, limits.FLAGGING, trust=trust_of(request.user))
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        limits.count(request, limits.FLAGGING, trust=trust_of(request.user))
        try:
            moderation.flag_post(actor=request.user, post=post, **form.cleaned_data)
        except HandoffError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you. A moderator will look at this post."))
        return redirect(post.get_absolute_url())
    return render(request, "forum/flag.html", {"form": form, "post": post, "thread": post.thread})
