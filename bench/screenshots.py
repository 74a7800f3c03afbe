"""Screenshots of the main pages on a phone and a desktop, in English and Chinese, checked.

Run by hand (pytest never collects it), from the project root:

    make screenshots                                     # into screenshots/ (gitignored)
    .venv/bin/python bench/screenshots.py --out /tmp/shots [--keep]

It builds a fresh data directory (an SQLite database: migrate, then seed_demo), gives
the demo agent and moderator an authenticator (staff pages need a second factor), serves
the site with gunicorn the way production does (DEBUG off) and drives Debian's chromium
(/usr/bin/chromium) with Playwright: at 390×844 and 1280×800, in English and Chinese,
the home page and a category (as a visitor and as the member alice), search results and
the public support status (as a visitor), a thread in each
state (unanswered, answered, solved, escalated, resolved), the ask page and My requests
(as alice), the staff queue, a ticket and the analytics (as the agent mei_support), the moderation log
and the flag queue (as the moderator wendy); staff sign in with their code, as they
must. Each page is saved as `<lang>-<page>-<phone|desktop>.png` (the whole page, and
`…-first-screen.png` for what shows before any scrolling) and checked:

- nothing scrolls sideways: document.scrollingElement.scrollWidth <= innerWidth;
- the header's "Ask" button is visible in the first viewport, without scrolling.

Every failed check is listed at the end and the script exits with status 1. Only the
gunicorn it starts is stopped, by its PID; the data directory is removed unless --keep.
"""

import argparse
import base64
import hashlib
import hmac
import json
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import _app_environment, _gunicorn, _manage  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
PASSWORD = "handoff-demo-2026"  # demo/content.py: every demo account's password
MEMBER = "alice"
AGENT = "mei_support"
MODERATOR = "wendy"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}
LANGUAGES = {"en": "en-US", "zh-hans": "zh-CN"}
# The days of demo history rolled up for the analytics dashboard (seed_demo spans fewer).
ROLLUP_DAYS = 120

# Finds, in the demo database, the pages to take and gives the agent an authenticator.
_SET_UP = """
import json
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from accounts.models import User
from escalation.models import Ticket
from forum.models import Category, Thread

member = User.objects.get(username=%(member)r)
secrets = {}
for staff in User.objects.filter(username__in=%(staff)r):
    Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).delete()
    secrets[staff.username] = generate_totp_secret()
    TOTP.activate(staff, secrets[staff.username])
agent = User.objects.get(username=%(agent)r)

def pick(threads):
    threads = threads.filter(is_hidden=False).order_by("-last_activity_at", "-pk")
    # The member's own question when there is one: the asker sees the most.
    thread = threads.filter(author=member).first() or threads.first()
    return thread.get_absolute_url() if thread else None

unticketed = Thread.objects.filter(ticket__isnull=True, state=Thread.State.OPEN)
threads = {
    "unanswered": pick(unticketed.filter(first_reply_at__isnull=True)),
    "answered": pick(unticketed.filter(first_reply_at__isnull=False)),
    "solved": pick(Thread.objects.filter(state=Thread.State.SOLVED, ticket__isnull=True)),
    "escalated": pick(Thread.objects.filter(ticket__status__in=Ticket.ACTIVE)),
    "resolved": pick(Thread.objects.filter(ticket__status=Ticket.Status.RESOLVED)),
}
category = Category.objects.order_by("-thread_count", "pk").first()
ticket = (
    Ticket.objects.filter(status__in=Ticket.ACTIVE, assignee=agent).order_by("pk").first()
    or Ticket.objects.filter(status__in=Ticket.ACTIVE).order_by("pk").first()
)
print(json.dumps({
    "secrets": secrets,
    "category": category.get_absolute_url(),
    "threads": threads,
    "ticket": f"/staff/tickets/{ticket.reference}/",
}))
"""

# What the browser checks on every page; returns the facts, the script judges them.
_MEASURE = """() => {
  const ask = document.querySelector(".site-header .header-ask");
  const box = ask ? ask.getBoundingClientRect() : null;
  const style = ask ? getComputedStyle(ask) : null;
  const header = document.querySelector(".site-header");
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    innerHeight: window.innerHeight,
    headerHeight: header ? header.getBoundingClientRect().height : 0,
    ask: box && style.display !== "none" && style.visibility !== "hidden" && box.width > 0
      ? {top: box.top, bottom: box.bottom, left: box.left, right: box.right} : null,
  };
}"""


def main() -> None:
    options = _parse_args()
    out = Path(options.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:  # this script's own earlier pictures, nothing else
        for old in out.glob(f"{language}-*.png"):
            old.unlink()
    with ExitStack() as cleanup:
        var_dir = Path(tempfile.mkdtemp(prefix="handoff-shots-"))
        if not options.keep:
            cleanup.callback(shutil.rmtree, var_dir, ignore_errors=True)
        env = _app_environment(var_dir)
        print(f"Data directory: {var_dir}", flush=True)
        print("Building the demo site:", flush=True)
        _run(env, "migrate", "--noinput")
        # A throwaway database served on the loopback only: the public demo password is fine.
        _run(env, "seed_demo", "--allow-production")
        _run(env, "collectstatic", "--noinput")
        # The analytics dashboard reads rollups: build those of the demo's history.
        today = date.today()
        _run(
            env,
            "analytics_rollup",
            "--from",
            str(today - timedelta(days=ROLLUP_DAYS)),
            "--to",
            str(today + timedelta(days=1)),
        )
        set_up = _SET_UP % {"agent": AGENT, "member": MEMBER, "staff": [AGENT, MODERATOR]}
        found = json.loads(
            _run(env, "shell", "--no-imports", "-c", set_up).strip().splitlines()[-1]
        )
        base = cleanup.enter_context(
            _gunicorn("config.wsgi:application", env, var_dir, "app", SimpleNamespace(workers=2))
        )
        failures = _take_all(base, found, out)
    print(f"\nScreenshots: {out}")
    if failures:
        print(f"\n{len(failures)} check(s) failed:", file=sys.stderr)
        for failure in failures:
            print(f"  FAIL {failure}", file=sys.stderr)
        sys.exit(1)
    print("Every page: no sideways scroll, the Ask button in the first viewport.")


def _run(env: dict[str, str], *args: str) -> str:
    try:
        return _manage(env, *args)
    except subprocess.CalledProcessError as error:
        sys.exit(f"manage.py {args[0]} failed:\n{error.stdout}\n{error.stderr}")


def _parse_args():
    parser = argparse.ArgumentParser(
        description="Screenshots of Handoff's main pages at 390 and 1280 px, in English and "
        "Chinese, checking that no page scrolls sideways and that Ask is in the first viewport.",
    )
    parser.add_argument("--out", default=str(ROOT / "screenshots"), help="Folder for the PNGs.")
    parser.add_argument("--keep", action="store_true", help="Keep the data directory.")
    return parser.parse_args()


def _pages(found: dict) -> dict[str, list[tuple[str, str]]]:
    """(name, path) to take, by who looks at them."""
    threads = [
        (f"thread-{state}", path) for state, path in found["threads"].items() if path is not None
    ]
    return {
        "visitor": [
            ("home-visitor", "/"),
            ("category-visitor", found["category"]),
            ("search-visitor", "/search/?q=%E8%BD%AC%E8%B4%A6+transfer"),
            ("support-status", "/support/"),
        ],
        MEMBER: [
            ("home", "/"),
            ("category", found["category"]),
            *threads,
            ("ask", "/ask/"),
            ("my-requests", "/my/requests/"),
        ],
        AGENT: [
            ("staff-queue", "/staff/tickets/"),
            ("staff-ticket", found["ticket"]),
            ("staff-analytics", "/staff/analytics/?period=90"),
        ],
        MODERATOR: [("moderation-log", "/mod/log/"), ("flag-queue", "/mod/flags/")],
    }


def _take_all(base: str, found: dict, out: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    failures = [
        f"no thread is {state} in the demo data"
        for state, path in found["threads"].items()
        if path is None
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for language, locale in LANGUAGES.items():
                for persona, pages in _pages(found).items():
                    context = browser.new_context(
                        base_url=base, locale=locale, timezone_id="Asia/Shanghai"
                    )
                    context.set_default_timeout(15_000)
                    page = context.new_page()
                    if persona != "visitor":
                        _sign_in(page, persona, found["secrets"].get(persona))
                        _switch_language(page, language)
                    for name, path in pages:
                        failures += _take(page, path, out, f"{language}-{name}")
                    context.close()
        finally:
            browser.close()
    return failures


def _take(page, path: str, out: Path, name: str) -> list[str]:
    failures = []
    for width_name, (width, height) in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(path)
        label = f"{name} at {width} px ({path})"
        if response is None or response.status != 200:
            failures.append(f"{label}: status {response.status if response else 'none'}")
        page.screenshot(path=str(out / f"{name}-{width_name}.png"), full_page=True)
        page.screenshot(path=str(out / f"{name}-{width_name}-first-screen.png"))
        facts = page.evaluate(_MEASURE)
        if facts["scrollWidth"] > facts["innerWidth"]:
            failures.append(
                f"{label}: scrolls sideways ({facts['scrollWidth']} px wide in {facts['innerWidth']})"
            )
        ask = facts["ask"]
        if ask is None:
            failures.append(f"{label}: no visible Ask button in the header")
        elif (
            ask["top"] < 0
            or ask["bottom"] > facts["innerHeight"]
            or ask["left"] < 0
            or (ask["right"] > facts["innerWidth"])
        ):
            failures.append(f"{label}: the Ask button is outside the first viewport ({ask})")
        print(
            f"  {name}-{width_name}: {facts['scrollWidth']}/{facts['innerWidth']} px wide, "
            f"header {facts['headerHeight']:.0f} px",
            flush=True,
        )
    return failures


def _sign_in(page, username: str, secret: str | None) -> None:
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name=password])")
    form.locator("input[name=login]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    for attempt in range(3 if secret else 0):
        if "/2fa/authenticate/" not in page.url:
            break
        if attempt:  # a code refused at the turn of a period: the next period's code
            time.sleep(30 - time.time() % 30 + 1)
        form = page.locator("form:has(input[name=code])")
        form.locator("input[name=code]").fill(_totp(secret))
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
    if (
        page.locator(".site-header details.menu:not(.nav-menu)").count() != 1
        or "/accounts/" in page.url
    ):
        errors = page.locator(".errorlist, .alert").all_inner_texts()
        raise SystemExit(f"Could not sign in as {username} (at {page.url}): {errors}")


def _totp(secret: str, *, period: int = 30, digits: int = 6) -> str:
    """The authenticator app's current code (RFC 6238, as allauth's defaults)."""
    counter = struct.pack(">Q", int(time.time()) // period)
    digest = hmac.new(base64.b32decode(secret, casefold=True), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def _switch_language(page, language: str) -> None:
    """The header's language switch, as a user would use it (remembered on the account)."""
    page.goto("/")
    button = page.locator(f"form.language-switch button[value='{language}']")
    if button.count():
        with page.expect_navigation():
            button.first.evaluate("button => button.click()")  # it may sit in a closed menu


if __name__ == "__main__":
    main()
