"""Escalation: policies, business calendars, thread deadlines, tickets and their events.

The forum owns threads; this app owns *when* a thread needs help or staff, and the
ticket staff work once it does. Deadlines live in their own table, one row per thread
still on a clock, so the sweep reads only due rows and the forum's tables stay its own.
"""

import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import validate_timezone
from escalation import business_time
from forum.models import Category, Thread


class BusinessCalendar(models.Model):
    """When the support team works: weekly opening hours in a time zone, minus holidays."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(
        _("closes at"), help_text=_("00:00 means midnight at the end of the day.")
    )

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("closes_at")) | Q(closes_at="00:00"),
                name="opening_hours_opens_before_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def minutes(self) -> tuple[int, int]:
        start = self.opens_at.hour * 60 + self.opens_at.minute
        end = self.closes_at.hour * 60 + self.closes_at.minute
        return start, end or business_time.MINUTES_PER_DAY

    def clean(self) -> None:
        if self.opens_at is None or self.closes_at is None:
            return  # the missing or malformed time is already reported on its field
        start, end = self.minutes
        if start >= end:
            raise ValidationError(_("Opening time must come before closing time."))
        overlapping = OpeningHours.objects.filter(
            calendar_id=self.calendar_id, weekday=self.weekday
        ).exclude(pk=self.pk)
        for other in overlapping:
            other_start, other_end = other.minutes
            if start < other_end and other_start < end:
                raise ValidationError(_("These hours overlap %(other)s.") % {"other": other})


class Holiday(models.Model):
    """A day the calendar is closed, or (is_working_day) open with Monday's hours (调休)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField(_("date"))
    # Shown to visitors (/support/) in their language: the Chinese name when they read
    # Chinese and one is given, the other name otherwise.
    name = models.CharField(_("name (English)"), max_length=80)
    name_zh_hans = models.CharField(_("name (Simplified Chinese)"), max_length=80, blank=True)
    is_working_day = models.BooleanField(
        _("make-up working day"),
        default=False,
        help_text=_("Open with Monday's hours although it falls on a weekend."),
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    @property
    def localized_name(self) -> str:
        if (get_language() or "").startswith("zh") and self.name_zh_hans:
            return self.name_zh_hans
        return self.name


class Queue(models.Model):
    """Where tickets wait for an agent: e.g. Transfers, Security, General."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("queue")
        verbose_name_plural = _("queues")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Priority(models.IntegerChoices):
    LOW = 10, _("Low")
    NORMAL = 20, _("Normal")
    HIGH = 30, _("High")
    URGENT = 40, _("Urgent")


class EscalationPolicy(models.Model):
    """How long a category's questions wait before the community, then staff, are asked."""

    class Answered(models.TextChoices):
        REPLY = "reply", _("A reply from anyone but the asker")
        STAFF_REPLY = "staff_reply", _("A reply from the support team")
        ACCEPTED = "accepted", _("An accepted answer")
        HELPFUL = "helpful", _("An answer with at least one helpful vote")

    category = models.OneToOneField(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_policy",
        help_text=_("Leave empty for the site default, used by categories without their own."),
    )
    answered_when = models.CharField(
        _("a question counts as answered when"),
        max_length=20,
        choices=Answered,
        default=Answered.REPLY,
    )
    needs_help_after = models.DurationField(
        _("needs help after"),
        default=timedelta(hours=4),
        help_text=_("Unanswered this long: shown to the community as needing an answer."),
    )
    escalate_after = models.DurationField(
        _("escalate after"),
        default=timedelta(hours=24),
        help_text=_("Unanswered this long: a ticket is opened for the support team."),
    )
    escalate_unsolved_after = models.DurationField(
        _("escalate unsolved after"),
        null=True,
        blank=True,
        help_text=_(
            "Answered but with no accepted answer this long after it was asked: a ticket is opened. Empty: never."
        ),
    )
    member_can_request_after = models.DurationField(
        _("asker may ask for staff after"),
        default=timedelta(hours=2),
        help_text=_("How long the asker waits before “Ask the support team” appears."),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        help_text=_("Count only the support team's opening hours. Empty: count every hour."),
    )
    ticket_priority = models.PositiveSmallIntegerField(
        _("ticket priority"), choices=Priority, default=Priority.NORMAL
    )
    ticket_queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, null=True, blank=True, related_name="policies"
    )
    first_response_target = models.DurationField(
        _("first response within"), default=timedelta(hours=8)
    )
    resolution_target = models.DurationField(_("resolution within"), default=timedelta(hours=72))
    solve_nudge_after = models.DurationField(
        _("ask “did this solve it?” after"),
        null=True,
        blank=True,
        default=timedelta(days=3),
        help_text=_(
            "How long after the first answer an asker who accepted none is reminded "
            "(twice at most, the second time after twice as long). Empty: never."
        ),
    )
    close_resolved_after = models.DurationField(
        _("close resolved tickets after"),
        default=timedelta(days=7),
        help_text=_("A resolved ticket closes by itself this long after it was resolved."),
    )
    close_waiting_after = models.DurationField(
        _("close tickets waiting on the asker after"),
        null=True,
        blank=True,
        default=timedelta(days=7),
        help_text=_(
            "A ticket waiting on the asker closes by itself when they have not replied for "
            "this long. Empty: never."
        ),
    )
    reopen_within = models.DurationField(
        _("the asker may reopen within"),
        default=timedelta(days=7),
        help_text=_("How long after resolution the asker can reopen their request."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        constraints = [
            # At most one site default: the categories' ids are unique, and no category is 0.
            models.UniqueConstraint(
                Coalesce("category", Value(0)),
                name="escalation_policy_one_per_category",
                violation_error_message=_("This category (or the site) already has a policy."),
            ),
            models.CheckConstraint(
                condition=Q(needs_help_after__lte=models.F("escalate_after")),
                name="escalation_policy_needs_help_before_escalation",
                violation_error_message=_("“Needs help” must come before escalation."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.category) if self.category_id else str(_("Site default"))

    def clean(self) -> None:
        if self.category_id is None:
            others = EscalationPolicy.objects.filter(category__isnull=True).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError(_("There is already a site default policy."))
        for name in (
            "needs_help_after",
            "escalate_after",
            "member_can_request_after",
            "first_response_target",
            "resolution_target",
            "close_resolved_after",
            "close_waiting_after",
            "reopen_within",
        ):
            value = getattr(self, name)
            if value is not None and value < timedelta(0):
                raise ValidationError({name: _("Durations cannot be negative.")})


class ThreadClock(models.Model):
    """The next instants at which a thread needs help or escalates: the sweep's index.

    One row per thread. A null instant means that clock is not running. Recomputed from
    the thread's facts whenever a forum event might change them; the sweep re-checks the
    facts before it acts, so a stale row can delay an action but never cause a wrong one.
    """

    thread = models.OneToOneField(
        Thread, on_delete=models.CASCADE, primary_key=True, related_name="clock"
    )
    needs_help_at = models.DateTimeField(null=True, blank=True)
    escalate_at = models.DateTimeField(null=True, blank=True)
    member_can_request_at = models.DateTimeField(null=True, blank=True)
    nudge_at = models.DateTimeField(null=True, blank=True)
    nudges_sent = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thread clock")
        verbose_name_plural = _("thread clocks")
        indexes = [
            models.Index(
                fields=["needs_help_at"],
                name="clock_needs_help_due",
                condition=Q(needs_help_at__isnull=False),
            ),
            models.Index(
                fields=["escalate_at"],
                name="clock_escalate_due",
                condition=Q(escalate_at__isnull=False),
            ),
            models.Index(
                fields=["nudge_at"], name="clock_nudge_due", condition=Q(nudge_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"thread {self.thread_id}: needs help {self.needs_help_at}, escalates {self.escalate_at}"


def new_reference() -> str:
    """HO- and seven random digits: quotable, and says nothing about how many tickets exist."""
    return f"HO-{secrets.randbelow(9_000_000) + 1_000_000}"


class Ticket(models.Model):
    class Reason(models.TextChoices):
        UNANSWERED = "unanswered", _("Unanswered")
        UNSOLVED = "unsolved", _("Answered but unsolved")
        ASKER = "asker", _("The asker asked for staff")
        MODERATOR = "moderator", _("Escalated by a moderator")
        AGENT = "agent", _("Escalated by an agent")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting on the asker")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    ACTIVE = (Status.NEW, Status.OPEN, Status.WAITING)
    # What the asker reads: plain words for where their request stands.
    ASKER_STATUS = {
        Status.NEW: _("Waiting for the support team"),
        Status.OPEN: _("Waiting for the support team"),
        Status.WAITING: _("We answered — please check"),
        Status.RESOLVED: _("Resolved"),
        Status.CLOSED: _("Closed"),
    }

    thread = models.OneToOneField(Thread, on_delete=models.PROTECT, related_name="ticket")
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="requests"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    note = models.TextField(_("note from the requester"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.NEW)
    resolution = models.CharField(_("resolution"), max_length=40, blank=True)
    resolution_note = models.TextField(_("resolution note"), blank=True, max_length=2000)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.NORMAL
    )
    queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    policy = models.ForeignKey(
        EscalationPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The thread's category, copied so that the staff queue counts and filters tickets
    # by category from its own index, without joining every ticket's thread. Set with
    # the ticket (services.tickets.build_ticket) and when its thread moves (receivers).
    # Unindexed on its own: only deleting a category looks tickets up by it.
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Each escalation (the first, and every reopening) is a cycle: one survey per cycle.
    escalation_count = models.PositiveSmallIntegerField(default=1)
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    # Waiting on the asker pauses the resolution clock: the counted time left is kept
    # here and resolution_due_at is empty until the ticket is worked on again.
    waiting_since = models.DateTimeField(null=True, blank=True)
    resolution_time_left = models.DurationField(null=True, blank=True)
    # The next SLA deadline the team faces (first response while unanswered, then
    # resolution; none while waiting, resolved or closed): the queue's default order.
    # compute_sla_due_at (below) is its one rule; save() keeps it in step.
    sla_due_at = models.DateTimeField(null=True, blank=True)
    # When the ticket closes by itself: after resolution, or after waiting on the asker.
    close_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["status", "-priority", "created_at"], name="ticket_queue_order"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester"),
            # The sweep's breach queries. Status first: tickets resolved without a first
            # response stay in the first index for good, and the sweep skips them by
            # status; SQLite, without statistics, also takes the index that matches
            # more columns, where it would walk ticket_queue_order's every active ticket.
            models.Index(
                fields=["status", "first_response_due_at"],
                name="ticket_first_response_due",
                condition=Q(
                    first_responded_at__isnull=True, first_response_breached_at__isnull=True
                ),
            ),
            models.Index(
                fields=["status", "resolution_due_at"],
                name="ticket_resolution_due",
                condition=Q(resolved_at__isnull=True, resolution_breached_at__isnull=True),
            ),
            # The staff queue: by SLA (its default order), and an agent's own tickets.
            models.Index(fields=["status", "sla_due_at"], name="ticket_sla_order"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee"),
            # The staff queue's counts and pages (escalation.selectors.queue): every column they
            # filter, count or sort by, so both read this index alone, never the table.
            # The counts group by its leading columns in this order.
            models.Index(
                fields=[
                    "status",
                    "queue",
                    "priority",
                    "assignee",
                    "reason",
                    "category",
                    "sla_due_at",
                    "first_response_breached_at",
                    "first_responded_at",
                    "resolution_breached_at",
                    "created_at",
                    "id",
                ],
                name="ticket_queue_facets",
            ),
            # The queue's default page, in its order: PostgreSQL reads the first 50 rows
            # here instead of sorting every active ticket. (SQLite, without statistics,
            # keeps to ticket_queue_facets and sorts; that costs it a few milliseconds.)
            models.Index(
                fields=["sla_due_at", "created_at", "id"],
                name="ticket_active_by_sla",
                condition=Q(status__in=("new", "open", "waiting")),
            ),
            models.Index(
                fields=["close_at"], name="ticket_close_due", condition=Q(close_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        self.sla_due_at = compute_sla_due_at(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "sla_due_at" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "sla_due_at"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("escalation:my-request", args=[self.reference])

    def get_staff_url(self) -> str:
        return reverse("escalation:staff-ticket", args=[self.reference])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def asker_status_label(self) -> str:
        return str(self.ASKER_STATUS[self.status])

    @property
    def is_sla_breached(self) -> bool:
        return bool(
            (self.first_response_breached_at and not self.first_responded_at)
            or (self.resolution_breached_at and self.is_active)
        )


# The fields compute_sla_due_at reads: a write of any of them writes sla_due_at too.
SLA_SOURCE_FIELDS = ("status", "first_responded_at", "first_response_due_at", "resolution_due_at")


def compute_sla_due_at(ticket: Ticket):
    """The deadline the team works to now, or None (paused, done): Ticket.sla_due_at.

    The one rule for that column. Every writer sets it from here: save() does, the
    sweep's bulk insert builds its rows with it (escalation.services.tickets), and an
    .update() of any of SLA_SOURCE_FIELDS passes it (escalation.services.assignment).
    """
    if ticket.status not in (Ticket.Status.NEW, Ticket.Status.OPEN):
        return None
    if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
        if ticket.resolution_due_at is None:
            return ticket.first_response_due_at
        return min(ticket.first_response_due_at, ticket.resolution_due_at)
    return ticket.resolution_due_at


class TicketEvent(models.Model):
    """What happened to a ticket, in order. Rows are only ever added."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        REOPENED = "reopened", _("Reopened")
        STATUS_CHANGED = "status_changed", _("Status changed")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        FIRST_RESPONSE_BREACHED = "first_response_breached", _("First response target missed")
        RESOLUTION_BREACHED = "resolution_breached", _("Resolution target missed")
        ASSIGNED = "assigned", _("Assigned")
        UNASSIGNED = "unassigned", _("Unassigned")
        PRIORITY_CHANGED = "priority_changed", _("Priority changed")
        QUEUE_CHANGED = "queue_changed", _("Queue changed")
        STAFF_REPLIED = "staff_replied", _("The support team answered")
        ASKER_REPLIED = "asker_replied", _("The asker replied")
        RATED = "rated", _("Rated")
        RATING_CHANGED = "rating_changed", _("Rating changed")

    # What the asker's own page shows: never assignments, priorities or missed targets.
    ASKER_KINDS = (
        Kind.CREATED,
        Kind.REOPENED,
        Kind.STATUS_CHANGED,
        Kind.RESOLVED,
        Kind.CLOSED,
        Kind.STAFF_REPLIED,
        Kind.ASKER_REPLIED,
        Kind.RATED,
        Kind.RATING_CHANGED,
    )

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    detail = models.CharField(max_length=200, blank=True)
    # The post a reply event is about (a staff answer, the asker's reply).
    post = models.ForeignKey(
        "forum.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_event_order")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Ticket events are append-only.")
        # Never an UPDATE: a new instance given an existing row's id would overwrite it.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    @property
    def to_status_label(self) -> str:
        """The status the ticket moved to, in the reader's language ("" if none)."""
        return Ticket.Status(self.to_status).label if self.to_status else ""

    @property
    def detail_label(self) -> str:
        """`detail` for a reader: priorities by name in their language, the rest as stored."""
        if self.kind == self.Kind.RATING_CHANGED:
            return self.detail.replace("→", " → ")
        if self.kind == self.Kind.PRIORITY_CHANGED and "→" in self.detail:
            names = []
            for code in self.detail.split("→"):
                try:
                    names.append(str(Priority(int(code)).label))
                except ValueError:
                    names.append(code)
            return " → ".join(names)
        return self.detail

    @property
    def asker_to_status_label(self) -> str:
        return str(Ticket.ASKER_STATUS[self.to_status]) if self.to_status else ""


class TicketNote(models.Model):
    """An internal note: agents and admins read it on the ticket; nobody else ever does."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("note"), max_length=20_000)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticket_note_order")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.created_at:%Y-%m-%d %H:%M}"


def new_survey_key() -> str:
    """24 random letters (136 bits): no digit, so a survey link can carry no ticket number."""
    return "".join(secrets.choice(string.ascii_letters) for _ in range(24))


class SurveyInvitation(models.Model):
    """The survey of one escalation cycle of a ticket, as its email's links name it.

    The links carry `key` (signed, with the time they were made: escalation.services.surveys), an
    opaque value: the ticket's id and reference never appear in a link.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="surveys")
    cycle = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=24, unique=True, default=new_survey_key, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "cycle"], name="survey_once_per_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: cycle {self.cycle}"


class SatisfactionRating(models.Model):
    """How the asker rated the help, once per escalation cycle of a ticket (the score may
    change for a while: escalation.services.surveys.rate)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ratings")
    cycle = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    # When the asker first rated: they may change the score for SURVEY_CHANGE_DAYS after.
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)
    commented_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "cycle"], name="rating_once_per_cycle"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.score}"


class AgentStatus(models.Model):
    """An agent on duty or away, and the queues they work (none chosen: every queue)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="agent_status",
    )
    on_duty = models.BooleanField(_("on duty"), default=False)
    queues = models.ManyToManyField(Queue, blank=True, related_name="agents")
    changed_at = models.DateTimeField(default=timezone.now)
    # Ties in automatic assignment go to whoever has waited longest for a ticket.
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agent status")
        verbose_name_plural = _("agent statuses")

    def __str__(self) -> str:
        return f"{self.user_id}: {'on duty' if self.on_duty else 'away'}"


class CannedReply(models.Model):
    """A reply agents start from. Placeholders: {asker_name}, {reference}, {thread_link}."""

    PLACEHOLDERS = ("asker_name", "reference", "thread_link")

    title = models.CharField(_("title"), max_length=120, unique=True)
    # The language the reply is written in: the ticket page offers the asker's first.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    body = models.TextField(
        _("text"),
        max_length=20_000,
        help_text=_("Markdown. Placeholders: {asker_name}, {reference}, {thread_link}."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def language_tag(self) -> str:
        """The short tag the lists show ("EN", "中文"), in the language's own words."""
        return LANGUAGE_TAGS.get(self.language, self.language.upper())


# Each language named in itself, so an agent reading either can tell the replies apart.
LANGUAGE_TAGS = {"en": "EN", "zh-hans": "中文"}
