"""What config/caching.py costs per use: the deploy version, a key, a cache read, a fill.

Run by hand from the project root, with the cache you want to measure:

    HANDOFF_VAR_DIR=/tmp/hot DJANGO_DEBUG=0 .venv/bin/python bench/caching.py
    HANDOFF_VAR_DIR=/tmp/hot DJANGO_DEBUG=0 CACHE_URL=redis://127.0.0.1:6379/N .venv/bin/python bench/caching.py

Each figure is the median of 5 rounds of 2,000 calls, in microseconds per call (the
deploy version: one call, in milliseconds). Writes one key to the cache.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    from django.core.cache import cache

    from config import caching

    caching.deploy_version.cache_clear()
    started = time.perf_counter()
    caching.deploy_version()
    files = len(caching.source_files(Path(django.conf.settings.BASE_DIR)))
    print(f"deploy version ({files} files)   {(time.perf_counter() - started) * 1e3:8.1f} ms")

    html = "<header>" + "x" * 3000 + "</header>"
    values = ("forum:thread-detail", "member", "Mia", False, False, 0, "")
    key = caching.chrome_key("header", values)
    cache.set(key, html, 60)
    print(f"cache: {os.environ.get('CACHE_URL', 'file://')}")
    for label, call in (
        ("chrome_key", lambda: caching.chrome_key("header", values)),
        ("cache.get of a 3 KB block", lambda: cache.get(key)),
        ("cache.get_many of 5 blocks", lambda: cache.get_many([key] * 5)),
        (
            "fill_request_values",
            lambda: caching.fill_request_values(html, token="t" * 64, path="/t/1/"),
        ),
    ):
        rounds = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(2000):
                call()
            rounds.append((time.perf_counter() - started) / 2000 * 1e6)
        print(f"{label:<30} {statistics.median(rounds):8.1f} µs")


if __name__ == "__main__":
    main()
