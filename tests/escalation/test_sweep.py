"""The core loop: open → needs help → escalated, and what stops each clock."""

from datetime import timedelta

import pytest
from django.urls import reverse

from escalation.models import ThreadClock, Ticket, TicketEvent
from escalation.services import sweep as sweeping
from escalation.services import tickets
from forum.models import Thread
from notifications.models import Notification, OutboundEmail
from tests.escalation.conftest import T0, at_once, committed

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def sweep(at):
    return sweeping.sweep(now=at)


def test_a_new_question_gets_its_deadlines(ask):
    thread = ask()
    clock = ThreadClock.objects.get(thread=thread)

    assert clock.needs_help_at == T0 + 4 * HOUR
    assert clock.escalate_at == T0 + 24 * HOUR
    assert clock.member_can_request_at == T0 + 2 * HOUR


def test_nothing_happens_before_the_deadline(ask):
    thread = ask()

    result = sweep(T0 + 4 * HOUR - timedelta(seconds=1))

    assert (result.flagged, result.escalated) == (0, 0)
    assert Thread.objects.get(pk=thread.pk).needs_help_at is None


def test_an_unanswered_question_needs_help_then_escalates(ask, member):
    thread = ask()

    flagged = sweep(T0 + 4 * HOUR)
    thread.refresh_from_db()

    assert flagged.flagged == 1
    assert thread.needs_help_at == T0 + 4 * HOUR
    assert Notification.objects.filter(recipient=member, kind="needs_help").count() == 1

    escalated = sweep(T0 + 24 * HOUR)
    ticket = Ticket.objects.get(thread=thread)

    assert escalated.escalated == 1
    assert ticket.reason == Ticket.Reason.UNANSWERED
    assert ticket.status == Ticket.Status.NEW
    assert ticket.requester == member
    assert ticket.first_response_due_at == T0 + 32 * HOUR
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.CREATED]
    assert Notification.objects.filter(recipient=member, kind="escalated").count() == 1
    thread.refresh_from_db()
    assert thread.escalated_at == T0 + 24 * HOUR


def test_a_sweep_long_after_both_deadlines_does_both_once(ask):
    ask()

    first = sweep(T0 + 48 * HOUR)
    second = sweep(T0 + 49 * HOUR)

    assert (first.flagged, first.escalated) == (1, 1)
    assert (second.flagged, second.escalated) == (0, 0)
    assert Ticket.objects.count() == 1


def test_a_question_past_both_deadlines_is_flagged_before_it_escalates_whatever_its_clock_says(
    ask, member
):
    """Its clock row lost the needs-help deadline (a sweep alongside held it, or rewrote it)."""
    thread = ask()
    ThreadClock.objects.filter(thread=thread).update(needs_help_at=None)

    result = sweep(T0 + 48 * HOUR)

    assert (result.flagged, result.escalated) == (1, 1)
    thread.refresh_from_db()
    assert thread.needs_help_at == T0 + 48 * HOUR
    assert Notification.objects.filter(recipient=member, kind="needs_help").count() == 1


def test_reply_by_asker_does_not_stop_the_clock(ask, reply, member):
    thread = ask()
    reply(thread, author=member, at=T0 + HOUR)

    result = sweep(T0 + 24 * HOUR)

    assert (result.flagged, result.escalated) == (1, 1)


def test_a_reply_by_someone_else_stops_both_clocks(ask, reply, other_member):
    thread = ask()
    reply(thread, author=other_member, at=T0 + HOUR)

    result = sweep(T0 + 48 * HOUR)

    assert (result.flagged, result.escalated) == (0, 0)
    assert ThreadClock.objects.get(thread=thread).escalate_at is None


def test_a_reply_after_the_flag_takes_it_off_the_needs_help_list(ask, reply, other_member):
    thread = ask()
    sweep(T0 + 5 * HOUR)
    reply(thread, author=other_member, at=T0 + 6 * HOUR)

    thread.refresh_from_db()
    assert thread.needs_help_at is None
    assert sweep(T0 + 48 * HOUR).escalated == 0


