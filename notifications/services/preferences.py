"""Someone's notification choices: channels per kind, helper alerts, quiet hours."""

import zoneinfo
from datetime import UTC, datetime, time, timedelta

from django.contrib.auth.base_user import AbstractBaseUser

from notifications.models import DEFAULT_CHANNELS, Channels, NotificationSettings


def update_settings(
    *,
    user: AbstractBaseUser,
    channels: dict[str, Channels],
    is_helper: bool,
    quiet_hours_start: time | None,
    quiet_hours_end: time | None,
) -> NotificationSettings:
    """Save someone's notification choices. Only choices that differ from the defaults are kept.

    Quiet hours are both set or both empty, and start differs from end (ValueError).
    """
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        raise ValueError("quiet hours need both a start and an end")
    if quiet_hours_start is not None and quiet_hours_start == quiet_hours_end:
        raise ValueError("quiet hours cannot start and end at the same time")
    overrides = {}
    for kind, chosen in channels.items():
        default = DEFAULT_CHANNELS[kind]
        differs = {
            name: value
            for name, value in chosen._asdict().items()
            if value != getattr(default, name)
        }
        if differs:
            overrides[kind] = differs
    row, _created = NotificationSettings.objects.update_or_create(
        user=user,
        defaults={
            "channels": overrides,
            "is_helper": is_helper,
            "quiet_hours_start": quiet_hours_start,
            "quiet_hours_end": quiet_hours_end,
        },
    )
    return row


def quiet_until(
    *, now: datetime, start: time, end: time, zone: zoneinfo.ZoneInfo
) -> datetime | None:
    """When quiet hours (local times in `zone`, possibly across midnight) end, if `now` is in them.

    None when `now` is outside them.
    """
    local = now.astimezone(zone)
    at = local.time().replace(tzinfo=None)
    if start < end:
        if not start <= at < end:
            return None
        end_day = local.date()
    else:  # across midnight: 22:00–07:00
        if end <= at < start:
            return None
        end_day = local.date() + timedelta(days=1) if at >= start else local.date()
    ends_at = datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
    return max(ends_at, now)
