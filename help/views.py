"""The knowledge base's pages, its editors' actions, and the ask page's suggestions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import powers
from accounts.trust import trust_of
from config.errors import HandoffError
from config.ratelimit import RateLimited
from forum import access as forum_access
from forum.models import Category
from help import access, selectors
from help.forms import ArticleForm, typed_question
from help.models import Article, BotReply
from help.panels import suggestions_context
from help.services import articles as article_services
from help.services import bot, deflections, feedback
from safety import limits

editor_required = powers.power_required(access.can_edit_articles, otherwise=lambda: Http404())
FEEDBACK_SESSION_KEY = "help:answered"


def help_index(request):
    sections = selectors.help_index(user=request.user)
    return render(request, "help/index.html", {"sections": sections, **_editor(request)})


def category(request, slug):
    chosen = get_object_or_404(Category, slug=slug)
    articles = selectors.category_articles(user=request.user, category=chosen)
    return render(
        request,
        "help/category.html",
        {"category": chosen, "articles": articles, **_editor(request)},
    )


def _editor(request) -> dict:
    return {"can_edit": access.can_edit_articles(request.user)}


def article_detail(request, article_id, slug):
    article = selectors.get_article_for_user(user=request.user, article_id=article_id)
    if slug != article.slug:
        return redirect(article, permanent=True)
    article.view_count += feedback.record_view(actor=request.user, article=article)
    return _render_article(request, article)


def _render_article(request, article, *, partial: str = "", status: int = 200, **context):
    text = article.text_in(selectors.viewer_language(request))
    answered = request.session.get(FEEDBACK_SESSION_KEY, [])
    response = render(
        request,
        f"help/article.html{partial}",
        {
            "article": article,
            "text": text,
            # The other language's link, when the article has it too.
            "other_language": next(
                (lang for lang in article.languages if lang != text.language), None
            ),
            "has_answered": isinstance(answered, list) and article.pk in answered,
            "is_due_for_review": selectors.is_due_for_review(article),
            **_editor(request),
            **context,
        },
    )
    response.status_code = status
    return response


@require_POST
def article_feedback(request, article_id):
    """ "Did this answer your question?": a count, rate limited per member or address."""
    article = selectors.get_article_for_user(user=request.user, article_id=article_id)
    answer = request.POST.get("answer", "")
    if answer not in ("yes", "no"):
        return _feedback_answer(request, article, error=_("Choose Yes or No."), status=400)
    try:
        limits.count(request, limits.ANSWERING_FEEDBACK, trust=trust_of(request.user))
    except RateLimited as limited:
        response = _feedback_answer(
            request, article, error=limits.unsent_message(limited), status=429
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    feedback.record_answer(actor=request.user, article=article, is_helpful=answer == "yes")
    answered = request.session.get(FEEDBACK_SESSION_KEY)
    answered = answered if isinstance(answered, list) else []
    request.session[FEEDBACK_SESSION_KEY] = [*answered[-49:], article.pk]
    if request.htmx:
        return _render_article(request, article, partial="#feedback", just_answered=answer)
    messages.success(request, _("Thank you. Your answer helps us improve this article."))
    return redirect(article)


def _feedback_answer(request, article, *, error: str, status: int):
    if request.htmx:
        # 200: htmx swaps only successful answers; the message says what went wrong.
        return _render_article(request, article, partial="#feedback", feedback_error=error)
    messages.error(request, error)
    response = redirect(article)
    if status == 429:
        response = _render_article(request, article, feedback_error=error, status=429)
    return response


# --- Editors --------------------------------------------------------------------------


@login_required
@editor_required
def new_article(request):
    thread = None
    raw = request.GET.get("thread", "")
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        thread = forum_access.get_thread_for_user(request.user, int(raw))
        existing = Article.objects.filter(source_thread=thread).first()
        if existing is not None:
            messages.info(request, _("This thread already has a help article."))
            return redirect("help:edit", existing.pk)
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                article = article_services.create_article(
                    actor=request.user, source_thread=thread, **form.cleaned_data
                )
            except HandoffError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The help article is published."))
                return redirect(article)
    else:
        initial = selectors.thread_prefill(thread=thread, user=request.user) if thread else {}
        form = ArticleForm(initial=initial)
    return render(request, "help/edit.html", {"form": form, "thread": thread, "article": None})


@login_required
@editor_required
def edit_article(request, article_id):
    article = get_object_or_404(Article, pk=article_id)
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                article = article_services.update_article(
                    actor=request.user, article=article, **form.cleaned_data
                )
            except HandoffError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The help article is saved."))
                return redirect(article)
    else:
        form = ArticleForm(
            initial={name: getattr(article, name) for name in article_services.TEXT_FIELDS}
            | {"category": article.category_id, "review_by": article.review_by}
        )
    return render(
        request,
        "help/edit.html",
        {"form": form, "thread": article.source_thread, "article": article},
    )


@require_POST
@login_required
@editor_required
def move_article(request, article_id):
    article = get_object_or_404(Article, pk=article_id)
    direction = request.POST.get("direction", "")
    if direction in ("up", "down"):
        article_services.move_article(actor=request.user, article=article, direction=direction)
    return redirect("help:category", article.category.slug)


@require_POST
@login_required
@editor_required
def retire_article(request, article_id):
    article = get_object_or_404(Article, pk=article_id)
    if request.POST.get("restore"):
        article_services.restore_article(actor=request.user, article=article)
        messages.success(request, _("The help article is back for everyone."))
    else:
        article_services.retire_article(actor=request.user, article=article)
        messages.success(request, _("The help article is retired: members no longer see it."))
    return redirect(article)


# --- While asking ----------------------------------------------------------------------


@require_GET
@login_required
def similar(request):
    """The suggestions fragment, as the ask form's title and body are typed (htmx)."""
    context = suggestions_context(request, typed_question(request.GET))
    return render(request, "help/_suggestions.html", context)


