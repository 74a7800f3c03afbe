from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def count_visible_replies(apps, schema_editor):
    """reply_count counts the replies every reader sees: neither hidden nor deleted."""
    Thread = apps.get_model("forum", "Thread")
    Post = apps.get_model("forum", "Post")
    visible = (
        Post.objects.filter(
            thread=OuterRef("pk"), number__gt=1, is_hidden=False, deleted_at__isnull=True
        )
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Thread.objects.update(reply_count=Coalesce(Subquery(visible), Value(0)))


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0006_staff_capacity"),
    ]

    operations = [
        migrations.AddField(
            model_name="thread",
            name="support_resolved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(count_visible_replies, migrations.RunPython.noop),
    ]
