"""The agents' queue: which tickets a view of /staff/tickets/ shows, in what order, and how
many tickets each filter value would show.

A view (QueueView) is the filters, the search, the sort and the page, as the URL has them
(escalation.forms.queue parses and checks the URL). `load_queue` answers it in the same
number of queries whatever the number of tickets, each read from one index
(ticket_queue_facets) rather than the ticket table:

- the choices: queues, categories, and the agents with their duty (`load_choices`);
- the counts: one GROUP BY over the tickets the search matches, by the columns the
  filters look at (status, queue, priority, assignee, reason, category), with the SLA
  states counted in each group. Each filter value's count, with every *other* active
  filter applied (facet counts: what choosing that value would show), is then summed
  from those groups in Python. There are at most as many groups as combinations of
  those few values, however many tickets there are;
- the page: one query, the 50 ids sorted within an index (a subquery), then those
  tickets with their thread, asker and assignee;
- the "nobody on duty works these queues" count, one query, only when some queue has
  nobody on duty.

Closed tickets are the desk's history and grow without end: they are counted only when
the view asks for them, so the everyday views never read them.
"""

import math
import re
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.models import User
from config import times
from escalation.models import Priority, Queue, Ticket
from forum.models import Category

Status = Ticket.Status

PAGE_SIZE = 50
# Pages are counted by OFFSET: deep pages cost more, and nobody reads ticket 5,000 of a
# list. Past this, narrowing the filters or searching finds a ticket faster.
MAX_PAGE = 100
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 8
SOON = timedelta(hours=1)  # "due within the hour"
# HO-1234567, ho1234567 or the seven digits alone: one ticket, whatever the filters.
REFERENCE = re.compile(r"(?:HO-?)?(\d{7})", re.IGNORECASE)

# status=… : which statuses each choice shows.
STATUS_VIEWS = {
    "active": Ticket.ACTIVE,
    Status.NEW: (Status.NEW,),
    Status.OPEN: (Status.OPEN,),
    Status.WAITING: (Status.WAITING,),
    Status.RESOLVED: (Status.RESOLVED,),
    Status.CLOSED: (Status.CLOSED,),
    "all": tuple(Status.values),
}
STATUS_LABELS = {
    "active": gettext_lazy("Active"),
    Status.NEW: Status.NEW.label,
    Status.OPEN: Status.OPEN.label,
    Status.WAITING: Status.WAITING.label,
    Status.RESOLVED: Status.RESOLVED.label,
    Status.CLOSED: Status.CLOSED.label,
    "all": gettext_lazy("All"),
}
# Counted in every view; closed tickets only in the views that show them.
COUNTED_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING, Status.RESOLVED)

SLA_LABELS = {
    "breached": gettext_lazy("Breached"),
    "soon": gettext_lazy("Due within the hour"),
    "fine": gettext_lazy("On track"),
}

_SLA_DUE = F("sla_due_at").asc(nulls_last=True)
SORTS = {
    "sla": [_SLA_DUE, "created_at", "pk"],
    "newest": ["-created_at", "-pk"],
    "oldest": ["created_at", "pk"],
    "priority": ["-priority", _SLA_DUE, "created_at", "pk"],
}
SORT_LABELS = {
    "sla": gettext_lazy("SLA due"),
    "newest": gettext_lazy("Newest"),
    "oldest": gettext_lazy("Oldest"),
    "priority": gettext_lazy("Priority"),
}
# In the order the sidebar shows them.
FILTERS = ("status", "assignee", "sla", "priority", "queue", "category", "reason")
FILTER_LABELS = {
    "status": gettext_lazy("Status"),
    "assignee": gettext_lazy("Assignee"),
    "sla": gettext_lazy("SLA"),
    "priority": gettext_lazy("Priority"),
    "queue": gettext_lazy("Queue"),
    "category": gettext_lazy("Category"),
    "reason": gettext_lazy("Reason"),
}
CLEAR_LABELS = {
    "assignee": gettext_lazy("Anyone"),
    "sla": gettext_lazy("Any"),
    "priority": gettext_lazy("Any"),
    "queue": gettext_lazy("All queues"),
    "category": gettext_lazy("All categories"),
    "reason": gettext_lazy("Any"),
}


