"""Every cache Handoff keeps, in one place: what it holds, its key, what makes it stale.

All of them live in Django's cache (`CACHE_URL`: Redis in production, the shared file
cache of `make run`), never in one process's memory, so what one process changes every
process sees on its next request. (What processes do keep are pure functions of code:
compiled templates, the text of a statement made for a shape of page, SQLite's
placeholder conversion of a statement's text, config/sqlite3/base.py.) No cached HTML holds anything of one request: the
CSRF token and the current path are stored as placeholders (`csrf_placeholder()`,
`path_placeholder()`) and `fill_request_values` puts in the request's own on every serve.

Keys are built here and only here, each a hash of the pickle of its values (`_digest`).
Fragment keys are derived from the exact values the
fragment renders (no invalidation to forget: a change makes a new key, the old copy
expires by itself) plus `DEPLOY_VERSION`, the language and the time zone.
`DEPLOY_VERSION` is a hash, taken once per process start, of every template (the
project's and each app's `templates/`, and any extra `TEMPLATES["DIRS"]`), every
project `.py` file (template tags, the fragment code, models whose properties templates
read), the translations and the static files, plus the site name: a deploy that changes
any of them never serves an old copy. `HANDOFF_DEPLOY_VERSION` (e.g. the git commit)
replaces the hash where the files are not at hand; it must then change with every deploy.

Every fragment below is keyed by its values rather than by a version column bumped with
each change: a post shows its author's name, reputation and current roles, which change
in other tables (an admin taking staff status away, a group membership) that no thread
or post version column would see; listing the values makes such a change a new key.
The largest copy, a member's whole thread page, goes furthest: its key is every row the
page is built from, read on the request (two queries: the session's user with its role
groups, accounts/backends.py, and the thread with its page of posts and the rows other
apps show on it, forum.selectors.member_thread_page), so a copy can only be
served when a fresh render would produce the same bytes. The tests check exactly that
(`MEMBER_PAGE_CACHE_VERIFY="raise"`: every hit is rendered again and compared), so a
value the page shows but its key leaves out fails the first test that changes it.

| cache | what it holds | key (`helper`) | stale when / invalidation | lifetime |
|---|---|---|---|---|
| post fragment | a post as one class of viewer sees it (`forum/fragments.py`, `forum/_post.html` and its includes) | `fragment_key("forum/_post.html", values)`: post id, edit time, hidden/deleted state, whether its links show as text (`Post.has_links_as_text`) and the domain lists' fingerprint (`forum/defang.py`), votes, author id, name, username, reputation, the badge (`Post.badge`: `posted_as` and the author's current `is_active`, `is_staff`, `is_superuser` and role groups), the viewer's class, wallet details | a new key on any change of those values; on a thread page the authors' roles are read with the posts (`forum.selectors._page_rows`), never from a cache | `FRAGMENT_TTL` (24 h) |
| thread row | one line of a thread list, the same for everyone (`forum/_thread_row.html`) | `fragment_key("forum/_thread_row.html", values)`: title, slug, the question's state (`forum/states.py`, which reads the thread's deadlines and support facts), hidden or not, counts, last activity, author name, category name and slug | a new key on any change | `FRAGMENT_TTL` (24 h) |
| staff queue row | one ticket row of `/staff/tickets/` (`escalation/views/queue.py`) | `fragment_key("escalation/staff/_queue_row.html", values)`: everything the row shows, its countdown to the unit shown | a new key on any change (at most once a minute for the countdown) | `QUEUE_ROW_TTL` (1 h) |
| page chrome | `{% chrome %}` blocks: header, thread meta, safety banner, reply form, thread facts (`accounts/templatetags/site_chrome.py`), one get_many a page | `chrome_key(name, values)`: the values the template lists after the block's name, reviewed against what each block shows (nothing that changes per view: the view count is rendered outside) | a new key on any change of those values | `CHROME_TTL` (1 h) |
| thread footer | what the help app shows under a thread: its help article's question, the related questions with their solved marks, the offer to write an article (`help/panels.py`, `help/_thread_footer.html`), on pages other than a member's thread page (there it is part of the member page below) | `fragment_key("help/_thread_footer.html", values)` (`cached_render`): the thread id, the article's id, slug, category and questions and the language shown, each related thread's id, slug, title and state, whether the offer shows; all read on every view by one query (`help.selectors.thread_footer`) | a new key on any change of those values | `FRAGMENT_TTL` (24 h) |
| visitor page | whole pages for visitors: home, category, thread (`forum/pagecache.py`) | `visitor_page_key(...)`: the visitor-page generation, full path, htmx or not (+ deploy version, language, time zone) | `forget_visitor_pages` bumps the generation (hiding a thread or a post); otherwise time | `VISITOR_PAGE_CACHE_SECONDS` (15 s) |
| member page | a whole thread page as one signed-in member sees it (`forum/pagecache.py`), the footer other apps put under the thread included, with slots for what changes on every view: the view count, the sidebar panels and the follow-ups under the question other apps add, the CSRF token | `member_page_key(...)`: the member, full path, htmx or not, and every value the page shows, as read on this request (`ThreadPageFacts.cache_values`: the thread, category, author and chain rows, the page's post and author rows (open flag counts included), the authors' roles, the domain lists' fingerprint, the viewer's votes, follow and powers; the rows each footer's `PageRead` read in the same statement (`forum/extensions.py`); the viewer's own user row, roles, second factor and standing, and the offer to switch to the device's time zone) | a new key on any change of those values; never used with a flash message or a bound or quoting form, nor when a footer's rows could not be read with the page (its related questions not found yet, or found from another title): then the page is rendered and not saved | `MEMBER_PAGE_TTL` (10 min) |
| visitor-page generation | the counter above | `VISITOR_PAGE_GENERATION_KEY` | bumped by `forget_visitor_pages` | none |
| role names | each user's role groups (`accounts/roles.py`) where they are not read with the user's row: the authors' on thread lists (a signed-in viewer's own come with their row, `accounts/backends.py`, and a thread page's authors' with its posts) | `roles_key(user_id)` | deleted on every membership change and role-group rename or delete (signals, again at commit); staff and superuser status are read from the user row, never cached | `ROLES_TTL` (300 s) |
| related questions | the ids of the threads like one thread, best first, as a visitor may see them (`help/selectors.py`, `related_questions`); the threads themselves are loaded on every view, so one hidden or deleted since drops out at once | `related_questions_key(thread_id)`: the thread (+ deploy version); the value keeps the title the ids were found from | found again when the title changes (the value's title is not the thread's); otherwise time: a new question shows among them within the lifetime | `RELATED_QUESTIONS_TTL` (1 h) |
| domain rules | the admin's blocked and official domains (`safety/selectors.py`) | `DOMAIN_RULES_KEY` | deleted on every save or delete of a row (signals, again at commit) | `DOMAIN_RULES_TTL` (300 s) |
| typical waits | the typical wait for a first staff answer per queue, the median of the last seven days' rollups (`analytics/status.py`): /support/ and an asker's waiting request | `typical_waits_key(day)`: the day in the rollups' zone | the rollups are rebuilt by beat every `HANDOFF_ANALYTICS_ROLLUP_INTERVAL` (15 min): time | `TYPICAL_WAITS_TTL` (15 min) |

Other things in the cache that are not copies of pages: rate-limit counters
(`config/ratelimit.py`, django-ratelimit and allauth), pending view counts
(`forum/viewcounts.py`, folded into the threads by beat) and, with the cache session
engine, sessions. They are state, not caches: each has one owner module.

config is the lowest layer: this module imports no app. Apps call it.
"""

