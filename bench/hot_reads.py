"""The thread page's reads, timed in-process: hand-written SQL against the ORM.

Run by hand from the project root, against a database that already holds a long
thread (`seed_scale --long-threads 1 --long-thread-posts 200`):

    HANDOFF_VAR_DIR=/tmp/hot DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_ALLOWED_HOSTS=testserver \
        .venv/bin/python bench/hot_reads.py [--loops 2000] [--rounds 5]

(add DATABASE_URL=postgres://… for PostgreSQL). It times, in one process and one run:
the two reads `config.rawrows` serves (the thread with its category, author and chain;
one page of posts with their authors), each as the app does it and as the equivalent
ORM QuerySet (`select_related().only()`); then the whole thread page through the test
client, as a visitor and as a signed-in member, warm caches. Each figure is the median
of --rounds rounds of --loops calls, in microseconds per call, and the best round (the
least disturbed by other work on the machine). Nothing is written but
one session row for the member.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    options = _parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client

    from forum import access, selectors
    from forum.models import Post, Thread
    from tests.conftest import sign_in

    thread = (
        Thread.objects.annotate(n=Count("posts")).order_by("-n").only("id", "post_count").first()
    )
    thread = access.load_thread(thread.pk)
    member = Post.objects.filter(thread=thread).exclude(author=thread.author).first().author
    author_fields = [f"author__{name}" for name in access.AUTHOR_FIELDS]

    def orm_thread():
        return (
            Thread.objects.select_related("category", "author", "chain")
            .only(
                *[f.attname for f in Thread._meta.concrete_fields if not f.is_relation],
                "category",
                "chain",
                "author",
                *[f"category__{f.attname}" for f in thread.category._meta.concrete_fields],
                *[
                    f"chain__{f.attname}"
                    for f in Thread._meta.get_field("chain").related_model._meta.concrete_fields
                ],
                *author_fields,
            )
            .get(pk=thread.pk)
        )

    def orm_posts():
        return list(
            Post.objects.filter(thread_id=thread.pk, is_hidden=False)
            .filter(Q(number__range=(1, 20)) | Q(number=1) | Q(pk=thread.accepted_post_id or 0))
            .select_related("author")
            .only(*selectors.POST_LIST_FIELDS, "author", *author_fields)
            .order_by("number")
        )

    def raw_posts():
        return selectors._page_posts(thread=thread, first=1, last=20, include_hidden=False)

    url = thread.get_absolute_url()
    visitor, signed_in = Client(), Client()
    sign_in(signed_in, member)
    for client in (visitor, signed_in):
        assert client.get(url).status_code == 200

    cases = [
        ("load_thread: rawrows", lambda: access.load_thread(thread.pk), options.loops),
        ("load_thread: ORM select_related().only()", orm_thread, options.loops),
        ("page of 20 posts: rawrows", raw_posts, options.loops),
        ("page of 20 posts: ORM select_related().only()", orm_posts, options.loops),
        ("thread page, visitor (test client)", lambda: visitor.get(url), options.loops // 10),
        ("thread page, member (test client)", lambda: signed_in.get(url), options.loops // 10),
    ]
    print(f"{connection.vendor}, thread {thread.pk} ({thread.post_count} posts)")
    for label, call, loops in cases:
        call()
        rounds = []
        for _ in range(options.rounds):
            started = time.perf_counter()
            for _ in range(loops):
                call()
            rounds.append((time.perf_counter() - started) / loops * 1e6)
        print(f"{label:<48} median {statistics.median(rounds):8.1f} µs  best {min(rounds):8.1f} µs")


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loops", type=int, default=2000, help="Calls per round.")
    parser.add_argument("--rounds", type=int, default=5, help="Rounds; the median is shown.")
    return parser.parse_args()


if __name__ == "__main__":
    main()
