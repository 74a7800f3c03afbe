"""Strict readers for settings that come from the environment.

Each reader fails loudly on a value it cannot parse: a typo in production must
stop the process at start, not quietly fall back to a default.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number; got {raw!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


_RATE = re.compile(r"([1-9]\d*)/(\d*)([smhd])")


def env_rate(name: str, default: str) -> str:
    """A rate such as "20/h" or "5/10m": a count per period (s, m, h or d)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    if not _RATE.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be a count per period such as 20/h or 5/10m; got {raw!r}."
        )
    return value


# A header name as HTTP defines a token, minus the characters no proxy uses.
_HEADER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")


def env_header_name(name: str) -> str:
    """An HTTP header name such as X-Real-IP, or "" when unset."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return ""
    value = raw.strip()
    if not _HEADER_NAME.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} must be an HTTP header name such as X-Real-IP; got {raw!r}."
        )
    return value
