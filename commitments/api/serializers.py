"""JSON representations for API v1 (DESIGN.md, "HTTP interface (v1)").

Requests name agencies, announcements and topics by slug; responses expand agencies
to `{"slug", "name"}`. Writes are strict: a field the client may not set, or that
does not exist, is refused by name rather than silently ignored."""

import copy

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models as db_models
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from commitments.api.exceptions import validation_error_detail
from commitments.models import (
    STATUS_DEFINITIONS,
    Agency,
    Announcement,
    Commitment,
    ProgressUpdate,
    Status,
    Topic,
)


class AgencyRefField(serializers.SlugRelatedField):
    """An agency: its slug in requests, `{"slug", "name"}` in responses."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "slug")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Agency.objects.all())
        super().__init__(**kwargs)

    def to_representation(self, obj):
        return {"slug": obj.slug, "name": obj.name}

    def to_internal_value(self, data):
        # A slug is a string; anything else names nothing (and a dict would
        # otherwise reach the database as a lookup value).
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugRelatedField(serializers.SlugRelatedField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictModelSerializer(serializers.ModelSerializer):
    """Refuses unknown and read-only fields in a write, naming each of them, and
    checks the model's own rules (Model.clean) before anything is written so that
    every error comes back as 400 with its field."""

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
        aside), for the model's clean() to judge."""
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance else model()
        for name, value in attrs.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
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
            "summary",
            "body",
        ]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # Deadlines counted in days follow the announcement's date (see
        # Announcement.save), so that date must leave room for them.
        announced_on = attrs.get("announced_on")
        if announced_on is not None and self.instance is not None:
            longest = (
                self.instance.commitments.aggregate(days=db_models.Max("due_in_days"))[
                    "days"
                ]
                or 0
            )
            if announced_on.toordinal() + longest > MAX_ORDINAL:
                raise serializers.ValidationError(
                    {"announced_on": ["Too late: a deadline would pass the year 9999."]}
                )
        return attrs


# date.max.toordinal(): no date can lie beyond it.
MAX_ORDINAL = 3652059


class StatusLabelField(serializers.CharField):
    """The label of the object's status. Looked up directly: a source of
    `get_status_display` has DRF inspect the method's signature on every row."""

    def __init__(self, **kwargs):
        super().__init__(source="status", read_only=True, **kwargs)

    def to_representation(self, value):
        return Status(value).label


class ProgressUpdateSerializer(StrictModelSerializer):
    status_label = StatusLabelField()
    # Null for rows loaded without an author (fixtures).
    author = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    commitment = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "commitment",
            "reported_on",
            "status",
            "status_label",
            "summary",
            "source_url",
            "author",
            "created_at",
        ]

    def build_candidate(self, attrs):
        candidate = super().build_candidate(attrs)
        candidate.commitment = self.context["commitment"]
        return candidate


class CommitmentSerializer(StrictModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:commitment-detail")
    announcement = StrictSlugRelatedField(
        slug_field="slug", queryset=Announcement.objects.all()
    )
    topic = StrictSlugRelatedField(slug_field="slug", queryset=Topic.objects.all())
    lead_agency = AgencyRefField()
    supporting_agencies = AgencyRefField(many=True, required=False)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Commitment.objects.all(), required=False, allow_null=True
    )
    due_in_days = serializers.IntegerField(
        min_value=0,
        max_value=36500,
        required=False,
        allow_null=True,
        help_text="Days from the announcement date (immediate is 0). When set, the "
        "due date is derived from it.",
    )
    status_label = StatusLabelField()
    is_overdue = serializers.SerializerMethodField()
    is_late = serializers.SerializerMethodField()
    days_remaining = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Days from today to the due date (negative when past).",
    )
    latest_update = serializers.SerializerMethodField()
    deadline_change_reason = serializers.CharField(
        write_only=True,
        required=False,
        max_length=100,
        help_text="Why the deadline changes: needed with any change to due_date, "
        "due_in_days or kind that moves the deadline; kept in the history.",
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
            "version",
            "created_at",
            "updated_at",
            "deadline_change_reason",
        ]
        read_only_fields = [
            "original_due_date",
            "status",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_is_overdue(self, commitment) -> bool:
        # Computed in SQL for lists (annotate_overdue); NULL there means false.
        if hasattr(commitment, "overdue"):
            return bool(commitment.overdue)
        return commitment.is_overdue

    def get_is_late(self, commitment) -> bool:
        if hasattr(commitment, "late"):
            return bool(commitment.late)
        return commitment.is_late

    @extend_schema_field(ProgressUpdateSerializer(allow_null=True))
    def get_latest_update(self, commitment):
        # The viewset prefetches the latest update into `latest_updates`; a lone
        # instance (after a write) asks the database.
        if hasattr(commitment, "latest_updates"):
            latest = commitment.latest_updates[0] if commitment.latest_updates else None
        else:
            latest = commitment.latest_progress()
        if latest is None:
            return None
        return self.latest_update_serializer.to_representation(latest)

    @cached_property
    def latest_update_serializer(self):
        # One for all the rows of a list: building a serializer deep-copies its
        # fields, which made up over half the time of a list request.
        return ProgressUpdateSerializer(context=self.context)

    def validate(self, attrs):
        reason = attrs.pop("deadline_change_reason", "")
        self.check_due_date_in_range(attrs)
        attrs = super().validate(attrs)
        if self.instance is not None:
            self.check_children_stay_with_announcement(attrs)
            candidate = self.build_candidate(attrs)
            candidate.derive_due_date()
            moved = (candidate.due_date, candidate.due_in_days) != (
                self.instance.due_date,
                self.instance.due_in_days,
            )
            if moved and not reason.strip():
                raise serializers.ValidationError(
                    {
                        "deadline_change_reason": [
                            "Changing the deadline (due_date or due_in_days) needs "
                            "a reason, kept in the history."
                        ]
                    }
                )
        if reason.strip():
            attrs["_change_reason"] = reason.strip()
        return attrs

    def check_children_stay_with_announcement(self, attrs):
        """Sub-commitments belong to their parent's announcement (Commitment.clean
        and, on PostgreSQL, a constraint checked at commit): a parent cannot move
        to another announcement and leave them behind."""
        announcement = attrs.get("announcement")
        if (
            announcement is not None
            and announcement.pk != self.instance.announcement_id
            and self.instance.children.exists()
        ):
            raise serializers.ValidationError(
                {
                    "announcement": [
                        "This commitment has sub-commitments in its announcement; "
                        "it cannot move to another one."
                    ]
                }
            )

    def check_due_date_in_range(self, attrs):
        announcement = attrs.get("announcement") or getattr(
            self.instance, "announcement", None
        )
        days = attrs.get("due_in_days", getattr(self.instance, "due_in_days", None))
        if (
            announcement
            and days is not None
            and announcement.announced_on.toordinal() + days > MAX_ORDINAL
        ):
            raise serializers.ValidationError(
                {"due_in_days": ["The deadline would pass the year 9999."]}
            )

    def build_candidate(self, attrs):
        attrs = {k: v for k, v in attrs.items() if not k.startswith("_")}
        return super().build_candidate(attrs)

    def create(self, validated_data):
        validated_data.pop("_change_reason", None)
        return super().create(validated_data)

    def update(self, instance, validated_data):
        reason = validated_data.pop("_change_reason", None)
        if reason:
            instance._change_reason = reason
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
    user = serializers.CharField(allow_null=True, help_text="Who wrote it.")
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    change_reason = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField()
    changes = FieldChangeSerializer(many=True)


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)
