"""The filters of the commitment lists (docs/design.md, "Commitment filters" and "Public
site"), written once: the API's list, summary and `?format=csv` use
CommitmentFilterSet; the public list and /commitments.csv use the same filters
under the site's names (CommitmentSiteFilterSet: `q` for search, `sort` for the
order), laid out as a form. What each filter selects is the model's to say
(CommitmentQuerySet).

Every filter validates its value: a slug, status or kind that names nothing, or a
malformed date or boolean, is an error naming the parameter (400 from the API, and
from the site's CSV; the public list shows it above the form) rather than being
ignored."""

import datetime
import functools
import re

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from commitments.models import (
    Agency,
    Announcement,
    ChangeEntry,
    Commitment,
    Draft,
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


class AsOfField(StrictDateField):
    """A past day (or today) as YYYY-MM-DD: what happened later is not known
    yet."""

    def to_python(self, value):
        day = super().to_python(value)
        today = timezone.localdate()
        if day is not None and day > today:
            raise forms.ValidationError(
                f"Enter a day no later than today ({today.isoformat()}): what "
                "happened after it is not known yet."
            )
        return day


@extend_schema_field(OpenApiTypes.DATE)
class AsOfFilter(django_filters.Filter):
    """Reads the commitments as they stood at the end of that day. The FilterSet
    applies it before every other filter (they filter on the values of that
    day), so in its own turn it does nothing."""

    field_class = AsOfField

    def filter(self, qs, value):
        return qs


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


def without_empty_values(data):
    """A query's values without the empty ones, and without a parameter left with
    none: an empty value (`?status=`, as a GET form sends an unused field) means
    no filter, on the API's lists (api/filters.py) and the site's alike
    (docs/design.md, "Commitment filters")."""
    data = data.copy()
    for name in list(data):
        values = [value for value in data.getlist(name) if value != ""]
        if values:
            data.setlist(name, values)
        else:
            del data[name]
    return data


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
            field = F(qs.column(name.lstrip("-")))
            ordering.append(
                field.desc(nulls_last=True)
                if descending
                else field.asc(nulls_last=True)
            )
        return qs.order_by(*ordering, "id")


ORDERING_FIELDS = ["due_date", "updated_at", "title", "status"]


AS_OF_HELP = (
    "YYYY-MM-DD, today or earlier: every value as it stood at the end of that "
    "day (status, due date, overdue, late, days remaining, latest update, "
    "deadline changes, last check); commitments announced later are left out."
)


class CommitmentFilterSet(django_filters.FilterSet):
    """The commitment filters. `as_of` reads the commitments as of a past day
    (CommitmentQuerySet.as_of) before the others apply, so status, overdue, late,
    the due dates and the order are those of that day."""

    as_of = AsOfFilter(label="As of", help_text=AS_OF_HELP)
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        # A column of the row itself: no join, so nothing to de-duplicate.
        distinct=False,
        help_text="Repeatable: any of these statuses.",
    )
    agency = SlugFilter(
        queryset=Agency.objects.all(),
        method="filter_agency",
        label="Agency (lead or supporting)",
        help_text="An agency's slug: commitments it leads or supports.",
    )
    lead_agency = SlugFilter(
        queryset=Agency.objects.all(),
        label="Lead agency",
        help_text="The lead agency's slug.",
    )
    announcement = SlugFilter(
        queryset=Announcement.objects.all(),
        label="Announcement",
        help_text="The announcement's slug.",
    )
    topic = SlugFilter(
        queryset=Topic.objects.all(), label="Topic", help_text="The topic's slug."
    )
    kind = django_filters.ChoiceFilter(choices=Commitment.Kind.choices, label="Kind")
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label="Overdue",
        help_text="Due date past and no final assessment.",
    )
    late = StrictBooleanFilter(
        method="filter_late",
        label="Late",
        help_text="Final assessment dated after the due date.",
    )
    due_before = StrictDateFilter(
        method="filter_due_date",
        lookup_expr="lte",
        label="Due on or before",
        help_text="Due on or before.",
    )
    due_after = StrictDateFilter(
        method="filter_due_date",
        lookup_expr="gte",
        label="Due on or after",
        help_text="Due on or after.",
    )
    search = SearchFilter(
        label="Search",
        help_text=f"Words that must all occur in the title, description or quote: "
        f"at most {SEARCH_MAX_LENGTH} characters and {SEARCH_MAX_WORDS} different "
        "words.",
    )
    ordering = CommitmentOrderingFilter(
        fields=ORDERING_FIELDS,
        label="Order",
        help_text="due_date, updated_at, title or status, each with - for "
        "descending; comma-separated for several. Ties are broken by id.",
    )

    class Meta:
        model = Commitment
        fields = []

    def filter_queryset(self, queryset):
        day = self.form.cleaned_data.get("as_of")
        return super().filter_queryset(queryset.as_of(day))

    def filter_status(self, queryset, name, statuses):
        return queryset.filter(**{f"{queryset.column('status')}__in": statuses})

    def filter_due_date(self, queryset, name, day):
        lookup = self.filters[name].lookup_expr
        return queryset.filter(**{f"{queryset.column('due_date')}__{lookup}": day})

    def filter_agency(self, queryset, name, agency):
        return queryset.of_agencies([agency])

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.not_overdue()

    def filter_late(self, queryset, name, value):
        return queryset.late() if value else queryset.not_late()


