"""An article's views and "Did this answer your question?": counts, never content."""

from django.db.models import F

from help.models import Article
from help.viewcounts import ARTICLE_VIEWS


def record_view(*, actor, article: Article) -> int:
    """Count a view (in the shared cache, folded by beat); return the views not yet in
    the row, for the page to show."""
    return ARTICLE_VIEWS.record(article.pk)


def record_answer(*, actor, article: Article, is_helpful: bool) -> None:
    """One "Yes" or "No". The caller counted the rate limit."""
    field = "helpful_yes" if is_helpful else "helpful_no"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})


def fold_views() -> int:
    return ARTICLE_VIEWS.fold()
