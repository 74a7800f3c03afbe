"""What help shows on forum pages, registered in forum/extensions.py (apps.py): the
thread's help article and related questions under a thread, the suggestions on the ask
page without JavaScript, and the articles at the top of a search."""

from django.template.loader import render_to_string

from accounts.trust import trust_of
from config import caching
from config.ratelimit import RateLimited
from forum.extensions import PageRead
from help import access, selectors
from help.forms import typed_question
from safety import limits


def _footers(request) -> dict[int, selectors.ThreadFooter | tuple]:
    """This request's footer facts by thread: read once a request (the bot's reply reads
    them too), or received from a member's thread page's own statement as (ids, rows),
    turned into a footer only if the page is rendered."""
    return request.__dict__.setdefault("_help_footers", {})


def _footer(request, thread) -> selectors.ThreadFooter:
    known = _footers(request)
    found = known.get(thread.pk)
    if isinstance(found, tuple):
        ids, rows = found
        found = known[thread.pk] = selectors.footer_from_rows(thread=thread, ids=ids, rows=rows)
    elif found is None:
        found = known[thread.pk] = selectors.thread_footer(thread=thread)
    return found


def _has_bot_reply(request, thread) -> bool:
    found = _footers(request).get(thread.pk)
    if isinstance(found, tuple):
        return selectors.rows_have_bot_reply(found[1])
    return _footer(request, thread).has_bot_reply


def receive_footer(*, request, thread, rows, context):
    """The footer's rows, read with a member's thread page (selectors.footer_statement):
    kept raw until the page is rendered, and given back as what keys the page's saved
    copy. Related ids found from another title are stale: None, and `_footer` reads the
    footer again."""
    title, ids = context
    if title != thread.title:
        return None
    _footers(request)[thread.pk] = (ids, rows)
    return (ids, rows)


FOOTER_READ = PageRead(
    statement=selectors.footer_statement, types=selectors.FOOTER_TYPES, receive=receive_footer
)


def thread_footer(*, request, thread) -> str:
    footer = _footer(request, thread)
    article, related = footer.article, footer.related
    # Staff are offered to turn a solved (or support-resolved) thread into an article.
    can_write = (
        article is None
        and (thread.is_solved or thread.support_resolved_at is not None)
        and access.can_edit_articles(request.user)
    )
    if not (article or related or can_write):
        return ""
    language = selectors.viewer_language(request)
    values = (
        thread.pk,
        article and (article.pk, article.slug, article.category_id),
        article and (article.question_en, article.question_zh, language),
        [(row.pk, row.slug, row.title, row.state) for row in related],
        can_write,
    )
    return caching.cached_render(
        "help/_thread_footer.html",
        values,
        lambda: {
            "article": article,
            # Its question only (the footer's query reads no more of it).
            "article_text": article and _question(article, language),
            "related": related,
            "can_write": can_write,
            "thread": thread,
        },
    )


def _question(article, language: str) -> dict:
    shown = article.shown_language(language)
    return {"language": shown, "question": getattr(article, f"question_{shown}")}


def ask_suggestions(*, request, title: str, body: str) -> str:
    return render_to_string(
        "help/_suggestions.html",
        suggestions_context(request, typed_question({"title": title, "body": body})),
        request=request,
    )


def suggestions_context(request, text: str) -> dict:
    """The suggestions fragment's context, rate limited (LOOKING_UP) per member."""
    if not text:
        return {"text": ""}
    trust = trust_of(request.user)
    try:
        limits.count(request, limits.LOOKING_UP, trust=trust)
    except RateLimited as limited:
        return {"text": text, "limited": limited.message}
    answers = selectors.closest_answers(
        text, user=request.user, language=selectors.viewer_language(request), limit=5
    )
    return {"text": text, "answers": answers}


def search_section(*, request, query) -> str:
    if any(request.GET.get(name) for name in ("solved", "staff", "since", "until")):
        return ""  # those filters say what threads to show; articles have none of it
    category_id = None
    slug = request.GET.get("category", "")
    if slug:
        from forum.models import Category

        category_id = Category.objects.filter(slug=slug).values_list("pk", flat=True).first()
        if category_id is None:
            return ""
    hits = selectors.article_search_hits(
        query, language=selectors.viewer_language(request), category_id=category_id
    )
    if not hits:
        return ""
    return render_to_string("help/_search_section.html", {"hits": hits}, request=request)


def bot_reply(*, request, thread) -> str:
    """The first-line bot's reply under the question (forum/extensions.py), in the
    asker's language, with the asker's two answers while they have not given one."""
    found = selectors.bot_reply_for(thread=thread, has_bot_reply=_has_bot_reply(request, thread))
    if found is None or not (found.suggestions or found.answered_by):
        return ""
    reply = found.reply
    is_asker = request.user.is_authenticated and request.user.pk == thread.author_id
    return render_to_string(
        "help/_bot_reply.html",
        {
            "reply": reply,
            "suggestions": found.suggestions,
            "answered_by": found.answered_by,
            "thread": thread,
            "locale": "zh-hans" if reply.language == "zh" else "en",
            "can_answer": is_asker
            and not reply.outcome
            and not thread.is_solved
            and not thread.is_closed,
        },
        request=request,
    )
