"""Which policy governs a thread, what the database refuses, and editing policies in the admin."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from escalation import tasks
from escalation.models import EscalationPolicy, ThreadClock, Ticket
from escalation.services import sweep
from tests.escalation.conftest import T0, committed
from tests.factories import CategoryFactory, ThreadFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
ADD_URL = "/admin/escalation/escalationpolicy/add/"


def clock_of(thread) -> tuple:
    clock = ThreadClock.objects.get(thread=thread)
    return clock.needs_help_at, clock.escalate_at, clock.member_can_request_at


def offsets(*hours) -> tuple:
    return tuple(T0 + h * HOUR for h in hours)


@pytest.fixture
def strict_policy(policy, category):
    """Transfers are urgent: needs help after 1 hour, escalates after 2, the asker may ask at once."""
    return EscalationPolicy.objects.create(
        category=category,
        needs_help_after=HOUR,
        escalate_after=2 * HOUR,
        member_can_request_after=timedelta(0),
        first_response_target=HOUR,
    )


# --- Which policy ---------------------------------------------------------------


def test_a_category_policy_overrides_the_site_default(strict_policy, ask, member):
    transfers = ask()
    elsewhere = committed(
        ThreadFactory, author=member, category=CategoryFactory(slug="install"), now=T0
    )

    assert clock_of(transfers) == offsets(1, 2, 0)
    assert clock_of(elsewhere) == offsets(4, 24, 2)


def test_a_ticket_takes_its_targets_from_the_category_policy(strict_policy, ask):
    thread = ask()

    sweep.sweep(now=T0 + 2 * HOUR)

    ticket = Ticket.objects.get(thread=thread)
    assert ticket.policy == strict_policy
    assert ticket.first_response_due_at == T0 + 3 * HOUR


def test_without_any_policy_the_built_in_defaults_apply(category, member):
    assert not EscalationPolicy.objects.exists()
    defaults = EscalationPolicy()

    thread = committed(ThreadFactory, author=member, category=category, now=T0)

    assert clock_of(thread) == (
        T0 + defaults.needs_help_after,
        T0 + defaults.escalate_after,
        T0 + defaults.member_can_request_after,
    )
    sweep.sweep(now=T0 + defaults.escalate_after)
    ticket = Ticket.objects.get(thread=thread)
    assert ticket.policy is None
    assert ticket.priority == defaults.ticket_priority
    assert ticket.first_response_due_at == (
        T0 + defaults.escalate_after + defaults.first_response_target
    )


# --- What the database refuses --------------------------------------------------


def test_there_is_only_one_site_default(policy):
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationPolicy.objects.create()

    assert EscalationPolicy.objects.filter(category=None).count() == 1


def test_a_category_has_only_one_policy(strict_policy, category):
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationPolicy.objects.create(category=category)


def test_needs_help_cannot_come_after_escalation(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationPolicy.objects.create(needs_help_after=25 * HOUR, escalate_after=24 * HOUR)

    assert not EscalationPolicy.objects.exists()


def test_needs_help_may_come_at_the_moment_of_escalation(db):
    EscalationPolicy.objects.create(needs_help_after=24 * HOUR, escalate_after=24 * HOUR)


# --- The admin ------------------------------------------------------------------


def policy_form(**changes) -> dict:
    fields = {
        "category": "",
        "answered_when": EscalationPolicy.Answered.REPLY,
        "needs_help_after": "01:00:00",
        "escalate_after": "02:00:00",
        "escalate_unsolved_after": "",
        "member_can_request_after": "00:30:00",
        "calendar": "",
        "ticket_priority": "20",
        "ticket_queue": "",
        "first_response_target": "08:00:00",
        "resolution_target": "3 00:00:00",
        "close_resolved_after": "7 00:00:00",
        "close_waiting_after": "7 00:00:00",
        "reopen_within": "7 00:00:00",
        "_save": "Save",
        **changes,
    }
    # The admin takes each duration as hours and minutes (escalation/forms/admin.py).
    for name, value in list(fields.items()):
        if name in DURATION_FIELDS:
            del fields[name]
            hours, minutes = _hours_minutes(value)
            fields[f"{name}_0"], fields[f"{name}_1"] = hours, minutes
    return fields


DURATION_FIELDS = {
    "needs_help_after",
    "escalate_after",
    "escalate_unsolved_after",
    "member_can_request_after",
    "first_response_target",
    "resolution_target",
    "close_resolved_after",
    "close_waiting_after",
    "reopen_within",
}


def _hours_minutes(value: str) -> tuple[str, str]:
    """ "3 00:00:00" -> ("72", "0"); "" -> ("", "")."""
    if not value:
        return "", ""
    days, _, clock = value.rpartition(" ")
    hours, minutes, _seconds = (int(part) for part in clock.split(":"))
    return str(int(days or 0) * 24 + hours), str(minutes)


@pytest.fixture
def admin_client(admin_user):
    """The superuser, who has two-factor authentication (staff pages require it)."""
    return client_for(admin_user)


@pytest.fixture
def enqueued(monkeypatch):
    """The recompute tasks sent to the broker, by their arguments."""
    sent = []
    monkeypatch.setattr(
        tasks.recompute_clocks, "apply_async", lambda args, kwargs: sent.append(tuple(args))
    )
    return sent


def test_saving_a_policy_in_the_admin_recomputes_its_categorys_clocks(
    admin_client, policy, category, ask, enqueued, django_capture_on_commit_callbacks
):
    thread = ask()
    assert clock_of(thread) == offsets(4, 24, 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(ADD_URL, policy_form(category=category.pk))

    assert response.status_code == 302
    assert response["Location"] == "/admin/escalation/escalationpolicy/"
    assert EscalationPolicy.objects.get(category=category).escalate_after == 2 * HOUR
    assert enqueued == [(category.pk,)]

    tasks.recompute_clocks(*enqueued[0])  # what the worker does with it

    assert clock_of(thread) == (T0 + HOUR, T0 + 2 * HOUR, T0 + timedelta(minutes=30))


def test_changing_the_site_default_in_the_admin_recomputes_every_category(
    admin_client, policy, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/escalation/escalationpolicy/{policy.pk}/change/", policy_form()
        )

    assert response.status_code == 302
    assert enqueued == [(None,)]


def test_the_admin_refuses_needs_help_after_escalation_and_enqueues_nothing(
    admin_client, category, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_client.post(
            ADD_URL, policy_form(category=category.pk, needs_help_after="03:00:00")
        )

    assert response.status_code == 200
    assert "“Needs help” must come before escalation." in response.text
    assert not EscalationPolicy.objects.exists()
    assert (callbacks, enqueued) == ([], [])


def test_the_admin_refuses_a_second_site_default(admin_client, policy, enqueued):
    response = admin_client.post(ADD_URL, policy_form())

    assert response.status_code == 200
    assert "There is already a site default policy." in response.text
    assert EscalationPolicy.objects.count() == 1
    assert enqueued == []


def test_an_agent_cannot_edit_policies(agent, policy):
    response = client_for(agent).post(ADD_URL, policy_form())

    assert response.status_code == 403
    assert EscalationPolicy.objects.count() == 1


def test_moving_a_policy_to_another_category_recomputes_both(
    admin_client, policy, strict_policy, category, enqueued, django_capture_on_commit_callbacks
):
    install = CategoryFactory(slug="install")

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/escalation/escalationpolicy/{strict_policy.pk}/change/",
            policy_form(category=install.pk),
        )

    assert response.status_code == 302
    assert sorted(enqueued) == sorted([(install.pk,), (category.pk,)])


def test_moving_a_policy_away_gives_its_old_categorys_threads_the_site_default(
    admin_client, strict_policy, category, ask, enqueued, django_capture_on_commit_callbacks
):
    thread = ask()
    assert clock_of(thread) == offsets(1, 2, 0)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/admin/escalation/escalationpolicy/{strict_policy.pk}/change/",
            policy_form(category=CategoryFactory(slug="install").pk),
        )
    for args in enqueued:
        tasks.recompute_clocks(*args)

    assert clock_of(thread) == offsets(4, 24, 2)


def test_deleting_a_policy_in_the_admin_recomputes_its_categorys_clocks(
    admin_client, strict_policy, category, ask, enqueued, django_capture_on_commit_callbacks
):
    thread = ask()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/escalation/escalationpolicy/{strict_policy.pk}/delete/", {"post": "yes"}
        )

    assert response.status_code == 302
    assert not EscalationPolicy.objects.filter(category=category).exists()
    assert enqueued == [(category.pk,)]
    tasks.recompute_clocks(*enqueued[0])
    assert clock_of(thread) == offsets(4, 24, 2)


def test_deleting_policies_from_the_list_recomputes_their_categories(
    admin_client, policy, strict_policy, category, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/escalation/escalationpolicy/",
            {"action": "delete_selected", "_selected_action": [strict_policy.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert list(EscalationPolicy.objects.all()) == [policy]
    assert enqueued == [(category.pk,)]
