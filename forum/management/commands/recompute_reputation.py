from django.core.management.base import BaseCommand

from forum.services.answers import recompute_reputation


class Command(BaseCommand):
    help = (
        "Rebuild every user's reputation from the votes they received (+10 each) and their "
        "accepted answers (+15 each). Safe to run at any time; prints how many users changed."
    )

    def handle(self, *args, **options):
        changed = recompute_reputation()
        self.stdout.write(self.style.SUCCESS(f"Reputation recomputed: {changed} users changed."))
