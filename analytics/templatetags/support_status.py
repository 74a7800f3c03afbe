"""Template tags for the support status: the opening hours of /support/ by day, and the
typical first reply on an asker's waiting request.

{% opening_days calendar.openings as days %}: the openings grouped by the viewer's local
day, each day's hours as one line of times only (the page names the zone once).

{% typical_first_reply ticket %}: the typical wait for a first answer from the support
team in the ticket's queue, as a sentence ("Typical first reply: about 3 hours"), or ""
when the queue had too few answers in the last seven days to say.

The figures are the public /support/ page's (analytics.status.typical_first_response_waits:
the median of the last seven days from the rollups, in opening hours). Escalation's
templates show it on an asker's waiting request; escalation itself never imports
analytics (a layer above it), the template library is looked up by name.
"""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, pgettext

from analytics import status

register = template.Library()

# Read once per render, however many requests a page lists.
_WAITS = "analytics.typical_first_response_waits"


@register.simple_tag(takes_context=True)
def typical_first_reply(context, ticket) -> str:
    waits = context.render_context.get(_WAITS)
    if waits is None:
        waits = context.render_context[_WAITS] = status.typical_first_response_waits()
    seconds = waits.get(ticket.queue_id or 0)
    return typical_first_reply_sentence(seconds) if seconds is not None else ""


def typical_first_reply_sentence(seconds: float) -> str:
    """Minutes under an hour, hours under two days, days beyond; whole numbers, rounded."""
    minutes = max(1, round(seconds / 60))
    if minutes < 60:
        return ngettext(
            "Typical first reply: about %(count)d minute",
            "Typical first reply: about %(count)d minutes",
            minutes,
        ) % {"count": minutes}
    hours = round(seconds / 3600)
    if hours < 48:
        return ngettext(
            "Typical first reply: about %(count)d hour",
            "Typical first reply: about %(count)d hours",
            hours,
        ) % {"count": hours}
    days = round(seconds / 86400)
    return ngettext(
        "Typical first reply: about %(count)d day",
        "Typical first reply: about %(count)d days",
        days,
    ) % {"count": days}


@register.simple_tag
def opening_days(openings) -> list[dict]:
    """[{"date": local date, "label": "December 1", "hours": "9 a.m. to 6 p.m."}] in the
    active time zone and language, in order.
    An opening that ends on the next local day says so ("to 6 a.m. the next day")."""
    days: dict = {}
    for opening in openings:
        opens, closes = timezone.localtime(opening.opens_at), timezone.localtime(opening.closes_at)
        until = formats.time_format(closes, "TIME_FORMAT")
        if closes.date() > opens.date():
            until = gettext("%(time)s the next day") % {"time": until}
        days.setdefault(opens.date(), []).append(
            gettext("%(opens)s to %(closes)s")
            % {"opens": formats.time_format(opens, "TIME_FORMAT"), "closes": until}
        )
    separator = pgettext("between items of a list", ", ")
    # MONTH_DAY_FORMAT pads Chinese months with a zero ("09月5日"): a format of our own.
    month_day = pgettext("a month and a day, as a Django date format", "F j")
    return [
        {"date": day, "label": formats.date_format(day, month_day), "hours": separator.join(hours)}
        for day, hours in days.items()
    ]