@dataclass(frozen=True)
class QueueView:
    """One view of the queue, as its URL says it. "" means the filter is not set."""

    status: str = "active"
    assignee: str = ""  # "me", "none" or an agent's id; "" is anyone
    sla: str = ""  # "breached", "soon" or "fine"
    priority: str = ""
    queue: str = ""  # a queue's id, or "none"
    category: str = ""  # a category's id
    reason: str = ""
    q: str = ""
    sort: str = "sla"
    page: int = 1

    @property
    def reference(self) -> str:
        """The ticket reference the search names, or ""."""
        match = REFERENCE.fullmatch(self.q)
        return f"HO-{match[1]}" if match else ""

    def url(self, **changes) -> str:
        """This view's query string with `changes`; a new filter, search or sort starts at
        page 1. Just "?" for the default view."""
        changes.setdefault("page", 1)
        return "?" + urlencode(replace(self, **changes)._params(("q", "page")))

    @property
    def kept_params(self) -> list[tuple[str, str]]:
        """The filters and sort that differ from the defaults: the search form keeps them."""
        return self._params(())

    def _params(self, extra: tuple[str, ...]) -> list[tuple[str, str]]:
        return [
            (name, getattr(self, name))
            for name in (*FILTERS, "sort", *extra)
            if getattr(self, name) != getattr(DEFAULT_VIEW, name)
        ]


DEFAULT_VIEW = QueueView()


# --- Choices: queues, categories, agents -------------------------------------------


@dataclass
class Agent:
    pk: int
    username: str
    display_name: str
    is_on_duty: bool = False
    queue_ids: set[int] = field(default_factory=set)  # empty: every queue

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


@dataclass
class Choices:
    queues: list[Queue]
    categories: list[Category]
    agents: list[Agent]


def load_choices() -> Choices:
    """The queues, categories and agents (with their duty and queues): three queries."""
    return Choices(
        queues=list(Queue.objects.only("name")),
        categories=list(Category.objects.only("name", "name_zh_hans")),
        agents=load_agents(),
    )


def load_agents() -> list[Agent]:
    """Everyone on the support team, by name, with their duty and queues: one query."""
    agents: dict[int, Agent] = {}
    rows = (
        User.objects.filter(roles.agents_q())
        .values_list(
            "pk", "username", "display_name", "agent_status__on_duty", "agent_status__queues"
        )
        .distinct()
    )
    for pk, username, display_name, on_duty, queue_id in rows:
        agent = agents.setdefault(pk, Agent(pk, username, display_name, bool(on_duty)))
        if queue_id is not None:
            agent.queue_ids.add(queue_id)
    return sorted(agents.values(), key=lambda agent: agent.public_name.casefold())


# --- SLA ---------------------------------------------------------------------------------


def sla_conditions(now: datetime) -> dict[str, Q]:
    """The three SLA states as conditions: each ticket is in exactly one.

    Breached: the next deadline has passed (the sweep may not have marked it yet), or a
    target was missed and is still missed (the first response never came; the
    resolution target passed and the ticket is not done). Soon: the next deadline is
    within the hour. Fine: everything else, tickets with no running clock included.
    `sla_state` says the same of one ticket in Python; keep the two in step.
    """
    first_response_missed = Q(
        first_response_breached_at__isnull=False, first_responded_at__isnull=True
    )
    resolution_missed = Q(resolution_breached_at__isnull=False, status__in=Ticket.ACTIVE)
    not_missed = (
        Q(first_response_breached_at__isnull=True) | Q(first_responded_at__isnull=False)
    ) & (Q(resolution_breached_at__isnull=True) | ~Q(status__in=Ticket.ACTIVE))
    return {
        "breached": Q(sla_due_at__lte=now) | first_response_missed | resolution_missed,
        "soon": Q(sla_due_at__gt=now, sla_due_at__lte=now + SOON) & not_missed,
        "fine": (Q(sla_due_at__isnull=True) | Q(sla_due_at__gt=now + SOON)) & not_missed,
    }


