"""The viewer's time zone: the zones we know, the one their browser reports, and the offer
to switch when that differs from the one saved on their account.

The browser's zone comes from static/js/site.js: a cookie on every page (visitors see
times in it, accounts.middleware), and at sign-up a hidden field that becomes the new
account's zone (accounts.forms.SignupForm), so new members do not start in UTC. A member
whose device later says another zone (they travel, or signed up without script) is
offered to switch, once per zone until they answer.
"""

import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from config import times

COOKIE = "handoff_tz"
# The zone the member chose to keep their saved one over, in their session.
DECLINED_SESSION_KEY = "handoff_tz_declined"
KNOWN = frozenset(zoneinfo.available_timezones())


def is_known(name) -> bool:
    return isinstance(name, str) and name in KNOWN


def label(name: str) -> str:
    """ "Asia/Shanghai (UTC+8)": the zone's name as people read it, with its offset now."""
    now = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(name))
    return f"{name.replace('_', ' ')} ({times.zone_label(now)})"


def browser_zone(request) -> str:
    """The zone the browser reported (a known one), or ""."""
    name = request.COOKIES.get(COOKIE, "")
    return name if is_known(name) else ""


@dataclass(frozen=True)
class Offer:
    zone: str  # the browser's
    zone_label: str
    saved_label: str


def offer_for(request) -> Offer | None:
    """A switch to offer a signed-in member: their browser's zone when it differs from the
    saved one and they have not declined it. Costs no query (the user row and session are
    loaded already)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    zone = browser_zone(request)
    if not zone or zone == user.timezone:
        return None
    if request.session.get(DECLINED_SESSION_KEY) == zone:
        return None
    saved = user.timezone if is_known(user.timezone) else "UTC"
    return Offer(zone=zone, zone_label=label(zone), saved_label=label(saved))


def offer(request) -> dict:
    """Context processor: `timezone_offer`, looked at by base.html on every page."""
    return {"timezone_offer": offer_for(request)}
