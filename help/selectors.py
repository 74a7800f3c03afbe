"""The reads help pages need, and the one lookup of answers for a question.

`closest_answers(text, *, user, language, limit)` is what the ask page's suggestions use
and what a first-line bot should use: knowledge-base articles first, then solved threads,
then other threads, each with the first lines of its answer (the article's short answer,
or the thread's accepted or support-team answer).

Articles are matched against their stored words (Article.index_title/index_body, made by
forum's normaliser at write time) with forum's own query parsing and coverage
(forum.search.parse, Query.coverage): one query reads the live articles' words. The
knowledge base is a curated set (hundreds of articles, not the forum's millions of posts),
so it needs no full-text index of its own; threads come from forum.search.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import CharField, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from config import caching
from config.rawrows import fetch
from forum import search as forum_search
from forum import selectors as forum_selectors
from forum.models import Category, Thread
from forum.search.engine import MAX_QUERY_CHARS, highlight, post_text, snippet
from forum.search.text import index_text
from help import access
from help.models import Article, BotReply, text_language

EXCERPT_CHARS = 180
# An article is suggested when it covers at least this share of the query's words.
MIN_ARTICLE_COVERAGE = 0.5
RELATED_LIMIT = 5
# Threads scoring at least this share of the best one count as close matches, among which
# solved threads come first.
CLOSE_SHARE = 0.75
RELATED_SHARE = 0.5
_LIST_FIELDS = (
    "id",
    "category_id",
    "position",
    "slug",
    "question_en",
    "question_zh",
    "answer_en",
    "answer_zh",
    "review_by",
    "retired_at",
    "view_count",
    "source_thread_id",
)


@dataclass
class Answer:
    """One suggestion: an article or a thread, with the first lines of its answer."""

    kind: str  # "article" or "thread"
    title: str
    url: str
    open_url: str  # through the suggestion marker (help:open)
    excerpt: str
    is_solved: bool = False
    is_staff_answer: bool = False
    article: Article | None = None
    thread: Thread | None = None
    score: float = 0.0
    title_html: SafeString = field(default_factory=lambda: mark_safe(""))


def excerpt(text: str, *, size: int = EXCERPT_CHARS) -> str:
    """The first lines of `text`, about `size` characters, whole words where it can."""
    text = " ".join(text.split())
    if len(text) <= size:
        return text
    cut = text[:size]
    space = cut.rfind(" ")
    return (cut[:space] if space > size // 2 else cut) + "…"


# --- Articles -------------------------------------------------------------------------


def live_articles():
    return Article.objects.filter(retired_at=None)


def articles_for(user):
    """Live articles, or every article for those who write them (retired ones marked)."""
    return Article.objects.all() if access.can_edit_articles(user) else live_articles()


def get_article_for_user(*, user, article_id: int) -> Article:
    """The article, with its category; 404 if missing, or retired and `user` does not
    write articles."""
    article = articles_for(user).select_related("category").filter(pk=article_id).first()
    if article is None:
        raise Http404
    return article


@dataclass
class CategorySection:
    category: Category
    articles: list[Article]


def help_index(*, user) -> list[CategorySection]:
    """The categories that have articles, in the forum's order, each with its articles in
    their order. Two queries."""
    articles = list(
        articles_for(user).only(*_LIST_FIELDS).order_by("category_id", "position", "pk")
    )
    categories = Category.objects.filter(pk__in={a.category_id for a in articles}).order_by(
        "position", "name"
    )
    by_category: dict[int, list[Article]] = {}
    for article in articles:
        by_category.setdefault(article.category_id, []).append(article)
    return [CategorySection(category, by_category[category.pk]) for category in categories]


def category_articles(*, user, category: Category) -> list[Article]:
    return list(
        articles_for(user).filter(category=category).only(*_LIST_FIELDS).order_by("position", "pk")
    )


def is_due_for_review(article: Article, *, today=None) -> bool:
    today = today or timezone.localdate()
    return article.review_by is not None and article.review_by <= today


@dataclass
class ArticleMatch:
    article: Article
    score: float
    title_coverage: float


def match_articles(
    query: forum_search.Query, *, limit: int, category_id=None
) -> list[ArticleMatch]:
    """Live articles covering at least MIN_ARTICLE_COVERAGE of the query, best first."""
    if not query.units:
        return []
    articles = live_articles().only(
        *_LIST_FIELDS, "index_title", "index_body", "steps_en", "steps_zh"
    )
    if category_id is not None:
        articles = articles.filter(category_id=category_id)
    found = []
    for article in articles:
        title_words = set(article.index_title.split())
        coverage = query.coverage(title_words | set(article.index_body.split()))
        if coverage < MIN_ARTICLE_COVERAGE:
            continue
        title_coverage = query.coverage(title_words)
        found.append(ArticleMatch(article, 2 * coverage + title_coverage, title_coverage))
    found.sort(key=lambda match: (-match.score, match.article.position, match.article.pk))
    # An article far behind the best one shares a word or two with the query, no more.
    best = found[0].score if found else 0.0
    return [match for match in found if match.score >= CLOSE_SHARE * best][:limit]


def article_search_hits(query: forum_search.Query, *, language: str, category_id=None, limit=3):
    """Articles for the search page: (article, its text in `language`, title HTML,
    snippet HTML), marked where the query's words are."""
    hits = []
    for match in match_articles(query, limit=limit, category_id=category_id):
        text = match.article.text_in(language)
        hits.append(
            {
                "article": match.article,
                "text": text,
                "title_html": highlight(text.question, query),
                "snippet_html": snippet(" ".join([text.answer, *text.steps]), query),
            }
        )
    return hits


