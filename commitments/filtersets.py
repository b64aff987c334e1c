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


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(value):
    """A date written exactly YYYY-MM-DD in ASCII digits, else None. (Python and
    Django also read 20180506, 2018-5-6, a trailing newline and non-ASCII
    digits.)"""
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


class StrictDateField(forms.Field):
    """A date as YYYY-MM-DD and nothing else (Django's DateField also reads
    05/06/2018 and the like)."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        date = parse_iso_date(value)
        if date is None:
            raise forms.ValidationError("Enter a date as YYYY-MM-DD.")
        return date


@extend_schema_field(OpenApiTypes.DATE)
class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateField


# A search costs a scan of three text columns per word: these bound what one
# request can ask for (README "Limits").
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8


class SearchField(forms.CharField):
    """Words to search for: at most SEARCH_MAX_LENGTH characters and
    SEARCH_MAX_WORDS different words (case aside); a repeated word counts once."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        words = list({word.casefold(): word for word in text.split()}.values())
        if len(words) > SEARCH_MAX_WORDS:
            raise forms.ValidationError(
                f"Search for at most {SEARCH_MAX_WORDS} different words "
                f"({len(words)} given).",
                code="max_words",
            )
        return words


@extend_schema_field(OpenApiTypes.STR)
class SearchFilter(django_filters.Filter):
    """Commitments whose title, description or quote holds every word."""

    field_class = SearchField

    def filter(self, queryset, words):
        for word in words or []:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(source_quote__icontains=word)
            )
        return queryset


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
    due_before = StrictDateFilter(
        field_name="due_date", lookup_expr="lte", help_text="Due on or before."
    )
    due_after = StrictDateFilter(
        field_name="due_date", lookup_expr="gte", help_text="Due on or after."
    )
    search = SearchFilter(
        help_text=f"Words that must all occur in the title, description or quote: "
        f"at most {SEARCH_MAX_LENGTH} characters and {SEARCH_MAX_WORDS} different "
        "words.",
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
    reported_before = StrictDateFilter(
        field_name="reported_on", lookup_expr="lte", help_text="On or before."
    )
    reported_after = StrictDateFilter(
        field_name="reported_on", lookup_expr="gte", help_text="On or after."
    )

    class Meta:
        model = ProgressUpdate
        fields = []
