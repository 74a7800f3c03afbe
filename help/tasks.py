import logging

from celery import shared_task

from help.services import deflections, feedback

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def fold_counts() -> None:
    """Pending article views into their rows, and pending deflections whose window has
    passed into the day's counts (beat, every HANDOFF_VIEW_COUNT_INTERVAL seconds). Safe
    to run twice at once."""
    views = feedback.fold_views()
    deflected, asked = deflections.fold_deflections()
    if views or deflected or asked:
        logger.info(
            "help counts: %s articles' views, %s deflected, %s asked anyway",
            views,
            deflected,
            asked,
        )
