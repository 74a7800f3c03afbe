"""The safety models moved from forum with their tables: rows made before the move are
safety's after it, on SQLite and PostgreSQL alike, and the move can be undone."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from safety.models import BlockedDomain, OfficialDomain, SecretRefusal

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("forum", "0009_moderationlog_member_and_until"), ("safety", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([node for node in targets if node[1]]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def before_the_move():
    old_apps = _migrate(BEFORE)
    yield old_apps
    _migrate(_latest())


def test_rows_written_before_the_move_are_the_safety_models_after_it(before_the_move, member):
    old_apps = before_the_move
    old_apps.get_model("forum", "SecretRefusal").objects.create(
        day=datetime.date(2026, 12, 1), kind="wif", where="reply", count=3
    )
    old_apps.get_model("forum", "BlockedDomain").objects.create(
        domain="drainer.example", reason="phishing", created_by_id=member.pk
    )
    old_apps.get_model("forum", "OfficialDomain").objects.create(domain="tpwallet.com")
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    blocked_type = ContentType.objects.get_or_create(app_label="forum", model="blockeddomain")[0]

    _migrate(_latest())

    refusal = SecretRefusal.objects.get()
    assert (refusal.day, refusal.kind, refusal.where, refusal.count) == (
        datetime.date(2026, 12, 1),
        "wif",
        "reply",
        3,
    )
    blocked = BlockedDomain.objects.get()
    assert (blocked.domain, blocked.reason, blocked.created_by_id) == (
        "drainer.example",
        "phishing",
        member.pk,
    )
    assert OfficialDomain.objects.get().domain == "tpwallet.com"
    # Permissions and admin history point at the same content type, now safety's.
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    CurrentContentType.objects.clear_cache()
    assert CurrentContentType.objects.get_for_model(BlockedDomain).pk == blocked_type.pk


def test_new_rows_after_the_move_go_to_the_same_tables(db):
    BlockedDomain.objects.create(domain="evil.example")
    with connection.cursor() as cursor:
        cursor.execute("SELECT domain FROM forum_blockeddomain")
        assert cursor.fetchall() == [("evil.example",)]


def test_the_move_can_be_undone_with_the_rows_kept(before_the_move):
    _migrate(_latest())
    SecretRefusal.objects.create(day=datetime.date(2026, 12, 2), kind="xprv", where="ask", count=1)

    old_apps = _migrate(BEFORE)

    assert old_apps.get_model("forum", "SecretRefusal").objects.get().kind == "xprv"
