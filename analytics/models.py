"""Analytics: daily rollups of what the other apps recorded. This app writes only these rows.

One row per (day, scope, key): the measures of one local day (`ANALYTICS_TIME_ZONE`, by
default the site's `TIME_ZONE`) for one category, queue, chain, agent or helper (a member
whose answers were accepted), or the whole site (whose row adds up every category's, and
counts the secret guard's refusals).
Counts are a JSON object of measure → integer; durations are histograms
(`analytics.histograms`: at most ~70 log-spaced buckets whatever the volume), so a
median or a 90th percentile over any range is read from a bounded number of rows of
bounded size. The measures are named in `analytics.measures`.

The rows are derived data: `analytics.services.recompute_days` deletes and rebuilds a
day in one transaction, so running it twice gives the same rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyRollup(models.Model):
    class Scope(models.TextChoices):
        SITE = "site", _("Whole site")
        CATEGORY = "category", _("Category")
        QUEUE = "queue", _("Queue")
        AGENT = "agent", _("Agent")
        CHAIN = "chain", _("Chain")
        HELPER = "helper", _("Helper")

    day = models.DateField()
    scope = models.CharField(max_length=10, choices=Scope)
    # The category's, queue's, chain's, agent's or helper's id; 0 for the site, and for
    # tickets in no queue and questions about no chain.
    key = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict)
    histograms = models.JSONField(default=dict)
    # The day's newest commented ratings as [timestamp, rating id], newest first, at most
    # measures.RECENT_COMMENTS: what "recent comments" reads without scanning ratings.
    recent_comments = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        ordering = ["day", "scope", "key"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "day"], name="rollup_once_per_day"),
        ]
        indexes = [models.Index(fields=["scope", "day"], name="rollup_scope_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.scope} {self.key}"


class MonthlyRollup(models.Model):
    """One calendar month of a scope's daily rollups added up (hourly counts left out),
    so a period of a year reads twelve rows a key and the days at its edges, not 365.

    Derived from DailyRollup by analytics.services.recompute_month, which every rebuild of
    days calls for their months."""

    month = models.DateField()  # its first day
    scope = models.CharField(max_length=10, choices=DailyRollup.Scope)
    key = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict)
    histograms = models.JSONField(default=dict)
    recent_comments = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("monthly rollup")
        verbose_name_plural = _("monthly rollups")
        ordering = ["month", "scope", "key"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "month"], name="rollup_once_per_month"),
        ]
        indexes = [models.Index(fields=["scope", "month"], name="rollup_scope_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.scope} {self.key}"
