from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from escalation.services import clocks
from forum.models import Category


class Command(BaseCommand):
    help = (
        "Recompute the escalation clocks of open threads from their facts and the current "
        "policies: after changing a policy or a calendar, or to give clocks to threads "
        "imported in bulk (seed_scale)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--category", help="Only this category (its slug).")

    def handle(self, *args, category=None, **options):
        category_id = None
        if category:
            category_id = (
                Category.objects.filter(slug=category).values_list("pk", flat=True).first()
            )
            if category_id is None:
                raise CommandError(f"No category with the slug {category!r}.")
        done = clocks.recompute_open_clocks(category_id=category_id, now=timezone.now())
        self.stdout.write(f"Recomputed the clocks of {done} open thread(s).")