# --- Answers for a question -------------------------------------------------------------


def _open_url(kind: str, pk: int) -> str:
    return reverse("help:open", args=[kind, pk])


def closest_answers(text: str, *, user, language: str, limit: int = 5) -> list[Answer]:
    """Up to `limit` articles and threads that may answer `text` (a question being
    typed: the last word may be unfinished), for `user` (what they may see), in
    `language` where an article has it: articles first, then solved threads, then the
    rest (of the close matches: CLOSE_SHARE), each with the first lines of its answer. A handful of queries: the articles'
    words, forum's similar() (three), and the threads' answers (one)."""
    text = (text or "")[: MAX_QUERY_CHARS * 4]
    query = forum_search.parse(text, prefix_last=True)
    if not query.units or limit <= 0:
        return []
    answers: list[Answer] = []
    covered_threads = set()
    for match in match_articles(query, limit=limit):
        article = match.article
        shown = article.text_in(language)
        covered_threads.add(article.source_thread_id)
        answers.append(
            Answer(
                kind="article",
                title=shown.question,
                url=article.get_absolute_url(),
                open_url=_open_url("a", article.pk),
                excerpt=excerpt(shown.answer),
                is_solved=True,
                article=article,
                score=match.score,
                title_html=highlight(shown.question, query),
            )
        )
    room = limit - len(answers)
    if room > 0:
        hits = forum_search.similar(text, user=user, limit=room * 2 + len(covered_threads))
        hits = [hit for hit in hits if hit.thread.pk not in covered_threads]
        # Solved threads first among those about as relevant as the best one (a solved
        # thread sharing one word with the question does not push a close match down),
        # each group in the search's own order.
        best = max((hit.score for hit in hits), default=0.0)
        close = [hit for hit in hits if hit.score >= CLOSE_SHARE * best]
        close.sort(key=lambda hit: not hit.thread.is_solved)
        hits = (close + [hit for hit in hits if hit.score < CLOSE_SHARE * best])[:room]
        posts = forum_selectors.answers_of_threads(hit.thread.pk for hit in hits)
        for hit in hits:
            post = posts.get(hit.thread.pk)
            answers.append(
                Answer(
                    kind="thread",
                    title=hit.thread.title,
                    url=hit.thread.get_absolute_url(),
                    open_url=_open_url("t", hit.thread.pk),
                    excerpt=excerpt(post_text(post)) if post else "",
                    is_solved=hit.thread.is_solved,
                    is_staff_answer=bool(post and post.is_staff_answer),
                    thread=hit.thread,
                    score=hit.score,
                    title_html=highlight(hit.thread.title, query),
                )
            )
    return answers


# --- Under a thread ----------------------------------------------------------------------


@dataclass
class ThreadFooter:
    """What help shows under a thread: its live article (question texts only), the
    related threads, best first, and whether the first-line bot replied to it."""

    article: Article | None
    related: list[Thread]
    has_bot_reply: bool = False


# One statement for everything help shows on a thread page but the bot's reply itself:
# the related threads still visible, the thread's live article (the oldest, if several)
# and whether the bot replied. Plain columns (ids and text), converted the same on
# every database. The ids are padded to RELATED_LIMIT so the text, and on PostgreSQL
# its prepared plan, is the same for every thread.
_FOOTER_SQL = f"""
SELECT 0, t.id, t.slug, t.title, t.state, NULL FROM {Thread._meta.db_table} t
 WHERE t.id IN ({{ids}}) AND NOT t.is_hidden
UNION ALL
SELECT 1, a.id, a.slug, a.question_en, a.question_zh, a.category_id FROM {Article._meta.db_table} a
 WHERE a.source_thread_id = %s AND a.retired_at IS NULL
UNION ALL
SELECT 2, b.thread_id, NULL, NULL, NULL, NULL FROM {BotReply._meta.db_table} b WHERE b.thread_id = %s
"""


