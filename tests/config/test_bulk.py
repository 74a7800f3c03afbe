"""config.bulk: plain multi-row INSERTs, or COPY on PostgreSQL, failing as Django's errors do."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.bulk import BulkInsert
from notifications.models import Notification

pytestmark = pytest.mark.django_db

ROWS = BulkInsert(
    Notification,
    ("recipient_id", "kind", "url", "params", "dedupe_key", "is_in_app", "created_at", "read_at"),
)


def _row(user, key):
    return (user.pk, "reply", "/t/1/-/", {}, key, True, timezone.now(), None)


@pytest.mark.parametrize("return_ids", [True, False])
def test_a_duplicate_key_raises_djangos_integrity_error_on_either_database(member, return_ids):
    """COPY on PostgreSQL goes through psycopg's own cursor: its UniqueViolation must still
    come out as django.db.IntegrityError, or the callers' fallbacks never run."""
    ROWS.insert([_row(member, "reply:1")])

    with pytest.raises(IntegrityError), transaction.atomic():
        ROWS.insert([_row(member, "reply:2"), _row(member, "reply:1")], return_ids=return_ids)

    assert list(Notification.objects.values_list("dedupe_key", flat=True)) == ["reply:1"]


def test_rows_go_in_with_their_ids_in_order(member):
    ids = ROWS.insert([_row(member, "a"), _row(member, "b")], return_ids=True)

    assert dict(Notification.objects.values_list("pk", "dedupe_key")) == dict(
        zip(ids, "ab", strict=True)
    )
