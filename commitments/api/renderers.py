"""`?format=csv` on the API's commitment list: the CSV of commitments.exports."""

from rest_framework.renderers import BaseRenderer, JSONRenderer

from commitments.exports import write_commitments_csv


class _ListBuffer:
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)


class CommitmentCSVRenderer(BaseRenderer):
    """`?format=csv` for a commitment viewset. It exports every commitment the view's
    filters select (not just the current page), in the view's ordering, by asking the
    view for its filtered queryset. Errors (a 400 for a bad filter, a 404) and the
    viewset's other actions stay JSON, labelled as such."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        view = renderer_context.get("view")
        request = renderer_context.get("request")
        # Only the list and one commitment are rows of commitments; errors and other
        # actions sharing the viewset (summary, updates, history) answer JSON.
        exportable = getattr(view, "action", None) in (None, "list", "retrieve")
        if response is None or view is None or response.status_code >= 400:
            exportable = False
        if not exportable:
            if response is not None:
                response["Content-Type"] = "application/json"
            return JSONRenderer().render(data, "application/json", renderer_context)

        queryset = view.filter_queryset(view.get_queryset())
        lookup = view.lookup_url_kwarg or view.lookup_field
        if lookup in view.kwargs:
            queryset = queryset.filter(**{view.lookup_field: view.kwargs[lookup]})
        response["Content-Disposition"] = 'attachment; filename="commitments.csv"'
        buffer = _ListBuffer()
        write_commitments_csv(queryset, buffer, request)
        return "".join(buffer.parts)
