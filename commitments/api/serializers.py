"""JSON representations for API v1 (docs/design.md, "HTTP interface (v1)").

Requests name agencies, announcements and topics by slug; responses expand agencies
to `{"slug", "name"}`. Writes are strict: a field the client may not set, or that
does not exist, is refused by name rather than silently ignored."""

import copy
import datetime
from collections.abc import Mapping
from types import SimpleNamespace

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models as db_models
from django.db.models import F, Prefetch
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.fields import Field, SkipField, empty
from rest_framework.relations import MANY_RELATION_KWARGS, PKOnlyObject, RelatedField
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from commitments.api.exceptions import validation_error_detail
from commitments.filtersets import parse_iso_date
from commitments.models import (
    STATUS_DEFINITIONS,
    Agency,
    AgencyAlias,
    Announcement,
    ChangeEntry,
    Commitment,
    Correction,
    DeadlineChange,
    Draft,
    ProgressUpdate,
    Status,
    Topic,
)


class StringsOnly:
    """Text is a JSON string: a number or a boolean where text is expected is
    refused, rather than read as "0" or "True"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(StringsOnly, serializers.CharField):
    pass


class StrictSlugField(StringsOnly, serializers.SlugField):
    pass


class StrictURLField(StringsOnly, serializers.URLField):
    pass


class StrictEmailField(StringsOnly, serializers.EmailField):
    pass


class StrictDateField(serializers.DateField):
    """A date is exactly YYYY-MM-DD in ASCII digits (not 20180401, nor a number),
    read as the filters read one (filtersets.parse_iso_date)."""

    def to_internal_value(self, value):
        date = parse_iso_date(value)
        if date is None:
            self.fail("invalid", format="YYYY-MM-DD")
        return date


class NoEmptyReference:
    """An empty string names nothing: null clears a reference, and "" is refused
    (DRF would read it as null)."""

    default_error_messages = {
        "empty": "An empty string names nothing; send null to leave this empty."
    }

    def run_validation(self, data=empty):
        if data == "":
            self.fail("empty")
        return super().run_validation(data)


def ref_name(source, column):
    """The annotation that carries `column` of the row related by `source` on
    the row itself (ReadsRef)."""
    return f"ref_{source}_{column}"


class ReadsRef:
    """A related field that shows a few columns of the related row
    (`ref_columns`). Where the queryset annotated them on the row itself
    (ModelSerializer.refs), it reads them there, and the related row is neither
    joined whole nor built into a model instance: on a page of 50 commitments,
    with their latest updates, that was 250 instances (README, "Where a list
    request spends its time", a fifth pass). Without them it reads the related
    row, as DRF does."""

    ref_columns = ()

    def refs(self):
        path = "__".join(self.source_attrs)
        return {
            ref_name(self.source, column): F(f"{path}__{column}")
            for column in self.ref_columns
        }

    def get_attribute(self, instance):
        values = getattr(instance, "__dict__", {})
        first = ref_name(self.source, self.ref_columns[0])
        if first not in values:
            return super().get_attribute(instance)
        if values[first] is None:
            # No related row: each column shown is NOT NULL.
            return None
        return SimpleNamespace(
            **{
                column: values[ref_name(self.source, column)]
                for column in self.ref_columns
            }
        )


class StrictSlugRelatedField(NoEmptyReference, ReadsRef, serializers.SlugRelatedField):
    @property
    def ref_columns(self):
        return (self.slug_field,)

    def to_internal_value(self, data):
        # A slug is a string; anything else names nothing (and a dict would
        # otherwise reach the database as a lookup value).
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictPrimaryKeyRelatedField(
    NoEmptyReference, serializers.PrimaryKeyRelatedField
):
    pass


def prefetched(lookup, queryset):
    """A Prefetch of a relation into a plain list, which the field of the same
    name reads (ReadsPrefetched). Without a list Django builds, for every row, a
    filtered queryset only to hold that row's related rows: on a page of
    commitments that cost more than reading them."""
    return Prefetch(lookup, queryset, to_attr=f"prefetched_{lookup}")


class ReadsPrefetched:
    """A field of many related rows that reads the list prefetched() left on the
    instance, or else asks the relation (an instance read without it)."""

    def get_attribute(self, instance):
        rows = getattr(instance, f"prefetched_{self.source}", None)
        return super().get_attribute(instance) if rows is None else rows


class PrefetchedListSerializer(ReadsPrefetched, serializers.ListSerializer):
    pass


class PrefetchedManyRelatedField(ReadsPrefetched, serializers.ManyRelatedField):
    pass


class AgencyRefField(StrictSlugRelatedField):
    """An agency: its slug in requests, `{"slug", "name"}` in responses."""

    ref_columns = ("slug", "name")

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Agency.objects.all())
        super().__init__(**kwargs)

    @classmethod
    def many_init(cls, *args, **kwargs):
        # As RelatedField.many_init, with a field that reads prefetched lists.
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return PrefetchedManyRelatedField(**list_kwargs)

    def to_representation(self, obj):
        return {"slug": obj.slug, "name": obj.name}


class RefusesUnknownFields:
    """Refuses unknown and read-only fields in a write, naming each of them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = ["This field does not exist."]
                elif field.read_only:
                    errors[name] = ["This field is read-only."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class StrictSerializer(RefusesUnknownFields, serializers.Serializer):
    """The body of an action (retract, check, a draft's proposal and
    acceptance): known, writable fields only."""


class TimestampField(serializers.DateTimeField):
    """A timestamp, in UTC as docs/design.md says, without DRF asking for the current
    time zone again on every value."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=datetime.UTC, **kwargs)


class IdentityURLField(serializers.HyperlinkedIdentityField):
    """The object's URL, reversed once per request and view: the URL with each
    object's key in place. Reversing it for every row cost a tenth of a list
    request."""

    # Stands for the key in the reversed URL; no host or path holds it.
    KEY = "8086808680868086"

    def get_url(self, obj, view_name, request, format):
        key = getattr(obj, self.lookup_field)
        if key in (None, ""):
            return super().get_url(obj, view_name, request, format)
        cached = getattr(self, "_url_around_key", None)
        if cached is None or cached[0] != (request, view_name, format):
            url = self.reverse(
                view_name,
                kwargs={self.lookup_url_kwarg: self.KEY},
                request=request,
                format=format,
            )
            head, _, tail = url.rpartition(self.KEY)
            cached = self._url_around_key = ((request, view_name, format), head, tail)
        return f"{cached[1]}{key}{cached[2]}"


# Stands for a value ModelSerializer.to_representation leaves to the field.
NOT_PLAIN = object()


def reads_one_attribute(field):
    """Whether DRF gets this field's value by reading one attribute of the
    instance: a source without dots, and Field's own get_attribute (a related
    field's too, unless it reads the key alone)."""
    get_attribute = type(field).get_attribute
    return len(field.source_attrs) == 1 and (
        get_attribute is Field.get_attribute
        or (
            get_attribute is RelatedField.get_attribute
            and not field.use_pk_only_optimization()
        )
    )


# Fields that hold fields bound to themselves: a nested serializer or a list of
# them, a many-related field (child_relation), a list or a mapping of values
# (child).
HOLDS_BOUND_FIELDS = (
    serializers.BaseSerializer,
    serializers.ManyRelatedField,
    serializers.ListField,
    serializers.DictField,
)


def copy_of_field(field):
    """A copy of an unbound field for a serializer to bind. A field's state is
    its arguments (which it never changes) and what bind() sets on the copy, so
    a shallow copy is what DRF's deep copy (a new field from deep copies of the
    arguments) makes, at a fraction of the cost. A field that holds fields bound
    to itself (HOLDS_BOUND_FIELDS) is deep copied, as DRF does, so that each
    copy's own are bound to it."""
    if isinstance(field, HOLDS_BOUND_FIELDS):
        return copy.deepcopy(field)
    return copy.copy(field)


def refs_of(serializer):
    """The ref annotations (ReadsRef) of a serializer's readable fields, with
    those of the serializers it nests over the same row (source="*")."""
    refs = {}
    for field in serializer.fields.values():
        if field.write_only:
            continue
        if isinstance(field, ReadsRef):
            refs.update(field.refs())
        elif isinstance(field, serializers.BaseSerializer) and field.source == "*":
            refs.update(refs_of(field))
    return refs


# DRF's ModelSerializer, cheaper per request and per row, for the lists: its
# fields are built from Meta once per class (DRF reads the model again for every
# instance, and a list request builds four) and copied cheaply (copy_of_field),
# the readable ones are listed once per instance (DRF walks its field dict for
# every row), and timestamps are TimestampFields. (No docstring: the schema
# would take it as the description of every component without one.)
class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        db_models.DateTimeField: TimestampField,
    }

    def get_fields(self):
        cls = type(self)
        if "_built_fields" not in cls.__dict__:
            cls._built_fields = super().get_fields()
        return {name: copy_of_field(field) for name, field in cls._built_fields.items()}

    @cached_property
    def _readable_fields(self):
        return [field for field in self.fields.values() if not field.write_only]

    @cached_property
    def _readings(self):
        # Each readable field, with the one attribute DRF would read for it
        # (fields.get_attribute: no dotted source), or None where its own
        # get_attribute does more.
        return [
            (field, field.source_attrs[0] if reads_one_attribute(field) else None)
            for field in self._readable_fields
        ]

    @classmethod
    def refs(cls):
        """The annotations that let this serializer's related fields read what
        they show from the row itself (ReadsRef): `queryset.annotate(**refs())`."""
        if "_refs" not in cls.__dict__:
            cls._refs = refs_of(cls())
        return cls._refs

    def to_representation(self, instance):
        # DRF's Serializer.to_representation, reading a plain attribute directly:
        # its get_attribute tests every value for a mapping and a callable, at
        # every field of every row. What is not plainly an attribute's value (a
        # callable, a missing attribute or related row, a mapping's key) is read
        # by the field's own get_attribute, as DRF reads it.
        if isinstance(instance, Mapping):
            return super().to_representation(instance)
        ret = {}
        for field, name in self._readings:
            attribute = NOT_PLAIN
            if name is not None:
                try:
                    attribute = getattr(instance, name)
                except (AttributeError, KeyError, ObjectDoesNotExist):
                    attribute = NOT_PLAIN
                if callable(attribute):
                    attribute = NOT_PLAIN
            if attribute is NOT_PLAIN:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(attribute, PKOnlyObject) and attribute.pk is None:
                    attribute = None
            if attribute is None:
                ret[field.field_name] = None
            else:
                ret[field.field_name] = field.to_representation(attribute)
        return ret


class StrictModelSerializer(RefusesUnknownFields, ModelSerializer):
    """Refuses unknown and read-only fields in a write, naming each of them, and
    checks the model's own rules (Model.clean) before anything is written so that
    every error comes back as 400 with its field. Text fields take strings only,
    a reference is never the empty string, and dates are exactly YYYY-MM-DD."""

    serializer_field_mapping = {
        **ModelSerializer.serializer_field_mapping,
        db_models.CharField: StrictCharField,
        db_models.TextField: StrictCharField,
        db_models.SlugField: StrictSlugField,
        db_models.URLField: StrictURLField,
        db_models.EmailField: StrictEmailField,
        db_models.DateField: StrictDateField,
    }
    serializer_related_field = StrictPrimaryKeyRelatedField

    def validate(self, attrs):
        attrs = super().validate(attrs)
        candidate = self.build_candidate(attrs)
        try:
            candidate.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(validation_error_detail(exc)) from None
        return attrs

    def build_candidate(self, attrs):
        """A copy of the instance with the request applied (many-to-many fields
        aside), for the model's clean() to judge. Values that are no field but an
        attribute the model reads (a deadline change's reason) are applied too."""
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance else model()
        for name, value in attrs.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                if hasattr(model, name):
                    setattr(candidate, name, value)
                continue
            if not field.many_to_many:
                setattr(candidate, name, value)
        return candidate


class AgencySerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:agency-detail", lookup_field="slug"
    )
    parent = StrictSlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Agency
        fields = ["slug", "url", "abbreviation", "name", "level", "parent"]


class TopicSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:topic-detail", lookup_field="slug"
    )

    class Meta:
        model = Topic
        fields = ["slug", "url", "name"]


class AnnouncementSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:announcement-detail", lookup_field="slug"
    )
    issuer = AgencyRefField()

    class Meta:
        model = Announcement
        fields = [
            "slug",
            "url",
            "title",
            "issuer",
            "announced_on",
            "source_url",
            "text_source_url",
            "text_source_note",
            "summary",
            "body",
        ]


class StatusLabelField(serializers.CharField):
    """The label of the object's status. Looked up directly: a source of
    `get_status_display` has DRF inspect the method's signature on every row."""

    def __init__(self, **kwargs):
        super().__init__(source="status", read_only=True, **kwargs)

    def to_representation(self, value):
        return Status(value).label


class UsernameField(ReadsRef, serializers.SlugRelatedField):
    """A user as their username (null where there is none)."""

    ref_columns = ("username",)

    def __init__(self, **kwargs):
        super().__init__(
            slug_field="username", read_only=True, allow_null=True, **kwargs
        )


class CorrectionSerializer(ModelSerializer):
    author = UsernameField()

    class Meta:
        model = Correction
        fields = ["corrected_at", "note", "author"]


# An update's retraction, read from the update itself (source="*"): null while
# the update stands. (No docstring: the schema would show it.)
class RetractionSerializer(ModelSerializer):
    retracted_at = TimestampField(read_only=True)
    reason = serializers.CharField(source="retraction_reason", read_only=True)
    author = UsernameField(source="retracted_by")

    class Meta:
        model = ProgressUpdate
        fields = ["retracted_at", "reason", "author"]

    def to_representation(self, update):
        if update.retracted_at is None:
            return None
        return super().to_representation(update)


