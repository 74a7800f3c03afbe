"""Article views: counted in the shared cache and folded into Article.view_count by beat,
with the forum's machinery (forum.viewcounts.PendingCounts; keys under `help-views:`).
A page view never writes to the database and no web process keeps a count."""

from django.db.models import F

from forum.viewcounts import PendingCounts
from help.models import Article


def _store(claimed: dict[int, int]) -> None:
    for article_id, views in claimed.items():
        Article.objects.filter(pk=article_id).update(view_count=F("view_count") + views)


ARTICLE_VIEWS = PendingCounts("help-views", store=_store)