def sla_state(ticket: Ticket, now: datetime) -> str:
    """One ticket's SLA state as sla_conditions has it (breached, soon or fine), with
    fine told apart as "paused" (waiting on the asker) and "done" for display."""
    due = ticket.sla_due_at
    if (due is not None and due <= now) or ticket.is_sla_breached:
        return "breached"
    if due is not None and due <= now + SOON:
        return "soon"
    if ticket.status == Status.WAITING:
        return "paused"
    if not ticket.is_active:
        return "done"
    return "fine"


def overdue_text(due_at: datetime | None, *, now: datetime) -> str:
    """The one label of a missed SLA target, in the queue and on the ticket ("Overdue by 2 days")."""
    if due_at is None or due_at > now:
        return _("Overdue")
    return _("Overdue by %(time)s") % {"time": times.since(due_at, now=now, depth=1)}


def missed_due_at(ticket: Ticket, now: datetime) -> datetime | None:
    """When the earliest target the ticket has missed was due (None if none is missed).

    The next deadline when it has passed; otherwise a target the sweep marked missed
    (the resolution target of a ticket now waiting on the asker, say), whose due time
    may have been cleared: then the moment it was marked missed.
    """
    if ticket.sla_due_at is not None and ticket.sla_due_at <= now:
        return ticket.sla_due_at
    missed = []
    if ticket.first_response_breached_at and not ticket.first_responded_at:
        missed.append(ticket.first_response_due_at or ticket.first_response_breached_at)
    if ticket.resolution_breached_at and ticket.is_active:
        missed.append(ticket.resolution_due_at or ticket.resolution_breached_at)
    return min(missed, default=None)


def sla_text(ticket: Ticket, now: datetime) -> str:
    """The row's countdown, to the unit that matters ("Due in 3 hours", "Overdue by 2 days")."""
    due = ticket.sla_due_at
    if ticket.sla_state == "breached":
        return overdue_text(missed_due_at(ticket, now), now=now)
    if due is not None:
        return _("Due in %(time)s") % {"time": times.until(due, now=now, depth=1)}
    if ticket.sla_state == "paused":
        return _("Paused")
    return ""


# --- Filters --------------------------------------------------------------------------------

# The columns the counts group by, in ticket_queue_facets' order, and the filter that
# looks at each. The SLA filter is counted within each group instead.
GROUPED_BY = ("status", "queue_id", "priority", "assignee_id", "reason", "category_id")
FILTER_COLUMNS = {
    "status": "status",
    "queue": "queue_id",
    "priority": "priority",
    "assignee": "assignee_id",
    "reason": "reason",
    "category": "category_id",
}
# Each filter's position in a _Group (the filters' loop compares values by position).
COLUMN_OF = {name: GROUPED_BY.index(column) for name, column in FILTER_COLUMNS.items()}


class _Group(namedtuple("_Group", [*GROUPED_BY, "tickets", "breached", "soon"])):
    """One row of the counts' GROUP BY: the grouped columns, then the aggregates, by name
    (count_tickets annotates `tickets`, `breached` and `soon`)."""

    __slots__ = ()

    @property
    def fine(self) -> int:
        return self.tickets - self.breached - self.soon


def _assignee_id(value: str, *, user) -> int | None:
    if value == "me":
        return user.pk
    return None if value == "none" else int(value)


def _column_values(view: QueueView, *, user) -> dict[str, frozenset]:
    """The active filters other than SLA, as the column values each one lets through.

    A reference search ignores every filter: it names one ticket, in any state.
    """
    if view.reference:
        return {}
    allowed = {}
    if view.status != "all":
        allowed["status"] = frozenset(STATUS_VIEWS[view.status])
    if view.assignee:
        allowed["assignee"] = frozenset([_assignee_id(view.assignee, user=user)])
    if view.priority:
        allowed["priority"] = frozenset([int(view.priority)])
    if view.queue:
        allowed["queue"] = frozenset([None if view.queue == "none" else int(view.queue)])
    if view.category:
        allowed["category"] = frozenset([int(view.category)])
    if view.reason:
        allowed["reason"] = frozenset([view.reason])
    return allowed


def _conditions(allowed: dict[str, frozenset], view: QueueView, *, now) -> Q:
    """Every active filter, SLA included, as one condition for the page's query."""
    condition = Q()
    for name, values in allowed.items():
        column = FILTER_COLUMNS[name]
        if values == {None}:
            condition &= Q(**{f"{column}__isnull": True})
        else:
            condition &= Q(**{f"{column}__in": sorted(values)})
    if view.sla and not view.reference:
        condition &= sla_conditions(now)[view.sla]
    return condition