class ProgressUpdateSerializer(StrictModelSerializer):
    url = IdentityURLField(view_name="api:progressupdate-detail")
    status_label = StatusLabelField()
    author = UsernameField()
    commitment = serializers.PrimaryKeyRelatedField(read_only=True)
    recorded_at = TimestampField(
        read_only=True,
        help_text="When the update was entered (reported_on is when the progress "
        "happened).",
    )
    corrections = CorrectionSerializer(
        many=True, read_only=True, source="correction_list"
    )
    retracted = RetractionSerializer(source="*", read_only=True, allow_null=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "url",
            "commitment",
            "reported_on",
            "status",
            "status_label",
            "summary",
            "source_url",
            "author",
            "recorded_at",
            "created_at",
            "corrections",
            "retracted",
        ]

    def build_candidate(self, attrs):
        candidate = super().build_candidate(attrs)
        commitment = self.context.get("commitment")
        candidate.commitment = commitment or self.instance.commitment
        return candidate


class DeadlineChangeSerializer(ModelSerializer):
    author = UsernameField()

    class Meta:
        model = DeadlineChange
        fields = ["changed_on", "old_due_date", "new_due_date", "reason", "author"]
        read_only_fields = fields
        list_serializer_class = PrefetchedListSerializer


class ProgressCorrectionSerializer(ProgressUpdateSerializer):
    """A PATCH of a published update: the fields of a new update, under the same
    rules, and a correction note saying what changed and why."""

    correction_note = serializers.CharField(
        write_only=True,
        max_length=2000,
        help_text="Required: what changed and why. Shown with the update.",
    )

    class Meta(ProgressUpdateSerializer.Meta):
        fields = [*ProgressUpdateSerializer.Meta.fields, "correction_note"]

    def validate(self, attrs):
        # A PATCH is partial, so DRF does not ask for "required" fields itself.
        if not (attrs.get("correction_note") or "").strip():
            raise serializers.ValidationError(
                {
                    "correction_note": [
                        "A correction needs a note saying what changed and why."
                    ]
                }
            )
        if not set(attrs) - {"correction_note"}:
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY: [
                        "A correction changes at least one of reported_on, status, "
                        "summary and source_url."
                    ]
                }
            )
        return super().validate(attrs)

    def build_candidate(self, attrs):
        candidate = super().build_candidate(attrs)
        candidate.correction_note = attrs.get("correction_note", "")
        return candidate


class RetractSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the update is retracted. Shown with it."
    )


class CheckSerializer(StrictSerializer):
    checked_on = StrictDateField(
        required=False,
        help_text="The day the status was confirmed to hold (default: today); not "
        "in the future, not before the announcement or the latest update.",
    )


class CommitmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()


class ChangeEntrySerializer(serializers.ModelSerializer):
    announcement = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    commitment = serializers.SerializerMethodField()
    author = UsernameField()

    class Meta:
        model = ChangeEntry
        fields = [
            "id",
            "recorded_at",
            "kind",
            "announcement",
            "commitment",
            "summary",
            "author",
        ]

    @extend_schema_field(CommitmentRefSerializer(allow_null=True))
    def get_commitment(self, entry):
        commitment = entry.commitment
        if commitment is None:
            return None
        return {
            "id": commitment.pk,
            "title": commitment.title,
            "url": reverse(
                "api:commitment-detail",
                args=[commitment.pk],
                request=self.context.get("request"),
            ),
        }


class CommitmentSerializer(StrictModelSerializer):
    url = IdentityURLField(view_name="api:commitment-detail")
    announcement = StrictSlugRelatedField(
        slug_field="slug", queryset=Announcement.objects.all()
    )
    topic = StrictSlugRelatedField(slug_field="slug", queryset=Topic.objects.all())
    lead_agency = AgencyRefField()
    supporting_agencies = AgencyRefField(many=True, required=False)
    status_label = StatusLabelField()
    is_overdue = serializers.SerializerMethodField()
    is_late = serializers.SerializerMethodField()
    days_remaining = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Days from today (or from as_of) to the due date (negative when "
        "past).",
    )
    as_of = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="The day this commitment is read as of (the as_of parameter); "
        "null: as it stands now.",
    )
    latest_update = serializers.SerializerMethodField()
    deadline_changes = DeadlineChangeSerializer(
        many=True,
        read_only=True,
        help_text="Every move of the deadline, newest first.",
    )
    status_as_of = serializers.SerializerMethodField(
        help_text="The date the status is known to hold: the latest update's "
        "reported_on, or a later check of that status (a check of a status that "
        "news has since replaced does not count); null when there is neither."
    )
    deadline_change_reason = StrictCharField(
        write_only=True,
        required=False,
        max_length=DeadlineChange._meta.get_field("reason").max_length,
        help_text="Why the deadline moves: needed with any change to due_date or "
        "due_in_days, and kept with the deadline change it records.",
    )
    deadline_changed_on = StrictDateField(
        write_only=True,
        required=False,
        help_text="When the deadline was moved (default today): not before the "
        "announcement, nor before the previous change, nor in the future.",
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "url",
            "slug",
            "announcement",
            "parent",
            "title",
            "description",
            "source_quote",
            "lead_agency",
            "supporting_agencies",
            "topic",
            "kind",
            "deadline_text",
            "due_in_days",
            "due_date",
            "original_due_date",
            "status",
            "status_label",
            "is_overdue",
            "is_late",
            "days_remaining",
            "latest_update",
            "deadline_changes",
            "status_as_of",
            "last_checked_on",
            "as_of",
            "version",
            "created_at",
            "updated_at",
            "deadline_change_reason",
            "deadline_changed_on",
        ]
        read_only_fields = [
            "original_due_date",
            "status",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_is_overdue(self, commitment) -> bool:
        # The SQL flag where the queryset computed it (read as of a day: see
        # CommitmentQuerySet.as_of); NULL there means false. Else the property,
        # the same rule in Python.
        if hasattr(commitment, "overdue"):
            return bool(commitment.overdue)
        return commitment.is_overdue

    def get_is_late(self, commitment) -> bool:
        if hasattr(commitment, "late"):
            return bool(commitment.late)
        return commitment.is_late

    @extend_schema_field(ProgressUpdateSerializer(allow_null=True))
    def get_latest_update(self, commitment):
        latest = commitment.latest_update
        if latest is None:
            return None
        return self.latest_update_serializer.to_representation(latest)

    def get_status_as_of(self, commitment) -> datetime.date | None:
        return commitment.status_as_of(commitment.latest_update)

    @cached_property
    def latest_update_serializer(self):
        # One for all the rows of a list: a serializer per row would copy its
        # fields for every row (with DRF's deep copies, over half the time of a
        # list request).
        return ProgressUpdateSerializer(context=self.context)

    def create(self, validated_data):
        # Creating a commitment moves no deadline: there is no change to record.
        validated_data.pop("deadline_change_reason", None)
        validated_data.pop("deadline_changed_on", None)
        return super().create(validated_data)

    def update(self, instance, validated_data):
        # Who moves the deadline, should this write move it (Commitment.save
        # records the change).
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            instance.deadline_change_author = request.user
        return super().update(instance, validated_data)


class StatusSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Status.choices)
    label = serializers.CharField()
    definition = serializers.CharField()

    @staticmethod
    def vocabulary():
        return [
            {"value": s.value, "label": s.label, "definition": STATUS_DEFINITIONS[s]}
            for s in Status
        ]


