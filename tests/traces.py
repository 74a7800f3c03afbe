"""Where a refused secret could have left a trace: every table, every log record, the mail."""

import logging
import re

from django.apps import apps
from django.core import mail
from django.db import models

from notifications.models import Notification, OutboundEmail

_TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def database_text() -> str:
    """Every text column of every table, as one string."""
    chunks = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, _TEXT_FIELDS)
        ]
        if fields:
            for row in model._base_manager.values_list(*fields):
                chunks.extend(str(value) for value in row if value)
    return "\n".join(chunks)


def log_text(records: list[logging.LogRecord]) -> str:
    """Everything the log records say: message, arguments and tracebacks."""
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {record.exc_text or ''} {record.__dict__!r}"
        for record in records
    )


def words_in(words: list[str], text: str) -> list[str]:
    return [
        word for word in words if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
    ]


def messages_sent() -> tuple[int, int, int]:
    """How many notifications and emails exist: compare before and after a refusal."""
    return Notification.objects.count(), OutboundEmail.objects.count(), len(mail.outbox)


def assert_no_trace(words: list[str], caplog, *, sent_before: tuple[int, int, int]) -> None:
    """None of `words` is in the database, the log records or the mail; nobody was told.

    Short Latin words ("all", "box") are left out: other text says them for other
    reasons (an email's "after all"); the phrase's longer words are what would give
    it away.
    """
    words = [word for word in words if not word.isascii() or len(word) >= 5]
    assert words_in(words, database_text()) == []
    assert words_in(words, log_text(caplog.records)) == []
    assert words_in(words, "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox)) == []
    assert messages_sent() == sent_before
