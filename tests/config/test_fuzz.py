"""No input yields a 500: every URL pattern, every form field, hostile values, every role.

The walk enumerates the project's URL patterns (admin and allauth included), fills their
path converters with real objects, finds the fields of every form the pages show and the
query names their links use (the admin's filters), and then sends hostile values (a NUL,
100,000 characters, invalid UTF-8, -1, a 20-digit number) in the query string, in every
form field and in the path; and each form as the page fills it with one hidden field
(`next`, ids) changed, since some checks only run once the rest of the form is valid. Each request runs in a
savepoint that is rolled back, with the session cookie and the cache (rate limits) put
back, so one request's changes (a deleted post, a sign-out, a 429) never hide the next
one's bug. It runs on whichever database the suite runs on: SQLite in `make test`,
PostgreSQL in CI's second pass.
"""

import re
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import TestCase
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from escalation.models import CannedReply, EscalationPolicy
from escalation.services import surveys, tickets
from forum import sanctions
from notifications.models import Notification
from tests.factories import CategoryFactory, PostFactory, ThreadFactory, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

# How each hostile value is written on the wire, already percent-encoded: the invalid
# UTF-8 one cannot be expressed as a Python string, so every kind is raw bytes-as-escapes.
HOSTILE = {
    "nul": quote("a\x00b"),
    "long": "x" * 100_000,
    "invalid-utf8": "%ff%fe%fd",
    "negative": "-1",
    "huge": "99999999999999999999",
}
PATH_HOSTILE = {
    "str": ["nul", "long", "invalid-utf8"],
    "int": ["huge"],
}
# The query parameters each view reads (grep request.GET), besides the fields of the GET
# forms its page shows (search, the staff queue's filters, the admin's search), which the
# walk finds itself. Every view gets `next` and `page`, which sign-in and lists read.
QUERY_NAMES = {
    "forum:category": {"tab", "sort", "after", "before"},
    "forum:thread-detail": {"page", "quote"},
    "forum:ask": {"category"},
    "escalation:staff-ticket": {"canned"},
    "escalation:my-requests": {"before"},
    "notifications:list": {"before"},
}
ADMIN_QUERY_NAMES = {"_changelist_filters", "e", "o", "p", "q"}


@dataclass
class World:
    """The objects the path converters point at, by converter name."""

    values: dict = field(default_factory=dict)


@pytest.fixture
def world(member, other_member, moderator, agent):
    EscalationPolicy.objects.create(
        needs_help_after=timedelta(hours=4),
        escalate_after=timedelta(hours=24),
        member_can_request_after=timedelta(hours=2),
        first_response_target=timedelta(hours=8),
        resolution_target=timedelta(hours=72),
    )
    category = CategoryFactory(slug="transfers", name="Transfers")
    thread = ThreadFactory(
        author=member,
        category=category,
        title="USDT sent on TRON shows pending for two hours",
        body="I sent 50 USDT to an exchange and the wallet still says pending.",
        now=timezone.now() - timedelta(hours=3),
    )
    with TestCase.captureOnCommitCallbacks(execute=True):  # the asker is told of the reply
        reply = PostFactory(thread=thread, author=other_member, body="Look it up on tronscan.")
    ticket = tickets.escalate_thread(actor=moderator, thread=thread)
    canned = CannedReply.objects.create(title="Hello", body="Hello {asker_name}", created_by=agent)
    notification = Notification.objects.filter(recipient=member).first()
    sanction = sanctions.silence_member(
        actor=moderator, member=UserFactory(username="silenced_sam"), reason="Spam", ends_at=None
    )
    return World(
        values={
            "thread_id": thread.pk,
            "post_id": reply.pk,
            "slug": category.slug,
            "username": member.username,
            "reference": ticket.reference,
            "token": surveys.make_token(ticket_id=ticket.pk, cycle=1),
            "score": 3,
            "pk": canned.pk,
            "notification_id": notification.pk if notification else 1,
            "object_id": str(thread.pk),
            "content_type_id": 1,
            "key": "abc",
            "uidb36": "1",
            "app_label": "forum",
            "sanction_id": sanction.pk,
        }
    )


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name"
    route: str
    kwargs: tuple  # (name, converter kind) pairs
    is_admin: bool