@extend_schema_serializer(component_name="AgencyRef")
class AgencyBriefSerializer(serializers.Serializer):
    """An agency, as responses name it."""

    slug = serializers.SlugField()
    name = serializers.CharField()


StatusCountsSerializer = type(
    "StatusCountsSerializer",
    (serializers.Serializer,),
    {status.value: serializers.IntegerField() for status in Status},
)


class AgencySummarySerializer(serializers.Serializer):
    agency = AgencyBriefSerializer()
    total = serializers.IntegerField()
    by_status = StatusCountsSerializer()
    overdue = serializers.IntegerField()
    late = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    as_of = serializers.DateField(
        allow_null=True,
        help_text="The day the counts are as of (the as_of parameter); null: as "
        "the commitments stand now.",
    )
    total = serializers.IntegerField()
    by_status = StatusCountsSerializer()
    overdue = serializers.IntegerField()
    late = serializers.IntegerField()
    by_agency = AgencySummarySerializer(many=True)


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One write to a commitment, as kept by its history."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    author = serializers.CharField(
        allow_null=True,
        help_text="Who wrote it: the acting user's username, or null for rows "
        "loaded without one.",
    )
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    change_reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    changes = FieldChangeSerializer(many=True)


class LoginSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)

    def validate_username(self, value):
        # As the admin's login form does: both find the same account.
        return AbstractBaseUser.normalize_username(value)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class AliasesField(serializers.ListField):
    """An agency's aliases: a list of names in requests and responses."""

    child = serializers.CharField(max_length=200)

    def to_representation(self, aliases):
        return [alias.name for alias in aliases.all()]


