from datetime import date

from django.core.management.base import BaseCommand, CommandError

from analytics import services


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Recompute the analytics rollups of the days FROM..TO (inclusive, in the rollups' "
        "time zone, ANALYTICS_TIME_ZONE or TIME_ZONE). Idempotent: each day is deleted and "
        "rebuilt in one transaction. Progress goes to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")

    def handle(self, *, first, last, **options):
        first_day, last_day = _day(first), _day(last)
        try:
            services.check_range(first_day, last_day)
        except services.InvalidRange as exc:
            raise CommandError(str(exc)) from None
        total = (last_day - first_day).days + 1
        done = 0

        def progress(day):
            nonlocal done
            done += 1
            width = 30
            filled = width * done // total
            bar = f"[{'#' * filled}{'.' * (width - filled)}]"
            self.stderr.write(f"\r{bar} {done}/{total} {day}", ending="")
            self.stderr.flush()

        rows = services.recompute_days(first=first_day, last=last_day, progress=progress)
        self.stderr.write("")
        self.stdout.write(f"Recomputed {total} day(s): {rows} rollup row(s).")
