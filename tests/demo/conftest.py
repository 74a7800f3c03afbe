"""The demo, seeded once per module for tests that only read it.

seed_demo commits step by step, as on the live site, so the forum's after-commit events
(escalation clocks) run as in production: it cannot run inside a test transaction. Tests
that seed themselves, or change what was seeded, use `django_db(transaction=True)`.
"""

from io import StringIO

import pytest
from django.core.management import call_command


def seed(**options) -> str:
    """The demo's stories; the ten weeks of history only when asked (history=True): the
    stories' tests count their own tickets and notifications (test_seed_demo_history.py
    reads the history)."""
    options.setdefault("history", False)
    out = StringIO()
    call_command("seed_demo", allow_production=True, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """Seeded outside any test transaction, as `manage.py seed_demo` runs; emptied after."""
    with django_db_blocker.unblock():
        seed()
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(demo_site, db):
    """The module's demo, read inside a test transaction that is rolled back."""
