"""The public site's commitment filters: plain GET parameters, so a filtered list is
a URL that can be shared, and the CSV link reuses the same query string."""

import django_filters
from django import forms
from django.db.models import Q

from commitments.filtersets import SearchFilter
from commitments.models import Commitment, Status


class CommitmentSiteFilter(django_filters.FilterSet):
    """Agencies and topics are passed in as (slug, name) choices the view already
    loaded, so validating a filter costs no query of its own."""

    q = SearchFilter(
        label="Search", help_text="Words in the title, description or quote."
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, widget=forms.CheckboxSelectMultiple
    )
    agency = django_filters.ChoiceFilter(
        label="Agency (lead or supporting)",
        method="filter_agency",
        empty_label="Any agency",
    )
    topic = django_filters.ChoiceFilter(
        field_name="topic__slug", label="Topic", empty_label="Any topic"
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        method="filter_overdue",
        choices=[("true", "Overdue only"), ("false", "Not overdue")],
        empty_label="Overdue or not",
    )

    class Meta:
        model = Commitment
        fields = ["q", "status", "agency", "topic", "overdue"]

    def __init__(self, data=None, *args, agencies=(), topics=(), **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["agency"].extra["choices"] = list(agencies)
        self.filters["topic"].extra["choices"] = list(topics)

    def filter_agency(self, queryset, name, value):
        # A subquery rather than a join, so a commitment is listed once.
        supported = Commitment.objects.filter(supporting_agencies__slug=value)
        return queryset.filter(
            Q(lead_agency__slug=value) | Q(pk__in=supported.values("pk"))
        )

    def filter_overdue(self, queryset, name, value):
        if value == "true":
            return queryset.overdue()
        # Not overdue includes commitments without a due date, hence no plain
        # negation of the SQL expression (which is NULL for them).
        return queryset.exclude(pk__in=Commitment.objects.overdue().values("pk"))
