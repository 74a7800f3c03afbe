"""/staff/tickets/: the agents' queue, its filters and counts, search, sort, pages and
bulk actions."""

import html
import re
from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from escalation.models import Priority, Queue, Ticket, TicketEvent
from escalation.selectors import queue as queue_selectors
from escalation.services import assignment, lifecycle, sweep, triage
from escalation.services import tickets as opening
from forum.services import moderation as forum_moderation
from tests.conftest import sign_in
from tests.escalation.conftest import T0, committed
from tests.factories import CategoryFactory, ThreadFactory, UserFactory
from tests.forum.conftest import client_for
from tests.forum.test_forms_hypothesis import FUZZ, huge_text, mixed_text

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = T0 + 10 * HOUR  # the instant every page below is looked at
HTMX = {"HTTP_HX_REQUEST": "true"}
Status = Ticket.Status


# --- The desk: six tickets, one in each state the queue distinguishes ---------------


@pytest.fixture
def queues(db):
    return {
        "transfers": Queue.objects.create(name="Transfers", slug="transfers"),
        "security": Queue.objects.create(name="Security", slug="security"),
    }


@pytest.fixture
def colleague(db):
    return UserFactory(username="agent_bo", display_name="Bo Agent", role="Agents")


@pytest.fixture
def security(db):
    return CategoryFactory(slug="security", name="Security")


@pytest.fixture
def escalate(policy, category, member, moderator):
    """A question asked an hour before `at` and escalated by a moderator at `at`."""

    def escalate(title, *, at, author=None, by=None, in_category=None):
        thread = committed(
            ThreadFactory,
            author=author or member,
            category=in_category or category,
            title=title,
            now=at - HOUR,
        )
        return opening.escalate_thread(actor=by or moderator, thread=thread, now=at)

    return escalate


@pytest.fixture
def desk(escalate, agent, colleague, queues, security, member, other_member):
    """Six tickets, seen at NOW (first response due 8 hours after escalation).

    breached: unassigned, urgent, Transfers, first response 2 hours late;
    soon: Amy's, high, Transfers, first response due in 30 minutes (escalated by an agent);
    fine: Bo's, Security category and queue, due in 7 hours;
    waiting: Amy's, no queue, waiting on the asker (the clock paused);
    resolved and closed: done.
    """
    tickets = {
        "breached": escalate("USDT on TRON stuck for a day", at=T0),
        "soon": escalate(
            "Withdrawal from the exchange never arrived",
            at=NOW - 7.5 * HOUR,
            author=other_member,
            by=agent,
        ),
        "fine": escalate("Someone asked for my seed phrase", at=NOW - HOUR, in_category=security),
        "waiting": escalate("App crashes after the update", at=NOW - 2 * HOUR),
        "resolved": escalate("Balance shows zero", at=NOW - 5 * HOUR, author=other_member),
        "closed": escalate("Which network for BNB", at=NOW - 6 * HOUR),
    }
    at = NOW - 20 * timedelta(minutes=1)
    work = [
        (triage.set_queue, "breached", {"queue": queues["transfers"]}),
        (triage.set_priority, "breached", {"priority": Priority.URGENT}),
        (triage.set_queue, "soon", {"queue": queues["transfers"]}),
        (triage.set_priority, "soon", {"priority": Priority.HIGH}),
        (assignment.assign, "soon", {"assignee": agent}),
        (triage.set_queue, "fine", {"queue": queues["security"]}),
        (assignment.assign, "fine", {"assignee": colleague}),
        (assignment.assign, "waiting", {"assignee": agent}),
        (lifecycle.set_status, "waiting", {"status": Status.WAITING}),
        (lifecycle.resolve, "resolved", {}),
        (lifecycle.resolve, "closed", {}),
        (lifecycle.set_status, "closed", {"status": Status.CLOSED}),
    ]
    for action, name, arguments in work:
        action(actor=agent, ticket=tickets[name], now=at, **arguments)
    sweep.sweep(now=NOW)  # marks the missed first response, as the beat does
    for ticket in tickets.values():
        ticket.refresh_from_db()
    return tickets


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def shown(response) -> list[str]:
    """The references of the rows on the page, in order."""
    return re.findall(r'name="ticket" value="(HO-\d{7})"', response.text)