def routes() -> list[Route]:
    found = []

    def walk(patterns, namespace, prefix, converters):
        for pattern in patterns:
            pattern_converters = {**converters, **getattr(pattern.pattern, "converters", {})}
            text = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, inner, text, pattern_converters)
            elif isinstance(pattern, URLPattern):
                groups = re.compile(pattern.pattern.regex.pattern).groupindex
                kwargs = tuple(
                    (name, _kind(pattern_converters.get(name))) for name in sorted(groups)
                )
                name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else None
                found.append(Route(name, text, kwargs, is_admin=text.startswith("admin/")))

    walk(get_resolver().url_patterns, "", "", {})
    return found


def _kind(converter) -> str:
    return "int" if converter is not None and converter.regex == "[0-9]+" else "str"


def path_of(route: Route, values: dict, **override) -> str | None:
    if route.name is None:
        return None if route.kwargs else "/" + route.route
    kwargs = {name: override.get(name, values.get(name, "1")) for name, _ in route.kwargs}
    try:
        return reverse(route.name, kwargs=kwargs)
    except Exception:  # a value the pattern refuses (admin's app_label choices)
        return None


@dataclass
class Form:
    method: str
    action: str
    names: set = field(default_factory=set)
    defaults: dict = field(default_factory=dict)  # what the browser would send untouched
    hidden: set = field(default_factory=set)  # fields nobody types: next, ids, tokens


