"""What a viewer may ask the dashboard: a period (a preset or two dates, in their time
zone), one category, queue or chain, a date to compare before and after, and for a
download which table. Everything arrives in the URL, so anything may arrive: every
value is checked here and a bad one becomes a message, never an error page."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.models import DailyRollup

Scope = DailyRollup.Scope

# The longest period one page adds up (its previous period doubles what is read).
MAX_DAYS = 2 * 366
DEFAULT_DAYS = 30
PRESET_DAYS = {"7": 7, "30": 30, "90": 90}
PERIODS = [
    ("7", gettext_lazy("Last 7 days")),
    ("30", gettext_lazy("Last 30 days")),
    ("90", gettext_lazy("Last 90 days")),
    ("year", gettext_lazy("This year")),
    ("custom", gettext_lazy("Custom dates")),
]


@dataclass(frozen=True)
class Choice:
    value: str  # "category:wallets", "queue:security", "chain:3"
    label: str
    scope: str
    key: int


@dataclass(frozen=True)
class Query:
    first: date
    last: date
    tz: ZoneInfo
    scope: str  # Scope.CATEGORY with key None: everything
    key: int | None
    filter_label: str
    pivot: date
    preset: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def previous(self) -> tuple[date, date]:
        return self.first - timedelta(days=self.days), self.first - timedelta(days=1)


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def filter_choices(*, categories, queues, chains) -> list[tuple[str, list[Choice]]]:
    """The filter's options, grouped: categories by slug, queues by slug, chains by id."""
    return [
        (
            _("Categories"),
            [
                Choice(f"category:{c.slug}", c.localized_name, Scope.CATEGORY, c.pk)
                for c in categories
            ],
        ),
        (_("Queues"), [Choice(f"queue:{q.slug}", q.name, Scope.QUEUE, q.pk) for q in queues]),
        (_("Chains"), [Choice(f"chain:{c.pk}", c.name, Scope.CHAIN, c.pk) for c in chains]),
    ]


class DashboardForm(forms.Form):
    period = forms.ChoiceField(choices=PERIODS, required=False)
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    tz = forms.CharField(required=False, max_length=64)
    filter = forms.CharField(required=False, max_length=120)
    pivot = forms.DateField(required=False)

    def __init__(self, data, *, choices, today_in, default_zone: str):
        super().__init__(data)
        self.choices = {choice.value: choice for _group, group in choices for choice in group}
        self.today_in = today_in  # zone -> today's date there
        self.default_zone = default_zone

    def clean_tz(self) -> ZoneInfo:
        name = self.cleaned_data["tz"] or self.default_zone
        if name not in _zone_names():
            raise forms.ValidationError(
                _("“%(zone)s” is not a time zone we know. Use a name like Asia/Shanghai."),
                params={"zone": name[:64]},
            )
        return ZoneInfo(name)

    def clean_filter(self) -> Choice | None:
        value = self.cleaned_data["filter"]
        if not value:
            return None
        if value not in self.choices:
            raise forms.ValidationError(
                _("There is no category, queue or chain “%(value)s”."),
                params={"value": value[:120]},
            )
        return self.choices[value]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = self.today_in(data["tz"])
        preset = data.get("period") or ""
        start, end = data.get("start"), data.get("end")
        if preset == "custom" or (not preset and (start or end)):
            preset = "custom"
            if not (start and end):
                raise forms.ValidationError(_("Give both a first and a last day."))
            if end < start:
                raise forms.ValidationError(_("The last day comes before the first day."))
            if end > today:
                raise forms.ValidationError(_("The last day is in the future."))
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(
                    _("A period can be at most %(days)s days long."), params={"days": MAX_DAYS}
                )
        elif preset == "year":
            start, end = date(today.year, 1, 1), today
        else:
            preset = preset or str(DEFAULT_DAYS)
            start, end = today - timedelta(days=PRESET_DAYS[preset] - 1), today
        pivot = data.get("pivot")
        if pivot and not (today - timedelta(days=3 * MAX_DAYS) <= pivot <= today):
            raise forms.ValidationError(_("Choose a comparison date in the last six years."))
        data.update(first=start, last=end, preset=preset)
        data["pivot"] = pivot or start + timedelta(days=((end - start).days + 1) // 2)
        return data

    def query(self) -> Query:
        """The valid query; call after is_valid()."""
        data = self.cleaned_data
        choice = data.get("filter")
        return Query(
            first=data["first"],
            last=data["last"],
            tz=data["tz"],
            scope=choice.scope if choice else Scope.CATEGORY,
            key=choice.key if choice else None,
            filter_label=choice.label if choice else "",
            pivot=data["pivot"],
            preset=data["preset"],
        )

    def default_query(self) -> Query:
        """What the page shows when the viewer's input is wrong: the last 30 days, everything."""
        zone = ZoneInfo(self.default_zone)
        today = self.today_in(zone)
        first = today - timedelta(days=DEFAULT_DAYS - 1)
        return Query(
            first=first,
            last=today,
            tz=zone,
            scope=Scope.CATEGORY,
            key=None,
            filter_label="",
            pivot=first + timedelta(days=DEFAULT_DAYS // 2),
            preset=str(DEFAULT_DAYS),
        )
