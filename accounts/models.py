import zoneinfo
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import powers, roles


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value})


LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


class User(AbstractUser):
    """A person with an account. Profile fields live here: one row, no extra join."""

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    reputation = models.IntegerField(_("reputation"), default=0)
    # The header's badge, read from the row the session already loads. Only
    # notifications.services.unread changes it, with F() in the transaction that creates or
    # reads notifications; mark_all_read resets it to 0, which also repairs any drift.
    unread_notification_count = models.PositiveIntegerField(default=0, editable=False)
    # The account's standing, read on every request from the row the session loads:
    # until when it may not post (silenced) or sign in (suspended). A time in the past
    # means nothing (a sanction ends by the clock); accounts.standing reads these and
    # forum.sanctions is the only writer, with the Sanction row that says who and why.
    silenced_until = models.DateTimeField(_("silenced until"), null=True, editable=False)
    suspended_until = models.DateTimeField(_("suspended until"), null=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [models.Index(fields=["-reputation"], name="user_reputation_idx")]

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.username])

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    @cached_property
    def group_names(self) -> frozenset[str]:
        """Names of the user's role groups (selectors fill this for many users at once)."""
        if not self.pk:
            return frozenset()
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("groups")
        if prefetched is not None:
            return frozenset(group.name for group in prefetched if group.name in roles.ALL_GROUPS)
        return roles.role_names_by_user([self.pk])[self.pk]

    # Roles say who someone is; accounts.powers says what this request may do with them.
    @property
    def is_moderator(self) -> bool:
        """Holds the moderator role. Acting as one needs powers.acts_as_moderator."""
        return self.is_active and (self.is_superuser or roles.MODERATORS in self.group_names)

    @property
    def is_agent(self) -> bool:
        """Holds the agent role. Acting as one needs powers.acts_as_agent."""
        return (
            self.is_active
            and self.is_staff
            and (self.is_superuser or roles.AGENTS in self.group_names)
        )

    @property
    def acts_as_agent(self) -> bool:
        return powers.acts_as_agent(self)

    @property
    def acts_as_moderator(self) -> bool:
        return powers.acts_as_moderator(self)

    @property
    def needs_second_factor(self) -> bool:
        return powers.needs_second_factor(self)


class RoleChange(models.Model):
    """One role granted or revoked: a group, staff status or superuser status.

    Written by accounts.audit from model signals, whatever made the change (the admin,
    a shell, a command); read-only everywhere. Names are copied so the record outlives
    the accounts it names.
    """

    class Action(models.TextChoices):
        GRANTED = "granted", _("granted")
        REVOKED = "revoked", _("revoked")

    STAFF = "is_staff"
    SUPERUSER = "is_superuser"
    FLAG_LABELS = {STAFF: _("staff status"), SUPERUSER: _("superuser status")}

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="role_changes",
    )
    username = models.CharField(_("username"), max_length=150)
    # A group's name, or is_staff / is_superuser for the two flags.
    role = models.CharField(_("role"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        User,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's username, or "system" when no signed-in person made the change.
    actor_name = models.CharField(_("changed by"), max_length=150)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        ordering = ["-changed_at", "-pk"]
        indexes = [
            models.Index(fields=["-changed_at"], name="rolechange_changed_idx"),
            models.Index(fields=["user", "-changed_at"], name="rolechange_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username}: {self.role_label} {self.get_action_display()}"

    @property
    def role_label(self) -> str:
        return self.FLAG_LABELS.get(self.role, self.role)


class Sanction(models.Model):
    """A moderator silenced or suspended an account, for a period or until lifted.

    Written only by forum.sanctions (with the User's silenced_until/suspended_until and a
    moderation log line); never edited after, except to record that it was lifted. Whether
    it holds now is computed from ends_at and lifted_at (accounts.standing): a period ends
    by itself, no job has to run.
    """

    class Kind(models.TextChoices):
        SILENCE = "silence", _("silenced")
        SUSPEND = "suspend", _("suspended")

    user = models.ForeignKey(
        User, verbose_name=_("member"), on_delete=models.CASCADE, related_name="sanctions"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("from"), default=timezone.now)
    # Empty: until a moderator lifts it.
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        User,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("account sanction")
        verbose_name_plural = _("account sanctions")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["user", "-starts_at"], name="sanction_user_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} from {self.starts_at:%Y-%m-%d %H:%M}"

    def is_in_force(self, *, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.lifted_at is None
            and self.starts_at <= now
            and (self.ends_at is None or now < self.ends_at)
        )
