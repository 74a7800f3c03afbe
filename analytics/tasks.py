from celery import shared_task

from analytics import services


@shared_task(acks_late=True)
def recompute_recent_rollups():
    """Beat: rebuild yesterday's and today's rollups (idempotent, so overlaps are harmless)."""
    return services.recompute_recent()
