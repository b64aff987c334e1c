"""The health check that load balancers and the container runtime poll."""

import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker.middleware import RETRY_AFTER_SECONDS, one_line

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    """200 when the database, and the read replica if there is one, answer a
    query; 503 naming the one that does not (without the replica, anonymous reads
    fail too)."""
    checked = {"database": DEFAULT_DB_ALIAS}
    if settings.READ_REPLICA is not None:
        checked["replica"] = settings.READ_REPLICA
    for name, alias in checked.items():
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except Error as exc:
            logger.warning(
                "Health check failed: the %s did not answer: %s", name, one_line(exc)
            )
            response = JsonResponse(
                {"status": "unavailable", name: "unreachable"}, status=503
            )
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
    return JsonResponse({"status": "ok"})


class HealthCheckMiddleware:
    """Serve /healthz (this is its only route, not tracker/urls.py) ahead of the
    host check and the HTTPS redirect: load balancers and the container runtime
    probe each replica by its address, over plain HTTP, with a Host header that
    ALLOWED_HOSTS rightly does not list. Being outside the URLconf also keeps it
    outside ATOMIC_REQUESTS, whose transaction could not even begin while the
    database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
