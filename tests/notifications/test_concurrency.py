"""Two workers telling the same person the same thing at the same moment: one notification."""

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction

from notifications.models import Notification, OutboundEmail
from tests.notifications.conftest import Kind, notify, unread_count


def _in_a_transaction_retrying_locks(work):
    """Run `work` in a transaction; start over while SQLite says a table is locked.

    SQLite's in-memory test database shares one cache between threads and refuses a
    second writer at once instead of waiting, as a file database (busy timeout) or
    PostgreSQL (row and index locks) would. A task would retry the same way.
    """
    for _attempt in range(500):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.01)  # back off; the other writer commits within milliseconds
    raise AssertionError("the database stayed locked")


@pytest.mark.django_db(transaction=True)
def test_two_racing_notifies_with_one_key_write_one_notification(member):
    barrier = threading.Barrier(2, timeout=10)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(
                _in_a_transaction_retrying_locks(
                    lambda: notify(member, Kind.ESCALATED, dedupe_key="escalated:42")
                )
            )
        except Exception as error:  # a thread's exception is lost unless kept
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sorted(result is None for result in results) == [False, True]
    assert Notification.objects.filter(recipient=member, dedupe_key="escalated:42").count() == 1
    assert OutboundEmail.objects.count() == 1
    assert unread_count(member) == 1
