"""Content negotiation that honours the Accept header's q-values (RFC 9110
§12.5.1). DRF's default ranks media types by how specific they are and ignores
their weights, so `Accept: application/json;q=0, text/csv` got JSON."""

from itertools import groupby

from rest_framework.exceptions import NotAcceptable
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


class QualityContentNegotiation(DefaultContentNegotiation):
    """The media ranges of the highest weight go first (among equals, DRF's
    order: the most specific); a range weighted 0 is not acceptable."""

    def select_renderer(self, request, renderers, format_suffix=None):
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
