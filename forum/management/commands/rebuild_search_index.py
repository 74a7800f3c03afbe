from django.core.management.base import BaseCommand, CommandError

from forum.search import index


class Command(BaseCommand):
    help = (
        "Rebuild the search index from every post that is not deleted: empties it, then "
        "indexes the posts in batches (flat memory), normalising them in JOBS processes, with "
        "a progress bar on stderr. Safe on a live site: a batch is a transaction, and posts "
        "written meanwhile are indexed as usual (searches find less until it finishes). "
        "Run it after a bulk import that wrote posts without the forum's services."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=index.BATCH_SIZE,
            help=f"Posts per batch (default {index.BATCH_SIZE:,}).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=0,
            help="Processes that normalise text (default: one per CPU; 1 for none).",
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1 or options["jobs"] < 0:
            raise CommandError("--batch-size must be at least 1 and --jobs at least 0.")
        count = index.rebuild(
            batch_size=options["batch_size"],
            jobs=options["jobs"] or None,
            progress=self._progress,
        )
        self.stdout.write(self.style.SUCCESS(f"Indexed {count:,} posts."))

    def _progress(self, *, done: int, total: int, seconds: float) -> None:
        """A bar redrawn in place on a terminal; a line per batch in a log."""
        width = 30
        filled = min(width, width * done // total) if total else width
        rate = done / seconds if seconds else 0
        line = f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} posts, {rate:,.0f}/s"
        if self.stderr.isatty():
            self.stderr.write(f"\r{line}", ending="\n" if done >= total else "")
            self.stderr.flush()
        else:
            self.stderr.write(line)
