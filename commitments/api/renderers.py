"""`?format=csv` on the API's commitment list."""

from rest_framework.renderers import BaseRenderer, JSONRenderer


class CommitmentCSVRenderer(BaseRenderer):
    """Declares `?format=csv` for content negotiation. The list itself answers it
    with a streamed CSV (CommitmentViewSet.list, commitments.exports), which never
    passes through a renderer; what does is an error (a 400 for a bad filter, a
    405), and that stays JSON, labelled as such."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        response = renderer_context.get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data, "application/json", renderer_context)
