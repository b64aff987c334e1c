"""Errors under /api/ are JSON: 400 `{"field": ["message"]}`, others
`{"detail": "..."}`. The domain rules raise Django's ValidationError from the models
and the database refuses what breaks a constraint; both become 4xx answers here.
A write that lost a race with another (a deadlock, a serialization failure, a lock
it could not take) is 409 with a Retry-After: here when the view raised it, and in
tracker.middleware when it surfaced at the request transaction's COMMIT."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError, connections
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

# PostgreSQL's serialization failure, deadlock and lock-not-available: the request
# lost a race with another writer and may simply be retried.
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}
# Seconds a client should wait before retrying a write that lost a race: the
# winner's transaction is short, so it has ended by then.
CONFLICT_RETRY_AFTER_SECONDS = 1


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the data."
    default_code = "conflict"


class RetryableConflict(Conflict):
    """Answered with a Retry-After: the same request can simply be sent again."""

    default_detail = (
        "Another request was changing the same data at the same moment, so this "
        "one was stopped and nothing was written. Send it again."
    )
    default_code = "retry"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "This request needs a precondition header."
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    """Answered with the current ETag, so the client can retry knowingly."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it."
    default_code = "precondition_failed"

    def __init__(self, detail=None, etag=None):
        super().__init__(detail)
        self.etag = etag


class UnprocessableContent(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."
    default_code = "unprocessable"


def is_retryable_conflict(exc):
    """A lost race between writers, rather than a broken database."""
    sqlstate = getattr(getattr(exc, "__cause__", None), "pgcode", None)
    return sqlstate in RETRYABLE_SQLSTATES or "database is locked" in str(exc)


def database_conflict(exc):
    """The 409 a database error stands for, or None when it is not the client's
    conflict (a broken database is a 5xx)."""
    if isinstance(exc, IntegrityError):
        return Conflict(
            "The change conflicts with existing data (a duplicate or a broken "
            "reference); nothing was written."
        )
    if isinstance(exc, OperationalError) and is_retryable_conflict(exc):
        return RetryableConflict()
    return None


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, REFUSALS) and not handles(context):
        # DRF checks permissions before it looks for a handler: a method the URL
        # never allows is 405 for anyone, not a 401 suggesting a token would help.
        exc = exceptions.MethodNotAllowed(context["request"].method)
    else:
        exc = database_conflict(exc) or exc
    # Anything else propagates to Django's 500 handler (JSON, see server_error)
    # and the request's transaction is rolled back.
    marked = {db.alias: db.needs_rollback for db in connections.all()}
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.AuthenticationFailed):
        # Authentication runs before anything else, and its one write is knox
        # deleting the expired token it was shown: keep that, rather than the
        # rollback DRF marks for every error, which would keep the token forever.
        for db in connections.all():
            db.needs_rollback = marked[db.alias]
    if (
        response is not None
        and response.status_code == 400
        and "detail" in response.data
    ):
        # One shape for every 400 (a body that is not JSON too): the request as a
        # whole is what is wrong.
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: [response.data["detail"]]}
    elif response is not None and response.status_code == 400:
        if isinstance(response.data, list):
            # A ValidationError raised with a message, not a field: the request as
            # a whole is wrong.
            response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
        response.data = flat_field_errors(response.data)
    if isinstance(exc, PreconditionFailed) and exc.etag:
        response["ETag"] = exc.etag
    if isinstance(exc, RetryableConflict):
        response["Retry-After"] = str(CONFLICT_RETRY_AFTER_SECONDS)
    return response


REFUSALS = (
    exceptions.NotAuthenticated,
    exceptions.AuthenticationFailed,
    exceptions.PermissionDenied,
)


def handles(context):
    """Whether the view has a handler for the request's method."""
    view, request = context.get("view"), context.get("request")
    if view is None or request is None:
        return True
    return hasattr(view, request.method.lower())


def flat_field_errors(detail):
    """`{"field": ["message"]}` however deep the error: DRF answers a list
    field's bad item as `{"aliases": {"0": [...]}}` and a nested object's as
    `{"field": {"name": [...]}}`; each becomes a message of its field that
    says where ("Item 0: ...", "name: ...")."""
    if not isinstance(detail, dict):
        return detail
    return {field: list(messages(errors)) for field, errors in detail.items()}


def messages(errors, where=""):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from messages(value, located(where, key))
    elif isinstance(errors, list):
        if all(isinstance(error, str) for error in errors):
            for error in errors:
                yield f"{where}: {error}" if where else str(error)
        else:
            # A list of objects (a nested list serializer): one entry per item.
            for index, value in enumerate(errors):
                yield from messages(value, located(where, index))
    else:
        yield f"{where}: {errors}" if where else str(errors)


def located(where, key):
    part = f"Item {key}" if isinstance(key, int) or str(key).isdigit() else str(key)
    return f"{where}, {part}" if where else part


def validation_error_detail(exc):
    """A model's ValidationError as the API's `{"field": ["message"]}`."""
    detail = as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail
