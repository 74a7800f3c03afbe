"""Abuse benchmark: the server time of the worst body of each pathological kind.

Run by hand (pytest never collects it), from the project root:

    .venv/bin/python bench/abuse.py                 # SQLite, 7 runs per cell
    .venv/bin/python bench/abuse.py --runs 3        # a quick try
    .venv/bin/python bench/abuse.py --kinds brackets,table

A body costs work by its markup, not its length (issue 12, finding 2: "a." * 24000 made
an edit take 9.5 s). For each kind, the script finds the worst body a member can get
past the rules: the largest size of the pattern that is still within the render budget
(forum.markdown.is_within_budget) and names at most links.MAX_HOSTS sites, at most
50,000 characters. It also sends the 50,000-character version, which the rules refuse.
Each body goes through the four ways in, with Django's test Client in this process
(DEBUG off, rate limits off so that only the work is measured, the member well
established so that no standing rule refuses early): the preview, a new question, a
reply and an edit of one's own reply. Each cell is the median server time of --runs
requests (the test client's round trip: middleware, form, secret guard, link rules,
markdown, the database writes and the page), after one untimed request. Every response
is checked (the status and what it should say), so a figure never measures an error
page. The run fails (exit 1) if a median is at or over TARGET_MS.

It makes a fresh data directory (HANDOFF_VAR_DIR) with a SQLite database and removes it.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 100.0
MAX_BODY = 50_000 - 20  # room for the line that makes each request unique


def _table(rows: int) -> str:
    return "|a" * 10 + "|\n" + "|-" * 10 + "|\n" + ("|x" * 10 + "|\n") * rows


# Each kind: the body for a size n (bigger n, more work).
KINDS = {
    "long host": lambda n: "See " + "a." * n + "com for the fix.",
    "long host link": lambda n: "See https://" + "a." * n + "com/ for the fix.",
    "long labels": lambda n: "See " + ("x" * 70 + ".") * n + "com for the fix.",
    "brackets [": lambda n: "[" * n,
    "link brackets [](": lambda n: "[](" * n,
    "nested brackets": lambda n: "[" * n + "]" * n,
    "emphasis *a": lambda n: "*a" * n,
    "emphasis _a": lambda n: "_a" * n,
    "strong **a": lambda n: "**a" * n,
    "backticks": lambda n: "`a" * n,
    "table rows": _table,
    "nested quotes": lambda n: ">" * n + " deep",
    "nested lists": lambda n: "".join("  " * i + "- a\n" for i in range(n)),
    "many links": lambda n: "".join(f"https://a{i}.example/ " for i in range(n)),
    "many named hosts": lambda n: "".join(f"x{i}.com " for i in range(n)),
    "link references": lambda n: "[a]: /u\n" * n + "[a]" * n,
    "entities": lambda n: "&amp;" * n,
    "long line": lambda n: "x" * n,
    "prose words": lambda n: "my wallet still shows the transfer as pending. " * n,
}
WAYS = ("preview", "ask", "reply", "edit")


def main() -> None:
    options = _parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="handoff-abuse-"))
    try:
        _configure(var_dir)
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import override_settings

        call_command("migrate", "--noinput", verbosity=0)
        storages = {
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        }
        with override_settings(RATELIMIT_ENABLE=False, STORAGES=_storages(storages)):
            failed = measure(options)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    sys.exit(1 if failed else 0)


def _parse_args():
    parser = argparse.ArgumentParser(
        description="Server time of the worst body of each pathological kind, four ways in."
    )
    parser.add_argument("--runs", type=int, default=7, help="Timed requests per cell.")
    parser.add_argument("--kinds", help=f"Comma separated, of: {', '.join(KINDS)}.")
    options = parser.parse_args()
    if options.runs < 1:
        parser.error("--runs must be at least 1.")
    return options


def _configure(var_dir: Path) -> None:
    for key in list(os.environ):
        if key.startswith(("DJANGO_", "DATABASE_", "HANDOFF_", "CELERY_", "CACHE_URL")):
            del os.environ[key]
    os.environ.update(
        HANDOFF_VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        # Settings refuse to start without a key when DEBUG is off; this one signs nothing kept.
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-any-deployment",
        DJANGO_HTTPS="0",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)


def _storages(overrides: dict) -> dict:
    from django.conf import settings

    return {**settings.STORAGES, **overrides}


# --- The worst body of a kind --------------------------------------------------------


def is_accepted(body: str) -> bool:
    """What the rules let through, besides the standing rules (the member is established)."""
    from forum import markdown
    from safety import links

    body += "\n\nrequest 99999"  # as Site.send sends it
    if not markdown.is_within_budget(body):
        return False
    return not links.find_links(body, outbound=markdown.find_outbound(body)).has_too_many_hosts


def worst_accepted(make) -> str | None:
    """The body of the largest size that fits in MAX_BODY and is accepted (sizes searched
    by halving; each kind's cost grows with its size)."""
    low, high = 0, 1
    while len(make(high)) <= MAX_BODY and is_accepted(make(high)):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        body = make(middle)
        if len(body) <= MAX_BODY and is_accepted(body):
            low = middle
        else:
            high = middle
    return make(low) if low else None


def largest(make) -> str:
    """The body of the largest size that fits in MAX_BODY."""
    low, high = 1, 2
    while len(make(high)) <= MAX_BODY:
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if len(make(middle)) <= MAX_BODY else (low, middle)
    return make(low)


# --- Measuring -----------------------------------------------------------------------


class Site:
    """A category, an established member signed in, a thread to reply in, a reply to edit."""

    def __init__(self) -> None:
        from allauth.account.models import EmailAddress
        from django.test import Client
        from django.utils import timezone

        from accounts.models import User
        from forum.models import Category
        from forum.services import posting as forum_posting

        self.category = Category.objects.create(slug="transfers", name="Transfers")
        self.member = User.objects.create_user(
            username="bench_member",
            email="member@example.com",
            password="x",
            reputation=500,
            date_joined=timezone.now() - timedelta(days=365),
        )
        EmailAddress.objects.create(
            user=self.member, email=self.member.email, verified=True, primary=True
        )
        self.thread = forum_posting.create_thread(
            author=self.member,
            category=self.category,
            title="USDT sent on TRON is pending for hours",
            body="I sent 50 USDT to an exchange and the wallet still says pending.",
        )
        self.own_reply = forum_posting.create_post(
            author=self.member,
            thread=self.thread,
            body="The first version of an answer, to be edited by the benchmark.",
        )
        self.client = Client()
        self.client.force_login(self.member)
        self.sent = 0

    def send(self, way: str, body: str, *, accepted: bool) -> float:
        """One request; its server time in milliseconds. The body gets a unique line so
        that no two requests send the same text (no memo or duplicate check helps)."""
        from django.urls import reverse

        self.sent += 1
        body = f"{body}\n\nrequest {self.sent}"
        if way == "preview":
            url, data = reverse("forum:preview"), {"body": body}
        elif way == "ask":
            url, data = (
                reverse("forum:ask"),
                {
                    "title": f"Pending transfer number {self.sent} on TRON",
                    "category": self.category.pk,
                    "body": body,
                },
            )
        elif way == "reply":
            url, data = reverse("forum:reply", args=[self.thread.pk]), {"body": body}
        else:
            url, data = reverse("forum:edit-post", args=[self.own_reply.pk]), {"body": body}
        started = time.perf_counter()
        response = self.client.post(url, data)
        elapsed = (time.perf_counter() - started) * 1000
        _check(way, response, accepted=accepted)
        return elapsed


def _check(way: str, response, *, accepted: bool) -> None:
    if way == "preview":  # the rendering, or why not (a preview does not judge hosts)
        ok = response.status_code == 200 and b'id="preview"' in response.content
    elif accepted:
        ok = response.status_code == 302
    else:
        ok = response.status_code == 200 and (
            b"too much formatting" in response.content or b"different web sites" in response.content
        )
    if not ok:
        import re

        errors = re.findall(rb"<li>(.*?)</li>", response.content.split(b"errorlist", 1)[-1])
        raise SystemExit(
            f"{way}: unexpected response {response.status_code} "
            f"(accepted={accepted}): {errors[:5]!r}"
        )


def measure(options) -> bool:
    names = options.kinds.split(",") if options.kinds else list(KINDS)
    site = Site()
    print(
        f"Median server time of {options.runs} requests (ms); target < {TARGET_MS:.0f} ms.\n"
        f"{'kind':<20} {'body':<18} {'chars':>6} " + " ".join(f"{way:>8}" for way in WAYS)
    )
    failed = False
    for name in names:
        make = KINDS[name]
        cases = []
        worst = worst_accepted(make)
        if worst is not None:
            cases.append(("worst accepted", worst, True))
        biggest = largest(make)
        if biggest != worst:
            cases.append(("50 KB, refused", biggest, is_accepted(biggest)))
        for label, body, accepted in cases:
            medians = []
            for way in WAYS:
                site.send(way, body, accepted=accepted)  # warm-up, untimed
                times = [site.send(way, body, accepted=accepted) for _run in range(options.runs)]
                medians.append(statistics.median(times))
            failed |= any(median >= TARGET_MS for median in medians)
            print(
                f"{name:<20} {label:<18} {len(body):>6} "
                + " ".join(f"{median:8.1f}" for median in medians),
                flush=True,
            )
    print("\nEvery median under the target." if not failed else "\nSome medians over the target!")
    return failed


if __name__ == "__main__":
    main()
