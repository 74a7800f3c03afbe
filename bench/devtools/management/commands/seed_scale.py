from django.core.management.base import BaseCommand, CommandError

from bench import scale


class Command(BaseCommand):
    help = (
        "Add bulk benchmark data: THREADS threads in English and Chinese about transfers, "
        "balances, security and installing, averaging K posts each (20% unanswered, about 40% "
        "of the answered ones solved, a few closed), written by max(50, THREADS/100) new "
        "users, plus L long threads of P posts. Every counter the services keep is filled in. "
        "Adds to an existing database (new usernames never clash); not idempotent. Prints "
        "progress and rows per second. Never run it on a real site."
    )

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, required=True, help="Regular threads to add.")
        parser.add_argument(
            "--posts-per-thread",
            type=float,
            default=5,
            metavar="K",
            help="Average posts per regular thread, the question included (default 5).",
        )
        parser.add_argument(
            "--long-threads", type=int, default=0, metavar="L", help="Long threads to add."
        )
        parser.add_argument(
            "--long-thread-posts",
            type=int,
            default=200,
            metavar="P",
            help="Posts in each long thread (default 200).",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=scale.BATCH_SIZE,
            help=f"Threads per transaction (default {scale.BATCH_SIZE:,}).",
        )
        parser.add_argument("--seed", type=int, help="Random seed, for the same data twice.")
        parser.add_argument(
            "--support",
            action="store_true",
            help=(
                "Add the support team's history too: questions needing help, tickets opened by "
                "the deadline, the asker or a moderator, first responses, resolutions, missed "
                "targets, reopenings and ratings, and the secret guard's daily counts."
            ),
        )

    def handle(self, *args, **options):
        if options["threads"] < 0 or options["long_threads"] < 0:
            raise CommandError("--threads and --long-threads cannot be negative.")
        if options["posts_per_thread"] < 1 or options["long_thread_posts"] < 1:
            raise CommandError("A thread has at least one post (the question).")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        result = scale.seed_scale(
            threads=options["threads"],
            posts_per_thread=options["posts_per_thread"],
            long_threads=options["long_threads"],
            long_thread_posts=options["long_thread_posts"],
            batch_size=options["batch_size"],
            seed=options["seed"],
            support=options["support"],
            progress=self.stdout.write,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.users:,} users, {result.threads:,} threads, "
                f"{result.posts:,} posts and {result.tickets:,} tickets ({result.rows:,} rows) in {result.seconds:.1f} s: "
                f"{result.rows_per_second:,.0f} rows/s."
            )
        )
        if result.long_thread_ids:
            ids = ", ".join(str(pk) for pk in result.long_thread_ids)
            self.stdout.write(f"Long threads: {ids}")
