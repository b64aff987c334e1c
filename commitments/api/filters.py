"""The filter backend of every API list: DjangoFilterBackend, with the query
string read as docs/design.md reads it.

- An empty value (`?status=`, as a GET form sends an unused field) means no filter.
- A parameter that takes one value (all but the repeatable ones such as `status`)
  given twice is a 400 naming it, rather than silently the last one."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from commitments.filtersets import without_empty_values


def repeatable(filter_):
    return getattr(filter_.field_class.widget, "allow_multiple_selected", False)


class FilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filters = self.get_filterset_class(view, queryset).base_filters
        data = without_empty_values(kwargs["data"])
        errors = {}
        for name in data:
            if (
                name in filters
                and len(data.getlist(name)) > 1
                and not repeatable(filters[name])
            ):
                errors[name] = [
                    "Give this parameter once (where it takes several values, "
                    "separate them with commas)."
                ]
        if errors:
            raise ValidationError(errors)
        kwargs["data"] = data
        return kwargs