def _search_condition(view: QueueView) -> Q:
    """The tickets the search finds: the reference, or every word in the title, or the
    asker, whose username or display name contains the search.

    A text search reads every ticket's thread, which no index helps with; as a
    subquery the database runs it once per statement and keeps the ids, rather than
    joining threads and askers into the counts and the sort.
    """
    if view.reference:
        return Q(reference=view.reference)
    if not view.q:
        return Q()
    in_title = Q()
    for word in view.q.split()[:SEARCH_MAX_WORDS]:
        in_title &= Q(thread__title__icontains=word)
    askers = User.objects.filter(
        Q(username__icontains=view.q) | Q(display_name__icontains=view.q)
    ).values("pk")
    found = Ticket.objects.filter(in_title | Q(requester__in=askers))
    if not _shows_closed(view):
        found = found.filter(status__in=COUNTED_STATUSES)
    return Q(pk__in=found.values("pk"))


def _shows_closed(view: QueueView) -> bool:
    return bool(view.reference) or view.status in (Status.CLOSED, "all")


# --- Counts ------------------------------------------------------------------------------------


@dataclass
class Counts:
    total: int
    by_filter: dict[str, dict[str, int]]  # filter → value (as in the URL) → tickets


def count_tickets(view: QueueView, *, user, now: datetime) -> Counts:
    """The view's number of tickets, and each filter value's with the other filters applied.

    One query (see the module docstring). A ticket counts for a filter value when it
    has that value and passes every other active filter; for the view's total when it
    passes them all.
    """
    allowed = _column_values(view, user=user)
    tickets = Ticket.objects.filter(_search_condition(view))
    if not _shows_closed(view):
        tickets = tickets.filter(status__in=COUNTED_STATUSES)
    sla = sla_conditions(now)
    groups = (
        tickets.order_by()
        .values_list(*GROUPED_BY)
        .annotate(
            tickets=Count("pk"),
            breached=Count("pk", filter=sla["breached"]),
            soon=Count("pk", filter=sla["soon"]),
        )
    )
    # Thousands of groups on a busy desk: the loop below keeps to tuples and ints, and
    # reads the rows straight from the cursor (the ORM's iterator costs as much again).
    sql, params = groups.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = list(map(_Group._make, cursor.fetchall()))
    tests = [(COLUMN_OF[name], values) for name, values in allowed.items()]
    # The tickets of a group that the view's SLA filter lets through.
    in_view = _IN_SLA_STATE["" if view.reference else view.sla]
    total = passing = breached = soon = 0
    # Per column: column value → tickets that pass the other filters.
    per_column: list[dict] = [defaultdict(int) for _ in GROUPED_BY]
    for row in rows:
        tickets_here = in_view(row)
        failed = -1
        for column, values in tests:
            if row[column] not in values:
                if failed >= 0:
                    break  # fails two filters: counted nowhere
                failed = column
        else:
            if failed >= 0:  # counts only where choosing another value would show it
                per_column[failed][row[failed]] += tickets_here
                continue
            total += tickets_here
            passing += row.tickets
            breached += row.breached
            soon += row.soon
            for column in range(len(GROUPED_BY)):
                per_column[column][row[column]] += tickets_here
    by_filter = {
        name: _by_url_value(name, per_column[column], user_id=user.pk)
        for name, column in COLUMN_OF.items()
    }
    by_filter["sla"] = {"breached": breached, "soon": soon, "fine": passing - breached - soon}
    return Counts(total=total, by_filter=by_filter)


# A group's tickets in each SLA state the filter offers; "" (no SLA filter): all of them.
_IN_SLA_STATE = {
    "": lambda group: group.tickets,
    "breached": lambda group: group.breached,
    "soon": lambda group: group.soon,
    "fine": lambda group: group.fine,
}


