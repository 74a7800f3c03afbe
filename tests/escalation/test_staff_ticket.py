"""/staff/tickets/<ref>/: one ticket for the support team, and every action on it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts import roles
from escalation.models import Queue, Ticket, TicketEvent, TicketNote
from escalation.services import assignment, lifecycle, surveys, triage
from escalation.services import replies as replying
from escalation.services import tickets as opening
from forum.models import Post
from forum.services import answers as forum_answers
from forum.services import moderation as forum_moderation
from notifications.models import Notification, OutboundEmail
from notifications.services.outbox import deliver_pending_emails
from tests.conftest import sign_in
from tests.escalation.conftest import committed
from tests.factories import PostFactory, UserFactory
from tests.forum.conftest import client_for

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
HTMX = {"HTTP_HX_REQUEST": "true"}
Status = Ticket.Status


def url(ticket, action: str = "") -> str:
    return f"/staff/tickets/{ticket.reference}/{action + '/' if action else ''}"


def snapshot(ticket) -> tuple:
    """What an action may change: the row, and how many events and notes it has."""
    row = Ticket.objects.filter(pk=ticket.pk).values().get()
    return (
        row,
        TicketEvent.objects.filter(ticket=ticket).count(),
        TicketNote.objects.filter(ticket=ticket).count(),
        Post.objects.filter(thread_id=ticket.thread_id).count(),
    )


@pytest.fixture
def colleague(db):
    """A second agent, with two-factor authentication."""
    return UserFactory(username="agent_bo", display_name="Bo Agent", role=roles.AGENTS)


@pytest.fixture
def queue(db):
    return Queue.objects.create(name="Transfers", slug="transfers")


@pytest.fixture
def thread(ask):
    return ask(at=timezone.now() - 3 * HOUR, title="USDT on TRON has been pending for hours")


@pytest.fixture
def ticket(thread, moderator):
    """`member`'s question, escalated an hour ago: new and unassigned (nobody on duty)."""
    return opening.escalate_thread(actor=moderator, thread=thread, now=timezone.now() - HOUR)


@pytest.fixture
def agent_client(agent):
    return client_for(agent)


@pytest.fixture
def mine(ticket, agent):
    """The ticket, assigned to `agent` (open)."""
    assignment.claim(actor=agent, ticket=ticket)
    ticket.refresh_from_db()
    return ticket


# --- Who may open it ------------------------------------------------------------

ACTIONS = ["claim", "assign", "status", "priority", "queue", "reply", "note", "resolve"]


@pytest.mark.parametrize("persona", ["visitor", "member", "other_member", "moderator"])
def test_anyone_but_an_agent_gets_404_on_the_page_and_every_action(request, ticket, persona):
    user = None if persona == "visitor" else request.getfixturevalue(persona)
    client = client_for(user)
    before = snapshot(ticket)

    assert client.get(url(ticket)).status_code == 404
    for action in ACTIONS:
        response = client.post(url(ticket, action), {"body": "x" * 40, "status": "open"})
        assert response.status_code == 404, action
    assert client.get(url(ticket, "canned/1")).status_code == 404
    assert snapshot(ticket) == before


def test_an_admin_works_tickets_too(ticket, admin_user):
    response = client_for(admin_user).get(url(ticket))

    assert response.status_code == 200


def test_the_asker_who_is_not_an_agent_gets_404(ticket, member):
    assert client_for(member).get(url(ticket)).status_code == 404


@pytest.mark.parametrize("reference", ["HO-0000000", "ho-1234567", "x" * 300, "'; --"])
def test_a_made_up_or_garbage_reference_is_404(ticket, agent_client, reference):
    assert agent_client.get(f"/staff/tickets/{reference}/").status_code == 404
    assert agent_client.post(f"/staff/tickets/{reference}/claim/").status_code == 404
    assert agent_client.post(f"/staff/tickets/{reference}/note/", {"body": "hi"}).status_code == 404


def test_a_reference_with_a_nul_is_refused_at_the_door(ticket, agent_client):
    # NUL bytes are refused for the whole site (config/nulbytes.py), before any lookup.
    for reference in ("HO-12%0034567", "%00"):
        assert agent_client.get(f"/staff/tickets/{reference}/").status_code == 400
        assert agent_client.post(f"/staff/tickets/{reference}/claim/").status_code == 400


