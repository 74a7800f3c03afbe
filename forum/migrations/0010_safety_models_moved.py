"""The secret guard's counts and the domain lists moved to the safety app (safety 0001).

State only: their tables stay as they are, under their old names, now safety's.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('forum', '0009_moderationlog_member_and_until'),
        ('safety', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='blockeddomain',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='officialdomain',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='SecretRefusal',
                ),
                migrations.DeleteModel(
                    name='BlockedDomain',
                ),
                migrations.DeleteModel(
                    name='OfficialDomain',
                ),
            ],
        ),
    ]