def refs(desk, *names) -> list[str]:
    return [desk[name].reference for name in names]


def get(client, **params):
    return client.get("/staff/tickets/?" + urlencode(params))


# --- Who may see it -------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "member", "moderator"])
def test_everyone_but_the_support_team_gets_404(request, desk, who):
    user = request.getfixturevalue(who) if who else None

    assert client_for(user).get("/staff/tickets/").status_code == 404
    response = client_for(user).post(
        "/staff/tickets/bulk/",
        {"ticket": desk["breached"].reference, "action": "assign", "assignee": "none"},
    )
    assert response.status_code == 404
    desk["breached"].refresh_from_db()
    assert desk["breached"].priority == Priority.URGENT


def test_an_agent_without_two_factor_authentication_is_sent_to_set_it_up(agent_without_mfa):
    response = client_for(agent_without_mfa).get("/staff/tickets/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/?next=%2Fstaff%2Ftickets%2F"


@pytest.mark.parametrize("who", ["agent", "admin_user"])
def test_agents_and_admins_see_the_queue(request, desk, at_now, who):
    response = client_for(request.getfixturevalue(who)).get("/staff/tickets/")

    assert response.status_code == 200
    assert shown(response) == refs(desk, "breached", "soon", "fine", "waiting")


# --- What a row shows -------------------------------------------------------------------


def test_a_row_shows_the_ticket_its_asker_and_where_it_stands(desk, agent, at_now):
    response = client_for(agent).get("/staff/tickets/")
    rows = response.text.split('<tr class="queue-row')[1:]
    breached, soon, fine, waiting = rows

    ticket = desk["breached"]
    assert f'href="/staff/tickets/{ticket.reference}/"' in breached
    assert "USDT on TRON stuck for a day" in breached
    assert "Mia Member" in breached
    assert 'title="@member"' in breached
    assert '<span class="badge badge-category' in breached
    assert "Transfers</span>" in breached  # the category
    assert "Transfers queue" in breached
    assert "Urgent" in breached
    assert "New" in breached
    assert '<span class="badge badge-warning queue-unassigned">Unassigned</span>' in breached
    assert breached.startswith(' is-breached"')
    assert "Overdue by 2\xa0hours" in breached

    assert soon.startswith(' is-soon"')
    assert "Due in 30\xa0minutes" in soon
    assert "Otto Other" in soon
    assert f"<td>{agent.public_name}</td>" in soon
    assert fine.startswith(' is-fine"')
    assert "Due in 7\xa0hours" in fine
    assert "<td>Bo Agent</td>" in fine
    assert "Security queue" in fine
    assert waiting.startswith(' is-paused"')
    assert "Paused" in waiting
    assert "No queue" in waiting
    assert "Waiting on the asker" in waiting


def test_times_are_shown_in_the_viewers_time_zone(desk, agent, at_now):
    agent.timezone = "Asia/Shanghai"
    agent.save(update_fields=["timezone"])
    due = desk["soon"].sla_due_at  # 19:30 UTC is 03:30 the next day in Shanghai

    response = client_for(agent).get("/staff/tickets/")

    assert due.hour == 19
    assert f'datetime="{due.astimezone(SHANGHAI).isoformat()}"' in response.text
    assert "Nov. 3, 2026, 3:30 a.m." in response.text


def test_a_change_to_a_ticket_shows_at_once_despite_the_cached_rows(desk, agent, colleague, at_now):
    client = client_for(agent)
    before = client.get("/staff/tickets/").text.split('<tr class="queue-row')[1]
    assert "Unassigned" in before
    assert "Bo Agent" not in before

    assignment.assign(actor=agent, ticket=desk["breached"], assignee=colleague)

    after = client.get("/staff/tickets/").text.split('<tr class="queue-row')[1]
    assert "Bo Agent" in after
    assert "Unassigned" not in after


# --- Filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["breached", "soon", "fine", "waiting"]),
        ({"status": "active"}, ["breached", "soon", "fine", "waiting"]),
        ({"status": "new"}, ["breached"]),
        ({"status": "open"}, ["soon", "fine"]),
        ({"status": "waiting"}, ["waiting"]),
        ({"status": "resolved"}, ["resolved"]),
        ({"status": "closed"}, ["closed"]),
        (
            {"status": "all", "sort": "oldest"},
            ["breached", "soon", "closed", "resolved", "waiting", "fine"],
        ),
        ({"priority": "40"}, ["breached"]),
        ({"priority": "20"}, ["fine", "waiting"]),
        ({"assignee": "me"}, ["soon", "waiting"]),
        ({"assignee": "none"}, ["breached"]),
        ({"sla": "breached"}, ["breached"]),
        ({"sla": "soon"}, ["soon"]),
        ({"sla": "fine"}, ["fine", "waiting"]),
        ({"reason": "agent"}, ["soon"]),
        ({"reason": "moderator", "assignee": "me"}, ["waiting"]),
        ({"queue": "none"}, ["waiting"]),
    ],
)
def test_each_filter_narrows_the_list(desk, agent, at_now, params, expected):
    response = get(client_for(agent), **params)

    assert shown(response) == refs(desk, *expected)