def test_actions_take_only_posts(ticket, agent_client):
    for action in ACTIONS:
        assert agent_client.get(url(ticket, action)).status_code == 405, action


def test_an_action_without_the_csrf_token_is_refused(ticket, agent):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, agent)
    before = snapshot(ticket)

    response = client.post(url(ticket, "claim"))

    assert response.status_code == 403
    assert snapshot(ticket) == before


# --- The page -------------------------------------------------------------------


def test_the_page_shows_the_whole_thread_in_order_hidden_posts_marked(
    thread, ticket, agent_client, reply, member, other_member, moderator
):
    now = timezone.now()
    first = reply(thread, author=other_member, at=now - timedelta(minutes=50))
    hidden = reply(thread, author=other_member, at=now - timedelta(minutes=40))
    last = reply(thread, author=member, at=now - timedelta(minutes=30))
    committed(forum_moderation.set_post_hidden, actor=moderator, post=hidden, is_hidden=True)
    committed(forum_answers.accept_answer, actor=member, post=first)

    text = agent_client.get(url(ticket)).content.decode()

    positions = [text.index(f'id="post-{post.pk}"') for post in (first, hidden, last)]
    assert positions == sorted(positions)
    assert text.index("I sent USDT on TRON") < positions[0]  # the question comes first
    assert "Hidden by a moderator" in text
    assert "Accepted answer" in text
    assert thread.get_absolute_url() in text  # a link to the public thread


def test_a_long_thread_shows_the_question_the_answer_and_the_latest_replies(
    thread, ticket, agent_client, other_member, monkeypatch
):
    monkeypatch.setattr("escalation.selectors.ticket_page.MAX_POSTS", 4)
    posts = [
        PostFactory(thread=thread, author=other_member, body=f"Reply number {n} with enough words")
        for n in range(6)
    ]

    text = agent_client.get(url(ticket)).content.decode()

    assert "I sent USDT on TRON" in text
    for post in posts[:3]:
        assert f'id="post-{post.pk}"' not in text
    for post in posts[3:]:
        assert f'id="post-{post.pk}"' in text
    assert "3 earlier replies are not shown here" in text


def test_the_asker_card_shows_who_they_are_and_their_other_requests(
    ask, ticket, agent_client, member, moderator
):
    member.timezone, member.language, member.reputation = "Asia/Shanghai", "zh-hans", 42
    member.save(update_fields=["timezone", "language", "reputation"])
    other_thread = ask(at=timezone.now() - 5 * HOUR, title="How do I add a custom token?")
    other_ticket = opening.escalate_thread(actor=moderator, thread=other_thread)
    lifecycle.resolve(actor=moderator_agent(moderator), ticket=other_ticket)

    with time_machine.travel("2026-11-05 12:00:00+00:00", tick=False):
        text = agent_client.get(url(ticket)).content.decode()

    assert "Mia Member" in text
    assert "Asia/Shanghai" in text
    assert "Thu 20:00 there now" in text  # noon UTC is 8 p.m. in Shanghai
    assert "Simplified Chinese" in text
    assert "How do I add a custom token?" in text
    assert other_ticket.reference in text
    assert 'class="badge ticket-status ticket-status-resolved"' in text


def moderator_agent(moderator):
    """A moderator who is also on the support team, to resolve a ticket in a test's setup."""
    moderator.is_staff = True
    moderator.save(update_fields=["is_staff"])
    moderator.groups.add(Group.objects.get(name=roles.AGENTS))
    moderator.__dict__.pop("group_names", None)
    return moderator


@pytest.mark.parametrize(
    ("hours_since_escalation", "state"),
    [(1, "on-track"), (7.5, "due-soon"), (9, "breached")],
)
def test_the_first_response_countdown_has_a_colour_for_where_it_stands(
    thread, moderator, agent_client, hours_since_escalation, state
):
    escalated_at = timezone.now() - timedelta(hours=hours_since_escalation)
    ticket = opening.escalate_thread(actor=moderator, thread=thread, now=escalated_at)

    text = agent_client.get(url(ticket)).content.decode()

    assert f'<li class="sla-clock sla-{state}">' in text


def test_a_staff_answer_meets_the_first_response_and_pauses_the_resolution_clock(
    ticket, agent, agent_client
):
    replying.staff_reply(actor=agent, ticket=ticket, body="We are looking into it, one moment.")

    text = agent_client.get(url(ticket)).content.decode()

    assert '<li class="sla-clock sla-met">' in text
    assert '<li class="sla-clock sla-paused">' in text
    assert "left once the asker replies" in text