import copyreg
import datetime
import hashlib
import io
import os
import pickle
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache as shared_cache
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import mark_safe

FRAGMENT_TTL = 24 * 60 * 60
QUEUE_ROW_TTL = 60 * 60
CHROME_TTL = 60 * 60
MEMBER_PAGE_TTL = 10 * 60
ROLES_TTL = 300
RELATED_QUESTIONS_TTL = 60 * 60
VISITOR_PAGE_GENERATION_KEY = "visitor-page-generation"
DOMAIN_RULES_KEY = "forum:domain-rules"
DOMAIN_RULES_TTL = 5 * 60
TYPICAL_WAITS_TTL = 15 * 60

# What DEPLOY_VERSION covers, under the project's directory; SKIPPED_DIRS are not code.
SOURCE_SUFFIXES = (".py", ".html", ".txt", ".po", ".css", ".js", ".svg")
SKIPPED_DIRS = {".venv", ".git", "var", "tests", "bench", "node_modules", "test-results"}


# --- the deploy version ------------------------------------------------------------


def source_files(root: Path, extra_dirs: Iterable[Path] = ()) -> list[Path]:
    """Every file whose content can change a rendered page, sorted."""
    found = set()
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        found.update(Path(directory, name) for name in files if name.endswith(SOURCE_SUFFIXES))
    for extra in extra_dirs:
        extra = Path(extra)
        if extra.is_dir():
            found.update(path for path in extra.rglob("*") if path.is_file())
    return sorted(found)


