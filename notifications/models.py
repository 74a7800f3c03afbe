from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """An email waiting to be sent, or sent: the outbox.

    Written in the same transaction as whatever caused it, so a mail can be delayed
    by a broker or SMTP outage but never lost. Delivery claims a row before sending,
    so two workers never send the same mail twice.
    """

    to = models.JSONField(_("recipients"))
    subject = models.CharField(_("subject"), max_length=998)
    text = models.TextField(_("plain text"))
    html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    # Never sent, on purpose: what it told of was hidden or deleted, or its recipient may
    # no longer see it, by the time it was due (notifications.visibility).
    skipped_at = models.DateTimeField(null=True, blank=True)
    # A notification's email is written empty and rendered by the worker that sends it
    # (in the recipient's language as it is then): a sweep that escalates ten thousand
    # threads writes ten thousand rows, not ten thousand rendered templates.
    notification = models.OneToOneField(
        "Notification", on_delete=models.CASCADE, null=True, blank=True, related_name="email"
    )

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            models.Index(
                fields=["send_after"],
                name="outbox_pending_idx",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True, skipped_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Notification(models.Model):
    """One thing we told one person, in the app and/or by email.

    Only the kind and the values the message needs (`params`) are stored: the text is
    rendered when it is shown (notifications.messages), in the viewer's language and
    time zone. A row with `is_in_app=False` is never listed; it exists because the
    person wants that kind by email only, and it still holds the dedupe key.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("Replies on threads I follow")
        ANSWER_ACCEPTED = "answer_accepted", _("My answer is accepted")
        NEEDS_HELP = "needs_help", _("My question needs help, with tips to improve it")
        ESCALATED = "escalated", _("My question goes to the support team")
        HELPER_NEEDS_HELP = (
            "helper_needs_help",
            _("Questions that need help in categories I follow (for helpers)"),
        )
        SOLVE_NUDGE = "solve_nudge", _("Reminders to accept the answer that solved my question")
        STAFF_REPLIED = "staff_replied", _("The support team answered my question")
        REQUEST_RESOLVED = (
            "request_resolved",
            _("My support request is resolved, with a short survey"),
        )
        REQUEST_REOPENED = "request_reopened", _("My support request is reopened")
        REQUEST_CLOSED = "request_closed", _("My support request is closed")
        TICKET_ASSIGNED = "ticket_assigned", _("A ticket is assigned to me (support team)")
        TICKET_REOPENED = (
            "ticket_reopened",
            _("The asker reopened a ticket of mine (support team)"),
        )
        FIRST_RESPONSE_BREACHED = (
            "first_response_breached",
            _("A ticket missed its first response target (support team)"),
        )
        RESOLUTION_BREACHED = (
            "resolution_breached",
            _("A ticket missed its resolution target (support team)"),
        )

    # Kinds only the support team gets: the settings page shows them to agents only.
    STAFF_KINDS = frozenset(
        {
            Kind.TICKET_ASSIGNED,
            Kind.TICKET_REOPENED,
            Kind.FIRST_RESPONSE_BREACHED,
            Kind.RESOLUTION_BREACHED,
        }
    )

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    url = models.CharField(_("link"), max_length=500, help_text=_("A path on this site."))
    params = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True)
    is_in_app = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            # Two sweeps racing to tell someone the same thing: the second insert fails.
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at", "-id"],
                condition=Q(is_in_app=True),
                name="notification_list",
            ),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class Channels(NamedTuple):
    in_app: bool
    email: bool


# What everyone gets until they choose otherwise. Helper alerts come by email only to
# those who ask: a helper may follow busy categories, and an inbox full of other
# people's questions is how helpers stop helping. The site's own list shows them all.
DEFAULT_CHANNELS: dict[str, Channels] = {
    Notification.Kind.REPLY: Channels(in_app=True, email=True),
    Notification.Kind.ANSWER_ACCEPTED: Channels(in_app=True, email=True),
    Notification.Kind.NEEDS_HELP: Channels(in_app=True, email=True),
    Notification.Kind.ESCALATED: Channels(in_app=True, email=True),
    Notification.Kind.HELPER_NEEDS_HELP: Channels(in_app=True, email=False),
    Notification.Kind.SOLVE_NUDGE: Channels(in_app=True, email=True),
    Notification.Kind.STAFF_REPLIED: Channels(in_app=True, email=True),
    Notification.Kind.REQUEST_RESOLVED: Channels(in_app=True, email=True),
    Notification.Kind.REQUEST_REOPENED: Channels(in_app=True, email=True),
    Notification.Kind.REQUEST_CLOSED: Channels(in_app=True, email=True),
    Notification.Kind.TICKET_ASSIGNED: Channels(in_app=True, email=True),
    Notification.Kind.TICKET_REOPENED: Channels(in_app=True, email=True),
    Notification.Kind.FIRST_RESPONSE_BREACHED: Channels(in_app=True, email=True),
    Notification.Kind.RESOLUTION_BREACHED: Channels(in_app=True, email=True),
}


class NotificationSettings(models.Model):
    """One person's choices: channels per kind, helper opt-in, quiet hours.

    No row, or no entry for a kind in `channels`, means DEFAULT_CHANNELS. `channels`
    keeps only what differs from the defaults ({"reply": {"email": false}}), so a
    default changed in code reaches everyone who never chose otherwise.

    One row with a JSON field rather than a row per (user, kind): notify_many needs
    both the channels and the quiet hours of every recipient, and one row each brings
    both in a single `user_id IN (...)` query; saving the form writes one row. Nothing
    ever asks "who wants email for kind X?" in SQL (the caller names the recipients),
    which is the one question a JSON field would make slow.

    Quiet hours are local times in the user's own time zone and may wrap midnight
    (22:00–07:00). They hold back helper alerts' email only.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    channels = models.JSONField(default=dict, blank=True)
    is_helper = models.BooleanField(_("helper"), default=False)
    quiet_hours_start = models.TimeField(_("quiet hours start"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours end"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | (
                    Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False)
                    & ~Q(quiet_hours_start=models.F("quiet_hours_end"))
                ),
                name="quiet_hours_both_or_neither",
            )
        ]

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"

    @property
    def has_quiet_hours(self) -> bool:
        return self.quiet_hours_start is not None and self.quiet_hours_end is not None


def channels_for(row: NotificationSettings | None, kind: str) -> Channels:
    """The channels someone wants for `kind`: their choice where they made one, else the default."""
    default = DEFAULT_CHANNELS[kind]
    chosen = (row.channels if row else {}).get(kind) or {}
    return Channels(
        in_app=bool(chosen.get("in_app", default.in_app)),
        email=bool(chosen.get("email", default.email)),
    )