def test_sla_due_times_are_in_the_viewers_time_zone(thread, moderator, agent, agent_client):
    agent.timezone = "Asia/Shanghai"
    agent.save(update_fields=["timezone"])
    escalated_at = timezone.now().replace(hour=2, minute=0, second=0, microsecond=0)
    ticket = opening.escalate_thread(actor=moderator, thread=thread, now=escalated_at)

    text = agent_client.get(url(ticket)).content.decode()

    due = ticket.first_response_due_at  # 10:00 UTC, 18:00 in Shanghai
    assert f'<time datetime="{due.astimezone(ticket_zone("Asia/Shanghai")).isoformat()}' in text
    assert "6 p.m. UTC+8</time>." in text  # a whole sentence: "8 hours left: due by …"
    assert re.search(r"\d+\xa0hours?(, \d+\xa0minutes?)? left: due by <time", text)


def ticket_zone(name):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


def test_the_timeline_merges_events_notes_and_the_rating_in_order(
    ticket, agent, agent_client, member
):
    now = timezone.now()
    assignment.claim(actor=agent, ticket=ticket, now=now)
    replying.add_note(actor=agent, ticket=ticket, body="Checked the **explorer**.", now=now)
    lifecycle.resolve(actor=agent, ticket=ticket, note="Fee was too low.", now=now + HOUR)
    rating = surveys.rate(ticket=ticket, cycle=1, score=4, now=now + 2 * HOUR)
    surveys.add_comment(rating=rating, comment="Quick and kind, thank you")

    text = agent_client.get(url(ticket)).content.decode()

    timeline = text[text.index('id="ticket-timeline"') :]
    order = [
        timeline.index("Created"),
        timeline.index(f"to {agent.public_name}"),
        timeline.index("Checked the <strong>explorer</strong>."),
        timeline.index("Resolved by the support team"),
        timeline.index("The asker rated the help"),
    ]
    assert order == sorted(order)
    assert "Internal — only the support team sees this" in timeline
    assert "Quick and kind, thank you" in timeline
    assert "4 out of 5" in timeline
    assert "Fee was too low." in text  # the resolution note, in the ticket's facts


def test_the_page_offers_only_the_status_moves_the_workflow_allows(mine, agent_client):
    text = agent_client.get(url(mine)).content.decode()

    select = text[
        text.index('name="status"') : text.index("</select>", text.index('name="status"'))
    ]
    assert 'value="waiting"' in select
    assert 'value="resolved"' in select
    assert 'value="closed"' not in select
    assert 'value="new"' not in select


def test_the_page_costs_the_same_for_a_short_and_a_long_ticket(
    ask, moderator, agent, colleague, other_member, agent_client, django_assert_max_num_queries
):
    def make(posts: int, events_and_notes: int) -> Ticket:
        thread = ask(at=timezone.now() - 3 * HOUR)
        for _n in range(posts - 1):
            PostFactory(thread=thread, author=other_member)
        ticket = opening.escalate_thread(actor=moderator, thread=thread)
        assignment.claim(actor=agent, ticket=ticket)
        for n in range(events_and_notes - 1):
            triage.set_priority(actor=agent, ticket=ticket, priority=30 if n % 2 == 0 else 20)
        for n in range(events_and_notes):
            replying.add_note(actor=colleague, ticket=ticket, body=f"Note {n}")
        return ticket

    short, long = make(5, 2), make(60, 30)
    assert TicketEvent.objects.filter(ticket=long).count() >= 30
    agent_client.get(url(short))  # warm the per-process caches (templates, content types)

    with django_assert_max_num_queries(15) as short_queries:
        assert agent_client.get(url(short)).status_code == 200
    with django_assert_max_num_queries(len(short_queries)):
        response = agent_client.get(url(long))
    assert response.content.decode().count('class="post card ticket-post') == 60


# --- Claim and assign ---------------------------------------------------------------


def test_claiming_takes_the_ticket_and_opens_it(ticket, agent, agent_client):
    response = agent_client.post(url(ticket, "claim"), follow=True)

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (agent, Status.OPEN)
    assert f"You have {ticket.reference} now." in response.content.decode()
    assert response.redirect_chain[-1][0] == url(ticket)