def test_filters_by_queue_category_and_a_named_agent(
    desk, agent, colleague, queues, security, at_now
):
    client = client_for(agent)

    assert shown(get(client, queue=queues["transfers"].pk)) == refs(desk, "breached", "soon")
    assert shown(get(client, queue=queues["security"].pk)) == refs(desk, "fine")
    assert shown(get(client, category=security.pk)) == refs(desk, "fine")
    assert shown(get(client, assignee=colleague.pk)) == refs(desk, "fine")
    assert shown(
        get(client, queue=queues["transfers"].pk, sla="breached", assignee="none")
    ) == refs(desk, "breached")


def test_a_moved_thread_takes_its_ticket_to_the_new_category(
    desk, agent, moderator, security, at_now
):
    thread = desk["breached"].thread
    committed(forum_moderation.move_thread, actor=moderator, thread=thread, category=security)

    assert shown(get(client_for(agent), category=security.pk)) == refs(desk, "breached", "fine")


# --- Counts ---------------------------------------------------------------------------------


def counts(view, user):
    return queue_selectors.count_tickets(view, user=user, now=NOW).by_filter


def test_each_filter_counts_its_values_with_the_other_filters_applied(
    desk, agent, queues, category, security
):
    transfers = str(queues["transfers"].pk)
    view = queue_selectors.QueueView(queue=transfers)

    by_filter = counts(view, agent)

    # The queue's own counts ignore the queue filter (what choosing another would show)...
    assert by_filter["queue"][transfers] == 2
    assert by_filter["queue"][str(queues["security"].pk)] == 1
    assert by_filter["queue"]["none"] == 1
    # ...and every other filter's counts are within Transfers (and the active tickets).
    assert by_filter["priority"] == {"40": 1, "30": 1}
    assert by_filter["assignee"]["none"] == 1
    assert by_filter["assignee"]["me"] == 1
    assert by_filter["sla"] == {"breached": 1, "soon": 1, "fine": 0}
    assert by_filter["category"] == {str(category.pk): 2}
    assert by_filter["reason"] == {"moderator": 1, "agent": 1}
    # The status counts ignore the status filter but keep the queue's.
    assert by_filter["status"]["new"] == 1
    assert by_filter["status"]["open"] == 1
    assert by_filter["status"]["active"] == 2
    assert by_filter["status"]["resolved"] == 0


def test_two_filters_count_each_other(desk, agent, colleague, security):
    view = queue_selectors.QueueView(category=str(security.pk), assignee=str(colleague.pk))

    result = queue_selectors.count_tickets(view, user=agent, now=NOW)

    assert result.total == 1
    # Bo's tickets by category, and the Security category's tickets by assignee.
    assert result.by_filter["category"] == {str(security.pk): 1}
    assert result.by_filter["assignee"] == {str(colleague.pk): 1}
    assert result.by_filter["queue"] == {str(desk["fine"].queue_id): 1}


