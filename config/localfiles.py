"""The files one machine keeps under var/ (HANDOFF_VAR_DIR), and who makes them.

Importing the settings makes nothing: it only reads (an existing var/secret_key, with
DEBUG on). The commands that need the files make them: every `manage.py` command (make
run's migrate first) the data folder, and with DEBUG on a secret key the processes of
one machine share; the embedded broker its folders when it first connects; the file
cache and the development mailbox theirs when they first write.

No Django here: manage.py calls prepare() before the settings are read.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def var_dir() -> Path:
    """The data folder: HANDOFF_VAR_DIR, else var/ in the checkout."""
    return Path(os.environ.get("HANDOFF_VAR_DIR", str(BASE_DIR / "var")))


def secret_key_file() -> Path:
    return var_dir() / "secret_key"


def prepare(*, debug: bool) -> None:
    """Make the data folder (the SQLite database's home) and its static/ folder; with
    `debug`, and no DJANGO_SECRET_KEY, a secret key kept in it for the next processes."""
    folder = var_dir()
    (folder / "static").mkdir(parents=True, exist_ok=True)
    if debug and not os.environ.get("DJANGO_SECRET_KEY"):
        try:
            # O_EXCL: of two commands starting at once, one writes it and neither overwrites.
            fd = os.open(secret_key_file(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(50))
