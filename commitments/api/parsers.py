"""Request bodies the API reads: JSON only."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Deeper than any body of the API needs (an object holding a list of slugs), and
# far below what Python's recursion (json's decoder, later json.dumps) can take.
MAX_DEPTH = 32


def depth(value):
    """How deeply arrays and objects nest in a parsed JSON value, counted without
    recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        value, level = pending.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, level)
            pending.extend((item, level + 1) for item in value)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, answering 400 to nesting it cannot take: Python's json
    module raises RecursionError past about a thousand levels, which would
    otherwise be a 500 with a traceback."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
        else:
            if depth(data) <= MAX_DEPTH:
                return data
        raise ParseError(
            f"JSON parse error - arrays and objects nest deeper than {MAX_DEPTH} "
            "levels."
        )