def test_a_solved_thread_never_escalates(ask, reply, member, other_member):
    from forum.services import answers as forum_answers

    thread = ask()
    answer = reply(thread, author=other_member, at=T0 + HOUR)
    committed(forum_answers.accept_answer, actor=member, post=answer)

    assert sweep(T0 + 100 * HOUR).escalated == 0
    assert ThreadClock.objects.get(thread=thread).escalate_at is None


def test_a_stale_clock_does_not_escalate_an_answered_thread(ask, other_member):
    """The reply's event was lost: the sweep checks the facts before it acts."""
    from forum.services import posting as forum_posting

    thread = ask()
    forum_posting.create_post(
        author=other_member, thread=thread, body="Try the explorer first, please.", now=T0 + HOUR
    )

    result = sweep(T0 + 48 * HOUR)

    assert result.escalated == 0
    assert ThreadClock.objects.get(thread=thread).escalate_at is None


def test_unsolved_threads_escalate_when_the_policy_says_so(ask, reply, policy, other_member):
    policy.escalate_unsolved_after = 72 * HOUR
    policy.save()
    thread = ask()
    reply(thread, author=other_member, at=T0 + HOUR)

    assert sweep(T0 + 71 * HOUR).escalated == 0
    assert sweep(T0 + 72 * HOUR).escalated == 1
    assert Ticket.objects.get(thread=thread).reason == Ticket.Reason.UNSOLVED


def test_a_dry_run_changes_nothing(ask):
    thread = ask()

    result = sweeping.sweep(now=T0 + 48 * HOUR, dry_run=True)

    assert (result.flagged, result.escalated) == (1, 1)
    assert not Ticket.objects.exists()
    thread.refresh_from_db()
    assert thread.needs_help_at is None
    assert sweep(T0 + 48 * HOUR).escalated == 1


def test_a_crash_after_the_first_batch_loses_nothing(ask, member, monkeypatch):
    threads = [ask(at=T0 + timedelta(minutes=n)) for n in range(5)]
    real = tickets.open_tickets
    calls = []

    def crash_on_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return real(*args, **kwargs)

    monkeypatch.setattr(tickets, "open_tickets", crash_on_second_batch)
    with pytest.raises(RuntimeError):
        sweeping.sweep(now=T0 + 48 * HOUR, batch_size=2)
    assert Ticket.objects.count() == 2

    monkeypatch.setattr(tickets, "open_tickets", real)
    result = sweeping.sweep(now=T0 + 48 * HOUR, batch_size=2)

    assert result.escalated == 3
    assert Ticket.objects.count() == 5
    assert sorted(Ticket.objects.values_list("thread_id", flat=True)) == sorted(
        t.pk for t in threads
    )
    assert Notification.objects.filter(kind="escalated").count() == 5


def test_a_crash_inside_the_needs_help_batches_loses_nothing(ask, member, monkeypatch):
    threads = [ask(at=T0 + timedelta(minutes=n)) for n in range(5)]
    monkeypatch.setattr(
        sweeping, "_tell_needs_help", _dies_on_second_call(sweeping._tell_needs_help)
    )

    with pytest.raises(RuntimeError):
        sweeping.sweep(now=T0 + 48 * HOUR, batch_size=2)

    assert Thread.objects.exclude(needs_help_at=None).count() == 2
    assert Notification.objects.filter(kind="needs_help").count() == 2
    assert not Ticket.objects.exists()

    monkeypatch.undo()
    result = sweeping.sweep(now=T0 + 48 * HOUR, batch_size=2)

    assert (result.flagged, result.escalated) == (3, 5)
    assert Thread.objects.filter(needs_help_at=None).count() == 0
    needs_help = Notification.objects.filter(kind="needs_help")
    assert sorted(needs_help.values_list("dedupe_key", flat=True)) == sorted(
        f"needs-help:{t.pk}" for t in threads
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("crash_in", "kind", "done_before_the_crash"),
    [
        ((sweeping, "_tell_needs_help"), "needs_help", {"flagged": 2, "escalated": 0}),
        ((tickets, "open_tickets"), "escalated", {"flagged": 5, "escalated": 2}),
    ],
)
def test_a_crash_between_committed_batches_loses_nothing(
    ask, member, monkeypatch, crash_in, kind, done_before_the_crash
):
    """Each batch commits on its own (real commits here, not the test's savepoints)."""
    threads = [ask(at=T0 + timedelta(minutes=n)) for n in range(5)]
    module, name = crash_in
    monkeypatch.setattr(module, name, _dies_on_second_call(getattr(module, name)))

    with pytest.raises(RuntimeError):
        sweeping.sweep(now=T0 + 48 * HOUR, batch_size=2)

    # What the batches before the crash committed, as another connection sees it.
    [seen] = at_once(
        lambda: {
            "flagged": Thread.objects.exclude(needs_help_at=None).count(),
            "escalated": Ticket.objects.count(),
            "told": Notification.objects.filter(kind=kind).count(),
        }
    )
    assert seen == {**done_before_the_crash, "told": 2}

    monkeypatch.undo()
    result = sweeping.sweep(now=T0 + 48 * HOUR, batch_size=2)

    assert result.flagged == 5 - done_before_the_crash["flagged"]
    assert result.escalated == 5 - done_before_the_crash["escalated"]
    assert sorted(Ticket.objects.values_list("thread_id", flat=True)) == sorted(
        t.pk for t in threads
    )
    for told in ("needs_help", "escalated"):
        assert Notification.objects.filter(kind=told).count() == 5
    assert OutboundEmail.objects.count() == 10


