"""Mail on a developer's machine (DJANGO_DEBUG=1 without EMAIL_URL): a few lines per email.

Django's console backend prints every message whole, HTML and MIME boundaries included:
a sign-up's verification mail is a hundred lines, and a sweep's batch thousands, in
which the one link a developer needs is lost. This backend prints who it is to, its
subject and the links in it, and keeps the whole message in var/mail/ as an .eml file
that any mail program opens. EMAIL_URL=console:// still prints everything.
"""

import re
import sys
import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_LINK = re.compile(r"https?://[^\s<>\"')\]]+")
_HREF = re.compile(r"""href=["'](https?://[^"']+)["']""")


def links_in(message) -> list[str]:
    """The links of a message, in order, once each: from its text, else from its HTML."""
    found = _LINK.findall(message.body or "")
    if not found:
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                found.extend(_HREF.findall(content))
    return list(dict.fromkeys(link.rstrip(".,;:") for link in found))


def summary(message, *, saved_to: Path | None = None) -> str:
    """What a developer needs of one email: to whom, its subject, its links."""
    lines = [f"✉ Email to {', '.join(message.to)}: {message.subject}"]
    lines += [f"    {link}" for link in links_in(message)]
    if saved_to is not None:
        lines.append(f"    (the whole message: {saved_to})")
    return "\n".join(lines) + "\n"


class SummaryEmailBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, directory=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self.directory = Path(directory or settings.VAR_DIR / "mail")
        self._lock = threading.RLock()

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        with self._lock:
            for message in email_messages:
                self.stream.write(summary(message, saved_to=self._save(message)))
                self.stream.flush()
                sent += 1
        return sent

    def _save(self, message) -> Path:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.directory / f"{stamp}.eml"
        path.write_bytes(message.message().as_bytes(linesep="\n"))
        return path
