"""The secret guard's two writes: refusing a text that holds a secret, and counting it.

Every app's services that save text people wrote call refuse_secrets() first; the forms
(safety.forms.RefusesSecrets) refuse first and count through record_secret_refusal().
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from safety import guard
from safety.errors import SecretRefused
from safety.models import SecretRefusal


def refuse_secrets(*, where: str, texts: Iterable[str], now=None) -> None:
    """Raise SecretRefused if a text holds a recovery phrase or a private key; count it.

    Every service that saves text people wrote calls this first, outside its transaction
    (so the count survives the refusal). The forms refuse first, with the secret taken out
    of the page they show again; this is the backstop for every other way in.
    """
    kinds = {finding.kind for text in texts if text for finding in _refused_findings(text)}
    if kinds:
        record_secret_refusal(kinds=kinds, where=where, now=now)
        raise SecretRefused(kinds)


def _refused_findings(text: str) -> list[guard.Finding]:
    return guard.refused(guard.find_secrets(text))


def record_secret_refusal(*, kinds: Iterable[str], where: str, now=None) -> None:
    """Count a refused text: one more for each kind, today, in `where`. No content."""
    day = timezone.localdate(now or timezone.now(), timezone.get_default_timezone())
    for kind in sorted(set(kinds)):
        counter = SecretRefusal.objects.filter(day=day, kind=kind, where=where)
        if counter.update(count=F("count") + 1):
            continue
        try:
            with transaction.atomic():
                SecretRefusal.objects.create(day=day, kind=kind, where=where, count=1)
        except IntegrityError:  # another request made today's row first
            counter.update(count=F("count") + 1)
