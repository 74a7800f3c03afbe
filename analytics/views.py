from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from analytics import status
from config import times


@require_GET
def support_status(request):
    """Public: the team's hours, holidays, open now, typical wait per queue (no personal data)."""
    now = timezone.now()
    found = status.support_status(now=now)
    queues = [
        {
            "name": queue.name,
            "calendar_name": queue.calendar_name,
            "wait": times.duration(now, now + timedelta(seconds=queue.median_seconds), depth=1)
            if queue.median_seconds is not None
            else None,
        }
        for queue in found.queues
    ]
    return render(
        request,
        "analytics/support_status.html",
        {
            "calendars": found.calendars,
            "queues": queues,
            "zone": times.zone_label(timezone.localtime(now)),
        },
    )
