from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def threads_whose_request_ended(apps, schema_editor):
    """Threads whose ticket is resolved or closed show it (forum/states.py)."""
    Thread = apps.get_model("forum", "Thread")
    Ticket = apps.get_model("escalation", "Ticket")
    ended = Ticket.objects.filter(thread=OuterRef("pk"), status__in=("resolved", "closed"))
    Thread.objects.filter(escalated_at__isnull=True, pk__in=ended.values("thread_id")).update(
        support_resolved_at=Subquery(
            ended.annotate(at=Coalesce("resolved_at", "closed_at", "updated_at")).values("at")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0008_rating_changes"),
        ("forum", "0007_thread_support_resolved_and_visible_replies"),
    ]

    operations = [
        migrations.RunPython(threads_whose_request_ended, migrations.RunPython.noop),
    ]
