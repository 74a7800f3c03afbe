import logging

from celery import shared_task

from forum import viewcounts

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def fold_view_counts() -> int:
    """Pending thread views into Thread.view_count (beat, every HANDOFF_VIEW_COUNT_INTERVAL
    seconds). Safe to run twice at once."""
    changed = viewcounts.fold()
    if changed:
        logger.info("view counts: %s threads updated", changed)
    return changed
