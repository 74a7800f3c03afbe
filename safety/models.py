"""What the safety rules keep in the database: the secret guard's counts and the domain
lists admins manage.

These tables were made by the forum app, before the rules had an app of their own; they
keep their names (db_table), so moving the models moved no data (migrations/0001).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safety import guard
from safety.hosts import normalize_domain


class SecretRefusal(models.Model):
    """How many texts the secret guard refused: one counter a day per kind and form.

    Never any content, nor who wrote it: the analytics page shows how often people try to
    post their recovery phrase or private key, and where, without keeping a trace of one.
    """

    class Kind(models.TextChoices):
        RECOVERY_PHRASE = guard.Kind.RECOVERY_PHRASE, _("Recovery phrase")
        WIF = guard.Kind.WIF, _("Private key (WIF)")
        XPRV = guard.Kind.XPRV, _("Extended private key")
        LABELLED_HEX_KEY = guard.Kind.LABELLED_HEX_KEY, _("Private key (hexadecimal)")

    class Where(models.TextChoices):
        ASK = "ask", _("Question")
        REPLY = "reply", _("Reply")
        EDIT = "edit", _("Edit")
        STAFF_REPLY = "staff_reply", _("Staff reply")
        NOTE = "note", _("Internal note")
        ASK_STAFF = "ask_staff", _("Note to the support team")
        PROFILE = "profile", _("Profile")
        FLAG = "flag", _("Flag note")
        SURVEY = "survey", _("Survey comment")
        RESOLUTION = "resolution", _("Resolution note")

    day = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind)
    where = models.CharField(max_length=20, choices=Where)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "forum_secretrefusal"
        ordering = ["-day", "kind", "where"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "where"], name="secret_refusal_one_counter_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} in {self.where}: {self.count}"


class _DomainRule(models.Model):
    """A domain admins manage without a deploy; it covers every subdomain too."""

    domain = models.CharField(
        _("domain"),
        max_length=253,
        unique=True,
        help_text=_("For example phish.example; its subdomains are covered too."),
    )
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        abstract = True
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = normalize_domain(self.domain)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.domain = normalize_domain(self.domain)


class BlockedDomain(_DomainRule):
    """A phishing or scam site: a post that links to it is refused, naming the domain."""

    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta(_DomainRule.Meta):
        db_table = "forum_blockeddomain"
        verbose_name = _("blocked domain")
        verbose_name_plural = _("blocked domains")


class OfficialDomain(_DomainRule):
    """A site of the wallet's own: links to it are marked verified, and look-alikes caught."""

    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(_DomainRule.Meta):
        db_table = "forum_officialdomain"
        verbose_name = _("official domain")
        verbose_name_plural = _("official domains")
