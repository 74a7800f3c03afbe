"""The safety rules' models, moved here from the forum app with their tables and rows.

The forum made these tables (forum 0004 and 0005) and they keep their names (db_table):
this migration only tells Django's state that the models are safety's now, and forum
0010 forgets them there; no table is created, renamed or dropped. The content types
follow (their rows are renamed), so permissions and admin history stay with the models.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ("secretrefusal", "blockeddomain", "officialdomain")


def _move_content_types(apps, schema_editor, *, source, target):
    """Rename the models' content types from `source` to `target`, unless `target` already
    has them (a database that ran this app's post_migrate before the move)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(
                app_label=target
            )


def to_safety(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="forum", target="safety")


def to_forum(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="safety", target="forum")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        # The tables exist from here on; forum 0010 then drops the models from its state.
        ("forum", "0009_moderationlog_member_and_until"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BlockedDomain',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('domain', models.CharField(help_text='For example phish.example; its subdomains are covered too.', max_length=253, unique=True, verbose_name='domain')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='added at')),
                        ('reason', models.CharField(blank=True, max_length=200, verbose_name='reason')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                    ],
                    options={
                        'verbose_name': 'blocked domain',
                        'verbose_name_plural': 'blocked domains',
                        'db_table': 'forum_blockeddomain',
                        'ordering': ['domain'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='OfficialDomain',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('domain', models.CharField(help_text='For example phish.example; its subdomains are covered too.', max_length=253, unique=True, verbose_name='domain')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='added at')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                    ],
                    options={
                        'verbose_name': 'official domain',
                        'verbose_name_plural': 'official domains',
                        'db_table': 'forum_officialdomain',
                        'ordering': ['domain'],
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='SecretRefusal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('kind', models.CharField(choices=[('recovery_phrase', 'Recovery phrase'), ('wif', 'Private key (WIF)'), ('xprv', 'Extended private key'), ('labelled_hex_key', 'Private key (hexadecimal)')], max_length=20)),
                        ('where', models.CharField(choices=[('ask', 'Question'), ('reply', 'Reply'), ('edit', 'Edit'), ('staff_reply', 'Staff reply'), ('note', 'Internal note'), ('ask_staff', 'Note to the support team'), ('profile', 'Profile'), ('flag', 'Flag note'), ('survey', 'Survey comment'), ('resolution', 'Resolution note')], max_length=20)),
                        ('count', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'db_table': 'forum_secretrefusal',
                        'ordering': ['-day', 'kind', 'where'],
                        'constraints': [models.UniqueConstraint(fields=('day', 'kind', 'where'), name='secret_refusal_one_counter_a_day')],
                    },
                ),
            ],
        ),
        migrations.RunPython(to_safety, to_forum),
    ]