class MenuOrSlugBox(forms.Select):
    """A menu while there are at most `limit` choices; beyond that, a text box for
    the slug. A menu of thousands of announcements is of no use to a reader and
    costs seconds to draw on every list page (README, "Limits")."""

    def __init__(self, limit, attrs=None):
        super().__init__(attrs)
        self.limit = limit

    def render(self, name, value, attrs=None, renderer=None):
        # The first choice is the empty one.
        if len(list(self.choices)) > self.limit + 1:
            box = forms.TextInput(attrs={**self.attrs, "placeholder": "its slug"})
            return box.render(name, value, attrs, renderer)
        return super().render(name, value, attrs, renderer)


class CommitmentSiteFilterSet(CommitmentFilterSet):
    """The same filters for the public list and /commitments.csv, with the site's
    names (docs/design.md, "Public site"): `q` for search and `sort` for the order,
    and widgets for a GET form. They filter through the same methods."""

    search = None
    ordering = None
    q = SearchFilter(
        label="Search", help_text="Words in the title, description or quote."
    )
    sort = CommitmentOrderingFilter(
        fields=ORDERING_FIELDS,
        label="Order",
        choices=[
            ("due_date", "Due date, soonest first"),
            ("-due_date", "Due date, latest first"),
            ("-updated_at", "Latest activity first"),
            ("updated_at", "Oldest activity first"),
            ("title", "Title, A to Z"),
            ("-title", "Title, Z to A"),
            ("status", "Status"),
            ("-status", "Status, reversed"),
        ],
    )
    # Only on the site: the agency page's "Supports" scorecard counts what an
    # agency supports without leading, and each of its numbers links to the list
    # of what it counts.
    supporting_agency = SlugFilter(
        queryset=Agency.objects.all(),
        method="filter_supporting_agency",
        label="Supported (not led) by",
        help_text="Commitments this agency supports and another leads.",
    )

    # The form's order: search first, then what narrows the most.
    FORM_ORDER = [
        "q",
        "status",
        "agency",
        "lead_agency",
        "supporting_agency",
        "announcement",
        "topic",
        "kind",
        "overdue",
        "late",
        "due_after",
        "due_before",
        "as_of",
        "sort",
    ]
    EMPTY_LABELS = {
        "agency": "Any agency",
        "lead_agency": "Any lead agency",
        "supporting_agency": "Any or none",
        "announcement": "Any announcement",
        "topic": "Any topic",
        "kind": "Any kind",
        "sort": "As entered",
    }
    AGENCY_MENUS = ["agency", "lead_agency", "supporting_agency"]
    # More announcements than this and the form asks for the slug instead.
    ANNOUNCEMENT_MENU_MAX = 200
    YES_NO = {
        "overdue": [
            ("", "Overdue or not"),
            ("true", "Overdue only"),
            ("false", "Not overdue"),
        ],
        "late": [("", "Late or not"), ("true", "Late only"), ("false", "Not late")],
    }

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = without_empty_values(data)
        super().__init__(data, *args, **kwargs)
        self.filters = {name: self.filters[name] for name in self.FORM_ORDER}

    def filter_supporting_agency(self, queryset, name, agency):
        return queryset.supported_by([agency])

    @property
    def form(self):
        # The widgets are set on this form's own fields: the filters' fields are
        # built once and shared (the API's schema reads them too).
        if not hasattr(self, "_form"):
            fields = super().form.fields
            fields["status"].widget = forms.CheckboxSelectMultiple()
            for name, label in self.EMPTY_LABELS.items():
                fields[name].empty_label = label
            for name, choices in self.YES_NO.items():
                fields[name].widget = forms.Select(choices=choices)
            for name in ("due_after", "due_before", "as_of"):
                fields[name].widget = forms.DateInput(attrs={"type": "date"})
            # The widgets list the choices again, with the new widget or label.
            for name in ["status", *self.EMPTY_LABELS]:
                fields[name].widget.choices = fields[name].choices
            # The three agency menus offer the same agencies: read them once,
            # when a menu is drawn (the CSV draws none). A submitted slug is
            # still looked up in the field's queryset.
            agencies = functools.cache(
                lambda: [(agency.slug, str(agency)) for agency in Agency.objects.all()]
            )
            for name in self.AGENCY_MENUS:
                fields[name].widget.choices = functools.partial(
                    lambda empty: [("", empty), *agencies()], self.EMPTY_LABELS[name]
                )
            # The newest announcements, one more than a menu may hold: read when
            # the menu is drawn, as the agencies are.
            limit = self.ANNOUNCEMENT_MENU_MAX
            fields["announcement"].widget = MenuOrSlugBox(limit)
            fields["announcement"].widget.choices = functools.cache(
                lambda: [
                    ("", self.EMPTY_LABELS["announcement"]),
                    *(
                        (announcement.slug, str(announcement))
                        for announcement in Announcement.objects.all()[: limit + 1]
                    ),
                ]
            )
        return self._form


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


class DraftFilterSet(django_filters.FilterSet):
    """An announcement's drafts, by state (proposed, accepted, rejected)."""

    state = django_filters.ChoiceFilter(choices=Draft.State.choices)

    class Meta:
        model = Draft
        fields = ["state"]


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
        return queryset.filter(
            Q(commitment__in=Commitment.objects.of_agencies([agency]))
            | Q(commitment__isnull=True, announcement__issuer=agency)
        )
