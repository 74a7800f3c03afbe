from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import content, help_articles, services


class Command(BaseCommand):
    help = (
        "Create or refresh the demo site: categories in English and Chinese, members, a "
        "moderator, two agents and an admin, all with the demo password; questions in every "
        "state; support queues, a Shanghai business calendar with China's public holidays, "
        "escalation policies, and questions the sweep, askers and moderators have escalated; "
        "tickets in every status with internal notes and ratings, canned replies in English "
        "and Chinese, and both agents on duty; ten weeks of older questions and support "
        "work (a release four weeks ago after which transfer questions rise), whose "
        "analytics rollups it then recomputes. Idempotent. "
        "Refuses to run with DEBUG off unless --allow-production is given, because the "
        "demo accounts have a published password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--domain", default="127.0.0.1:8000", help="Domain used in emailed links."
        )
        parser.add_argument(
            "--no-history",
            dest="history",
            action="store_false",
            help="Leave out the ten weeks of older questions (the analytics then show little).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even with DEBUG off (never on a real site: the passwords are public).",
        )

    def handle(self, *args, domain, allow_production, history, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like production. The demo accounts have a public "
                "password; pass --allow-production if you really mean it."
            )
        counts = services.seed_demo(domain=domain, history=history)
        help_articles.seed_help_articles()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['people']} people, {counts['categories']} categories, "
                f"{counts['threads']} threads ({counts['new_threads']} new this run), "
                f"{counts['tickets']} support tickets, {counts['queues']} queues, "
                f"{counts['canned_replies']} canned replies, "
                f"{counts['policies']} escalation policies, and a support calendar with "
                f"{counts['holidays']} public holidays and make-up working days."
            )
        )
        if counts["history_threads"]:
            self.stdout.write(
                f"Wrote {counts['history_threads']} older questions: ten weeks of history for "
                "the analytics."
            )
        # The rollups of the history and of today's stories, for the dashboard and /support/
        # (by name: the demo app may not import analytics, a layer of its own).
        first = counts["history_first_day"]
        if first is not None:
            call_command(
                "analytics_rollup",
                "--from",
                first.isoformat(),
                "--to",
                timezone.localdate().isoformat(),
                stdout=self.stdout,
                stderr=StringIO(),
            )
        self.stdout.write(f"Every demo account's password is: {content.DEMO_PASSWORD}")
        for username, _email, _name, role, _lang, _tz in content.PEOPLE:
            self.stdout.write(f"  {role:<10} {username}")