@login_required
def open_suggestion(request, kind, pk):
    """The marker on a suggestion's link: count the open (help.services.deflections),
    then go to the article or thread."""
    if kind == "a":
        target = selectors.get_article_for_user(user=request.user, article_id=pk)
    elif kind == "t":
        target = forum_access.get_thread_for_user(request.user, pk)
    else:
        raise Http404
    deflections.record_suggestion_open(actor=request.user)
    return redirect(target)


@require_POST
@login_required
def bot_answer(request, thread_id):
    """The asker's answer to the bot's reply: `choice` is "article:<id>" or "thread:<id>"
    (this answered my question) or "more-help" (I still need help)."""
    thread = forum_access.get_thread_for_user(request.user, thread_id)
    reply = BotReply.objects.filter(thread_id=thread.pk).first()
    if reply is None:
        raise Http404
    choice = request.POST.get("choice", "")
    kind, _sep, raw_id = choice.partition(":")
    try:
        limits.count(request, limits.ANSWERING_FEEDBACK, trust=trust_of(request.user))
        if choice == "more-help":
            bot.mark_needs_help(actor=request.user, reply=reply)
        elif (
            kind in ("article", "thread")
            and raw_id.isascii()
            and raw_id.isdigit()
            and len(raw_id) <= 18
        ):
            bot.mark_answered(actor=request.user, reply=reply, kind=kind, pk=int(raw_id))
        else:
            messages.error(request, _("Choose one of the answers, or “I still need help”."))
            return redirect(thread)
    except RateLimited as limited:
        messages.error(request, limits.unsent_message(limited))
        return redirect(thread)
    except HandoffError as error:
        messages.error(request, str(error))
        return redirect(thread)
    if choice == "more-help":
        messages.info(
            request,
            _(
                "The community can see your question. If nobody answers in time, you can ask "
                "the support team here."
            ),
        )
        return redirect(f"{thread.get_absolute_url()}#escalation-panel")
    messages.success(request, _("Glad it helped. Your question is marked as solved."))
    return redirect(thread)
