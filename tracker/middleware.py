"""Request ids, the access log, and a clear answer when the database is down.

Every request gets an id: the client's (or the load balancer's) X-Request-ID when it
sent a well-formed one, a new one otherwise. It is echoed in the response's
X-Request-ID header and carried by every log line written while the request runs,
so one request can be followed across the load balancer, the web process and the
logs. One access line per request records method, path, status and duration.
"""

import contextvars
import logging
import re
import time
import uuid

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path

from tracker.caching import PRIVATE
from tracker.errors import is_api_request

REQUEST_ID_HEADER = "X-Request-ID"
# One token of safe characters, so a client cannot forge or break log lines.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:+=/-]{1,128}")
# SQLSTATEs of a server that is gone or not accepting work: the connection
# exceptions (class 08) and shutdown or start-up (57P01, 57P02, 57P03).
UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")
# Seconds a client should wait before retrying while the database is unreachable.
RETRY_AFTER_SECONDS = 5
# query_canceled: what statement_timeout raises.
QUERY_CANCELED = "57014"

current_request_id = contextvars.ContextVar("request_id", default="-")
access_logger = logging.getLogger("tracker.requests")
logger = logging.getLogger(__name__)


class RequestIdFilter(logging.Filter):
    """Give every log record the id of the request being served ("-" outside one)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            # django.request logs a response's error after the middleware has
            # finished, passing the request along.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or (
                current_request_id.get()
            )
        return True


def request_id_for(request):
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if VALID_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = request_id_for(request)
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            # A read looked up in the response cache (tracker.caching) says
            # whether it was answered from it: cache=hit or cache=miss.
            outcome = getattr(request, "response_cache", None)
            access_logger.info(
                "method=%s path=%s status=%s duration_ms=%.1f%s",
                request.method,
                escape_uri_path(request.path),
                response.status_code,
                (time.monotonic() - started) * 1000,
                f" cache={outcome}" if outcome else "",
            )
            return response
        finally:
            current_request_id.reset(token)


def one_line(exception):
    """Database errors span several lines; a log record should not."""
    return " ".join(str(exception).split())


def sqlstate(exception):
    cause = exception.__cause__
    return getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)


def statement_timed_out(exception):
    """PostgreSQL cancelled a statement that ran past statement_timeout."""
    return isinstance(exception, OperationalError) and (
        sqlstate(exception) == QUERY_CANCELED
    )


def database_unreachable(exception, alias=DEFAULT_DB_ALIAS):
    """True when a database error says the server could not be reached (down,
    restarting, shutting down), as opposed to it refusing this request (a lock, a
    serialization failure, a constraint), which is the caller's to answer."""
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        if isinstance(exception, InterfaceError):
            return True  # "connection already closed"
        if isinstance(exception, OperationalError):
            # The driver's error carries no SQLSTATE when the connection failed on
            # the client side ("server closed the connection unexpectedly").
            code = sqlstate(exception)
            return code is None or code.startswith(UNREACHABLE_SQLSTATES)
    if vendor == "sqlite" and isinstance(exception, OperationalError):
        return "unable to open database file" in str(exception)
    return False


class DatabaseUnavailableMiddleware:
    """While the database is restarting or unreachable, or when it cancelled a
    statement that ran past DATABASE_STATEMENT_TIMEOUT, answer 503 with a
    Retry-After instead of a 500 and a stack trace: JSON under /api/, a page
    elsewhere. The request ran in one
    transaction (ATOMIC_REQUESTS), so it left no half-written record. The next
    request reconnects (CONN_HEALTH_CHECKS); Django may even have reconnected
    already, so the error, not the connection, tells what happened."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unreachable(exception):
            logger.warning("The database is unavailable: %s", one_line(exception))
            message = "The database is unavailable. Retry in a few seconds."
        elif statement_timed_out(exception):
            # The statement_timeout setting, DATABASE_STATEMENT_TIMEOUT.
            logger.warning("A statement ran too long: %s", one_line(exception))
            message = (
                "The request took too long and was stopped. Retry later, or ask "
                "for less (narrower filters)."
            )
        else:
            return None
        if is_api_request(request):
            response = JsonResponse({"detail": message}, status=503)
        else:
            # Rendered without the request: no context processor may touch the
            # database that just failed.
            page = render_to_string("503.html", {"message": message})
            response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


# Methods whose body, if any, nothing reads: their requests are served whatever
# their Transfer-Encoding.
BODILESS_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class RequestSizeLimitMiddleware:
    """A body longer than DATA_UPLOAD_MAX_MEMORY_SIZE gets 413 naming the limit,
    before anything reads it. (Django's own check answers such a body with a 400
    only once a form reads it, and DRF's JSON parser does not check at all.)

    A body sent with Transfer-Encoding (chunked) gets 411: Django reads a body by
    its Content-Length alone, so it would read such a body as empty, and a write
    whose fields are all optional would go ahead without what the client sent
    (a check dated today instead of the day asked for), past the size limit too.
    These answers come before the caching middleware, so they say themselves
    that no cache may keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "HTTP_TRANSFER_ENCODING" in request.META
            and request.method not in BODILESS_METHODS
        ):
            return self.refuse(
                411,
                "Send the request body with a Content-Length header: a body sent "
                "with Transfer-Encoding (chunked) is not read.",
            )
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            return self.refuse(
                413, f"The request body is {length} bytes; the limit is {limit} bytes."
            )
        return self.get_response(request)

    @staticmethod
    def refuse(status, detail):
        response = JsonResponse({"detail": detail}, status=status)
        response["Cache-Control"] = PRIVATE
        return response


# What the admin and the browsable API add to CONTENT_SECURITY_POLICY: their own
# scripts (no inline script), their requests back to this origin (the admin's
# autocomplete), and, for the admin's change list, an inline style block.
SCRIPTED_PAGES_CSP = {
    "script-src": [SELF],
    "connect-src": [SELF],
    "style-src": [SELF, UNSAFE_INLINE],
}
SCRIPTED_PATH_PREFIXES = ("/admin/", "/api/v1/")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware. A view's own policy (csp_update and the like, as
    the API docs have) wins; the admin's views, which are Django's and carry no
    decorator of ours, and the browsable API get SCRIPTED_PAGES_CSP."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if (
            not report_only
            and parts.update is None
            and request.path_info.startswith(SCRIPTED_PATH_PREFIXES)
        ):
            parts.update = SCRIPTED_PAGES_CSP
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy (settings.PERMISSIONS_POLICY) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseConflictMiddleware:
    """A write that lost a race (a deadlock, a serialization failure) or broke a
    deferred constraint may fail at the COMMIT of the request's transaction
    (ATOMIC_REQUESTS), after the view has returned: Django then hands the error to
    this middleware, which answers 409 as the API does for the same error raised
    in a view (with a Retry-After when sending the request again may succeed).
    The transaction was rolled back, so nothing was written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Imported here: the logging configuration imports this module (for
        # RequestIdFilter) before the apps, and so DRF, can be loaded.
        from commitments.api.exceptions import (
            CONFLICT_RETRY_AFTER_SECONDS,
            RetryableConflict,
            database_conflict,
        )

        conflict = database_conflict(exception)
        if conflict is None:
            return None
        logger.info("A write lost a race: %s", one_line(exception))
        response = JsonResponse({"detail": str(conflict.detail)}, status=409)
        if isinstance(conflict, RetryableConflict):
            response["Retry-After"] = str(CONFLICT_RETRY_AFTER_SECONDS)
        return response