# The agency the API serves is this one: its schema component keeps the name.
@extend_schema_serializer(component_name="Agency")
class AgencyWithAliasesSerializer(AgencySerializer):
    """An agency with `aliases`, the other ways texts name it ("the Attorney
    General"): unique regardless of case across all agencies. Sending the list
    replaces the agency's aliases."""

    aliases = AliasesField(
        required=False,
        help_text="Other names of the agency or its head, unique regardless of "
        "case; a write replaces the whole list.",
    )

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "aliases"]

    def validate_aliases(self, names):
        try:
            return AgencyAlias.objects.check_names(self.instance, names)
        except DjangoValidationError as refused:
            raise serializers.ValidationError(refused.messages) from None

    def validate(self, attrs):
        aliases = attrs.pop("aliases", None)
        attrs = super().validate(attrs)
        if aliases is not None:
            attrs["aliases"] = aliases
        return attrs

    def create(self, validated_data):
        aliases = validated_data.pop("aliases", None)
        agency = super().create(validated_data)
        if aliases is not None:
            AgencyAlias.objects.replace_for(agency, aliases)
        return agency

    def update(self, instance, validated_data):
        aliases = validated_data.pop("aliases", None)
        agency = super().update(instance, validated_data)
        if aliases is not None:
            AgencyAlias.objects.replace_for(agency, aliases)
        return agency


class DraftSerializer(serializers.ModelSerializer):
    """A proposed commitment (docs/design.md, "Drafts (announcement intake)").
    Read-only: drafts change only by being accepted or rejected."""

    url = serializers.HyperlinkedIdentityField(view_name="api:draft-detail")
    announcement = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lead_agency = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        help_text="The slug of the known agency the lead's words name, or null.",
    )
    supporting_agencies = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    decided_by = UsernameField()

    class Meta:
        model = Draft
        fields = [
            "id",
            "url",
            "announcement",
            "state",
            "source_quote",
            "quote_start",
            "quote_end",
            "title",
            "lead_agency_text",
            "lead_agency",
            "supporting_agencies_text",
            "supporting_agencies",
            "topic",
            "kind",
            "deadline_text",
            "deadline_event",
            "due_in_days",
            "due_date",
            "confidence",
            "rationale",
            "commitment",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class SkippedProposalSerializer(serializers.Serializer):
    """An obligation left out because its quote overlaps a commitment's or a
    decided draft's."""

    source_quote = serializers.CharField()
    quote_start = serializers.IntegerField()
    quote_end = serializers.IntegerField()
    title = serializers.CharField()
    lead_agency_text = serializers.CharField()
    kind = serializers.CharField()
    deadline_text = serializers.CharField()
    due_in_days = serializers.IntegerField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)


class ProposedDraftsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = DraftSerializer(many=True)
    skipped = SkippedProposalSerializer(many=True)


class ProposeDraftsSerializer(StrictSerializer):
    """The drafts POST takes no fields: it reads the announcement's text."""


class AcceptDraftSerializer(StrictSerializer):
    """What a maintainer may set instead of the draft's own values when accepting
    it. All optional."""

    slug = StrictSlugField(max_length=50, required=False)
    title = StrictCharField(max_length=300, required=False)
    description = StrictCharField(required=False, allow_blank=True)
    topic = StrictSlugRelatedField(
        slug_field="slug", queryset=Topic.objects.all(), required=False
    )
    lead_agency = StrictSlugRelatedField(
        slug_field="slug", queryset=Agency.objects.all(), required=False
    )
    supporting_agencies = StrictSlugRelatedField(
        slug_field="slug", queryset=Agency.objects.all(), many=True, required=False
    )
    kind = serializers.ChoiceField(choices=Commitment.Kind.choices, required=False)
    deadline_text = StrictCharField(max_length=200, required=False, allow_blank=True)
    due_in_days = serializers.IntegerField(
        min_value=0, max_value=36500, required=False, allow_null=True
    )
    due_date = StrictDateField(required=False, allow_null=True)
    parent = StrictPrimaryKeyRelatedField(
        queryset=Commitment.objects.all(), required=False, allow_null=True
    )
