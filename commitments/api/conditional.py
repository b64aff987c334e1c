"""Preconditions on writes (RFC 9110 §13), alike for every resource with an ETag.

A resource's ETag is the hash of its representation's bytes (tracker.caching gives
it to every GET and HEAD, and answers If-None-Match there). A write that names a
resource (PUT, PATCH, or a POST to one of its actions) evaluates If-Match and
If-None-Match against the representation a GET with the same Accept would get,
read under a row lock inside the request's transaction: of concurrent writers
holding the same ETag one wins, the others get 412 and nothing is written.

- `If-Match: *` matches any existing resource; otherwise the strong comparison.
- A matching `If-None-Match` (weak comparison, `*` matches) on a write is 412.
- `if_match_required_for` names the methods for which If-Match is required (428
  without it); elsewhere it is optional and evaluated when sent.

The validator is computed by rendering, not kept in a column: it is right whatever
changed (a related agency's name, the day, a progress update), at the price of one
read of the representation, which the write needs anyway.
"""

from urllib.parse import urlsplit

from django.utils.http import parse_etags
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer

from commitments.api.exceptions import PreconditionFailed, PreconditionRequired
from tracker.caching import strong_etag

PRECONDITION_HEADERS = ("If-Match", "If-None-Match")


def matches_strongly(etag, tags):
    """The strong comparison (RFC 9110 §13.1.1); * matches any current resource."""
    return tags == ["*"] or (not etag.startswith("W/") and etag in tags)


def matches_weakly(etag, tags):
    """The weak comparison (RFC 9110 §8.8.3.2): W/"x" matches "x"; * matches."""
    return "*" in tags or etag.removeprefix("W/") in {
        tag.removeprefix("W/") for tag in tags
    }


# For viewsets of resources with an ETag. (No docstring: the schema would take it
# as the description of every operation of those viewsets.)
class ConditionalMixin:
    if_match_required_for = ()
    # Rows locked with the resource's own: those its rules read (a commitment's
    # announcement, whose date nothing on it may predate).
    locks_with = ()

    def evaluates_preconditions(self):
        """Whether this request is a write that preconditions apply to."""
        request = self.request
        if request.method in SAFE_METHODS or not self.detail:
            return False
        return request.method in self.if_match_required_for or any(
            header in request.headers for header in PRECONDITION_HEADERS
        )

    def get_object(self):
        evaluate = self.evaluates_preconditions()
        if evaluate:
            self.lock_object()
        instance = super().get_object()
        if evaluate:
            self.check_preconditions(instance)
        return instance

    def lock_object(self):
        """Lock the row before reading it, so that the representation judged is
        the one the write will change (PostgreSQL; SQLite writers queue for the
        database lock at the transaction's start)."""
        lookup = self.lookup_url_kwarg or self.lookup_field
        model = self.get_queryset().model
        rows = (
            model._default_manager.select_for_update(of=("self", *self.locks_with))
            .select_related(*self.locks_with)
            .filter(**{self.lookup_field: self.kwargs[lookup]})
        )
        # Joined, so that the related rows are locked too; their keys only.
        list(rows.only("pk", *(f"{path}__id" for path in self.locks_with)))

    def current_etag(self, instance):
        """The ETag a GET of this resource with the request's Accept would get:
        its JSON unless another JSON-like media type was negotiated."""
        renderer = self.request.accepted_renderer
        media_type = self.request.accepted_media_type
        if not isinstance(renderer, JSONRenderer):
            renderer, media_type = JSONRenderer(), JSONRenderer.media_type
        data = self.get_serializer(instance).data
        return strong_etag(
            renderer.render(data, media_type, self.get_renderer_context())
        )

    def check_preconditions(self, instance):
        request = self.request
        # A header that names no valid tag matches nothing; an empty one is no
        # condition at all.
        if_match = request.headers.get("If-Match") or None
        if_none_match = request.headers.get("If-None-Match") or None
        if if_match is None and request.method in self.if_match_required_for:
            raise PreconditionRequired(
                "This change needs an If-Match header with the resource's current "
                f"ETag: GET {self.resource_path()} and resend this request with "
                "If-Match set to the ETag header of that response."
            )
        current = self.current_etag(instance)
        if if_match is not None and not matches_strongly(
            current, parse_etags(if_match)
        ):
            raise PreconditionFailed(
                f"The resource has changed since you read it; its ETag is now "
                f"{current}. GET {self.resource_path()} again, reapply your change "
                "and resend it with If-Match set to the new ETag. Nothing was "
                "written.",
                etag=current,
            )
        if if_none_match is not None and matches_weakly(
            current, parse_etags(if_none_match)
        ):
            raise PreconditionFailed(
                "If-None-Match matches the resource's current ETag, so the request "
                "asked not to be applied. Nothing was written.",
                etag=current,
            )

    def resource_path(self):
        """The path of the resource whose ETag the preconditions compare: the
        request's own, or for an action on it (a progress POST, /check/,
        /retract/), the resource's, whose GET gives that ETag."""
        if self.action in ("update", "partial_update"):
            return self.request.path
        return urlsplit(self.reverse_action("detail", kwargs=self.kwargs)).path

    def perform_update(self, serializer):
        """Answer with the resource as a GET now reads it (its computed fields
        too), so the response's ETag is the one a GET gives."""
        super().perform_update(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def finalize_response(self, request, response, *args, **kwargs):
        # A write that answers with the resource itself (PUT, PATCH, and the
        # actions that answer 200 with it: /check/, /retract/) carries its ETag.
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("PUT", "PATCH", "POST")
            and getattr(self, "detail", False)
            and response.status_code == 200
            and not response.has_header("ETag")
        ):
            response.render()
            response["ETag"] = strong_etag(response.content)
        return response