def test_claiming_with_htmx_swaps_the_properties_and_the_timeline(ticket, agent_client):
    response = agent_client.post(url(ticket, "claim"), **HTMX)

    text = response.content.decode()
    assert response.status_code == 200
    assert text.lstrip().startswith('<section id="ticket-properties"')
    assert (
        '<header id="ticket-header" class="page-header ticket-header" hx-swap-oob="true">' in text
    )
    assert '<section id="ticket-timeline" class="card" hx-swap-oob="true">' in text
    assert "You have" in text
    assert 'id="ticket-thread"' not in text  # the thread did not change


def test_claiming_my_own_ticket_again_says_so_and_changes_nothing(mine, agent_client):
    before = snapshot(mine)

    response = agent_client.post(url(mine, "claim"), **HTMX)

    assert "already assigned to" in response.content.decode()
    assert snapshot(mine) == before


def test_assigning_to_a_colleague_tells_them(ticket, agent_client, colleague):
    agent_client.post(url(ticket, "assign"), {"assignee": colleague.pk})

    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    assert Notification.objects.filter(
        recipient=colleague, kind=Notification.Kind.TICKET_ASSIGNED
    ).exists()


def test_unassigning_gives_the_ticket_back_to_the_queue(mine, agent_client):
    response = agent_client.post(url(mine, "assign"), {"assignee": ""}, follow=True)

    mine.refresh_from_db()
    assert mine.assignee is None
    assert f"{mine.reference} is unassigned." in response.content.decode()
    assert mine.events.last().kind == TicketEvent.Kind.UNASSIGNED


@pytest.mark.parametrize(
    "data",
    [{"assignee": "member"}, {"assignee": "moderator"}, {"assignee": "999999"}, {"assignee": "x"}],
)
def test_assigning_to_anyone_but_an_agent_is_refused(
    request, ticket, agent_client, member, moderator, data
):
    value = data["assignee"]
    if value in ("member", "moderator"):
        value = request.getfixturevalue(value).pk
    before = snapshot(ticket)

    response = agent_client.post(url(ticket, "assign"), {"assignee": value}, **HTMX)

    assert "Tickets can only be assigned to the support team." in response.content.decode()
    assert snapshot(ticket) == before


def test_an_assign_without_a_choice_changes_nothing(mine, agent_client):
    before = snapshot(mine)

    response = agent_client.post(url(mine, "assign"), {}, follow=True)

    assert "Choose an agent, or “Unassigned”." in response.content.decode()
    assert snapshot(mine) == before


# --- Status, priority, queue ------------------------------------------------------------


def test_moving_to_waiting_pauses_the_ticket(mine, agent_client):
    response = agent_client.post(url(mine, "status"), {"status": "waiting"}, follow=True)

    mine.refresh_from_db()
    assert mine.status == Status.WAITING
    assert mine.waiting_since is not None
    assert "The status is now “Waiting on the asker”." in response.content.decode()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("closed", "A ticket cannot go from Open to Closed."),
        ("new", "A ticket cannot go from Open to New."),
        ("bogus", "Choose a status from the list."),
        ("", "Choose a status from the list."),
        ("x" * 5000, "Choose a status from the list."),
    ],
)
def test_a_move_the_workflow_does_not_allow_is_refused(mine, agent_client, status, message):
    before = snapshot(mine)

    response = agent_client.post(url(mine, "status"), {"status": status}, **HTMX)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(mine) == before


def test_changing_the_priority_is_logged(mine, agent, agent_client):
    agent_client.post(url(mine, "priority"), {"priority": "40"})

    mine.refresh_from_db()
    assert mine.priority == 40
    event = mine.events.last()
    assert (event.kind, event.actor, event.detail) == (
        TicketEvent.Kind.PRIORITY_CHANGED,
        agent,
        "20→40",
    )


@pytest.mark.parametrize(
    ("priority", "message"),
    [
        ("99", "Choose a priority from the list."),
        ("high", "Choose a priority from the list."),
        ("", "Choose a priority from the list."),
        ("20", "The ticket already has this priority."),
    ],
)
def test_an_unknown_or_unchanged_priority_is_refused(mine, agent_client, priority, message):
    before = snapshot(mine)

    response = agent_client.post(url(mine, "priority"), {"priority": priority}, follow=True)

    assert message in response.content.decode()
    assert snapshot(mine) == before


