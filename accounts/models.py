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
    # notifications.services changes it, with F() in the transaction that creates or
    # reads notifications; mark_all_read resets it to 0, which also repairs any drift.
    unread_notification_count = models.PositiveIntegerField(default=0, editable=False)

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