def test_the_sla_filter_narrows_every_other_count_but_its_own(desk, agent):
    by_filter = counts(queue_selectors.QueueView(sla="fine"), agent)

    assert by_filter["sla"] == {"breached": 1, "soon": 1, "fine": 2}
    assert by_filter["assignee"]["me"] == 1  # the waiting ticket, not the one due soon
    assert by_filter["status"]["active"] == 2
    assert by_filter["status"]["resolved"] == 1  # done tickets are on track


def test_the_default_counts_leave_closed_tickets_out(desk, agent):
    result = queue_selectors.count_tickets(queue_selectors.QueueView(), user=agent, now=NOW)

    assert result.total == 4
    assert result.by_filter["status"]["all"] == 5  # new, open, waiting, resolved
    assert "closed" not in result.by_filter["status"]
    closed = queue_selectors.count_tickets(
        queue_selectors.QueueView(status="all"), user=agent, now=NOW
    )
    assert closed.total == 6
    assert closed.by_filter["status"]["closed"] == 1


def test_the_sidebar_shows_the_counts_and_the_chosen_values(desk, agent, queues, at_now):
    response = get(client_for(agent), queue=queues["transfers"].pk)
    sidebar = response.text.split('class="card queue-facets"')[1].split("</aside>")[0]

    transfers = re.search(
        r'<a class="facet-option[^"]*"[^>]*aria-current="true"><span>Transfers</span> <span class="facet-count">(\d+)',
        sidebar,
    )
    assert transfers
    assert transfers[1] == "2"
    assert re.search(
        r"facet-danger[^>]*><span>Breached</span> <span class=\"facet-count\">1<", sidebar
    )
    assert re.search(
        r"facet-warning[^>]*><span>Unassigned</span> <span class=\"facet-count\">1<", sidebar
    )
    # Each link keeps the other filters and changes its own.
    assert f'href="?status=open&amp;queue={queues["transfers"].pk}"' in sidebar
    assert f'href="?queue={queues["security"].pk}"' in sidebar
    assert 'href="?"' in sidebar  # "All queues" clears it
    assert re.search(r"<span>Closed</span></a>", sidebar)  # not counted in this view


# --- Search ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("USDT", ["breached"]),
        ("usdt tron", ["breached"]),
        ("tron seed", []),
        ("Otto", ["soon"]),  # the asker's display name
        ("other", ["soon"]),  # the asker's username
        ("mia", ["breached", "fine", "waiting"]),
    ],
)
def test_search_finds_titles_and_askers(desk, agent, at_now, q, expected):
    assert shown(get(client_for(agent), q=q)) == refs(desk, *expected)


def test_a_search_that_finds_nothing_says_so(desk, agent, at_now):
    response = get(client_for(agent), q="nothing like this")

    assert shown(response) == []
    assert "No ticket matches this search and these filters." in response.text


@pytest.mark.parametrize("form", ["{ref}", "{ref_lower}", "{digits}", " {ref} "])
def test_a_reference_finds_its_ticket_whatever_the_filters(desk, agent, at_now, form):
    closed = desk["closed"].reference
    q = form.format(ref=closed, ref_lower=closed.lower(), digits=closed[3:])

    response = get(client_for(agent), q=q, status="new", assignee="me")

    assert shown(response) == [closed]
    assert f"Ticket {closed}, whatever the filters." in response.text


def test_the_search_keeps_the_filters(desk, agent, queues, at_now):
    response = get(client_for(agent), q="Withdrawal", queue=queues["security"].pk)

    assert shown(response) == []
    assert (
        f'<input type="hidden" form="queue-search" name="queue" value="{queues["security"].pk}">'
        in response.text
    )


# --- Sort ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("sla", ["breached", "soon", "fine", "waiting"]),  # no deadline (paused) last
        ("newest", ["fine", "waiting", "soon", "breached"]),
        ("oldest", ["breached", "soon", "waiting", "fine"]),
        ("priority", ["breached", "soon", "fine", "waiting"]),
    ],
)
def test_the_queue_sorts(desk, agent, at_now, sort, expected):
    assert shown(get(client_for(agent), sort=sort)) == refs(desk, *expected)


