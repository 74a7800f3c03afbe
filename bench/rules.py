"""The safety rules on long input, timed in-process: the secret guard, defanging links and
judging a display name.

Run by hand from the project root (no database is touched):

    .venv/bin/python bench/rules.py [--rounds 7]

Every parser and check must be linear and bounded (README, "Rules"). The tests show it
by counting work (`safety.guard.Work`, the size of what a pass produces); this prints
what that costs in time: for each input the median of --rounds calls, in milliseconds,
and for the guard the ratio between a text and one ten times as long (a linear check
stays near 10).
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ["CACHE_URL"] = "locmem://"  # the rules below read no database


# What wallet users really write (the guard's own tests pass these), and a recovery phrase
# made of valid words that nobody uses (tests/secret_samples.py).
ENGLISH = (
    "I tried to send some money to my exchange but the wallet shows pending for two hours. "
    "What should I do?"
)
CHINESE = (
    "我昨天从交易所提币到钱包，但是一直显示等待确认，区块浏览器上也查不到这笔交易，请问怎么办？"
)
EN_12 = "machine mirror syrup catalog approve debate wrap rabbit purchase they prefer erase"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="Timed calls per input.")
    options = parser.parse_args()

    import django

    django.setup()

    from django.core.cache import cache
    from django.core.exceptions import ValidationError

    from config import caching
    from forum import defang
    from forum.markdown import render_markdown
    from safety import hosts
    from safety.guard import find_secrets
    from safety.names import validate_name

    def median_ms(call, text) -> float:
        call(text)  # wordlists, the segmenter and the rules load once, on first use
        timings = []
        for _round in range(options.rounds):
            started = time.perf_counter()
            call(text)
            timings.append(time.perf_counter() - started)
        return statistics.median(timings) * 1000

    # The admin's domain rows, as the cache holds them: none beyond the settings' lists.
    cache.set(caching.DOMAIN_RULES_KEY, ([], []), None)
    rows = []
    long_posts = {
        "english": (ENGLISH + " ") * 500,
        "chinese": CHINESE * 1000,
        "wordlist-heavy": "I need gas for the bridge, the swap and the approve step. " * 900,
        "hex": "0123456789abcdef " * 3000,
    }
    for name, text in long_posts.items():
        rows.append((f"guard, 50,000 characters, {name}", median_ms(find_secrets, text[:50_000])))
    small, large = EN_12 + " and more words " * 500, EN_12 + " and more words " * 5000
    small_ms, large_ms = median_ms(find_secrets, small), median_ms(find_secrets, large)
    rows.append((f"guard, {len(small):,} characters", small_ms))
    rows.append((f"guard, {len(large):,} characters (ratio {large_ms / small_ms:.1f})", large_ms))

    rules = hosts.DomainRules(blocked=frozenset(), official=frozenset({"example.com"}))
    body_html = render_markdown(" ".join(f"https://x{n}.example.com/p" for n in range(90))) * 50
    rows.append(
        (
            f"defang, {len(body_html):,} characters of HTML",
            median_ms(
                lambda html: defang.links_as_text(html, every_link=True, rules=rules), body_html
            ),
        )
    )

    def judge(name: str) -> None:
        with contextlib.suppress(ValidationError):
            validate_name(name[:150], user=None)

    for name in ("mod " * 40, "m o d " * 25, "walletrecovery" * 10, "a" * 150, "钱包" * 75):
        rows.append((f"display name {name[:12]!r}…", median_ms(judge, name)))

    width = max(len(label) for label, _ms in rows)
    print(f"{'input':{width}}  median ms ({options.rounds} calls)")
    for label, ms in rows:
        print(f"{label:{width}}  {ms:8.2f}")


if __name__ == "__main__":
    main()
