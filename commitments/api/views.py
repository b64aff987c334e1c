"""API v1 views (DESIGN.md, "HTTP interface (v1)"). Nothing is deleted through the
API: no viewset offers destroy, so DELETE gets 405."""

import hashlib
import json

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from knox import views as knox_views
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from commitments.api import serializers as api
from commitments.api.authentication import TokenAuthentication
from commitments.api.conditional import ConditionalMixin
from commitments.api.exceptions import UnprocessableContent
from commitments.api.pagination import CommitmentPagination
from commitments.api.permissions import CanAddProgressOrReadOnly
from commitments.api.renderers import CommitmentCSVRenderer
from commitments.filtersets import CommitmentFilterSet, ProgressUpdateFilterSet
from commitments.history import history_entries
from commitments.models import (
    TIMELINE_ORDER,
    Agency,
    Announcement,
    Commitment,
    ProgressUpdate,
    Status,
    Topic,
)


class AgencyViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Agency.objects.select_related("parent").order_by("name", "id")
    serializer_class = api.AgencySerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class TopicViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Topic.objects.order_by("name", "id")
    serializer_class = api.TopicSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


class AnnouncementViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Announcement.objects.select_related("issuer").order_by(
        "-announced_on", "id"
    )
    serializer_class = api.AnnouncementSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


def status_counts(today):
    """The summary's counts, as aggregates over a queryset of commitments."""
    final = Status.final()
    counts = {"total": Count("id")}
    for status in Status:
        counts[status.value] = Count("id", filter=Q(status=status))
    counts["overdue"] = Count("id", filter=Q(due_date__lt=today) & ~Q(status__in=final))
    counts["late"] = Count(
        "id",
        filter=Q(
            status__in=final,
            due_date__isnull=False,
            final_assessed_on__gt=F("due_date"),
        ),
    )
    return counts


def summary_entry(row):
    return {
        "total": row["total"],
        "by_status": {status.value: row[status.value] for status in Status},
        "overdue": row["overdue"],
        "late": row["late"],
    }


def summarize(commitments):
    """Counts by status, overdue and late, overall and by lead agency: one
    grouped aggregate query whatever the number of commitments. Every commitment
    has exactly one lead agency, so the overall counts are the sums of the
    agencies' counts."""
    counts = status_counts(timezone.localdate())
    by_agency = list(
        commitments.order_by()
        .values("lead_agency__slug", "lead_agency__name")
        .annotate(**counts)
        .order_by("lead_agency__name", "lead_agency__slug")
    )
    overall = {name: sum(row[name] for row in by_agency) for name in counts}
    return {
        **summary_entry(overall),
        "by_agency": [
            {
                "agency": {
                    "slug": row["lead_agency__slug"],
                    "name": row["lead_agency__name"],
                },
                **summary_entry(row),
            }
            for row in by_agency
        ],
    }


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Up to 255 characters, unique per request you mean to make once. "
    "A retry with the same key and body returns the first response and adds "
    "nothing; the same key with another body gets 422.",
)

IDEMPOTENT_REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=["true"],
    response=[201],
    description="Present on a retry: this is the first response to the "
    "Idempotency-Key, and nothing was added.",
)


class CommitmentViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Commitment.objects.all()
    serializer_class = api.CommitmentSerializer
    pagination_class = CommitmentPagination
    filterset_class = CommitmentFilterSet
    lookup_value_regex = "[0-9]+"
    if_match_required_for = ("PUT", "PATCH")

    def get_renderers(self):
        # ?format=csv on the list exports every commitment its filters select. An
        # unsupported method (no action) keeps it too, so it answers 405, not 404.
        renderers = super().get_renderers()
        if self.action in ("list", None):
            renderers.append(CommitmentCSVRenderer())
        return renderers

    def get_queryset(self):
        looked_up = self.action == "updates" and not self.evaluates_preconditions()
        if self.action in ("summary", "history") or looked_up:
            # Counted or looked up, not shown: nothing to join or prefetch.
            return Commitment.objects.all()
        latest_update = ProgressUpdate.objects.select_related("author").order_by(
            *TIMELINE_ORDER
        )[:1]
        return (
            Commitment.objects.annotate_overdue()
            .select_related("announcement", "lead_agency", "topic")
            .prefetch_related(
                Prefetch("supporting_agencies", Agency.objects.order_by("name", "id")),
                Prefetch("updates", latest_update, to_attr="latest_updates"),
            )
            .order_by("id")
        )

    @extend_schema(
        responses=api.SummarySerializer,
        filters=True,
        description="Counts by status, overdue and late, overall and by lead "
        "agency, over the commitments that the list's filters select.",
    )
    @action(detail=False, pagination_class=None)
    def summary(self, request):
        return Response(summarize(self.filter_queryset(self.get_queryset())))

    @extend_schema(
        methods=["GET"],
        summary="The timeline of a commitment",
        responses=api.ProgressUpdateSerializer(many=True),
        description="The commitment's timeline, newest first.",
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a progress update",
        parameters=[IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED],
        request=api.ProgressUpdateSerializer,
        responses={201: api.ProgressUpdateSerializer},
        description="Add a progress update (maintainers, and editors of the "
        "commitment's lead agency or an agency above it). The commitment's status "
        "follows its latest update by reported_on.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[CanAddProgressOrReadOnly],
        filterset_class=None,
    )
    def updates(self, request, pk=None):
        commitment = self.get_object()
        if request.method == "POST":
            return self.add_progress(request, commitment)
        timeline = commitment.updates.select_related("author").order_by(*TIMELINE_ORDER)
        page = self.paginate_queryset(timeline)
        serializer = api.ProgressUpdateSerializer(
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(serializer.data)

    def add_progress(self, request, commitment):
        context = {**self.get_serializer_context(), "commitment": commitment}
        key = request.headers.get("Idempotency-Key")
        fingerprint = ""
        if key is not None:
            if not 1 <= len(key) <= 255 or not key.isprintable():
                raise ValidationError(
                    {"Idempotency-Key": ["Send 1 to 255 printable characters."]}
                )
            fingerprint = request_fingerprint(commitment, request.data)
            replay = self.replay(request, key, fingerprint, context)
            if replay is not None:
                return replay
        serializer = api.ProgressUpdateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        try:
            # A savepoint: if a concurrent retry with the same key wins the race,
            # the database refuses this row and the request answers as the winner.
            with transaction.atomic():
                update = serializer.save(
                    commitment=commitment,
                    author=request.user,
                    idempotency_key=key,
                    request_fingerprint=fingerprint,
                )
        except IntegrityError:
            replay = key and self.replay(request, key, fingerprint, context)
            if not replay:
                raise
            return replay
        return Response(
            api.ProgressUpdateSerializer(update, context=context).data, status=201
        )

    def replay(self, request, key, fingerprint, context):
        """The first response to this Idempotency-Key, if it was used before."""
        first = (
            ProgressUpdate.objects.select_related("author")
            .filter(author=request.user, idempotency_key=key)
            .first()
        )
        if first is None:
            return None
        if first.request_fingerprint != fingerprint:
            raise UnprocessableContent(
                "This Idempotency-Key was already used with a different request "
                "(another body or another commitment). Use a new key for a new "
                "progress update."
            )
        body = api.ProgressUpdateSerializer(first, context=context).data
        return Response(body, status=201, headers={"Idempotent-Replayed": "true"})

    @extend_schema(
        responses=api.HistoryEntrySerializer(many=True),
        description="Every write to the commitment, newest first: who, when, the "
        "kind of change, its reason, and each field's old and new value.",
        filters=False,
    )
    @action(detail=True, filterset_class=None)
    def history(self, request, pk=None):
        commitment = self.get_object()
        records = commitment.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
        page = self.paginate_queryset(records)
        return self.get_paginated_response(history_entries(commitment, page))


def request_fingerprint(commitment, body):
    """Tells a retry (same commitment, same body) from another request that
    reuses an Idempotency-Key."""
    canonical = json.dumps(
        {"commitment": commitment.pk, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class ProgressUpdateViewSet(
    ConditionalMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Every progress update, newest first."""

    # Read-only: POST and the rest answer 405 for anyone, not a 403 that suggests
    # a permission would help (progress is added on its commitment's timeline).
    permission_classes = [AllowAny]
    queryset = ProgressUpdate.objects.select_related("author").order_by(*TIMELINE_ORDER)
    serializer_class = api.ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilterSet


class StatusViewSet(viewsets.ViewSet):
    """The status vocabulary: a plain array of value, label and definition."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="The status vocabulary", responses=api.StatusSerializer(many=True)
    )
    def list(self, request):
        return Response(api.StatusSerializer.vocabulary())


class FailedLoginThrottle(SimpleRateThrottle):
    """Counts failed logins only, by client address and by username, in the
    database-backed cache shared by every web process. A successful login costs
    nothing; after too many failures every attempt waits, even a right one."""

    scope = "login_failures"

    def cache_keys(self, request):
        keys = [
            self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        ]
        data = request.data
        username = data.get("username") if isinstance(data, dict) else None
        if isinstance(username, str) and username:
            digest = hashlib.sha256(username.lower().encode()).hexdigest()
            keys.append(self.cache_format % {"scope": self.scope, "ident": digest})
        return keys

    def recent(self, key, now):
        return [t for t in self.cache.get(key, []) if t > now - self.duration]

    def allow_request(self, request, view):
        self.now = self.timer()
        for key in self.cache_keys(request):
            self.history = self.recent(key, self.now)
            if len(self.history) >= self.num_requests:
                return False
        return True

    def record_failure(self, request):
        now = self.timer()
        for key in self.cache_keys(request):
            self.cache.set(key, [now, *self.recent(key, now)], self.duration)


class LoginView(knox_views.LoginView):
    """`{"username", "password"}` in, `{"token", "expiry"}` out. The token is
    stored hashed and expires (REST_KNOX TOKEN_TTL)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [FailedLoginThrottle]

    @extend_schema(
        summary="Get a token",
        request=api.LoginSerializer,
        responses={200: api.TokenSerializer},
    )
    def post(self, request, format=None):
        login = api.LoginSerializer(data=request.data)
        login.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=login.validated_data["username"],
            password=login.validated_data["password"],
        )
        if user is None:
            FailedLoginThrottle().record_failure(request)
            # Answered, not raised: a raised error would roll back the request's
            # transaction (ATOMIC_REQUESTS), and the record of the failure with it.
            return Response(
                {"non_field_errors": ["Unable to log in with these credentials."]},
                status=400,
            )
        request.user = user
        return super().post(request, format)


class LogoutView(knox_views.LogoutView):
    """Revokes the token that authenticated this request."""

    authentication_classes = [TokenAuthentication]

    @extend_schema(
        summary="Revoke the token used",
        request=None,
        responses={204: OpenApiResponse(description="Revoked.")},
    )
    def post(self, request, format=None):
        return super().post(request, format)


class ApiRootView(APIView):
    """Links to every resource of API v1."""

    permission_classes = [AllowAny]

    links = {
        "agencies": "api:agency-list",
        "topics": "api:topic-list",
        "announcements": "api:announcement-list",
        "commitments": "api:commitment-list",
        "commitments_summary": "api:commitment-summary",
        "updates": "api:progressupdate-list",
        "statuses": "api:status-list",
        "auth_token": "api:auth-token",
        "auth_logout": "api:auth-logout",
        "schema": "schema",
        "docs": "docs",
    }

    @extend_schema(
        summary="Links to every resource",
        responses=inline_serializer(
            "ApiRoot", {name: serializers.URLField() for name in links}
        ),
    )
    def get(self, request, format=None):
        return Response(
            {
                name: request.build_absolute_uri(reverse(view_name))
                for name, view_name in self.links.items()
            }
        )