def test_priority_sort_puts_the_most_urgent_first_then_the_sla(desk, agent, at_now):
    triage.set_priority(actor=agent, ticket=desk["waiting"], priority=Priority.URGENT)
    triage.set_priority(actor=agent, ticket=desk["breached"], priority=Priority.LOW)

    assert shown(get(client_for(agent), sort="priority")) == refs(
        desk, "waiting", "soon", "fine", "breached"
    )


# --- htmx ---------------------------------------------------------------------------------------


def test_htmx_gets_only_the_results_and_counts(desk, agent, at_now):
    response = client_for(agent).get("/staff/tickets/", {"status": "new"}, **HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="queue-results"')
    assert "<html" not in response.text
    assert 'id="queue-search"' not in response.text
    assert shown(response) == refs(desk, "breached")
    assert 'class="facet-count"' in response.text
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_or_a_plain_get_gets_the_whole_page(desk, agent, at_now):
    client = client_for(agent)
    restored = client.get(
        "/staff/tickets/",
        {"status": "new"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    plain = client.get("/staff/tickets/", {"status": "new"})

    for response in (restored, plain):
        assert "<html" in response.text
        assert 'id="queue-search"' in response.text
        assert shown(response) == refs(desk, "breached")
    assert "no-store" in plain["Cache-Control"]


def test_links_and_the_search_form_work_with_and_without_javascript(desk, agent, at_now):
    response = get(client_for(agent), status="new")

    search = response.text.split('<form id="queue-search"')[1].split(">")[0]
    assert 'method="get"' in search
    assert 'action="/staff/tickets/"' in search
    assert 'hx-get="/staff/tickets/"' in search
    assert 'hx-push-url="true"' in search
    assert 'hx-target="#queue-results" hx-swap="outerHTML" hx-push-url="true"' in response.text
    assert '<a href="?sort=newest" hx-get="?sort=newest"' not in response.text
    assert (
        'href="?status=new&amp;sort=newest" hx-get="?status=new&amp;sort=newest"' in response.text
    )


# --- Pages ---------------------------------------------------------------------------------------


@pytest.fixture
def many(escalate):
    """55 new tickets, escalated a minute apart."""
    return [escalate(f"Question number {n}", at=T0 + n * timedelta(minutes=1)) for n in range(55)]


def test_fifty_tickets_a_page(many, agent, at_now):
    client = client_for(agent)
    first, second = client.get("/staff/tickets/"), client.get("/staff/tickets/", {"page": 2})

    assert shown(first) == [ticket.reference for ticket in many[:50]]
    assert shown(second) == [ticket.reference for ticket in many[50:]]
    assert "Page 1 of 2" in first.text
    assert 'href="?page=2"' in first.text
    assert "51–55 of 55" in second.text
    assert 'href="?"' in second.text


def test_deep_pages_are_not_listed(many, agent, at_now, monkeypatch):
    monkeypatch.setattr(queue_selectors, "PAGE_SIZE", 5)
    monkeypatch.setattr(queue_selectors, "MAX_PAGE", 3)

    response = client_for(agent).get("/staff/tickets/", {"page": 7})

    assert shown(response) == [ticket.reference for ticket in many[10:15]]
    assert "Only the first 3 pages are listed: filter or search to find the others." in (
        response.text
    )
    assert "Page 3 of 3" in response.text


def test_a_page_past_the_end_shows_the_last_one(many, agent, at_now):
    response = client_for(agent).get("/staff/tickets/", {"page": 9})

    assert shown(response) == [ticket.reference for ticket in many[50:]]
    assert "There is no page 9: this is the last page." in response.text


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"status": "lost"}, "There is no status “lost”: showing the active tickets."),
        ({"page": "two"}, "The page must be a number: showing the first page."),
        ({"page": "0"}, "Pages start at 1: showing the first page."),
        ({"page": "-3"}, "Pages start at 1: showing the first page."),
        ({"queue": "99999"}, "That queue does not exist (any more): showing every queue."),
        ({"queue": "x'; DROP TABLE"}, "That queue does not exist (any more): showing every queue."),
        ({"category": "0"}, "That category does not exist (any more): showing every category."),
        (
            {"assignee": "1234567"},
            "That person is not on the support team (any more): showing everyone's tickets.",
        ),
        ({"priority": "99"}, "There is no priority “99”: showing every priority."),
        ({"sla": "late"}, "There is no SLA state “late”: showing every ticket."),
        ({"reason": "because"}, "There is no reason “because”: showing every reason."),
        ({"sort": "title"}, "The queue cannot be sorted by “title”: sorted by SLA due."),
        ({"q": "USDT " * 2000}, "Search for at most 200 characters: the search was ignored."),
    ],
)
def test_a_wrong_value_is_dropped_with_a_notice(desk, agent, at_now, params, notice):
    response = get(client_for(agent), **params)

    assert response.status_code == 200
    assert notice in html.unescape(response.text)
    assert shown(response) == refs(desk, "breached", "soon", "fine", "waiting")


