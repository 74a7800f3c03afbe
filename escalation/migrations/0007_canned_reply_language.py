from django.db import migrations, models


def tag_chinese_replies(apps, schema_editor):
    """Replies written before the field existed: those whose title is in Chinese are Chinese."""
    CannedReply = apps.get_model("escalation", "CannedReply")
    for reply in CannedReply.objects.only("pk", "title"):
        if any("\u4e00" <= char <= "\u9fff" for char in reply.title):
            CannedReply.objects.filter(pk=reply.pk).update(language="zh-hans")


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0006_survey_invitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="cannedreply",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("zh-hans", "Simplified Chinese")],
                default="en",
                max_length=10,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(tag_chinese_replies, migrations.RunPython.noop),
    ]
