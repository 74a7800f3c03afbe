"""Writing the knowledge base. Only moderators and agents acting as staff (help.access)."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from forum.search.text import index_text
from help import access
from help.errors import InvalidArticle, NotAllowed
from help.models import TEXT_LANGUAGES, Article

TEXT_FIELDS = tuple(
    f"{part}_{language}" for language in TEXT_LANGUAGES for part in ("question", "answer", "steps")
)
FIELDS = ("category", "review_by", *TEXT_FIELDS)


def _check_editor(actor) -> None:
    if not access.can_edit_articles(actor):
        raise NotAllowed(_("Only moderators and support agents can write help articles."))


def _check_text(article: Article) -> None:
    """Each language whole (a question and a short answer) or empty, and at least one."""
    complete = 0
    for language in TEXT_LANGUAGES:
        question = getattr(article, f"question_{language}").strip()
        answer = getattr(article, f"answer_{language}").strip()
        steps = getattr(article, f"steps_{language}").strip()
        if question and answer:
            complete += 1
        elif question or answer or steps:
            raise InvalidArticle(
                _("Give both the question and its short answer in each language you write.")
            )
    if not complete:
        raise InvalidArticle(_("Write the question and its short answer in English or Chinese."))


def _index(article: Article) -> None:
    """The article's words for the suggestions and search (forum's normaliser)."""
    article.index_title = index_text(article.question_en, article.question_zh)
    article.index_body = index_text(
        article.answer_en, article.steps_en, article.answer_zh, article.steps_zh
    )
    article.slug = (
        slugify(article.question_en or article.question_zh, allow_unicode=True)[:80].strip("-")
        or "article"
    )


def _next_position(category_id: int) -> int:
    top = Article.objects.filter(category_id=category_id).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def create_article(*, actor, category, source_thread=None, review_by=None, **texts) -> Article:
    """A new article at the end of its category. `texts` are the TEXT_FIELDS (missing
    ones empty). Raises NotAllowed, InvalidArticle."""
    _check_editor(actor)
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    article = Article(
        category=category,
        source_thread=source_thread,
        review_by=review_by,
        created_by=actor,
        **{name: (texts.get(name) or "").strip() for name in TEXT_FIELDS},
    )
    _check_text(article)
    _index(article)
    with transaction.atomic():
        if (
            source_thread is not None
            and Article.objects.filter(source_thread=source_thread).exists()
        ):
            raise InvalidArticle(_("This thread already has a help article."))
        article.position = _next_position(category.pk)
        article.save()
    return article


def update_article(*, actor, article: Article, **changes) -> Article:
    """Change an article's category, review date or texts (FIELDS). A new category puts it
    at that category's end. Raises NotAllowed, InvalidArticle."""
    _check_editor(actor)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        old_category_id = article.category_id
        for name, value in changes.items():
            setattr(article, name, value.strip() if name in TEXT_FIELDS else value)
        _check_text(article)
        _index(article)
        if article.category_id != old_category_id:
            article.position = _next_position(article.category_id)
        article.save()
    return article


def move_article(*, actor, article: Article, direction: str) -> Article:
    """Swap the article with its neighbour above ("up") or below ("down") among its
    category's articles (retired ones keep their places). Raises NotAllowed."""
    _check_editor(actor)
    if direction not in ("up", "down"):
        raise ValueError(direction)
    with transaction.atomic():
        siblings = list(
            Article.objects.select_for_update()
            .filter(category_id=article.category_id)
            .order_by("position", "pk")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == article.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(siblings):
            siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                Article.objects.filter(pk=sibling.pk).update(position=position)
            if sibling.pk == article.pk:
                article.position = position
    return article


def retire_article(*, actor, article: Article, now=None) -> Article:
    """Hide the article from members, lists and search; staff still see it and may
    restore it. Raises NotAllowed."""
    _check_editor(actor)
    now = now or timezone.now()
    Article.objects.filter(pk=article.pk, retired_at=None).update(retired_at=now)
    article.refresh_from_db(fields=["retired_at"])
    return article


def restore_article(*, actor, article: Article) -> Article:
    _check_editor(actor)
    Article.objects.filter(pk=article.pk).update(retired_at=None)
    article.refresh_from_db(fields=["retired_at"])
    return article