def test_a_deleted_queue_in_a_shared_link_is_dropped(desk, agent, queues, at_now):
    spare = Queue.objects.create(name="Spare", slug="spare")
    link = f"/staff/tickets/?queue={spare.pk}&sla=breached"
    spare.delete()

    response = client_for(agent).get(link)

    assert "That queue does not exist (any more): showing every queue." in response.text
    assert shown(response) == refs(desk, "breached")  # the other filter still applies


@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "status",
                "queue",
                "priority",
                "category",
                "assignee",
                "sla",
                "reason",
                "q",
                "sort",
                "page",
            ]
        ),
        st.one_of(mixed_text, huge_text.map(lambda text: text[:5000])),
        max_size=5,
    ),
    htmx=st.booleans(),
)
@FUZZ
def test_no_query_string_breaks_the_queue(agent, params, htmx):
    response = client_for(agent).get("/staff/tickets/", params, **(HTMX if htmx else {}))

    # A NUL anywhere is refused for the whole site (config/nulbytes.py), before the queue.
    has_nul = any("\x00" in name + value for name, value in params.items())
    assert response.status_code == (400 if has_nul else 200)


def test_a_search_with_a_nul_is_refused_before_the_queue_runs(agent):
    response = client_for(agent).get("/staff/tickets/", {"q": "USDT\x00"})

    assert response.status_code == 400


# --- Nobody on duty --------------------------------------------------------------------------------


def test_nobody_on_duty_shows_how_many_tickets_wait(desk, agent, at_now):
    response = client_for(agent).get("/staff/tickets/")

    assert "Nobody is on duty:" in response.text
    assert "1 unassigned ticket waits for an agent." in response.text
    assert 'href="?assignee=none"' in response.text


def test_an_agent_on_duty_for_other_queues_leaves_the_rest_uncovered(
    desk, agent, colleague, queues, escalate, at_now
):
    assignment.set_on_duty(actor=colleague, on_duty=True, queues=[queues["security"]])
    escalate("Nobody's queue", at=NOW - HOUR)  # no queue: anyone on duty may take it

    text = client_for(agent).get("/staff/tickets/").text

    assert "Nobody on duty works the queue</strong> of 1 unassigned ticket." in text


def test_an_agent_on_duty_for_every_queue_leaves_nothing_uncovered(desk, agent, at_now):
    assignment.set_on_duty(actor=agent, on_duty=True)

    text = client_for(agent).get("/staff/tickets/").text

    assert "Nobody is on duty" not in text
    assert "Nobody on duty works" not in text


# --- Queries ---------------------------------------------------------------------------------------


def _add_tickets(escalate, agent, colleague, queues, categories, *, count, start):
    people = [agent, colleague, None]
    for n in range(start, start + count):
        ticket = escalate(
            f"Ticket {n}",
            at=T0 + n * timedelta(minutes=3),
            in_category=categories[n % len(categories)],
        )
        triage.set_queue(actor=agent, ticket=ticket, queue=queues[n % len(queues)])
        if people[n % 3]:
            assignment.assign(actor=agent, ticket=ticket, assignee=people[n % 3])
        if n % 4 == 0:
            triage.set_priority(actor=agent, ticket=ticket, priority=Priority.HIGH)