class FormFields(HTMLParser):
    """The forms on a page (method, action, fields), and the query names its links use."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.link_names: set = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                Form((attrs.get("method") or "get").lower(), attrs.get("action") or "")
            )
        elif tag == "a" and (attrs.get("href") or "").startswith("?"):
            self.link_names.update(name for name, _ in parse_qsl(attrs["href"][1:]))
        elif tag in {"input", "textarea", "select", "button"} and attrs.get("name") and self.forms:
            form, name, kind = self.forms[-1], attrs["name"], attrs.get("type", "text")
            form.names.add(name)
            if tag == "input" and (kind not in {"checkbox", "radio"} or "checked" in attrs):
                form.defaults.setdefault(name, attrs.get("value") or "")
            if kind == "hidden":
                form.hidden.add(name)


def view_of(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


@dataclass
class Probe:
    client: object
    failures: list = field(default_factory=list)

    def send(self, method: str, path: str, body: str = "", note: str = ""):
        """One request that changes nothing for the next: savepoint, cookies, cache."""
        cookies = deepcopy(self.client.cookies)
        try:
            with transaction.atomic():
                if method == "GET":
                    response = self.client.get(path)
                else:
                    response = self.client.post(
                        path, body, content_type="application/x-www-form-urlencoded"
                    )
                transaction.set_rollback(True)
        except Exception as error:
            self.failures.append(
                f"{method} {path[:120]} {note}: {type(error).__name__}: {error}"[:400]
            )
            return None
        finally:
            self.client.cookies = cookies
            cache.clear()
        if response.status_code >= 500:
            self.failures.append(f"{method} {path[:120]} {note}: {response.status_code}")
        return response


# The admin's pages for one model share one code path per kind: its list (with the
# filters), its add form and its change form take input; history, delete confirmations
# and the legacy redirects are the admin's own and are left out to keep the run short.
ADMIN_SAMPLED = ("_changelist", "_add", "_change", "admin:index", "admin:login", "app_list")


def skipped(route: Route) -> bool:
    return route.is_admin and not (route.name or "").endswith(ADMIN_SAMPLED)


def refused(response) -> bool:
    if response.status_code in {403, 404, 405}:
        return True
    return response.status_code == 302 and response["Location"].startswith(
        (reverse("account_login"), reverse("admin:login"))
    )


def encoded(names, value: str) -> str:
    return "&".join(f"{quote(name)}={value}" for name in sorted(names))


ROLES = ["visitor", "member", "moderator", "agent"]


def fuzz(client, values, *, admin: bool) -> list[str]:
    probe = Probe(client)
    chosen = [route for route in routes() if route.is_admin == admin and not skipped(route)]
    # Pass 1: GET every page with sensible values; remember each form's fields.
    get_fields: dict[str, set] = {}
    post_fields: dict[str, set] = {}
    untouched_forms: dict[str, dict] = {}
    # The methods each path takes from this role: not 405, not refused (403, 404, off to
    # sign-in). The hostile values go only there, so the run stays short.
    takes: dict[str, set] = {}
    for route in chosen:
        path = path_of(route, values)
        if path is None:
            continue
        for method in ("POST", "GET"):
            response = probe.send(method, path, note="(sensible)")
            if response is not None and not refused(response):
                takes.setdefault(path, set()).add(method)
        if response is None or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormFields()
        parser.feed(response.content.decode(errors="replace"))
        get_fields.setdefault(view_of(path), set()).update(parser.link_names)
        for form in parser.forms:
            view = view_of(form.action or path)
            target = get_fields if form.method == "get" else post_fields
            target.setdefault(view, set()).update(form.names)
            if form.method == "post" and form.hidden:
                untouched_forms.setdefault(view, {})[frozenset(form.names)] = form
    # Pass 2: hostile values in the query string, in every form field, and in the path.
    for route in chosen:
        path = path_of(route, values)
        if path is None:
            continue
        view = view_of(path)
        methods = takes.get(path, set())
        # The admin reads its query string on the list pages only (filters, search, sort),
        # and the object's id in the path is what its change form looks up.
        query_methods = methods if not admin or route.name.endswith("_changelist") else set()
        path_methods = methods & {"GET"} if admin else methods
        query_names = {"next", "page"} | get_fields.get(view, set())
        query_names |= ADMIN_QUERY_NAMES if admin else QUERY_NAMES.get(view, set())
        form_names = post_fields.get(view, set()) | {"next"}
        for kind, value in HOSTILE.items():
            if "GET" in query_methods:
                probe.send("GET", f"{path}?{encoded(query_names, value)}", note=kind)
            if "POST" in methods:
                names = form_names
                if kind == "huge":
                    # Django caps a formset's TOTAL_FORMS at absolute_max (2,000 forms):
                    # bounded, but seconds of work per request, too slow to repeat here.
                    names = {name for name in names if not name.endswith("TOTAL_FORMS")}
                probe.send("POST", path, encoded(names, value), note=kind)
        # A form sent as the page fills it, with one hidden field changed: a `next` that
        # is not a path only matters once the rest of the form is valid.
        if "POST" in methods:
            for form in untouched_forms.get(view, {}).values():
                for name in sorted(form.hidden):
                    body = {**form.defaults, name: "-1"}
                    probe.send("POST", path, urlencode(body), note=f"{name}=-1 alone")
        for name, converter in route.kwargs:
            for kind in PATH_HOSTILE[converter]:
                marker = 987654321 if converter == "int" else "fuzzmarker"
                hostile_path = path_of(route, values, **{name: marker})
                if hostile_path is None:
                    continue
                hostile_path = hostile_path.replace(str(marker), HOSTILE[kind])
                for method in sorted(path_methods):
                    probe.send(method, hostile_path, note=f"{name}={kind}")
    return probe.failures


@pytest.mark.parametrize("role", ROLES)
def test_no_url_answers_a_hostile_value_with_a_server_error(request, world, role):
    user = None if role == "visitor" else request.getfixturevalue(role)

    failures = fuzz(client_for(user), world.values, admin=False)

    if failures:
        pytest.fail(f"{len(failures)} server errors:\n" + "\n".join(failures), pytrace=False)


def test_no_admin_page_answers_a_hostile_value_with_a_server_error(world, admin_user):
    failures = fuzz(client_for(admin_user), world.values, admin=True)

    if failures:
        pytest.fail(f"{len(failures)} server errors:\n" + "\n".join(failures), pytrace=False)