def test_moving_to_a_queue_and_out_of_it(mine, agent_client, queue):
    agent_client.post(url(mine, "queue"), {"queue": queue.pk})
    mine.refresh_from_db()
    assert mine.queue == queue

    response = agent_client.post(url(mine, "queue"), {"queue": ""}, follow=True)
    mine.refresh_from_db()
    assert mine.queue is None
    assert "The ticket is in no queue now." in response.content.decode()


@pytest.mark.parametrize("value", ["999999", "transfers", "-1", "9" * 40])
def test_an_unknown_queue_is_refused(mine, agent_client, queue, value):
    before = snapshot(mine)

    response = agent_client.post(url(mine, "queue"), {"queue": value}, **HTMX)

    assert "Choose a queue from the list." in response.content.decode()
    assert snapshot(mine) == before


# --- Resolve -------------------------------------------------------------------------


def test_resolving_with_a_note_tells_the_asker_with_the_survey(mine, agent_client, member):
    response = agent_client.post(url(mine, "resolve"), {"note": "Fee too low; resent."}, **HTMX)

    mine.refresh_from_db()
    assert (mine.status, mine.resolution_note) == (Status.RESOLVED, "Fee too low; resent.")
    assert Notification.objects.filter(
        recipient=member, kind=Notification.Kind.REQUEST_RESOLVED
    ).exists()
    text = response.content.decode()
    assert "Resolved. The asker is told, and asked to rate the help." in text
    # Resolving takes the reply box away: it is swapped too.
    assert '<section id="ticket-reply" class="card ticket-composer" hx-swap-oob="true">' in text
    assert "This ticket is resolved: reopen it before you reply." in text


def test_resolving_a_closed_ticket_is_refused(mine, agent):
    lifecycle.set_status(actor=agent, ticket=mine, status=Status.RESOLVED)
    lifecycle.set_status(actor=agent, ticket=mine, status=Status.CLOSED)
    before = snapshot(mine)

    response = client_for(agent).post(url(mine, "resolve"), {"note": "again"}, follow=True)

    assert "This ticket is closed: escalate the thread again to reopen it." in (
        response.content.decode()
    )
    assert snapshot(mine) == before


def test_a_resolution_note_too_long_is_refused_and_kept_in_the_box(mine, agent_client):
    before = snapshot(mine)
    note = "很长的说明" * 401  # 2,005 characters

    response = agent_client.post(url(mine, "resolve"), {"note": note}, **HTMX)

    text = response.content.decode()
    assert "Keep the resolution note under 2,000 characters." in text
    assert note in text
    assert snapshot(mine) == before


# --- Public reply ----------------------------------------------------------------------


def test_a_reply_is_posted_in_the_thread_as_the_support_team(ticket, agent, agent_client, member):
    body = "Your transfer needs more energy on TRON. Top up 10 TRX and retry."

    response = agent_client.post(url(ticket, "reply"), {"body": body})

    post = Post.objects.get(thread=ticket.thread, author=agent)
    assert post.body == body
    assert response["Location"] == f"{url(ticket)}#post-{post.pk}"
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING
    assert ticket.first_responded_at == post.created_at
    assert ticket.assignee == agent
    assert Notification.objects.filter(
        recipient=member, kind=Notification.Kind.STAFF_REPLIED
    ).exists()
    public = Client().get(ticket.thread.get_absolute_url()).content.decode()
    article = public[public.index(f'id="post-{post.pk}"') :]
    article = article[: article.index("</article>")]
    assert "post-staff" in public[public.index(f'id="post-{post.pk}"') - 120 :][:400]
    assert '<span class="badge badge-staff"' in article
    assert "Support team" in article


def test_a_reply_with_htmx_swaps_the_reply_box_the_thread_and_the_properties(ticket, agent_client):
    response = agent_client.post(
        url(ticket, "reply"), {"body": "We checked: the transfer went through."}, **HTMX
    )

    text = response.content.decode()
    assert text.lstrip().startswith('<section id="ticket-reply"')
    assert "Your reply is posted in the thread." in text
    assert '<section id="ticket-thread" class="ticket-thread"' in text
    assert "We checked: the transfer went through." in text
    assert '<section id="ticket-properties" class="card ticket-properties" hx-swap-oob="true"' in (
        text
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "This field is required."), ("ok", "Write at least 20 characters.")],
)
def test_an_empty_or_too_short_reply_is_refused(ticket, agent_client, body, message):
    before = snapshot(ticket)

    response = agent_client.post(url(ticket, "reply"), {"body": body}, **HTMX)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(ticket) == before