@pytest.mark.parametrize(
    "params", [{}, {"queue": "first", "sla": "breached", "assignee": "none"}, {"q": "Ticket"}]
)
def test_the_queue_costs_the_same_queries_for_3_tickets_as_for_60(
    escalate, agent, colleague, queues, category, security, params, django_assert_num_queries
):
    queue_list = list(queues.values())
    categories = [category, security]
    if params.get("queue") == "first":
        params = {**params, "queue": queue_list[0].pk}
    client = client_for(agent)
    _add_tickets(escalate, agent, colleague, queue_list, categories, count=3, start=0)
    sweep.sweep(now=NOW)
    with time_machine.travel(NOW, tick=False):
        client.get("/staff/tickets/", params)
        with django_assert_num_queries(8) as captured:  # no query for two-factor: the session says
            few_page = client.get("/staff/tickets/", params)
        few = len(captured)  # read now: the next request empties the log
    _add_tickets(escalate, agent, colleague, queue_list, categories, count=57, start=3)
    sweep.sweep(now=NOW)

    with time_machine.travel(NOW, tick=False):
        client.get("/staff/tickets/", params)
        with django_assert_num_queries(few):
            many_page = client.get("/staff/tickets/", params)

    assert len(shown(many_page)) > len(shown(few_page)) > 0


# --- Bulk actions ----------------------------------------------------------------------------------


def bulk(client, tickets, **data):
    return client.post(
        "/staff/tickets/bulk/",
        {
            "ticket": [ticket.reference for ticket in tickets],
            "next": "/staff/tickets/?status=open",
            **data,
        },
        follow=True,
    )


def messages_of(response) -> list[str]:
    """The messages the page shows after the redirect."""
    return [
        html.unescape(text)
        for text in re.findall(r'<div class="alert alert-\w+">(.*?)</div>', response.text)
    ]


def landed_on(response) -> str:
    return response.redirect_chain[-1][0]


def test_bulk_assign_to_me_reports_and_goes_back_to_the_filtered_queue(desk, agent):
    response = bulk(
        client_for(agent), [desk["breached"], desk["fine"]], action="assign", assignee="me"
    )

    assert landed_on(response) == "/staff/tickets/?status=open"
    assert messages_of(response) == ["2 tickets changed."]
    for name in ("breached", "fine"):
        desk[name].refresh_from_db()
        assert desk[name].assignee == agent
        assert desk[name].events.last().kind == TicketEvent.Kind.ASSIGNED
    assert desk["breached"].status == Status.OPEN


def test_bulk_assign_to_a_colleague_and_unassign(desk, agent, colleague):
    client = client_for(agent)

    bulk(client, [desk["breached"]], action="assign", assignee=colleague.pk)
    desk["breached"].refresh_from_db()
    assert desk["breached"].assignee == colleague

    response = bulk(client, [desk["breached"], desk["soon"]], action="assign", assignee="none")
    assert messages_of(response) == ["2 tickets changed."]
    desk["soon"].refresh_from_db()
    assert desk["soon"].assignee is None


def test_bulk_status_reports_each_ticket_that_cannot_move(desk, agent):
    response = bulk(
        client_for(agent),
        [desk["soon"], desk["closed"], desk["waiting"]],
        action="status",
        status=Status.WAITING,
    )

    assert messages_of(response) == [
        "1 ticket changed.",
        f"{desk['closed'].reference}: This ticket is closed: escalate the thread again to reopen it.",
        f"{desk['waiting'].reference}: A ticket cannot go from Waiting on the asker to Waiting on the asker.",
    ]
    desk["soon"].refresh_from_db()
    desk["closed"].refresh_from_db()
    assert (desk["soon"].status, desk["closed"].status) == (Status.WAITING, Status.CLOSED)


