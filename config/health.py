"""Liveness and readiness probes for load balancers and orchestrators."""

import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request):
    checks = {"database": _database_is_up(), "broker": _broker_is_up()}
    down = sorted(name for name, is_up in checks.items() if not is_up)
    body = {"status": "ok" if not down else "unavailable", "checks": checks, "down": down}
    return JsonResponse(body, status=503 if down else 200)


def _database_is_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("readiness: database unreachable", exc_info=True)
        return False
    return True


def _broker_is_up() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
            # Redis accepts the TCP connection lazily; a round trip proves it answers.
            if hasattr(conn.default_channel, "client"):
                conn.default_channel.client.ping()
    except Exception:
        logger.warning("readiness: broker unreachable", exc_info=True)
        return False
    return True
