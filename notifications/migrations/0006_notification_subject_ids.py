"""Name the subject of notifications written before they named it (params thread_id/post_id),
read from their dedupe keys, so that notifications.visibility checks them too: an email
still in the outbox at deploy time is checked like any other."""

from django.db import migrations

# dedupe key prefix -> the param its first number is
PREFIXES = {
    "reply:": "post_id",
    "accepted:": "post_id",
    "staff-reply:": "post_id",
    "needs-help:": "thread_id",
    "helper-needs-help:": "thread_id",
    "solve-nudge:": "thread_id",
}


def subject_of(dedupe_key: str) -> tuple[str, int] | None:
    for prefix, name in PREFIXES.items():
        if dedupe_key.startswith(prefix):
            number = dedupe_key[len(prefix) :].split(":", 1)[0]
            if number.isdigit():
                return name, int(number)
    return None


def name_subjects(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    changed = []
    rows = Notification.objects.exclude(dedupe_key="").only("params", "dedupe_key")
    for notification in rows.iterator(chunk_size=2000):
        subject = subject_of(notification.dedupe_key)
        params = notification.params or {}
        if subject is None or subject[0] in params:
            continue
        notification.params = {**params, subject[0]: subject[1]}
        changed.append(notification)
        if len(changed) >= 2000:
            Notification.objects.bulk_update(changed, ["params"])
            changed = []
    Notification.objects.bulk_update(changed, ["params"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_outbound_email_skipped")]

    operations = [migrations.RunPython(name_subjects, migrations.RunPython.noop, elidable=True)]