def test_bulk_priority_and_resolve(desk, agent):
    client = client_for(agent)

    bulk(client, [desk["fine"], desk["waiting"]], action="priority", priority=Priority.URGENT)
    response = bulk(client, [desk["fine"]], action="status", status=Status.RESOLVED)

    assert messages_of(response) == ["1 ticket changed."]
    desk["fine"].refresh_from_db()
    desk["waiting"].refresh_from_db()
    assert (desk["fine"].priority, desk["waiting"].priority) == (Priority.URGENT, Priority.URGENT)
    assert desk["fine"].status == Status.RESOLVED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "assign"}, "Choose whom to assign the tickets to."),
        (
            {"action": "assign", "assignee": "99999"},
            "That person is not on the support team (any more).",
        ),
        ({"action": "status"}, "Choose the status to set."),
        ({"action": "status", "status": "gone"}, "Choose a status from the list."),
        ({"action": "priority", "priority": "7"}, "Choose a priority from the list."),
        ({"action": "explode"}, "Choose what to do with the tickets."),
        ({}, "Choose what to do with the tickets."),
    ],
)
def test_a_bulk_action_with_a_wrong_value_changes_nothing(desk, agent, data, message):
    before = list(Ticket.objects.order_by("pk").values_list("status", "priority", "assignee"))

    response = bulk(client_for(agent), [desk["breached"], desk["soon"]], **data)

    assert landed_on(response) == "/staff/tickets/?status=open"
    assert message in messages_of(response)
    assert (
        list(Ticket.objects.order_by("pk").values_list("status", "priority", "assignee")) == before
    )


def test_bulk_without_tickets_or_with_a_stranger_reference(desk, agent):
    client = client_for(agent)

    nothing = client.post(
        "/staff/tickets/bulk/", {"action": "assign", "assignee": "me"}, follow=True
    )
    assert messages_of(nothing) == ["Tick the tickets to change first."]
    assert landed_on(nothing) == "/staff/tickets/"

    unknown = client.post(
        "/staff/tickets/bulk/",
        {
            "ticket": ["HO-0000001", desk["breached"].reference],
            "action": "assign",
            "assignee": "me",
        },
        follow=True,
    )
    assert messages_of(unknown) == ["1 ticket changed.", "HO-0000001: there is no such ticket."]

    forged = client.post(
        "/staff/tickets/bulk/",
        {"ticket": ["<script>", "1 OR 1=1"], "action": "assign", "assignee": "me"},
        follow=True,
    )
    assert messages_of(forged) == ["Tick tickets from the queue: a reference was wrong."]


@pytest.mark.parametrize(
    "target", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_bulk_never_sends_an_agent_off_site(desk, agent, target):
    response = client_for(agent).post(
        "/staff/tickets/bulk/",
        {
            "ticket": [desk["breached"].reference],
            "action": "priority",
            "priority": "10",
            "next": target,
        },
    )

    assert response["Location"] == "/staff/tickets/"


def test_bulk_needs_the_csrf_token(desk, agent):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, agent)

    response = client.post(
        "/staff/tickets/bulk/",
        {"ticket": [desk["breached"].reference], "action": "assign", "assignee": "me"},
    )

    assert response.status_code == 403
    desk["breached"].refresh_from_db()
    assert desk["breached"].assignee is None


def test_the_queue_page_carries_the_bulk_form(desk, agent, colleague, at_now):
    response = get(client_for(agent), status="new")

    form = response.text.split('<form id="bulk-form"')[1].split("</form>")[0]
    assert 'method="post" action="/staff/tickets/bulk/"' in response.text
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="next" value="/staff/tickets/?status=new">' in form
    assert f'<option value="{colleague.pk}">Bo Agent</option>' in form
    assert 'name="action" value="assign"' in form
    assert 'name="action" value="priority"' in form


@pytest.mark.parametrize("next_url", ["nope", "-1", "\udcff\udcfe", "https://evil.example/"])
def test_a_bulk_next_that_is_not_a_path_of_this_site_goes_back_to_the_queue(desk, agent, next_url):
    # "nope" and "-1" once reached redirect() as view names: NoReverseMatch, a 500.
    escaped = "".join(f"%{byte:02x}" for byte in next_url.encode("utf-8", "surrogateescape"))
    body = f"ticket={desk['breached'].reference}&action=assign&assignee=me&next={escaped}"

    response = client_for(agent).post(
        "/staff/tickets/bulk/", body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/tickets/"
    desk["breached"].refresh_from_db()
    assert desk["breached"].assignee == agent