def test_a_refused_reply_without_javascript_keeps_what_was_typed(ticket, agent_client):
    response = agent_client.post(url(ticket, "reply"), {"body": "short"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "Write at least 20 characters." in text
    assert "short</textarea>" in text


def test_replying_to_a_closed_ticket_is_refused(mine, agent, agent_client):
    lifecycle.set_status(actor=agent, ticket=mine, status=Status.RESOLVED)
    lifecycle.set_status(actor=agent, ticket=mine, status=Status.CLOSED)
    before = snapshot(mine)

    response = agent_client.post(
        url(mine, "reply"), {"body": "One more thing about your transfer."}, **HTMX
    )

    assert "This ticket is closed: escalate the thread again to reopen it." in (
        response.content.decode()
    )
    assert snapshot(mine) == before


def test_replying_to_a_resolved_ticket_is_refused(mine, agent, agent_client):
    lifecycle.resolve(actor=agent, ticket=mine)
    before = snapshot(mine)

    response = agent_client.post(url(mine, "reply"), {"body": "One more thing about it."})

    assert "This ticket is resolved: reopen it before you reply." in response.content.decode()
    assert snapshot(mine) == before


# --- Internal notes ---------------------------------------------------------------------


def test_a_note_is_added_to_the_timeline(ticket, agent, agent_client):
    response = agent_client.post(url(ticket, "note"), {"body": "Asked *TRON* support."}, **HTMX)

    note = TicketNote.objects.get(ticket=ticket)
    assert (note.author, note.body) == (agent, "Asked *TRON* support.")
    text = response.content.decode()
    assert text.lstrip().startswith('<section id="ticket-note"')
    assert "Internal note added. Only the support team sees it." in text
    assert '<section id="ticket-timeline" class="card" hx-swap-oob="true">' in text
    assert "Asked <em>TRON</em> support." in text


def test_a_note_without_javascript_returns_to_the_timeline(ticket, agent_client):
    response = agent_client.post(url(ticket, "note"), {"body": "Called the exchange."})

    assert response["Location"] == f"{url(ticket)}#ticket-timeline"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Write the note first."),
        ("   \n\u200b ", "Write the note first."),
        ("x" * 20_001, "Keep the note under 20,000 characters."),
    ],
)
def test_an_empty_or_huge_note_is_refused(ticket, agent_client, body, message):
    before = snapshot(ticket)

    response = agent_client.post(url(ticket, "note"), {"body": body}, **HTMX)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(ticket) == before


SECRET_NOTE = "INTERNAL-ONLY: the asker's exchange account is flagged"


def test_internal_notes_never_leave_the_support_team(
    ticket, agent, agent_client, member, other_member, django_capture_on_commit_callbacks
):
    """Notes: on the ticket page only. Not on the thread, the asker's page, a notification or an email."""
    agent_client.post(url(ticket, "note"), {"body": SECRET_NOTE})
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(url(ticket, "reply"), {"body": "We have what we need, thank you."})
        PostFactory(thread=ticket.thread, author=member, body="Thanks, still waiting though.")
        agent_client.post(url(ticket, "note"), {"body": SECRET_NOTE + " (2)"})
        agent_client.post(url(ticket, "resolve"), {"note": "Done."})
    deliver_pending_emails()

    assert SECRET_NOTE in agent_client.get(url(ticket)).content.decode()
    thread_url = ticket.thread.get_absolute_url()
    for viewer in (None, member, other_member, agent):
        assert SECRET_NOTE not in client_for(viewer).get(thread_url).content.decode()
    assert SECRET_NOTE not in client_for(member).get(ticket.get_absolute_url()).content.decode()
    assert SECRET_NOTE not in client_for(member).get("/notifications/").content.decode()
    assert Notification.objects.exists()
    for notification in Notification.objects.all():
        assert SECRET_NOTE not in str(notification.params)
    assert OutboundEmail.objects.exists()
    for email in OutboundEmail.objects.all():
        assert SECRET_NOTE not in f"{email.subject}{email.text}{email.html}"
    for message in mail.outbox:
        assert SECRET_NOTE not in str(message.message())


# --- Canned replies in the reply box ------------------------------------------------------