def compute_deploy_version(root: Path, extra_dirs: Iterable[Path] = (), salt: str = "") -> str:
    """A short hash of the names and contents of `source_files(root, extra_dirs)`."""
    digest = hashlib.blake2b(salt.encode(), digest_size=8)
    for path in source_files(root, extra_dirs):
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@cache
def deploy_version() -> str:
    """This process's DEPLOY_VERSION: HANDOFF_DEPLOY_VERSION, or the hash of the sources.

    Taken once, at the first use after start (a few milliseconds, `bench/README.md`).
    """
    configured = os.environ.get("HANDOFF_DEPLOY_VERSION", "").strip()
    if configured:
        return hashlib.blake2b(configured.encode(), digest_size=8).hexdigest()
    template_dirs = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", ())]
    return compute_deploy_version(
        Path(settings.BASE_DIR), extra_dirs=template_dirs, salt=settings.SITE_NAME
    )


# --- keys ---------------------------------------------------------------------------


def _look() -> str:
    """The language and time zone a fragment was rendered in."""
    return f"{translation.get_language()}:{timezone.get_current_timezone_name()}"


def _datetime_as_text(value: datetime.datetime):
    return (str, (value.isoformat(),))


# A date-time goes in as its ISO text (offset included): pickle's own way reduces its time
# zone through copyreg in Python, for every date-time (half of a member page's digest).
_DIGEST_REDUCERS = {**copyreg.dispatch_table, datetime.datetime: _datetime_as_text}


def _digest(values) -> str:
    # Sets are sorted: their order (string hashing) differs from one process to the next.
    # Pickled, not repr()'d (a third of the cost: repr of a date-time is slow): different
    # values give different bytes (they read back as the values; a date-time as a call
    # with its text, which a string is not), and without the memo (`fast`) equal values
    # give equal bytes whether or not they are the same objects.
    values = tuple(sorted(v) if isinstance(v, set | frozenset) else v for v in values)
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = _DIGEST_REDUCERS
    pickler.fast = True
    pickler.dump(values)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=12).hexdigest()


def fragment_key(kind: str, values: Iterable) -> str:
    """The key of one rendered fragment of `kind` showing exactly `values`."""
    return f"frag:{kind}:{deploy_version()}:{_look()}:{_digest(values)}"


def chrome_key(name: str, values: Iterable) -> str:
    """The key of one `{% chrome name values… %}` block."""
    return fragment_key(f"chrome:{name}", values)


def visitor_page_key(*, generation, full_path: str, htmx: bool) -> str:
    """A whole page as every visitor of this address, language and time zone sees it."""
    return fragment_key("visitor-page", (generation, full_path, "htmx" if htmx else "page"))


def member_page_key(*, user_id: int, full_path: str, htmx: bool, values: Iterable) -> str:
    """A whole page as one signed-in member sees it, showing exactly `values`."""
    return fragment_key("member-page", (user_id, full_path, "htmx" if htmx else "page", *values))


