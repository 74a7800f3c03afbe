"""Sweeps running at the same instant, and an asker racing a sweep: everything happens once.

Each sweep runs in its own thread with its own connection (or in its own process), over
one database: PostgreSQL shares the due rows out with SKIP LOCKED; SQLite (a file, as in
production) lets one writer in at a time. Either way every due thread is flagged once,
escalated once, and its people are told once.
"""

import os
import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection

from accounts import roles
from accounts.models import User
from escalation.models import ThreadClock, Ticket, TicketEvent
from escalation.services import assignment, clocks, lifecycle, replies
from escalation.services import sweep as sweeping
from escalation.services import tickets as opening
from forum.errors import InvalidTransition
from forum.models import Thread
from forum.services import following as forum_following
from forum.services import posting as forum_posting
from forum.services import support as forum_support
from notifications.models import Channels, Notification, OutboundEmail
from tests.conftest import require_service
from tests.escalation.conftest import T0, Pause, Worker, at_once, committed, shared_database
from tests.factories import ThreadFactory, UserFactory
from tests.notifications.conftest import choose

pytestmark = pytest.mark.django_db(transaction=True)

HOUR = timedelta(hours=1)
NOW = T0 + 30 * HOUR
# Small batches, so that sweeps meet each other many times over a few dozen threads.
BATCH = 5


@pytest.fixture
def helper(db, category):
    """A helper who follows the category and wants its alerts by email too."""
    user = UserFactory(username="helen", display_name="Helen Helper")
    choose(user, is_helper=True, helper_needs_help=Channels(in_app=True, email=True))
    forum_following.follow_category(actor=user, category=category)
    return user


@pytest.fixture
def due(ask, member, other_member, helper):
    """36 threads due at NOW: 20 past both deadlines, 16 past needs-help only.

    Two askers, so that each person is told many things by every sweep at once.
    """
    both = [
        ask(at=T0 + n * timedelta(minutes=1), author=(member, other_member)[n % 2])
        for n in range(20)
    ]
    needs_help_only = [
        ask(at=T0 + 20 * HOUR + n * timedelta(minutes=1), author=(member, other_member)[n % 2])
        for n in range(16)
    ]
    return {"escalate": {t.pk for t in both}, "needs_help": {t.pk for t in both + needs_help_only}}


def assert_everything_happened_once(due, helper):
    assert _flagged() == due["needs_help"]
    assert (
        set(Thread.objects.filter(escalated_at=NOW).values_list("pk", flat=True)) == due["escalate"]
    )
    assert_told_once(flagged=due["needs_help"], escalated=due["escalate"], helper=helper)


def _flagged() -> set[int]:
    return set(Thread.objects.filter(needs_help_at=NOW).values_list("pk", flat=True))


def assert_told_once(*, flagged, escalated, helper):
    tickets = Counter(Ticket.objects.values_list("thread_id", flat=True))
    assert tickets == Counter(escalated)
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.CREATED).count() == len(escalated)

    def told(kind):
        return Counter(Notification.objects.filter(kind=kind).values_list("dedupe_key", flat=True))

    assert told("needs_help") == Counter(f"needs-help:{pk}" for pk in flagged)
    assert told("helper_needs_help") == Counter(f"helper-needs-help:{pk}" for pk in flagged)
    assert told("escalated") == Counter(
        f"escalated:{pk}:1" for pk in Ticket.objects.values_list("pk", flat=True)
    )
    assert set(
        Notification.objects.filter(kind="helper_needs_help").values_list("recipient", flat=True)
    ) == {helper.pk}
    # One email per notification, never two (everyone here wants each kind by email).
    emails = Counter(
        address for to in OutboundEmail.objects.values_list("to", flat=True) for address in to
    )
    assert emails == Counter(Notification.objects.values_list("recipient__email", flat=True))
    # Every increment of the unread counts landed once.
    for user in User.objects.filter(notifications__isnull=False).distinct():
        assert user.unread_notification_count == user.notifications.filter(read_at=None).count()
    # Nothing is left due.
    assert not ThreadClock.objects.filter(needs_help_at__lte=NOW).exists()
    assert not ThreadClock.objects.filter(escalate_at__lte=NOW).exists()


def sweep():
    return sweeping.sweep(now=NOW, batch_size=BATCH)


@pytest.mark.parametrize("sweeps", [2, 4])
def test_sweeps_at_the_same_instant_do_each_thing_once(due, helper, sweeps):
    with shared_database():
        results = at_once(*[sweep] * sweeps)

        assert sum(result.flagged for result in results) == len(due["needs_help"])
        assert sum(result.escalated for result in results) == len(due["escalate"])
        assert_everything_happened_once(due, helper)
        again = sweep()
        assert (again.flagged, again.escalated) == (0, 0)


