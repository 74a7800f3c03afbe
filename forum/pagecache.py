"""Whole pages for visitors (nobody signed in), kept for a few seconds.

Visitors all see the same page for the same address, language and time zone, so the
busiest pages (home, a category, a thread) are rendered once per VISITOR_PAGE_CACHE_SECONDS
and served from the cache in between. Signed-in members never get a cached page: their
pages carry their own votes, buttons and menu. Access checks run before this, on every
request, so a thread hidden a second ago is already a 404; and hiding a thread or a post
forgets every visitor page at once (forget_visitor_pages), so its title and text leave
the home page, its category and search at once too, not 15 seconds later.

The copy holds nothing of the visitor it was made for. Its forms (the language switch)
and the header htmx sends carry a CSRF token, which belongs to one visitor: the copy is
rendered with a placeholder where the token goes (csrf_placeholder, a context processor),
and every serve puts in the token of the visitor at hand, which also sends them the CSRF
cookie it goes with, as rendering `{% csrf_token %}` would. The address is part of the
key, so the path and query a copy shows (sign-in's `next`) are those of everyone it serves.
The key and the placeholder come from config/caching.py, which lists every cache.
"""

import logging

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from accounts import powers, standing, timezones
from config import caching, rawrows
from config.csrf import get_token

logger = logging.getLogger(__name__)


def visitor_copy(request) -> HttpResponse | None:
    """The visitors' copy of this page, if there is one to serve this request."""
    if not _serves_visitor_copies(request):
        return None
    content = cache.get(_key(request))
    return None if content is None else HttpResponse(_with_token(content, request))


def _serves_visitor_copies(request) -> bool:
    return bool(
        settings.VISITOR_PAGE_CACHE_SECONDS
        and request.method == "GET"
        and not request.user.is_authenticated
        and not len(get_messages(request))  # a flash message is this visitor's alone
    )


def render_for_visitors(request, build) -> HttpResponse:
    """`build()` renders the page; a visitor's copy is reused for a few seconds."""
    if not _serves_visitor_copies(request):
        return build()
    # The key, with the generation in force, is taken before the page reads anything: a
    # page that read a thread just before it was hidden is saved under the generation
    # that hiding ended, where nobody looks any more (saved under the new one, later
    # visitors would get the hidden title for VISITOR_PAGE_CACHE_SECONDS).
    key = _key(request)
    content = cache.get(key)
    if content is not None:
        return HttpResponse(_with_token(content, request))
    request.renders_shared_page = True
    try:
        response = build()
    finally:
        request.renders_shared_page = False
    if not response.streaming:
        if response.status_code == 200:
            cache.set(key, response.content, settings.VISITOR_PAGE_CACHE_SECONDS)
        response.content = _with_token(response.content, request)
    return response


def render_for_member(request, *, values, slots: dict[str, str], build) -> HttpResponse:
    """A signed-in member's page, from their own saved copy when nothing on it changed.

    `values` is everything the page shows that was read on this request (the caller's
    facts), or None when the caller cannot say (the page is rendered, not saved); the viewer's own row, roles, second factor and standing, and what the layout
    shows from the request itself (the time zone offer), are added here. `slots` maps a
    name to this request's HTML for what differs on every view (the view count, the
    panels other apps put in the sidebar); `build(slots)` renders the page with
    `slots[name]` where that HTML goes. A copy is saved with `caching.slot(name)` in those
    places and with the CSRF placeholder, and each serve fills in the request's own.

    `settings.MEMBER_PAGE_CACHE` turns it off; `MEMBER_PAGE_CACHE_VERIFY` (the tests set
    it) renders the page afresh on every hit and fails loudly if the copy differs: any
    value the page shows but the key leaves out is found by the first test that changes it.
    """
    if (
        values is None  # the caller cannot say everything the page shows this time
        or not settings.MEMBER_PAGE_CACHE
        or request.method != "GET"
        or not request.user.is_authenticated
        or len(get_messages(request))  # a flash message is shown once
    ):
        return build(slots)
    key = caching.member_page_key(
        user_id=request.user.pk,
        full_path=request.get_full_path(),
        htmx=bool(request.htmx),
        values=(*values, *_viewer_values(request.user), *_request_values(request)),
    )
    saved = cache.get(key)
    verify = settings.MEMBER_PAGE_CACHE_VERIFY
    if saved is not None and not verify:
        return _serve(saved, request, slots)
    request.renders_shared_page = True
    try:
        response = build({name: caching.slot(name) for name in slots})
    finally:
        request.renders_shared_page = False
    if response.streaming or response.status_code != 200:
        return build(slots)
    content = response.content
    if saved is not None and saved != content:
        logger.error("member page copy differs from a fresh render: %s", request.path)
        if verify == "raise":
            raise AssertionError(
                f"The saved copy of {request.get_full_path()} differs from a fresh render: "
                "the page shows a value its key (render_for_member's values) leaves out."
            )
    cache.set(key, content, caching.MEMBER_PAGE_TTL)
    response.content = _fill(content, request, slots)
    return response


def _viewer_values(user) -> tuple:
    """What the page shows of its viewer: their row (name, unread count, settings), roles
    and powers, whether this session verified a second factor, and the silence in force
    (the banner: it ends by the clock, which the row alone does not say)."""
    return (
        rawrows.loaded_values(user),
        tuple(sorted(user.group_names)),
        powers.is_second_factor_verified(user),
        standing.viewer_key(user),
    )


def _request_values(request) -> tuple:
    """What the layout shows from this request beyond its user: the offer to switch to the
    device's time zone (a cookie and the session's answer, accounts/timezones.py)."""
    return (timezones.offer_for(request),)


def _serve(content: bytes, request, slots: dict[str, str]) -> HttpResponse:
    return HttpResponse(_fill(content, request, slots))


def _fill(content: bytes, request, slots: dict[str, str]) -> bytes:
    return _with_token(caching.fill_slots(content, slots), request)


def csrf_placeholder(request) -> dict:
    """Context processor: a page rendered for the visitor page cache gets the placeholder as
    its `csrf_token`, so `{% csrf_token %}`, `{{ csrf_token }}` and `{% chrome %}` put it in."""
    if getattr(request, "renders_shared_page", False):
        return {"csrf_token": caching.csrf_placeholder()}
    return {}


def _with_token(content: bytes, request) -> bytes:
    return content.replace(caching.csrf_placeholder().encode(), get_token(request).encode())


GENERATION_KEY = caching.VISITOR_PAGE_GENERATION_KEY


def forget_visitor_pages() -> None:
    """Every visitor page cached so far is stale: a new generation goes into every key.

    One write to the shared cache, however many pages there are; the stale copies
    expire by themselves within VISITOR_PAGE_CACHE_SECONDS. Call it after commit.
    """
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation yet (or evicted): any fresh value will do
        cache.set(GENERATION_KEY, int(timezone.now().timestamp() * 1000), None)


def _generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 0, None)


def _key(request) -> str:
    return caching.visitor_page_key(
        generation=_generation(), full_path=request.get_full_path(), htmx=bool(request.htmx)
    )