def related_questions_key(thread_id: int) -> str:
    """(title, ids): the ids of the threads related to one thread, found from that title.
    Keyed by the thread alone, so the thread page can read the threads in its own
    statement before it knows the title; a value found from another title is stale."""
    return f"related:{deploy_version()}:{thread_id}"


def typical_waits_key(day) -> str:
    return f"analytics:typical-waits:{day.isoformat()}"


def roles_key(user_id: int) -> str:
    """The role group names of one user."""
    return f"roles:{deploy_version()}:{user_id}"


# --- per-request values in shared HTML ---------------------------------------------


def _placeholder(name: str) -> str:
    # Derived from SECRET_KEY: the same in every process (one renders the copy, another
    # serves it), and unknown to anyone who could write it into a post or a title to
    # have the reader's token or address put in its place. The colons make its
    # |urlencode form differ from it (fill_request_values replaces both).
    return f"ph:{name}:" + salted_hmac("config.caching.placeholder", name).hexdigest()[:32]


@cache
def slot(name: str) -> str:
    """Where a saved page takes a value of the request it is served to (`fill_slots`)."""
    return _placeholder(f"slot-{name}")


def fill_slots(html: bytes, values: dict[str, str]) -> bytes:
    """`html` (UTF-8) with each `slot(name)` replaced by `values[name]` (HTML, escaped)."""
    for name, value in values.items():
        html = html.replace(slot(name).encode(), value.encode())
    return html


@cache
def csrf_placeholder() -> str:
    return _placeholder("csrf")


@cache
def path_placeholder() -> str:
    return _placeholder("path")


def fill_request_values(html: str, *, token: str, path: str | None = None) -> str:
    """`html` with this request's CSRF token and, if given, full path in place of the
    placeholders (the path also where it was `|urlencode`d)."""
    html = html.replace(csrf_placeholder(), token)
    if path is not None:
        placeholder = path_placeholder()
        html = html.replace(quote(placeholder, safe="/"), escape(quote(path, safe="/")))
        html = html.replace(placeholder, escape(path))
    return html


# --- getting and keeping fragments -------------------------------------------------


def cached_render(template_name: str, values: Iterable, context: Callable[[], dict]) -> str:
    """`template_name` rendered with `context()`, from the cache when a copy showing
    exactly `values` is there (`fragment_key`); rendered without a request, so the
    fragment can hold nothing of one."""
    from django.template.loader import render_to_string

    key = fragment_key(template_name, values)
    html = shared_cache.get(key)
    if html is None:
        html = render_to_string(template_name, context())
        shared_cache.set(key, html, FRAGMENT_TTL)
    return mark_safe(html)  # our own template's output


def attach_html(
    objects,
    *,
    template_name: str,
    attribute: str,
    values: Callable,
    context_for: Callable,
    before_render: Callable | None = None,
    ttl: int = FRAGMENT_TTL,
) -> None:
    """Set `attribute` on each object to `template_name` rendered for it, from the cache
    where it is, in one get_many and at most one set_many.

    `values(obj)` lists everything the fragment shows of obj (its key); `context_for(obj)`
    is what it is rendered with; `before_render(misses)` may load, in one go, what only
    rendering needs.
    """
    if not objects:
        return
    from django.template.loader import get_template

    keys = [(obj, fragment_key(template_name, values(obj))) for obj in objects]
    found = shared_cache.get_many(list(dict.fromkeys(key for _, key in keys)))
    if before_render is not None:
        misses = [obj for obj, key in keys if key not in found]
        if misses:
            before_render(misses)
    template = None
    missing = {}
    for obj, key in keys:
        html = found.get(key)
        if html is None:
            html = missing.get(key)
        if html is None:
            template = template or get_template(template_name)
            html = missing[key] = str(template.render(context_for(obj)))
        setattr(obj, attribute, mark_safe(html))  # our own template's output
    if missing:
        shared_cache.set_many(missing, ttl)