def test_sweeps_repair_lost_clocks_at_the_same_instant_once(due, helper):
    """The threads' creation events were lost: every sweep finds the clocks missing."""
    ThreadClock.objects.all().delete()

    with shared_database():
        results = at_once(*[sweep] * 4)

        assert sum(result.flagged for result in results) == len(due["needs_help"])
        assert sum(result.escalated for result in results) == len(due["escalate"])
        assert_everything_happened_once(due, helper)


def test_sweeps_in_separate_processes_do_each_thing_once(due, helper, tmp_path):
    with shared_database() as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": "sweeps-in-processes",
            # The processes' after-commit tasks go to a broker folder of their own.
            "HANDOFF_VAR_DIR": str(tmp_path / "var"),
            "CELERY_BROKER_URL": "filesystem://",
        }
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    str(settings.BASE_DIR / "manage.py"),
                    "escalation_sweep",
                    "--now",
                    NOW.isoformat(),
                    "--batch-size",
                    str(BATCH),
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outputs = [process.communicate(timeout=90) for process in processes]
        assert [process.returncode for process in processes] == [0, 0, 0], outputs

        counts = [
            re.search(r"flagged (\d+) thread\(s\).*escalated (\d+) thread\(s\)", stdout)
            for stdout, _stderr in outputs
        ]
        assert sum(int(match[1]) for match in counts) == len(due["needs_help"])
        assert sum(int(match[2]) for match in counts) == len(due["escalate"])
        assert_everything_happened_once(due, helper)


def test_askers_asking_for_staff_while_a_sweep_escalates_get_one_ticket_each(due, helper):
    """Every asker whose question is due asks for staff at the instant the sweep runs."""
    threads = list(Thread.objects.filter(pk__in=due["escalate"]).select_related("author"))

    def ask_for_staff(thread):
        def work():
            try:
                return opening.ask_for_staff(actor=thread.author, thread=thread, now=NOW)
            except InvalidTransition:  # the sweep got there first: "the team already has it"
                return None

        return work

    with shared_database():
        sweep_result, *asked = at_once(sweep, *[ask_for_staff(thread) for thread in threads])

        tickets = Ticket.objects.in_bulk(field_name="thread_id")
        assert set(tickets) == due["escalate"]
        by_asker = [ticket for ticket in asked if ticket is not None]
        assert sweep_result.escalated + len(by_asker) == len(due["escalate"])
        assert {tickets[t.thread_id].reason for t in by_asker} <= {Ticket.Reason.ASKER}
        # A question the asker escalated before the sweep came to it needs no community flag.
        flagged = _flagged()
        assert due["needs_help"] - due["escalate"] <= flagged <= due["needs_help"]
        assert_told_once(flagged=flagged, escalated=due["escalate"], helper=helper)


@pytest.fixture
def flagged(ask, member):
    """A question already flagged as needing help, so only its escalation is due at NOW."""
    thread = ask()
    sweeping.sweep(now=T0 + 5 * HOUR)
    return thread


def test_an_asker_asking_while_the_sweep_escalates_their_question_waits_for_it(
    flagged, member, monkeypatch
):
    pause = Pause(monkeypatch, clocks, "load_facts", thread_name="sweeper")
    with shared_database():
        sweeper = Worker(sweep, name="sweeper")
        sweeper.start()
        pause.wait()  # the sweep holds the question's clock row
        asker = Worker(
            lambda: opening.ask_for_staff(actor=member, thread=flagged, now=NOW), name="asker"
        )
        asker.start()
        asker.join(1)  # long enough to have deadlocked or finished, had it not waited
        pause.release()
        sweeper.join(30)
        asker.join(30)

        assert sweeper.error is None
        assert sweeper.result.escalated == 1
        assert isinstance(asker.error, InvalidTransition)
        assert str(asker.error) == "The support team already has this question."
        ticket = Ticket.objects.get()
        assert ticket.reason == Ticket.Reason.UNANSWERED
        assert Notification.objects.filter(kind="escalated").count() == 1


