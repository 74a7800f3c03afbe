"""Analytics: daily rollups of what the other apps recorded. This app writes only these rows.

One row per (day, scope, key): the measures of one local day (`ANALYTICS_TIME_ZONE`, by
default the site's `TIME_ZONE`) for one category, queue or agent, or the whole site.
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

    day = models.DateField()
    scope = models.CharField(max_length=10, choices=Scope)
    # The category's, queue's or agent's id; 0 for the site, and for tickets in no queue.
    key = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict)
    histograms = models.JSONField(default=dict)
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


class WeeklyRollup(models.Model):
    """The sum of a local week's DailyRollup rows (Monday to Sunday) for one scope and key.

    Derived from the daily rows whenever they are rebuilt (analytics.services), in the same
    transaction. A long period is read as its whole months (MonthlyRollup), the whole
    weeks around them from here and its few edge days from the daily rows
    (analytics.periods): a year is some 23 rows a key instead of 365.
    """

    week = models.DateField()  # the Monday
    scope = models.CharField(max_length=10, choices=DailyRollup.Scope)
    key = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict)
    histograms = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("weekly rollup")
        verbose_name_plural = _("weekly rollups")
        ordering = ["week", "scope", "key"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "week"], name="rollup_once_per_week"),
        ]
        indexes = [models.Index(fields=["scope", "week"], name="rollup_scope_week")]

    def __str__(self) -> str:
        return f"week of {self.week} {self.scope} {self.key}"


class MonthlyRollup(models.Model):
    """The sum of a calendar month's DailyRollup rows for one scope and key, rebuilt with
    the days like the weeks: a year is read as its whole months, then whole weeks, then
    days (analytics.periods)."""

    month = models.DateField()  # the first day of the month
    scope = models.CharField(max_length=10, choices=DailyRollup.Scope)
    key = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict)
    histograms = models.JSONField(default=dict)
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
        return f"month of {self.month} {self.scope} {self.key}"
