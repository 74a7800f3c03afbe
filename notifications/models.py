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

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            models.Index(
                fields=["send_after"],
                name="outbox_pending_idx",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.subject