def test_a_sweep_passes_by_a_question_its_asker_is_escalating(flagged, member, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite lets one writer in at a time: the sweep waits for the asker instead")
    pause = Pause(monkeypatch, clocks, "load_facts", thread_name="asker")
    with shared_database():
        asker = Worker(
            lambda: opening.ask_for_staff(actor=member, thread=flagged, now=NOW), name="asker"
        )
        asker.start()
        pause.wait()  # the asker holds the question's rows
        sweeper = Worker(sweep, name="sweeper")
        sweeper.start()
        sweeper.join(10)
        sweep_was_done = not sweeper.is_alive()
        pause.release()
        asker.join(30)
        sweeper.join(30)

        assert sweep_was_done, "the sweep waited for the asker"
        assert (sweeper.error, asker.error) == (None, None)
        assert sweeper.result.escalated == 0
        assert asker.result.reason == Ticket.Reason.ASKER
        assert Ticket.objects.get() == asker.result
        assert Notification.objects.filter(kind="escalated").count() == 1
        assert sweep().escalated == 0


# --- The sweep's ticket passes: closing and missed targets -----------------------------


@pytest.fixture
def waiting_ticket(ask, member, moderator, agent):
    """Answered by the agent and left waiting on the asker: due to close a week later."""

    thread = ask()
    ticket = opening.escalate_thread(actor=moderator, thread=thread, now=T0 + HOUR)
    replies.staff_reply(actor=agent, ticket=ticket, body="The hash, please?", now=T0 + 2 * HOUR)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING
    return ticket


def test_an_asker_replying_while_the_sweep_closes_their_ticket_waits_for_it(
    waiting_ticket, member, monkeypatch
):
    """The sweep closing a waiting ticket hands its thread back; the asker's reply holds
    that thread and wants the ticket. Both take the thread first, so neither deadlocks."""
    closes_at = waiting_ticket.close_at
    thread = waiting_ticket.thread
    pause = Pause(monkeypatch, forum_support, "set_support_resolved", thread_name="sweeper")
    with shared_database():
        sweeper = Worker(lambda: sweeping.sweep(now=closes_at), name="sweeper")
        sweeper.start()
        pause.wait()  # the sweep is closing the ticket
        asker = Worker(
            lambda: forum_posting.create_post(
                author=member, thread=thread, body="Here it is: 0xabc", now=closes_at
            ),
            name="asker",
        )
        asker.start()
        asker.join(1)  # long enough to have deadlocked or finished, had it not waited
        pause.release()
        sweeper.join(30)
        asker.join(30)

        assert (sweeper.error, asker.error) == (None, None)
        assert sweeper.result.closed == 1
        ticket = Ticket.objects.get()
        assert ticket.status == Ticket.Status.CLOSED
        assert asker.result.thread_id == thread.pk
        assert not ticket.events.filter(kind=TicketEvent.Kind.ASKER_REPLIED).exists()


@pytest.fixture
def tickets_due(ask, member, moderator, agent):
    """Eight tickets: four resolved a week ago, four past their first response target."""

    tickets = []
    for n in range(8):
        thread = ask(at=T0 + n * timedelta(minutes=1))
        ticket = opening.escalate_thread(actor=moderator, thread=thread, now=T0 + HOUR)
        if n % 2:
            assignment.claim(actor=agent, ticket=ticket, now=T0 + HOUR)
            lifecycle.resolve(actor=agent, ticket=ticket, now=T0 + HOUR)
        tickets.append(ticket)
    return tickets


@pytest.mark.parametrize("sweeps", [2, 4])
def test_sweeps_at_the_same_instant_close_and_mark_each_ticket_once(tickets_due, sweeps):
    later = T0 + 10 * 24 * HOUR

    with shared_database():
        results = at_once(*[lambda: sweeping.sweep(now=later, batch_size=2)] * sweeps)

        assert sum(result.closed for result in results) == 4
        assert sum(result.breached for result in results) == 8  # first response and resolution
        events = Counter(TicketEvent.objects.values_list("ticket_id", "kind"))
        for ticket in tickets_due:
            if Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CLOSED:
                assert events[(ticket.pk, TicketEvent.Kind.CLOSED)] == 1
            else:
                assert events[(ticket.pk, TicketEvent.Kind.FIRST_RESPONSE_BREACHED)] == 1
                assert events[(ticket.pk, TicketEvent.Kind.RESOLUTION_BREACHED)] == 1
        told = Counter(Notification.objects.values_list("recipient_id", "dedupe_key"))
        assert set(told.values()) == {1}
        assert Counter(Notification.objects.values_list("kind", flat=True))["request_closed"] == 4


@pytest.fixture
def agents_on_duty(db):
    from accounts import roles

    agents = [UserFactory(username=f"agent_{name}", role=roles.AGENTS) for name in "abcd"]
    for agent in agents:
        assignment.set_on_duty(actor=agent, on_duty=True, now=T0)
    return agents


@pytest.mark.parametrize("sweeps", [2, 4])
def test_sweeps_at_the_same_instant_assign_each_ticket_once_and_evenly(
    due, helper, agents_on_duty, sweeps
):
    with shared_database():
        results = at_once(*[sweep] * sweeps)

        assert sum(result.escalated for result in results) == len(due["escalate"])
        assert_everything_happened_once(due, helper)
        load = Counter(Ticket.objects.values_list("assignee__username", flat=True))
        assert sum(load.values()) == len(due["escalate"])
        assert None not in load
        # Sweeps running at once may each see an agent as least loaded (see
        # escalation.services.assignment): the loads still differ by little.
        assert max(load.values()) - min(load.values()) <= sweeps
        assigned = Counter(
            TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNED).values_list(
                "ticket_id", flat=True
            )
        )
        assert set(assigned.values()) == {1}
        assert len(assigned) == len(due["escalate"])