def _by_url_value(name: str, counts: dict, *, user_id: int) -> dict[str, int]:
    """A column's counts under the values the URL uses for its filter."""
    by_value: dict[str, int] = defaultdict(int)
    for value, number in counts.items():
        if name == "status":
            by_value["all"] += number
            if value in Ticket.ACTIVE:
                by_value["active"] += number
        elif value is None:
            value = "none"
        elif name == "assignee" and value == user_id:
            by_value["me"] += number
        by_value[str(value)] += number
    return by_value


# --- The sidebar of filters ------------------------------------------------------------------


@dataclass
class FilterOption:
    value: str
    label: str
    count: int | None  # None: not counted (closed tickets, in a view without them)
    url: str
    is_selected: bool
    tone: str = ""  # "danger" or "warning": a count that needs someone's attention


@dataclass
class Filter:
    name: str
    label: str
    options: list[FilterOption]
    clear_url: str = ""  # "" for status, which always has a value
    clear_label: str = ""

    @property
    def is_set(self) -> bool:
        return any(option.is_selected for option in self.options)


def _options(choices: Choices) -> dict[str, list[tuple[str, str]]]:
    """Each filter's values as (value in the URL, label), in the order shown."""
    statuses = ["active", *COUNTED_STATUSES, Status.CLOSED, "all"]
    return {
        "status": [(value, str(STATUS_LABELS[value])) for value in statuses],
        "assignee": [("me", _("Me")), ("none", _("Unassigned"))]
        + [(str(agent.pk), agent.public_name) for agent in choices.agents],
        "sla": [(value, str(label)) for value, label in SLA_LABELS.items()],
        "priority": [(str(priority.value), priority.label) for priority in reversed(Priority)],
        "queue": [(str(queue.pk), queue.name) for queue in choices.queues]
        + [("none", _("No queue"))],
        "category": [
            (str(category.pk), category.localized_name) for category in choices.categories
        ],
        "reason": [(reason.value, reason.label) for reason in Ticket.Reason],
    }


def _filters(view: QueueView, choices: Choices, counts: Counts) -> list[Filter]:
    counted_closed = _shows_closed(view)
    filters = []
    for name, options in _options(choices).items():
        selected = getattr(view, name)
        sidebar = Filter(name=name, label=str(FILTER_LABELS[name]), options=[])
        if name != "status":
            sidebar.clear_url = view.url(**{name: ""})
            sidebar.clear_label = str(CLEAR_LABELS[name])
        for value, label in options:
            count = counts.by_filter[name].get(value, 0)
            if name == "status" and value in (Status.CLOSED, "all") and not counted_closed:
                count = None
            sidebar.options.append(
                FilterOption(
                    value=value,
                    label=str(label),
                    count=count,
                    url=view.url(**{name: value}),
                    is_selected=selected == value,
                    tone=_tone(name, value) if count else "",
                )
            )
        filters.append(sidebar)
    return filters


def _tone(name: str, value: str) -> str:
    if (name, value) == ("sla", "breached"):
        return "danger"
    if (name, value) in {("sla", "soon"), ("assignee", "none"), ("status", Status.NEW)}:
        return "warning"
    return ""


# --- Nobody on duty ------------------------------------------------------------------------


def _uncovered_condition(agents: list[Agent]) -> Q | None:
    """Unassigned active tickets that no on-duty agent works; None when there are none.

    Mirrors escalation.services.assignment: an agent with no queues works every queue, and a
    ticket without a queue goes to anyone on duty.
    """
    on_duty = [agent for agent in agents if agent.is_on_duty]
    if any(not agent.queue_ids for agent in on_duty):
        return None
    waiting = Q(assignee__isnull=True, status__in=Ticket.ACTIVE)
    if not on_duty:
        return waiting
    covered = set().union(*(agent.queue_ids for agent in on_duty))
    return waiting & Q(queue__isnull=False) & ~Q(queue_id__in=covered)


# --- The page ------------------------------------------------------------------------------


@dataclass
class QueuePage:
    view: QueueView
    tickets: list[Ticket]
    total: int
    page: int
    pages: int
    filters: list[Filter]
    agents: list[Agent]
    nobody_on_duty: bool
    uncovered: int  # unassigned active tickets in queues that nobody on duty works
    notices: list[str]
    sorts: list[tuple[str, str, str, bool]]  # (value, label, url, is_selected)

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.tickets else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.tickets)

    @property
    def previous_url(self) -> str:
        return self.view.url(page=self.page - 1) if self.page > 1 else ""

    @property
    def next_url(self) -> str:
        return self.view.url(page=self.page + 1) if self.page < self.pages else ""

    @property
    def unassigned_url(self) -> str:
        return DEFAULT_VIEW.url(assignee="none")


