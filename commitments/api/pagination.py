"""Pagination for every API list but /statuses/ (docs/design.md, "HTTP
interface (v1)")."""

import datetime
import re

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from commitments.filtersets import without_empty_values


class PageSize:
    """`page_size` up to 100; a malformed one is a 400 naming it."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        size = int(value) if value.isascii() and value.isdigit() else 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: ["Enter a whole number of at least 1."]}
            )
        return min(size, self.max_page_size)


class Pagination(PageSize, pagination.PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; `page_size` up to 100. A
    malformed `page` or `page_size` is a 400 naming it; a page number past the end
    is a 404."""

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is None or value in self.last_page_strings:
            return super().get_page_number(request, paginator)
        if not value.isascii() or not value.isdigit() or int(value) < 1:
            raise ValidationError(
                {self.page_query_param: ["Enter a page number (1 or more)."]}
            )
        return value

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "Results per page (default 50, at most 100)."
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class IdCursorPagination(pagination.CursorPagination):
    """Keyset pagination over id: each page is "the next page_size rows after
    this id", found through the primary key index however deep it is."""

    ordering = "id"
    offset_cutoff = 100
    invalid_cursor = "Invalid cursor: follow the next or previous link of a page."

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [self.invalid_cursor]}) from None
        # The position becomes an id lookup: anything but a short run of digits
        # would reach the database as an error.
        position = cursor.position if cursor else None
        if position is not None and not re.fullmatch(r"\d{1,18}", position):
            raise ValidationError({"cursor": [self.invalid_cursor]})
        return cursor


class CountedApart:
    """Rows to page: `shown`, as the response shows them, counted by `counted`,
    the same rows without what was added to show them. The commitment list's
    rows carry columns of their related rows, joined (ReadsRef), and Django
    keeps an annotation's joins in a COUNT that does not need them. Anything
    but the count is asked of `shown`."""

    def __init__(self, shown, counted):
        self.shown = shown
        self.counted = counted

    def count(self):
        return self.counted.count()

    def __getitem__(self, key):
        return self.shown[key]

    def __iter__(self):
        return iter(self.shown)

    def __len__(self):
        return len(self.shown)

    def __getattr__(self, name):
        return getattr(self.shown, name)


class CommitmentPagination(Pagination):
    """The commitment list. Page numbers by default. `?cursor=` (empty for the
    first page) pages the list by keyset instead, for deep reads and exports: a
    deep page costs what the first one does, and no COUNT is run, so `count` is
    null. Either way the page also carries `as_of`, the day the commitments are
    read as of (CommitmentQuerySet.as_of), or null: as they stand now."""

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.keyset = None
        self.as_of = getattr(queryset, "as_of_day", None)
        if not self.pages_by_cursor(request, view):
            return super().paginate_queryset(queryset, request, view)
        # An empty ordering orders nothing, with a cursor as without one
        # (without_empty_values); an empty page is refused on its own anyway.
        conflicting = [
            name
            for name, sent in (
                ("ordering", "ordering" in without_empty_values(request.query_params)),
                (self.page_query_param, self.page_query_param in request.query_params),
            )
            if sent
        ]
        if conflicting:
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        f"A cursor pages in id order: drop {conflicting[0]}, or "
                        "page by number without a cursor."
                    ]
                }
            )
        self.keyset = IdCursorPagination()
        self.keyset.page_size = self.get_page_size(request)
        return self.keyset.paginate_queryset(queryset, request, view)

    def pages_by_cursor(self, request, view):
        # Only the list: the timeline under a commitment reads newest first.
        return (
            self.cursor_query_param in request.query_params
            and getattr(view, "action", None) == "list"
        )

    def get_paginated_response(self, data):
        if self.keyset is None:
            response = super().get_paginated_response(data)
        else:
            response = Response(
                {
                    "count": None,
                    "next": self.keyset.get_next_link(),
                    "previous": self.keyset.get_previous_link(),
                    "results": data,
                }
            )
        response.data["as_of"] = self.as_of
        return response

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["nullable"] = True
        response["properties"]["as_of"] = {
            "type": "string",
            "format": "date",
            "nullable": True,
            "description": "The day the commitments are read as of (the as_of "
            "parameter); null: as they stand now.",
        }
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        if getattr(view, "action", None) == "list":
            parameters.append(
                {
                    "name": self.cursor_query_param,
                    "required": False,
                    "in": "query",
                    "description": "Page by keyset instead of page number: empty "
                    "for the first page, then follow `next`. In id order; `count` "
                    "is null. Not with `page` or `ordering`.",
                    "schema": {"type": "string"},
                }
            )
        return parameters


class ChangeCursorPagination(PageSize, pagination.CursorPagination):
    """The changes feed, `{"next", "previous", "results"}`: newest recorded_at
    first, then id, by keyset, so a page stays put while new changes arrive."""

    ordering = ("-recorded_at", "-id")
    page_size = 50
    offset_cutoff = 1000
    invalid_cursor = "Invalid cursor: follow the next or previous link of a page."

    def get_paginated_response_schema(self, schema):
        # DRF's example links end in a stray quote, which is no URI.
        response = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            response["properties"][link]["example"] = (
                "https://tracker.example.org/api/v1/changes/?cursor=cD00ODY%3D"
            )
        return response

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise ValidationError({"cursor": [self.invalid_cursor]}) from None
        # The position becomes a recorded_at lookup: only a timestamp may reach it.
        if cursor and cursor.position is not None:
            try:
                datetime.datetime.fromisoformat(cursor.position)
            except ValueError:
                raise ValidationError({"cursor": [self.invalid_cursor]}) from None
        return cursor