def _dies_on_second_call(function):
    calls = []

    def dies_on_second_call(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the worker died")
        return function(*args, **kwargs)

    return dies_on_second_call


def test_an_answered_question_without_an_accepted_answer_is_nudged_twice(
    ask, reply, member, other_member
):
    thread = ask()
    reply(thread, author=other_member, at=T0 + HOUR)

    assert sweep(T0 + HOUR + timedelta(days=3) - timedelta(seconds=1)).nudged == 0
    assert sweep(T0 + HOUR + timedelta(days=3)).nudged == 1
    assert sweep(T0 + HOUR + timedelta(days=5)).nudged == 0
    assert sweep(T0 + HOUR + timedelta(days=6)).nudged == 1
    assert sweep(T0 + HOUR + timedelta(days=60)).nudged == 0
    nudges = Notification.objects.filter(recipient=member, kind="solve_nudge")
    assert nudges.count() == 2


def test_an_accepted_answer_stops_the_nudges(ask, reply, member, other_member):
    from forum.services import answers as forum_answers

    thread = ask()
    answer = reply(thread, author=other_member, at=T0 + HOUR)
    committed(forum_answers.accept_answer, actor=member, post=answer)

    assert sweep(T0 + timedelta(days=30)).nudged == 0


def test_a_taken_reference_does_not_send_the_batch_one_thread_at_a_time(ask, monkeypatch):
    """Random references collide like birthdays; the bulk path draws again instead."""
    first = ask()
    sweep(T0 + 48 * HOUR)
    taken = Ticket.objects.get(thread=first).reference
    threads = [ask(at=T0 + 48 * HOUR + timedelta(minutes=n)) for n in range(3)]
    draws = iter([taken, taken, "HO-1000001", "HO-1000002", taken, "HO-1000003"])
    monkeypatch.setattr(tickets, "new_reference", lambda: next(draws))

    def one_at_a_time(**kwargs):
        raise AssertionError("the batch fell back to one thread at a time")

    monkeypatch.setattr(tickets, "open_ticket", one_at_a_time)
    result = sweep(T0 + 96 * HOUR)

    assert result.escalated == 3
    assert sorted(
        Ticket.objects.filter(thread__in=threads).values_list("reference", flat=True)
    ) == [
        "HO-1000001",
        "HO-1000002",
        "HO-1000003",
    ]


def test_the_sweeps_notifications_link_to_the_thread_and_to_the_request(ask, member):
    thread = ask()

    sweep(T0 + 48 * HOUR)

    ticket = Ticket.objects.get(thread=thread)
    links = dict(Notification.objects.filter(recipient=member).values_list("kind", "url"))
    assert links == {
        "needs_help": reverse("forum:thread-redirect", args=[thread.pk]),
        "escalated": ticket.get_absolute_url(),
    }
    assert links["escalated"] == f"/my/requests/{ticket.reference}/"
