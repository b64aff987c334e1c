"""The content negotiation of every API view (REST_FRAMEWORK's
DEFAULT_CONTENT_NEGOTIATION_CLASS). DRF runs it first in every request, before
authentication, permissions and anything read; it does two jobs.

- Strict query parameters (docs/design.md, "Query parameters are strict too"): an API
  request with a parameter its endpoint does not know, or a `format` it does not
  serve, gets 400 naming it, rather than an answer that silently ignored it. What
  an endpoint knows comes from the view itself: its renderers' formats, its
  filterset's filters and its paginator's parameters (for the reads that list, as
  each declares them for the schema), and the view's `extra_query_parameters` by
  action for anything else.
- The Accept header's q-values (RFC 9110 §12.5.1): DRF's default ranks media
  types by how specific they are and ignores their weights, so
  `Accept: application/json;q=0, text/csv` got JSON. Here the media ranges of the
  highest weight go first (among equals, DRF's order: the most specific), and a
  range weighted 0 is not acceptable."""

from itertools import groupby

from rest_framework.exceptions import NotAcceptable, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.utils.mediatypes import media_type_matches


def quality(media_range):
    for parameter in media_range.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def lists(view, request):
    """Whether this request reads a list: a GET (or HEAD) of anything but one
    object."""
    return (
        request.method in ("GET", "HEAD")
        and getattr(view, "action", "list") != "retrieve"
    )


def known_query_parameters(view, request):
    names = {"format"}
    action = getattr(view, "action", None)
    names |= set(getattr(view, "extra_query_parameters", {}).get(action, ()))
    if lists(view, request):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            names |= set(filterset_class.base_filters)
        paginator = getattr(view, "paginator", None)
        if paginator is not None:
            # What the paginator declares in the schema is what it reads.
            names |= {
                parameter["name"]
                for parameter in paginator.get_schema_operation_parameters(view)
            }
    return names


def formats(renderers):
    return [renderer.format for renderer in renderers]


def allows(view, request):
    """Whether the view has a handler for the method: a method it does not allow
    is answered 405, whatever the query says."""
    method = request.method.lower()
    return method in view.http_method_names and hasattr(view, method)


def is_api_v1(request):
    match = getattr(request._request, "resolver_match", None)
    return match is not None and "api" in match.namespaces


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        view = (request.parser_context or {}).get("view")
        if view is not None and is_api_v1(request) and allows(view, request):
            self.check_query(request, renderers, view)
        ranges = super().get_accept_list(request)
        refused = [r.split(";")[0].strip() for r in ranges if quality(r) == 0]
        renderers = [
            renderer
            for renderer in renderers
            if not any(media_type_matches(renderer.media_type, r) for r in refused)
        ]
        weighted = sorted(
            (r for r in ranges if quality(r) > 0), key=lambda r: -quality(r)
        )
        for _, group in groupby(weighted, key=quality):
            self.accept_list = list(group)
            try:
                return super().select_renderer(request, renderers, format_suffix)
            except NotAcceptable:
                continue
        raise NotAcceptable(available_renderers=renderers)

    def get_accept_list(self, request):
        return self.accept_list

    def check_query(self, request, renderers, view):
        errors = {}
        known = known_query_parameters(view, request)
        for name in request.query_params:
            if name not in known:
                errors[name] = ["Unknown query parameter."]
        value = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        # Sent empty, it is refused too: the schema does not allow it empty.
        if value is not None and value not in formats(renderers):
            errors[self.settings.URL_FORMAT_OVERRIDE] = [
                f"Unknown format {value!r}: choose {' or '.join(formats(renderers))}."
            ]
        if errors:
            raise ValidationError(errors)
