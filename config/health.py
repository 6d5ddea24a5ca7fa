"""`/healthz` for the load balancer: 200 when this node reaches its database and its cache,
503 (with what failed) when it does not, so a node that lost either is taken out of
rotation. No log-in, nothing about the data, never cached."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return False


def _cache_reachable() -> bool:
    probe = get_random_string(12)
    key = f"healthz:{probe}"  # a key of its own: probes of other nodes never interfere
    try:
        cache.set(key, probe, timeout=10)
        reached = cache.get(key) == probe
        cache.delete(key)
        return reached
    except Exception:  # each cache backend raises its own errors (Redis: ConnectionError)
        logger.exception("health check: cache unreachable")
        return False


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_reachable(), "cache": _cache_reachable()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
