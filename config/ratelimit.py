"""429 Too Many Requests: one page for every limit, ours and allauth's.

Code that finds a limit used up raises RateLimited (safety/limits.py does); the middleware
answers it with templates/429.html, saying when to try again, with a Retry-After header.
allauth answers its own limits (sign-in, sign-up, password reset: ACCOUNT_RATE_LIMITS)
through `handler429` in the root URLconf, which is `allauth_429` here.

Every limit per client address keys on client_ip(request): allauth's (through the account
adapter) and django-ratelimit's "ip" key (RATELIMIT_IP_META_KEY) alike.

htmx does not swap an error response by default, so base.html tells it to swap a 429
(htmx-config responseHandling) and the response points itself at the page's message
area (HX-Retarget): the form and whatever the user typed stay as they were.
"""

from __future__ import annotations

import ipaddress
import math
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from config import times

TEMPLATE = "429.html"

# allauth's limited views and the action each one's limit is under.
_ALLAUTH_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_email": "manage_email",
}
_DURATION = re.compile(r"(\d*\.?\d*)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


# Longer than any address written out ("[ffff:…:ffff]:65535"): not worth parsing.
_MAX_ADDRESS_LENGTH = 64
_PORT = re.compile(r"(?:\[(?P<v6>[^\]]*)\]|(?P<v4>[0-9.]+))(?::\d{1,5})?")


def _address(value: str | None) -> str | None:
    """`value` as a normalised IP address ("1.2.3.4:80" and "[::1]:443" lose the port)."""
    if not value:
        return None
    value = value.strip()
    if len(value) > _MAX_ADDRESS_LENGTH:
        return None
    if match := _PORT.fullmatch(value):
        value = match.group("v6") or match.group("v4")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent `request`: what per-address limits count.

    Directly on the internet (the default) it is REMOTE_ADDR, and X-Forwarded-For and
    friends are ignored, since the client writes them. Behind DJANGO_BEHIND_PROXY it
    comes from the proxy, with allauth's rules and settings: the header
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER if set, else the entry of X-Forwarded-For that is
    ALLAUTH_TRUSTED_PROXY_COUNT from the right, the one our outermost proxy appended
    (whatever the client sent stays to its left). A missing or malformed value falls
    back to REMOTE_ADDR, never to an error: a proxy that sends none is misconfigured, and
    its requests then share the proxy's allowance.
    """
    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = None
    if header:
        forwarded = request.headers.get(header)
    elif proxies:
        # rsplit with a bound: a long header costs no more than the few entries we read.
        entries = request.headers.get("X-Forwarded-For", "").rsplit(",", proxies)
        if len(entries) >= proxies:
            forwarded = entries[-proxies]
    # A unix socket has no REMOTE_ADDR: one shared allowance, like the misconfigured proxy.
    return _address(forwarded) or _address(request.META.get("REMOTE_ADDR")) or "0.0.0.0"


class RateLimited(Exception):
    """A limit is used up. `retry_after` is in seconds; `message` says which limit, or ""."""

    def __init__(self, *, retry_after: int, message: str = "") -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))
        self.message = message


def retry_moment(retry_after: int, *, now: datetime) -> datetime:
    """When to say a limit lifts, `retry_after` seconds from `now`: at the next whole
    minute, since "in 0 minutes" reads as "now" and the limit may not agree."""
    return (now + timedelta(seconds=retry_after + 59)).replace(second=0, microsecond=0)


def too_many_requests(request, *, retry_after: int | None, message: str = ""):
    """The 429 page, or for htmx its message alone, aimed at the page's message area."""
    now = timezone.now()
    retry_at = retry_moment(retry_after, now=now) if retry_after else None
    context = {
        "message": message,
        "retry_at": retry_at,
        "wait": times.until(retry_at, now=now) if retry_at else "",
    }
    if getattr(request, "htmx", False):
        response = render(request, f"{TEMPLATE}#message", context, status=429)
        response["HX-Retarget"] = "#messages"
        # Scrolled into view: the reply box the user just sent is far below it.
        response["HX-Reswap"] = "innerHTML show:top"
    else:
        response = render(request, TEMPLATE, context, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Turns RateLimited, raised anywhere in a view, into the 429 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return too_many_requests(
                request, retry_after=exception.retry_after, message=exception.message
            )
        return None


def _longest_window(rates: str) -> int | None:
    """The longest period in an allauth rate list ("10/m/ip,5/5m/key" → 300 seconds).

    allauth keeps the time of each request, so the wait is at most this long.
    """
    longest = None
    for rate in rates.split(","):
        parts = rate.strip().split("/")
        if len(parts) < 2 or not (match := _DURATION.fullmatch(parts[1])):
            continue
        amount = float(match.group(1)) if match.group(1) else 1.0
        seconds = math.ceil(amount * _UNIT_SECONDS[match.group(2)])
        longest = max(longest or 0, seconds)
    return longest


def allauth_retry_after(action: str) -> int | None:
    """How long allauth's limit on `action` ("login", "login_failed") may take to free up."""
    from allauth.account import app_settings

    rates = app_settings.RATE_LIMITS.get(action)
    return _longest_window(rates) if rates else None


def allauth_429(request):
    """allauth's limits, on our page: it calls ROOT_URLCONF.handler429 with the request alone."""
    match = getattr(request, "resolver_match", None)
    action = _ALLAUTH_ACTIONS.get(match.url_name if match else "")
    return too_many_requests(request, retry_after=allauth_retry_after(action) if action else None)
