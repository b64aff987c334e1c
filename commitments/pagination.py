"""Pagination for every API list but /statuses/ (DESIGN.md)."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class Pagination(pagination.PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; `page_size` up to 100."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        try:
            size = int(value)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError(
                {self.page_size_query_param: ["Enter a whole number of at least 1."]}
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = "Results per page (default 50, at most 100)."
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
