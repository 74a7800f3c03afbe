"""config/lookups.py: an id no integer column can hold matches nothing instead of crashing."""

import pytest
from django.contrib.auth.models import Group

from escalation.models import Queue
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999  # beyond 64 bits: SQLite refused to bind it (OverflowError)


def test_in_with_an_id_beyond_64_bits_matches_only_the_others():
    queue = Queue.objects.create(name="Transfers", slug="transfers")

    assert list(Queue.objects.filter(pk__in=[queue.pk, HUGE])) == [queue]
    assert list(Queue.objects.filter(pk__in=[HUGE, -HUGE])) == []


def test_the_admin_answers_a_huge_permission_id_with_a_form_error(admin_user):
    response = client_for(admin_user).post(
        "/admin/auth/group/add/", {"name": "Helpers", "permissions": [str(HUGE)]}
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert not Group.objects.filter(name="Helpers").exists()
