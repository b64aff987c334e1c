"""Filters for the API's lists (DESIGN.md, "Commitment filters").

Every filter validates its value: a slug, status or kind that names nothing, or a
malformed date or boolean, gets 400 naming the parameter (DjangoFilterBackend
raises the form's errors) rather than being ignored."""

import datetime
import re

import django_filters
from django import forms
from django.db.models import F, Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from commitments.models import (
    Agency,
    Announcement,
    ChangeEntry,
    Commitment,
    ProgressUpdate,
    Status,
    Topic,
)


class StrictBooleanField(forms.Field):
    """`true` or `false` (also 1/0), and nothing else: Django's NullBooleanField
    would read any other value as "no filter"."""

    values = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return self.values[str(value).lower()]
        except KeyError:
            raise forms.ValidationError("Enter true or false.") from None


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """Names a related object by its slug; an unknown slug is an error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "Nothing has the slug %(value)s."},
        )
        kwargs.setdefault("null_label", None)
        super().__init__(*args, **kwargs)


class CommitmentOrderingFilter(django_filters.OrderingFilter):
    """Orders by the fields offered, always breaking ties by id. Commitments
    without a due date sort last both ways, on every database."""

    def filter(self, qs, value):
        ordering = []
        for name in value or []:
            descending = name.startswith("-")
            field = F(name.lstrip("-"))
            ordering.append(
                field.desc(nulls_last=True)
                if descending
                else field.asc(nulls_last=True)
            )
        return qs.order_by(*ordering, "id")


class CommitmentFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        # A column of the row itself: no join, so nothing to de-duplicate.
        distinct=False,
        help_text="Repeatable: any of these statuses.",
    )
    lead_agency = SlugFilter(
        queryset=Agency.objects.all(), help_text="The lead agency's slug."
    )
    agency = SlugFilter(
        queryset=Agency.objects.all(),
        method="filter_agency",
        help_text="An agency's slug: commitments it leads or supports.",
    )
    announcement = SlugFilter(
        queryset=Announcement.objects.all(), help_text="The announcement's slug."
    )
    topic = SlugFilter(queryset=Topic.objects.all(), help_text="The topic's slug.")
    kind = django_filters.ChoiceFilter(choices=Commitment.Kind.choices)
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text="Due date past and no final assessment.",
    )
    late = StrictBooleanFilter(
        method="filter_late",
        help_text="Final assessment dated after the due date.",
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", help_text="Due on or before."
    )
    due_after = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", help_text="Due on or after."
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        help_text="Words that must all occur in the title, description or quote.",
    )
    ordering = CommitmentOrderingFilter(
        fields=["due_date", "updated_at", "title", "status"],
        help_text="due_date, updated_at, title or status, each with - for "
        "descending; comma-separated for several. Ties are broken by id.",
    )

    class Meta:
        model = Commitment
        fields = []

    def filter_agency(self, queryset, name, agency):
        supported = Commitment.supporting_agencies.through.objects.filter(
            agency=agency
        ).values("commitment_id")
        return queryset.filter(Q(lead_agency=agency) | Q(pk__in=supported))

    def filter_overdue(self, queryset, name, value):
        overdue = Commitment.objects.overdue().values("pk")
        if value:
            return queryset.filter(pk__in=overdue)
        return queryset.exclude(pk__in=overdue)

    def filter_late(self, queryset, name, value):
        late = Commitment.objects.late().values("pk")
        if value:
            return queryset.filter(pk__in=late)
        return queryset.exclude(pk__in=late)

    def filter_search(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(source_quote__icontains=word)
            )
        return queryset


class ProgressUpdateFilterSet(django_filters.FilterSet):
    """The all-progress feed, narrowed by status, agency or date."""

    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        # A column of the row itself: no join, so nothing to de-duplicate.
        distinct=False,
        help_text="Repeatable: any of these statuses.",
    )
    agency = SlugFilter(
        queryset=Agency.objects.all(),
        field_name="commitment__lead_agency",
        help_text="The lead agency's slug of the commitment.",
    )
    announcement = SlugFilter(
        queryset=Announcement.objects.all(),
        field_name="commitment__announcement",
        help_text="The announcement's slug.",
    )
    reported_before = django_filters.DateFilter(
        field_name="reported_on", lookup_expr="lte", help_text="On or before."
    )
    reported_after = django_filters.DateFilter(
        field_name="reported_on", lookup_expr="gte", help_text="On or after."
    )

    class Meta:
        model = ProgressUpdate
        fields = []


class TimestampField(forms.Field):
    """An ISO 8601 timestamp with an offset (`2018-06-01T12:00:00+00:00`, or `Z`),
    or a bare date, meaning 00:00 UTC that day. A timestamp without an offset
    names no moment, so it is an error. A "+" left unencoded in a URL arrives as a
    space, and is read as the "+" it was."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        value = re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", str(value).strip())
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                day = datetime.date.fromisoformat(value)
            except ValueError:
                raise forms.ValidationError("Enter a real date.") from None
            return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None or "T" not in value.upper():
            raise forms.ValidationError(
                "Enter an ISO 8601 timestamp with an offset, such as "
                "2018-06-01T00:00:00Z, or a date (YYYY-MM-DD, 00:00 UTC)."
            )
        return moment


@extend_schema_field(OpenApiTypes.DATETIME)
class TimestampFilter(django_filters.Filter):
    field_class = TimestampField


class ChangeEntryFilterSet(django_filters.FilterSet):
    """The changes feed, narrowed by time, kind, agency or announcement."""

    since = TimestampFilter(
        field_name="recorded_at",
        lookup_expr="gt",
        help_text="Changes recorded after this moment (exclusive): an ISO 8601 "
        "timestamp with an offset, or a date meaning 00:00 UTC.",
    )
    until = TimestampFilter(
        field_name="recorded_at",
        lookup_expr="lte",
        help_text="Changes recorded up to this moment (inclusive): an ISO 8601 "
        "timestamp with an offset, or a date meaning 00:00 UTC.",
    )
    kind = django_filters.MultipleChoiceFilter(
        choices=ChangeEntry.Kind.choices,
        distinct=False,
        help_text="Repeatable: any of these kinds.",
    )
    agency = SlugFilter(
        queryset=Agency.objects.all(),
        method="filter_agency",
        help_text="An agency's slug: changes to commitments it leads or supports, "
        "and to announcements it issued.",
    )
    announcement = SlugFilter(
        queryset=Announcement.objects.all(), help_text="The announcement's slug."
    )

    class Meta:
        model = ChangeEntry
        fields = []

    def filter_agency(self, queryset, name, agency):
        supported = Commitment.supporting_agencies.through.objects.filter(
            agency=agency
        ).values("commitment_id")
        return queryset.filter(
            Q(commitment__lead_agency=agency)
            | Q(commitment__in=supported)
            | Q(commitment__isnull=True, announcement__issuer=agency)
        )