ROW_FIELDS = (
    "reference",
    "status",
    "priority",
    "queue_id",
    "category_id",
    "reason",
    "created_at",
    "sla_due_at",
    "first_responded_at",
    "first_response_breached_at",
    "resolution_breached_at",
    "first_response_due_at",  # for how long a missed target is overdue
    "resolution_due_at",
    "thread__title",
    "thread__slug",
    "requester__username",
    "requester__display_name",
    "assignee__username",
    "assignee__display_name",
)


def load_queue(view: QueueView, *, choices: Choices, user, now: datetime) -> QueuePage:
    """The page of tickets the view shows, with the counts: see the module docstring."""
    counts = count_tickets(view, user=user, now=now)
    page, pages, notices = _page_number(view.page, counts.total)
    condition = _search_condition(view) & _conditions(
        _column_values(view, user=user), view, now=now
    )
    order = SORTS[view.sort]
    # The ids first, sorted within the index; then only those rows, with their joins.
    ids = (
        Ticket.objects.filter(condition)
        .order_by(*order)
        .values("pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    )
    tickets = list(
        Ticket.objects.filter(pk__in=ids)
        .select_related("thread", "requester", "assignee")
        .only(*ROW_FIELDS)
        .order_by(*order)
    )
    _label_rows(tickets, choices, now=now)

    uncovered_condition = _uncovered_condition(choices.agents)
    uncovered = Ticket.objects.filter(uncovered_condition).count() if uncovered_condition else 0
    return QueuePage(
        view=view,
        tickets=tickets,
        total=counts.total,
        page=page,
        pages=pages,
        filters=_filters(view, choices, counts),
        agents=choices.agents,
        nobody_on_duty=not any(agent.is_on_duty for agent in choices.agents),
        uncovered=uncovered,
        notices=notices,
        sorts=[
            (value, str(label), view.url(sort=value), value == view.sort)
            for value, label in SORT_LABELS.items()
        ],
    )


def _label_rows(tickets: list[Ticket], choices: Choices, *, now) -> None:
    """What each row shows beyond its fields: names and labels looked up once a page,
    not once a row (the template's per-row lookups were most of the page's time)."""
    categories = {category.pk: category.localized_name for category in choices.categories}
    queues = {queue.pk: queue.name for queue in choices.queues}
    statuses = {value: str(label) for value, label in Status.choices}
    priorities = {value: str(label) for value, label in Priority.choices}
    reasons = {value: str(label) for value, label in Ticket.Reason.choices}
    # The staff ticket URL of each row, from one reverse() (see Ticket.get_staff_url).
    url_prefix = reverse("escalation:staff-ticket", args=["HO-0000000"]).rsplit("HO-0000000", 1)
    for ticket in tickets:
        ticket.sla_state = sla_state(ticket, now)
        ticket.sla_text = sla_text(ticket, now)
        ticket.category_name = categories.get(ticket.category_id, "")
        ticket.queue_name = queues.get(ticket.queue_id, "")
        ticket.status_label = statuses.get(ticket.status, ticket.status)
        ticket.priority_label = priorities.get(ticket.priority, ticket.priority)
        ticket.reason_label = reasons.get(ticket.reason, ticket.reason)
        ticket.staff_url = ticket.reference.join(url_prefix)


def _page_number(asked: int, total: int) -> tuple[int, int, list[str]]:
    """(the page to show, the number of pages, notices): a page past the end shows the last."""
    pages = min(max(1, math.ceil(total / PAGE_SIZE)), MAX_PAGE)
    if asked <= pages:
        return asked, pages, []
    if pages == MAX_PAGE:
        notice = _(
            "Only the first %(pages)d pages are listed: filter or search to find the others."
        ) % {"pages": MAX_PAGE}
    else:
        notice = _("There is no page %(page)d: this is the last page.") % {"page": asked}
    return pages, pages, [notice]
