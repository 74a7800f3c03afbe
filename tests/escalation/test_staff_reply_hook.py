"""A staff reply moves its ticket, whichever way it is posted: the ticket page's reply box
(replies.staff_reply) or the thread's own (forum.services.posting.create_post, through the forum's
post hook). Either way the reply is the first response, the ticket waits on the asker,
and the asker hears "the support team answered" once, instead of the forum's "new reply"."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import roles
from escalation.models import Ticket, TicketEvent
from escalation.services import assignment, lifecycle, replies, tickets
from forum import extensions
from forum.errors import InvalidTransition, NotAllowed
from forum.models import Post, Thread
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from forum.services import posting as forum_posting
from notifications.models import Notification
from tests.escalation.conftest import T0, committed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
ESCALATED_AT = T0 + HOUR
Status = Ticket.Status
Kind = TicketEvent.Kind


@pytest.fixture
def thread(ask):
    return ask()


@pytest.fixture
def ticket(thread, moderator):
    """Escalated by a moderator with nobody on duty: new and unassigned."""
    ticket = committed(tickets.escalate_thread, actor=moderator, thread=thread, now=ESCALATED_AT)
    assert (ticket.status, ticket.assignee) == (Status.NEW, None)
    return ticket


@pytest.fixture(params=["ticket page", "thread reply box"])
def staff_answer(request):
    """Post an agent's answer one way or the other; returns the post."""

    def answer(ticket, *, author, at, body="Your transfer is confirmed on chain now."):
        if request.param == "ticket page":
            return committed(replies.staff_reply, actor=author, ticket=ticket, body=body, now=at)
        return committed(
            forum_posting.create_post, author=author, thread=ticket.thread, body=body, now=at
        )

    return answer


def told(user, kind=None):
    notes = Notification.objects.filter(recipient=user)
    return list(notes.filter(kind=kind) if kind else notes.values_list("kind", flat=True))


def snapshot(ticket) -> dict:
    return {
        "ticket": Ticket.objects.filter(pk=ticket.pk).values().get(),
        "events": list(ticket.events.values_list("pk", flat=True)),
        "staff_replied": Notification.objects.filter(kind=Notification.Kind.STAFF_REPLIED).count(),
    }


def test_an_agents_answer_is_the_first_response_and_waits_on_the_asker(
    ticket, staff_answer, agent, member
):
    post = staff_answer(ticket, author=agent, at=ESCALATED_AT + 2 * HOUR)

    ticket.refresh_from_db()
    assert ticket.first_responded_at == post.created_at == ESCALATED_AT + 2 * HOUR
    assert (ticket.status, ticket.assignee) == (Status.WAITING, agent)
    assert ticket.waiting_since == ESCALATED_AT + 2 * HOUR
    assert ticket.sla_due_at is None  # nothing to do for the team until the asker answers
    assigned, replied = ticket.events.filter(kind__in=[Kind.ASSIGNED, Kind.STAFF_REPLIED])
    assert (assigned.kind, assigned.actor, assigned.detail) == (
        Kind.ASSIGNED,
        agent,
        agent.username,
    )
    assert (replied.kind, replied.actor, replied.post, replied.from_status, replied.to_status) == (
        Kind.STAFF_REPLIED,
        agent,
        post,
        Status.NEW,
        Status.WAITING,
    )
    assert replied.created_at == ESCALATED_AT + 2 * HOUR


def test_the_asker_is_told_once_that_the_support_team_answered(
    ticket, staff_answer, agent, member, other_member, reply
):
    reply(ticket.thread, author=other_member, at=ESCALATED_AT + HOUR)  # now follows the thread
    Notification.objects.all().delete()

    post = staff_answer(ticket, author=agent, at=ESCALATED_AT + 2 * HOUR)

    [note] = Notification.objects.filter(recipient=member)
    assert (note.kind, note.actor, note.url) == (
        Notification.Kind.STAFF_REPLIED,
        agent,
        post.get_absolute_url(),
    )
    assert note.params["reference"] == ticket.reference
    assert note.params["excerpt"] == "Your transfer is confirmed on chain now."
    # The thread's other followers still get the forum's own notification.
    assert told(other_member) == [Notification.Kind.REPLY]
    assert told(agent) == []


def test_a_second_answer_keeps_the_first_response_time_and_tells_the_asker_again(
    ticket, staff_answer, agent, member
):
    colleague = UserFactory(username="agent_bo", role=roles.AGENTS)
    staff_answer(ticket, author=agent, at=ESCALATED_AT + 2 * HOUR)

    staff_answer(ticket, author=colleague, at=ESCALATED_AT + 3 * HOUR, body="One more thing.")

    ticket.refresh_from_db()
    assert ticket.first_responded_at == ESCALATED_AT + 2 * HOUR
    assert (ticket.status, ticket.assignee) == (Status.WAITING, agent)  # the colleague helped
    assert len(told(member, Notification.Kind.STAFF_REPLIED)) == 2
    assert Notification.Kind.REPLY not in told(member)


def test_an_answer_to_a_ticket_assigned_to_someone_else_keeps_its_assignee(
    ticket, staff_answer, agent
):
    colleague = UserFactory(username="agent_bo", role=roles.AGENTS)
    assignment.assign(actor=agent, ticket=ticket, assignee=colleague, now=ESCALATED_AT + HOUR)

    staff_answer(ticket, author=agent, at=ESCALATED_AT + 2 * HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assignee) == (Status.WAITING, colleague)
    assert ticket.events.filter(kind=Kind.ASSIGNED).count() == 1