# --- Four sweep processes at once on PostgreSQL -----------------------------------------


def _postgresql_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def on_postgresql():
    """PostgreSQL's row locks are what four sweeps fight over; SQLite lets one writer in."""
    if connection.vendor == "postgresql":
        return
    require_service(
        "PostgreSQL",
        _postgresql_reachable(),
        "start it and run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/handoff",
    )
    pytest.skip("a PostgreSQL test, and this run is on SQLite: CI's PostgreSQL pass runs it")


CROWD_ROUNDS = 3
CROWD_THREADS = 40  # due in each round


@pytest.fixture
def crowd(policy, category):
    """Agents on duty who are also helpers of the category and ask questions, six members
    who ask, and threads due in each of three rounds, the askers taking turns.

    Each escalation batch tells its askers (agents among them) that their questions are
    escalated, then tells the agents it assigns tickets to: two sets of people in one
    transaction. Batch one holds agent A (an asker) and waits for agent B (an assignee);
    batch two holds B (an asker) and waits for A. Ordering each set is not enough.
    """

    agents = [UserFactory(username=f"duty_{n}", role=roles.AGENTS) for n in range(3)]
    for agent in agents:
        assignment.set_on_duty(actor=agent, on_duty=True, now=T0)
        choose(agent, is_helper=True)
        forum_following.follow_category(actor=agent, category=category)
    # Agents ask questions too: a batch tells an agent its question is escalated, then
    # (at the end) tells other agents of the tickets they are given.
    askers = agents + [UserFactory(username=f"asker_{n}") for n in range(6)]
    rounds = []
    for round_number in range(CROWD_ROUNDS):
        start = T0 + round_number * 100 * HOUR
        threads = [
            committed(
                ThreadFactory,
                author=askers[n % len(askers)],
                category=category,
                now=start + n * timedelta(seconds=1),
            )
            for n in range(CROWD_THREADS)
        ]
        rounds.append((start + 30 * HOUR, {thread.pk for thread in threads}))
    return rounds


def _sweep_processes(*, now, database_url, var_dir, count=4):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "four-sweeps",
        "HANDOFF_VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": "filesystem://",
    }
    command = [
        sys.executable,
        str(settings.BASE_DIR / "manage.py"),
        "escalation_sweep",
        "--now",
        now.isoformat(),
        "--batch-size",
        "3",
    ]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]
    outputs = [process.communicate(timeout=100) for process in processes]
    return [process.returncode for process in processes], outputs


@pytest.mark.services
def test_four_sweep_processes_at_once_all_succeed_and_do_each_thing_once(
    on_postgresql, crowd, tmp_path
):
    with shared_database() as database_url:
        for now, due in crowd:
            codes, outputs = _sweep_processes(now=now, database_url=database_url, var_dir=tmp_path)

            assert codes == [0, 0, 0, 0], [stderr[-3000:] for _stdout, stderr in outputs]
            counts = [
                re.search(r"flagged (\d+) thread\(s\).*escalated (\d+) thread\(s\)", stdout)
                for stdout, _stderr in outputs
            ]
            assert sum(int(match[2]) for match in counts) == len(due)
            assert (
                set(Ticket.objects.filter(thread_id__in=due).values_list("thread_id", flat=True))
                == due
            )
        # The end state of one sweep per round: each due thread one ticket, its asker told
        # once that it needs help and once that it is escalated, every count exact.
        everything = set().union(*(due for _now, due in crowd))
        assert Counter(Ticket.objects.values_list("thread_id", flat=True)) == Counter(everything)
        told = Counter(Notification.objects.values_list("recipient", "kind", "dedupe_key"))
        assert set(told.values()) == {1}
        assert {key for _to, kind, key in told if kind == "escalated"} == {
            f"escalated:{pk}:1" for pk in Ticket.objects.values_list("pk", flat=True)
        }
        assert {key for _to, kind, key in told if kind == "needs_help"} == {
            f"needs-help:{pk}" for pk in everything
        }
        assert Counter(
            TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNED).values_list(
                "ticket_id", flat=True
            )
        ) == Counter(Ticket.objects.values_list("pk", flat=True))
        for user in User.objects.all():
            assert (
                user.unread_notification_count == user.notifications.filter(read_at=None).count()
            ), user.username