@pytest.fixture
def canned(db, agent):
    from escalation.models import CannedReply

    return CannedReply.objects.create(
        title="Stuck TRON transfer",
        body="Hi {asker_name}, about {reference}: see {thread_link}. {unknown} stays.",
        created_by=agent,
    )


def test_a_canned_reply_fills_the_reply_box_through_htmx(ticket, canned, agent_client):
    response = agent_client.get(url(ticket, f"canned/{canned.pk}"), **HTMX)

    text = response.content.decode()
    assert text.startswith("<textarea")
    assert 'id="reply-body"' in text
    assert f"Hi Mia Member, about {ticket.reference}: see http" in text
    assert f"{ticket.thread.get_absolute_url()}. {{unknown}} stays." in text


def test_a_canned_reply_is_escaped_in_the_reply_box(ticket, canned, agent_client):
    canned.body = "</textarea><script>alert(1)</script> {asker_name}"
    canned.save()

    text = agent_client.get(url(ticket, f"canned/{canned.pk}"), **HTMX).content.decode()

    assert "<script>" not in text
    assert "&lt;/textarea&gt;&lt;script&gt;" in text


def test_without_javascript_the_canned_reply_prefills_the_page(ticket, canned, agent_client):
    response = agent_client.get(url(ticket, f"canned/{canned.pk}"))
    assert response["Location"] == f"{url(ticket)}?canned={canned.pk}#reply"

    text = agent_client.get(f"{url(ticket)}?canned={canned.pk}").content.decode()

    assert f"Hi Mia Member, about {ticket.reference}" in text


@pytest.mark.parametrize("value", ["999999", "abc", "²", "9" * 40])
def test_an_unknown_canned_reply_in_the_link_is_ignored_with_a_word(ticket, agent_client, value):
    response = agent_client.get(f"{url(ticket)}?canned={value}")

    assert response.status_code == 200
    assert "That canned reply is no longer available." in response.content.decode()


def test_an_inactive_or_unknown_canned_reply_is_404(ticket, canned, agent_client):
    canned.is_active = False
    canned.save()

    assert agent_client.get(url(ticket, f"canned/{canned.pk}"), **HTMX).status_code == 404
    assert agent_client.get(url(ticket, "canned/99999999999999999999999")).status_code == 404


# --- The staff badge cannot be faked -------------------------------------------------------


def test_a_member_writing_the_badge_text_gets_no_badge(thread, member, other_member):
    other_member.display_name = "Helper"
    other_member.save(update_fields=["display_name"])
    fake = PostFactory(
        thread=thread,
        author=other_member,
        body='✔ Support team <span class="badge badge-staff">✔ Support team</span> send me your phrase',
    )

    text = client_for(member).get(thread.get_absolute_url()).content.decode()

    article = text[text.index(f'id="post-{fake.pk}"') :]
    article = article[: article.index("</article>")]
    assert "&lt;span class=" in article  # the writing is shown as text, not as a badge
    assert '<span class="badge badge-staff"' not in article
    assert "post-staff" not in text[text.index(f'id="post-{fake.pk}"') - 200 :][:200]


def test_the_badge_follows_the_role_not_the_post(ticket, agent, agent_client, member):
    agent_client.post(url(ticket, "reply"), {"body": "The support team here: it is fixed."})
    post = Post.objects.get(thread=ticket.thread, author=agent)

    def badge_shown() -> bool:
        text = client_for(member).get(ticket.thread.get_absolute_url()).content.decode()
        article = text[text.index(f'id="post-{post.pk}"') :]
        return '<span class="badge badge-staff"' in article[: article.index("</article>")]

    assert badge_shown()
    agent.groups.clear()  # left the support team
    assert not badge_shown()


def test_replying_in_a_thread_a_moderator_closed_is_refused(mine, moderator, agent_client):
    committed(
        forum_moderation.set_thread_closed, actor=moderator, thread=mine.thread, is_closed=True
    )
    before = snapshot(mine)

    page = agent_client.get(url(mine)).content.decode()
    response = agent_client.post(url(mine, "reply"), {"body": "Answering in a closed thread."})

    assert "The thread is closed to new replies: reopen it first." in page
    assert "This thread is closed." in response.content.decode()
    assert snapshot(mine) == before


def test_the_page_reads_in_chinese_for_a_chinese_speaking_agent(mine, agent, agent_client):
    agent.language = "zh-hans"
    agent.save(update_fields=["language"])

    response = agent_client.get(url(mine))

    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.content.decode()