def test_an_answer_while_the_ticket_waits_starts_the_close_delay_again(
    ticket, staff_answer, agent, policy
):
    staff_answer(ticket, author=agent, at=ESCALATED_AT + 2 * HOUR)
    staff_answer(ticket, author=agent, at=ESCALATED_AT + 50 * HOUR, body="Any news?")

    ticket.refresh_from_db()
    # The asker has the whole delay to answer the latest question.
    assert ticket.close_at == ESCALATED_AT + 50 * HOUR + policy.close_waiting_after
    assert ticket.waiting_since == ESCALATED_AT + 2 * HOUR  # still one pause of the clock


@pytest.mark.parametrize("who", ["moderator", "other_member"])
def test_a_reply_by_anyone_outside_the_team_changes_nothing(request, ticket, reply, who, member):
    before = snapshot(ticket)

    reply(ticket.thread, author=request.getfixturevalue(who), at=ESCALATED_AT + 2 * HOUR)

    assert snapshot(ticket) == before
    assert told(member, Notification.Kind.REPLY)  # the forum's usual notification


def test_an_agent_without_the_staff_flag_is_not_the_support_team(ticket, reply, agent):
    agent.is_staff = False
    agent.save(update_fields=["is_staff"])
    before = snapshot(ticket)

    reply(ticket.thread, author=agent, at=ESCALATED_AT + 2 * HOUR)

    assert snapshot(ticket) == before


def test_the_askers_follow_up_on_a_new_ticket_changes_nothing(ticket, reply, member):
    before = snapshot(ticket)

    reply(ticket.thread, author=member, at=ESCALATED_AT + 2 * HOUR)

    assert snapshot(ticket) == before


def test_a_reply_in_a_thread_without_a_ticket_costs_the_hook_no_query(thread, agent):
    post = Post.objects.get(thread=thread, number=1)

    with CaptureQueriesContext(connection) as queries:
        told_ids = replies.on_post_created(thread=thread, post=post, author=agent, now=T0)

    assert told_ids == set()
    assert len(queries) == 0


def test_a_reply_in_a_thread_whose_ticket_is_resolved_costs_the_hook_no_query(
    ticket, agent, django_assert_num_queries
):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent)
    lifecycle.resolve(actor=agent, ticket=ticket)
    thread = Thread.objects.get(pk=ticket.thread_id)
    post = Post.objects.get(thread=thread, number=1)

    with django_assert_num_queries(0):
        assert replies.on_post_created(thread=thread, post=post, author=agent, now=T0) == set()


def test_the_ticket_page_refuses_to_answer_a_resolved_or_closed_ticket(ticket, agent):
    assignment.assign(actor=agent, ticket=ticket, assignee=agent)
    lifecycle.resolve(actor=agent, ticket=ticket)
    posts = Post.objects.count()

    with pytest.raises(InvalidTransition, match="resolved: reopen it"):
        replies.staff_reply(actor=agent, ticket=ticket, body="Hello")
    lifecycle.set_status(actor=agent, ticket=ticket, status=Status.CLOSED)
    with pytest.raises(InvalidTransition, match="closed"):
        replies.staff_reply(actor=agent, ticket=ticket, body="Hello")

    assert Post.objects.count() == posts


def test_only_the_support_team_answers_from_the_ticket_page(ticket, moderator):
    before = snapshot(ticket)

    with pytest.raises(NotAllowed):
        replies.staff_reply(actor=moderator, ticket=ticket, body="Try restarting.")

    assert snapshot(ticket) == before
    assert not Post.objects.filter(author=moderator).exists()


def test_an_answer_in_a_closed_thread_is_refused_and_the_ticket_stays_as_it_was(
    ticket, agent, moderator
):
    committed(
        forum_moderation.set_thread_closed, actor=moderator, thread=ticket.thread, is_closed=True
    )
    before = snapshot(ticket)

    with pytest.raises(InvalidTransition, match="thread is closed"):
        replies.staff_reply(actor=agent, ticket=ticket, body="Hello")

    assert snapshot(ticket) == before


def test_a_hook_that_fails_takes_the_post_back_with_it(ticket, agent, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(extensions, "_post_hooks", [*extensions._post_hooks, broken])
    before = snapshot(ticket)
    posts = Post.objects.count()

    with pytest.raises(RuntimeError):
        replies.staff_reply(actor=agent, ticket=ticket, body="Hello")

    assert (Post.objects.count(), snapshot(ticket)) == (posts, before)


def test_this_solved_my_problem_on_a_staff_answer_resolves_the_ticket_and_sends_the_survey(
    ticket, staff_answer, agent, member
):
    post = staff_answer(ticket, author=agent, at=ESCALATED_AT + 2 * HOUR)

    committed(forum_answers.accept_answer, actor=member, post=post, now=ESCALATED_AT + 3 * HOUR)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution) == (Status.RESOLVED, "accepted_staff_answer")
    assert ticket.thread.is_solved
    resolved = ticket.events.get(kind=Kind.RESOLVED)
    assert (resolved.actor, resolved.from_status) == (member, Status.WAITING)
    [survey] = told(member, Notification.Kind.REQUEST_RESOLVED)
    assert (survey.params["ticket_id"], survey.params["cycle"]) == (ticket.pk, 1)
