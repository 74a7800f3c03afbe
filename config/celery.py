"""The Celery app, and the one way the web side hands work to it."""

import logging
import os
from functools import partial

from celery import Celery
from django.db import transaction

from config import broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
broker.register()

app = Celery("handoff")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


def enqueue(task, *args, **kwargs) -> None:
    """Send `task` after the current transaction commits; never fail the caller.

    The database is the source of truth: every task can be re-derived from it by a
    periodic job, so a broker that is down delays work and must not break a request.
    """
    transaction.on_commit(partial(_publish, task, args, kwargs))


def _publish(task, args, kwargs) -> None:
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception:
        logger.warning("broker unavailable; %s will be re-derived later", task.name, exc_info=True)