def _loaded(model, **values):
    """An instance of `model` with these fields, the others deferred (Model.from_db takes
    the values in the model's field order)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(None, names, [values[name] for name in names])


# The SQL types of _FOOTER_SQL's columns (forum.extensions.PageRead).
FOOTER_TYPES = ("integer", "bigint", "varchar", "text", "text", "bigint")


def thread_footer(*, thread: Thread, limit: int = RELATED_LIMIT) -> ThreadFooter:
    """The thread's article, related questions and whether the bot replied, in one query
    on a warm cache (none more on a member's thread page: `footer_statement`).

    Related threads are found by forum search on the title, as a visitor would find them
    (so one list serves every reader), and kept in the shared cache as ids
    (`caching.related_questions_key`). The rows are read on every call: a thread hidden
    or deleted since, or an article retired since, is left out at once.
    """
    ids = _related_ids(thread, limit, cache.get(caching.related_questions_key(thread.pk)))
    sql, params = _footer_statement(thread.pk, ids, limit)
    return footer_from_rows(thread=thread, ids=ids, rows=fetch(sql, params))


def footer_statement(thread_id: int) -> tuple[str, list, tuple] | None:
    """The footer's statement for a thread page that reads its thread in the same
    statement (forum.extensions.PageRead): (SQL, params, (title, ids)), from the related
    ids found before; None when there are none kept (thread_footer finds them)."""
    kept = cache.get(caching.related_questions_key(thread_id))
    if not (isinstance(kept, tuple) and len(kept) == 2):
        return None
    ids = [pk for pk in kept[1] if pk != thread_id][:RELATED_LIMIT]
    return (*_footer_statement(thread_id, ids, RELATED_LIMIT), (kept[0], ids))


def _related_ids(thread: Thread, limit: int, kept) -> list[int]:
    """The related ids kept for this thread's title, or found again and kept."""
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == thread.title:
        ids = kept[1]
    else:
        hits = forum_search.search(
            thread.title, user=AnonymousUser(), limit=limit + 1, snippets=False
        ).hits
        others = [hit for hit in hits if hit.thread.pk != thread.pk]
        best = max((hit.score for hit in others), default=0.0)
        # Threads far behind the best share a word with the title, no more.
        ids = [hit.thread.pk for hit in others if hit.score >= RELATED_SHARE * best][:limit]
        key = caching.related_questions_key(thread.pk)
        cache.set(key, (thread.title, ids), caching.RELATED_QUESTIONS_TTL)
    return [pk for pk in ids if pk != thread.pk][:limit]


def _footer_statement(thread_id: int, ids: list[int], limit: int) -> tuple[str, list]:
    padded = ids + [0] * (max(limit, RELATED_LIMIT) - len(ids))
    sql = _FOOTER_SQL.format(ids=", ".join(["%s"] * len(padded)))
    return sql, [*padded, thread_id, thread_id]


def footer_from_rows(*, thread: Thread, ids: list[int], rows) -> ThreadFooter:
    """The footer from _FOOTER_SQL's rows, the related threads in the order of `ids`."""
    by_id, articles = {}, []
    for kind, pk, slug, text, more, category_id in rows:
        # from_db, as a queryset builds rows: the other fields are deferred, not given
        # their defaults (a third of the footer's time).
        if kind == 0:
            by_id[pk] = _loaded(Thread, id=pk, slug=slug, title=text, state=more)
        elif kind == 1:
            articles.append(
                _loaded(
                    Article,
                    id=pk,
                    slug=slug,
                    category_id=category_id,
                    question_en=text,
                    question_zh=more,
                    source_thread_id=thread.pk,
                )
            )
    has_bot_reply = rows_have_bot_reply(rows)
    article = min(articles, key=lambda a: a.pk, default=None)
    related = [by_id[pk] for pk in ids if pk in by_id]
    return ThreadFooter(article, _one_per_title(related), has_bot_reply)


def rows_have_bot_reply(rows) -> bool:
    """Whether _FOOTER_SQL's rows say the bot replied (footer_from_rows's has_bot_reply)."""
    return any(row[0] == 2 for row in rows)


def _one_per_title(threads: list[Thread]) -> list[Thread]:
    """The threads, one for each title (as a reader sees it): five links that read the same
    help nobody. A solved one stands for its title where there is one, else the best."""
    chosen: dict[str, Thread] = {}
    for row in threads:
        title = " ".join(row.title.casefold().split())
        kept = chosen.get(title)
        if kept is None or (row.is_solved and not kept.is_solved):
            chosen[title] = row
    kept_ids = {row.pk for row in chosen.values()}
    return [row for row in threads if row.pk in kept_ids]


def related_questions(*, thread: Thread, limit: int = RELATED_LIMIT) -> list[Thread]:
    """Threads like this one, best first (thread_footer)."""
    return thread_footer(thread=thread, limit=limit).related


def article_of_thread(*, thread_id: int) -> Article | None:
    """The live article made from this thread, if there is one."""
    return live_articles().filter(source_thread_id=thread_id).only(*_LIST_FIELDS).first()


def thread_prefill(*, thread: Thread, user) -> dict:
    """What the new-article form starts with, from a thread: its category, its title as
    the question and its accepted (or support-team) answer as the short answer, in the
    field of the language it was written in."""
    post = forum_selectors.answers_of_threads([thread.pk]).get(thread.pk)
    answer = post.body if post else ""
    language = "zh" if _looks_chinese(thread.title + answer) else "en"
    return {
        "category": thread.category_id,
        f"question_{language}": thread.title,
        f"answer_{language}": answer,
    }


def _looks_chinese(text: str) -> bool:
    han = sum(1 for char in text if "\u4e00" <= char <= "\u9fff")
    return han * 4 >= len(text.replace(" ", "")) and han > 0


def viewer_language(request) -> str:
    """The article language for this request: ?lang=en|zh, else the page's language."""
    asked = request.GET.get("lang", "")
    if asked in ("en", "zh"):
        return asked
    return text_language(getattr(request, "LANGUAGE_CODE", ""))


# --- The first-line bot ------------------------------------------------------------------

BOT_SUGGESTIONS = 3
# The share of a new question's words a solved thread's title and answer must hold for
# the bot to offer it (articles pass MIN_ARTICLE_COVERAGE already).
BOT_MIN_COVERAGE = 0.5


def bot_suggestions(*, thread: Thread, asker, language: str) -> list[dict]:
    """What the bot offers for a new question: up to BOT_SUGGESTIONS live articles and
    solved threads closest to its title (where a question says what it is about; the
    details add words that dilute the match) that the asker may see, best first, never
    the thread itself; each {"kind", "id", "title", "excerpt", "url"}, the article in
    `language` where it has it. Unsolved threads are left out: the bot offers answers,
    not more questions."""
    text = thread.title
    found = closest_answers(text, user=asker, language=language, limit=BOT_SUGGESTIONS + 1)
    query = forum_search.parse(text)
    offered = []
    for answer in found:
        if answer.kind == "thread" and (
            answer.thread.pk == thread.pk
            or not answer.is_solved
            # The ask page's suggestions may be loose (the question is still being typed);
            # an answer offered in the asker's name covers the question's words.
            or query.coverage(set(index_text(answer.title, answer.excerpt).split()))
            < BOT_MIN_COVERAGE
        ):
            continue
        target = answer.article if answer.kind == "article" else answer.thread
        offered.append(
            {
                "kind": answer.kind,
                "id": target.pk,
                "title": answer.title,
                "excerpt": answer.excerpt,
                "url": answer.url,
            }
        )
    return offered[:BOT_SUGGESTIONS]


def question_language(*, asker, text: str) -> str:
    """The language the bot answers in: the asker's chosen one, else the question's own."""
    if asker.language:
        return text_language(asker.language)
    return "zh" if _looks_chinese(text) else "en"


@dataclass
class BotReplyView:
    """The bot's reply as a page shows it: only the suggestions still live (an article
    retired or a thread hidden since is left out), and which one answered, if any."""

    reply: BotReply
    suggestions: list[dict]
    answered_by: dict | None


def bot_reply_for(*, thread: Thread, has_bot_reply: bool | None = None) -> BotReplyView | None:
    """The bot's reply under this thread's question, or None: one query, and one more for
    whether what it offered is still there. Told by the page's footer (thread_footer)
    that the bot never answered the thread, none."""
    if has_bot_reply is False:
        return None
    reply = BotReply.objects.filter(thread_id=thread.pk).first()
    if reply is None:
        return None
    article_ids = [item["id"] for item in reply.suggestions if item["kind"] == "article"]
    thread_ids = [item["id"] for item in reply.suggestions if item["kind"] == "thread"]
    live = set()
    if article_ids or thread_ids:
        kind = Value("article", output_field=CharField())
        articles = live_articles().filter(pk__in=article_ids).annotate(kind=kind)
        threads = Thread.objects.filter(pk__in=thread_ids, is_hidden=False).annotate(
            kind=Value("thread", output_field=CharField())
        )
        pairs = articles.order_by().values_list("kind", "pk")
        live = set(pairs.union(threads.order_by().values_list("kind", "pk")))
    shown = [item for item in reply.suggestions if (item["kind"], item["id"]) in live]
    answered_by = next(
        (
            item
            for item in reply.suggestions
            if (item["kind"], item["id"]) == (reply.answered_by_kind, reply.answered_by_id)
        ),
        None,
    )
    return BotReplyView(reply=reply, suggestions=shown, answered_by=answered_by)
