import logging

from celery import shared_task
from django.utils import timezone

from escalation.services import clocks
from escalation.services import sweep as sweeping

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def sweep() -> dict:
    """One sweep (beat runs it every HANDOFF_SWEEP_INTERVAL seconds). Safe to run twice at once."""
    result = sweeping.sweep()
    if result.flagged or result.escalated or result.breached or result.closed or result.reconciled:
        logger.info(
            "sweep: %s flagged, %s escalated, %s SLA breaches, %s tickets closed, %s clocks repaired",
            result.flagged,
            result.escalated,
            result.breached,
            result.closed,
            result.reconciled,
        )
    return {"flagged": result.flagged, "escalated": result.escalated}


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=1800, time_limit=1900)
def recompute_clocks(category_id: int | None) -> int:
    """After a policy or calendar changes: the open threads' clocks, in batches."""
    return clocks.recompute_open_clocks(category_id=category_id, now=timezone.now())
