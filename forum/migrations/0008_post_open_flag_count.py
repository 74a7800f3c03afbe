"""Post.open_flag_count: the flags no moderator has resolved yet, counted for existing posts."""

from django.db import migrations, models
from django.db.models import Count, Q


def count_open_flags(apps, schema_editor):
    Post = apps.get_model("forum", "Post")
    flagged = (
        Post.objects.filter(flags__resolved_at__isnull=True, flags__isnull=False)
        .annotate(open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True)))
        .values_list("pk", "open_flags")
    )
    for pk, open_flags in flagged.iterator():
        Post.objects.filter(pk=pk).update(open_flag_count=open_flags)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0007_thread_support_resolved_and_visible_replies"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="open_flag_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_open_flags, migrations.RunPython.noop, elidable=True),
    ]
