"""API v1 views (docs/design.md, "HTTP interface (v1)"). Nothing is deleted through the
API: no viewset offers destroy, so DELETE gets 405."""

import hashlib
import json

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from knox import views as knox_views
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments.api import serializers as api
from commitments.api.authentication import TokenAuthentication, delete_expired_tokens
from commitments.api.conditional import ConditionalMixin
from commitments.api.exceptions import Conflict, UnprocessableContent
from commitments.api.pagination import (
    ChangeCursorPagination,
    CommitmentPagination,
    CountedApart,
    Pagination,
)
from commitments.api.permissions import (
    CanAddProgressOrReadOnly,
    CanCheckStatus,
    CanCorrectProgressOrReadOnly,
    CanRetractProgress,
    DecidesDrafts,
    MaintainsDrafts,
)
from commitments.api.renderers import CommitmentCSVRenderer
from commitments.exports import csv_response
from commitments.filtersets import (
    AS_OF_HELP,
    ChangeEntryFilterSet,
    CommitmentFilterSet,
    DraftFilterSet,
    ProgressUpdateFilterSet,
)
from commitments.history import history_entries
from commitments.intake import IntakeError
from commitments.models import (
    TIMELINE_ORDER,
    Agency,
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


class AgencyViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = (
        Agency.objects.select_related("parent")
        .prefetch_related("aliases")
        .order_by("name", "id")
    )
    serializer_class = api.AgencyWithAliasesSerializer
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


def summarize(commitments):
    """Counts by status, overdue and late, overall and by lead agency: one
    grouped aggregate query whatever the number of commitments. Every commitment
    has exactly one lead agency, so the overall counts are the sums of the
    agencies' counts."""
    by_agency = commitments.status_counts_by("lead_agency__name", "lead_agency__slug")
    overall = {
        "total": sum(counts["total"] for _, counts in by_agency),
        "by_status": {
            status.value: sum(
                counts["by_status"][status.value] for _, counts in by_agency
            )
            for status in Status
        },
        "overdue": sum(counts["overdue"] for _, counts in by_agency),
        "late": sum(counts["late"] for _, counts in by_agency),
    }
    return {
        **overall,
        "by_agency": [
            {
                "agency": {
                    "slug": agency["lead_agency__slug"],
                    "name": agency["lead_agency__name"],
                },
                **counts,
            }
            for agency, counts in by_agency
        ],
    }


def progress_updates():
    """Progress updates with everything their JSON shows, in a constant number
    of queries: the update with its author's and retracting user's usernames,
    then the corrections of those that have any
    (ProgressUpdateQuerySet.with_corrections)."""
    return ProgressUpdate.objects.annotate(
        **api.ProgressUpdateSerializer.refs()
    ).with_corrections(Correction.objects.annotate(**api.CorrectionSerializer.refs()))


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

AS_OF = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    OpenApiParameter.QUERY,
    description=AS_OF_HELP,
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[AS_OF]),
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
    locks_with = ("announcement",)
    # One commitment is read as of a day too (commitments.api.negotiation).
    extra_query_parameters = {"retrieve": ["as_of"]}

    def get_renderers(self):
        # ?format=csv on the list exports every commitment its filters select. An
        # unsupported method (no action) keeps it too, so it answers 405, not 404.
        renderers = super().get_renderers()
        if self.action in ("list", None):
            renderers.append(CommitmentCSVRenderer())
        return renderers

    def get_queryset(self):
        looked_up = self.action == "updates" and not self.evaluates_preconditions()
        if looked_up and self.request.method == "POST":
            # Locked, as the new update's save() would lock it (add_progress), and
            # with the announcement, which a new update may not predate: a
            # correction of its date waits for this write, and this one for it
            # (Announcement.save).
            return Commitment.objects.select_for_update(
                of=("self", *self.locks_with)
            ).select_related(*self.locks_with)
        if self.action in ("summary", "history") or looked_up:
            # Counted or looked up, not shown: nothing to join or prefetch.
            return Commitment.objects.all()
        if self.action in ("list", "retrieve"):
            # Filtered first (`as_of` reads the rows as of a day), then shown.
            return Commitment.objects.all()
        # A write: the model's rules read the announcement (Commitment.clean,
        # ProgressUpdate.clean).
        return self.shown(Commitment.objects.select_related("announcement"))

    @staticmethod
    def shown(commitments):
        """These commitments with everything their JSON shows, in a constant
        number of queries whatever the page size; the latest update and the
        deadline changes as of the queryset's day, if it has one. Overdue and
        late are the model's properties (CommitmentSerializer): computing them in
        SQL cost more to build than the rest of a detail's query."""
        day = commitments.as_of_day
        return commitments.annotate(**api.CommitmentSerializer.refs()).prefetch_related(
            api.prefetched(
                "supporting_agencies", Agency.objects.order_by("name", "id")
            ),
            Prefetch("latest_update", progress_updates()),
            api.prefetched(
                "deadline_changes",
                DeadlineChange.objects.known_by(day).annotate(
                    **api.DeadlineChangeSerializer.refs()
                ),
            ),
        )

    def list(self, request, *args, **kwargs):
        commitments = self.filter_queryset(self.get_queryset())
        if isinstance(request.accepted_renderer, CommitmentCSVRenderer):
            # Every row the filters select, streamed from one query; no JSON page
            # is built. A bad filter raised above, before anything is sent.
            return csv_response(commitments, request)
        # The page carries the queryset's `as_of` day (CommitmentPagination).
        page = self.paginate_queryset(
            CountedApart(self.shown(commitments), counted=commitments)
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        # The list's filterset reads `as_of` (the only filter a commitment's
        # detail knows): a commitment announced after that day is not found.
        # The ETag (tracker.caching) hashes the body, which carries `as_of`.
        # Without a query string there is nothing to read, and the filterset (a
        # form of a dozen fields) is not built.
        commitments = self.get_queryset()
        if request.query_params:
            commitments = self.filter_queryset(commitments)
        commitment = get_object_or_404(self.shown(commitments), pk=self.kwargs["pk"])
        self.check_object_permissions(request, commitment)
        return Response(self.get_serializer(commitment).data)

    @extend_schema(
        responses=api.SummarySerializer,
        filters=True,
        description="Counts by status, overdue and late, overall and by lead "
        "agency, over the commitments that the list's filters select.",
    )
    @action(detail=False, pagination_class=None)
    def summary(self, request):
        commitments = self.filter_queryset(self.get_queryset())
        return Response({"as_of": commitments.as_of_day, **summarize(commitments)})

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
        description="Add a progress update (maintainers, and editors of an agency "
        "that leads or supports the commitment, or of an agency above one of "
        "those). The commitment's status follows its latest update by reported_on.",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[CanAddProgressOrReadOnly],
        filterset_class=None,
        pagination_class=Pagination,
    )
    def updates(self, request, pk=None):
        commitment = self.get_object()
        if request.method == "POST":
            return self.add_progress(request, commitment)
        timeline = progress_updates().filter(commitment=commitment)
        page = self.paginate_queryset(timeline.order_by(*TIMELINE_ORDER))
        serializer = api.ProgressUpdateSerializer(
            page, many=True, context=self.get_serializer_context()
        )
        return self.get_paginated_response(serializer.data)

    def add_progress(self, request, commitment):
        # get_object read it locked: with SELECT ... FOR UPDATE (get_queryset), or
        # after locking it to evaluate preconditions (lock_object).
        commitment.locked_for_update = True
        context = {**self.get_serializer_context(), "commitment": commitment}
        key = request.headers.get("Idempotency-Key")
        fingerprint = ""
        if key is not None:
            key = header_text(key)
            if key is None or not 1 <= len(key) <= 255 or not key.isprintable():
                raise ValidationError(
                    {
                        "Idempotency-Key": [
                            "Send 1 to 255 printable characters, in UTF-8."
                        ]
                    }
                )
            fingerprint = request_fingerprint(commitment, request.data)
            replay = self.replay(request, key, fingerprint, context)
            if replay is not None:
                return replay
        serializer = api.ProgressUpdateSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        values = {
            "commitment": commitment,
            "author": request.user,
            "idempotency_key": key,
            "request_fingerprint": fingerprint,
        }
        if key is None:
            # Nothing to race for: an error fails the request, and its transaction.
            serializer.save(**values)
        else:
            try:
                # A savepoint: if a concurrent retry with the same key wins the
                # race, the database refuses this row and the request answers as
                # the winner.
                with transaction.atomic():
                    serializer.save(**values)
            except IntegrityError:
                replay = self.replay(request, key, fingerprint, context)
                if not replay:
                    raise
                return replay
        # The serializer that validated the body shows the new update
        # (serializer.data is the saved instance's representation): its fields
        # are built once, and a new update knows it has no corrections.
        return created(serializer.data)

    def replay(self, request, key, fingerprint, context):
        """The first response to this Idempotency-Key, if it was used before."""
        first = (
            progress_updates().filter(author=request.user, idempotency_key=key).first()
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
        return created(body, headers={"Idempotent-Replayed": "true"})

    @extend_schema(
        request=api.CheckSerializer,
        responses={200: api.CommitmentSerializer},
        description="Confirm, without news, that the commitment's status still "
        "holds on checked_on (default today): maintainers and the editors of "
        "its agencies. Sets last_checked_on, and so status_as_of.",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="check",
        permission_classes=[CanCheckStatus],
        filterset_class=None,
    )
    def check_status(self, request, pk=None):
        # get_object locks the row and evaluates If-Match when it is sent.
        commitment = self.get_object()
        body = api.CheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        commitment.confirm_status(body.validated_data.get("checked_on"), request.user)
        commitment = self.get_queryset().get(pk=commitment.pk)
        return Response(self.get_serializer(commitment).data)

    @extend_schema(
        responses=api.HistoryEntrySerializer(many=True),
        description="Every write to the commitment, newest first: who, when, the "
        "kind of change, its reason, and each field's old and new value.",
        filters=False,
    )
    @action(detail=True, filterset_class=None, pagination_class=Pagination)
    def history(self, request, pk=None):
        commitment = self.get_object()
        records = commitment.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )
        page = self.paginate_queryset(records)
        return self.get_paginated_response(history_entries(commitment, page))


def created(body, headers=None):
    """201 with the new resource, and its URL in Location, as DRF's creates
    answer (CreateModelMixin.get_success_headers)."""
    # str(): the URL field gives a Hyperlink, and WSGI wants plain strings.
    location = {"Location": str(body["url"])}
    return Response(body, status=201, headers={**location, **(headers or {})})


def header_text(value):
    """A header's value as the client wrote it in UTF-8 (None if it is not UTF-8):
    WSGI hands Django every header decoded as Latin-1."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


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


@extend_schema_view(
    partial_update=extend_schema(
        request=api.ProgressCorrectionSerializer,
        responses={200: api.ProgressUpdateSerializer},
        description="Correct a published update (maintainers and the editors of "
        "its commitment's agencies): reported_on, status, summary and source_url "
        "may change under the rules of a new update, with a correction_note saying "
        "what changed and why. A retracted update cannot be corrected.",
    ),
)
class ProgressUpdateViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Every progress update, newest first; one update; its correction and its
    retraction. Progress is added on its commitment's timeline, so POST here
    answers 405, as PUT and DELETE do."""

    permission_classes = [CanCorrectProgressOrReadOnly]
    queryset = ProgressUpdate.objects.all()
    serializer_class = api.ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilterSet
    lookup_value_regex = "[0-9]+"
    # A correction names the version it corrects; a retraction may.
    if_match_required_for = ("PATCH",)
    locks_with = ("commitment__announcement",)

    def get_queryset(self):
        updates = progress_updates().order_by(*TIMELINE_ORDER)
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            # The permission asks for the commitment, the rules for its
            # announcement.
            updates = updates.select_related("commitment__announcement")
        return updates

    def partial_update(self, request, pk=None):
        """A correction. get_object locks the row and evaluates If-Match, so of
        concurrent correctors holding the same ETag one wins and the others get
        412, with nothing written."""
        update = self.get_object()
        update.locked_for_update = True
        context = {**self.get_serializer_context(), "commitment": update.commitment}
        correction = api.ProgressCorrectionSerializer(
            update, data=request.data, partial=True, context=context
        )
        correction.is_valid(raise_exception=True)
        correction.save(corrected_by=request.user)
        return self.answer_with(update.pk)

    @extend_schema(
        request=api.RetractSerializer,
        responses={200: api.ProgressUpdateSerializer},
        description="Retract a wrong update, with a reason (maintainers only): it "
        "stays on the timeline, marked retracted, and no longer counts for the "
        "commitment's status. Retracting twice is refused.",
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[CanRetractProgress],
        filterset_class=None,
    )
    def retract(self, request, pk=None):
        update = self.get_object()
        body = api.RetractSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        update.retract(body.validated_data["reason"], author=request.user)
        return self.answer_with(update.pk)

    def answer_with(self, pk):
        return Response(self.get_serializer(self.get_queryset().get(pk=pk)).data)


class ChangeEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every public change, newest recorded first: announcements and commitments
    added, commitments changed, progress added, corrected or retracted, deadlines
    moved and statuses confirmed."""

    permission_classes = [AllowAny]
    queryset = ChangeEntry.objects.select_related(
        "announcement", "commitment", "author"
    ).order_by("-recorded_at", "-id")
    serializer_class = api.ChangeEntrySerializer
    filterset_class = ChangeEntryFilterSet
    pagination_class = ChangeCursorPagination


class StatusViewSet(viewsets.ViewSet):
    """The status vocabulary: a plain array of value, label and definition."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="The status vocabulary", responses=api.StatusSerializer(many=True)
    )
    def list(self, request):
        return Response(api.StatusSerializer.vocabulary())


class LoginView(knox_views.LoginView):
    """`{"username", "password"}` in, `{"token", "expiry"}` out. The token is
    stored hashed and expires (REST_KNOX TOKEN_TTL). Failures count towards the
    sign-in limits that the admin's login shares (tracker/signin.py): a locked
    account or address gets 429 with Retry-After."""

    authentication_classes = []
    permission_classes = [AllowAny]

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
            # Answered, not raised: a raised error would roll back the request's
            # transaction (ATOMIC_REQUESTS), and the record of the failure with it.
            return Response(
                {"non_field_errors": ["Unable to log in with these credentials."]},
                status=400,
            )
        request.user = user
        delete_expired_tokens(user)
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
        # Nothing to send: a field sent ("all") is refused by name, not ignored.
        api.StrictSerializer(data=request.data).is_valid(raise_exception=True)
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
        "changes": "api:change-list",
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


class AnnouncementDraftViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """An announcement's drafts: GET lists them (filter by `state`); POST reads
    the announcement's text and proposes them afresh. Maintainers only."""

    serializer_class = api.DraftSerializer
    permission_classes = [MaintainsDrafts]
    filterset_class = DraftFilterSet
    queryset = Draft.objects.all()

    def get_announcement(self):
        return get_object_or_404(Announcement, slug=self.kwargs["slug"])

    def get_queryset(self):
        return drafts_to_show().filter(announcement__slug=self.kwargs["slug"])

    def list(self, request, *args, **kwargs):
        self.get_announcement()
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=api.ProposeDraftsSerializer,
        responses={201: api.ProposedDraftsSerializer},
        description="Read the announcement's text and store the commitments it "
        "proposes, replacing its drafts still proposed. Obligations whose quote "
        "overlaps an existing commitment's or a decided draft's are left out and "
        "listed under `skipped`. A text that cannot be read (empty, too long, not "
        "English) gets 400 naming `body`.",
    )
    def create(self, request, *args, **kwargs):
        api.ProposeDraftsSerializer(data=request.data or {}).is_valid(
            raise_exception=True
        )
        # Locked, so that two proposals for one announcement take turns rather
        # than both replacing the same drafts.
        announcement = get_object_or_404(
            Announcement.objects.select_for_update(), slug=self.kwargs["slug"]
        )
        try:
            drafts, skipped = Draft.objects.propose(announcement)
        except IntakeError as exc:
            raise ValidationError({"body": [str(exc)]}) from None
        shown = drafts_to_show().filter(pk__in=[draft.pk for draft in drafts])
        results = self.get_serializer(shown, many=True).data
        return Response(
            {
                "count": len(results),
                "results": results,
                "skipped": api.SkippedProposalSerializer(skipped, many=True).data,
            },
            status=201,
        )


def drafts_to_show():
    return (
        Draft.objects.select_related("announcement", "lead_agency", "topic")
        .select_related("decided_by")
        .prefetch_related(
            Prefetch("supporting_agencies", Agency.objects.order_by("name", "id"))
        )
        .order_by("quote_start", "id")
    )


@extend_schema_view(retrieve=extend_schema(summary="A draft"))
class DraftViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One draft; accept it (creating the commitment) or reject it."""

    serializer_class = api.DraftSerializer
    permission_classes = [MaintainsDrafts]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return drafts_to_show()

    def decided_already(self, draft):
        if draft.state != Draft.State.PROPOSED:
            raise Conflict(
                f"This draft was already {draft.state}"
                + (
                    f" as commitment {draft.commitment_id}."
                    if draft.commitment_id
                    else "."
                )
            )

    @extend_schema(
        summary="Accept a draft",
        request=api.AcceptDraftSerializer,
        responses={201: api.CommitmentSerializer},
        description="Create the commitment the draft proposes, through the rules "
        "of any other write, with any of the fields given here instead of the "
        "draft's. A deadline counted from another event needs a `due_date`; "
        "without one the commitment is open-ended until one is known.",
    )
    @action(detail=True, methods=["post"], permission_classes=[DecidesDrafts])
    def accept(self, request, pk=None):
        draft = self.get_object()
        self.decided_already(draft)
        overrides = api.AcceptDraftSerializer(data=request.data or {})
        overrides.is_valid(raise_exception=True)
        try:
            commitment = draft.accept(request.user, **overrides.validated_data)
        except DjangoValidationError as exc:
            if "state" in getattr(exc, "error_dict", {}):
                raise Conflict(exc.message_dict["state"][0]) from None
            raise
        body = api.CommitmentSerializer(
            commitment, context=self.get_serializer_context()
        ).data
        return created(body)

    @extend_schema(
        summary="Reject a draft", request=None, responses={200: api.DraftSerializer}
    )
    @action(detail=True, methods=["post"], permission_classes=[DecidesDrafts])
    def reject(self, request, pk=None):
        draft = self.get_object()
        self.decided_already(draft)
        api.ProposeDraftsSerializer(data=request.data or {}).is_valid(
            raise_exception=True
        )
        try:
            draft.reject(request.user)
        except DjangoValidationError as exc:
            raise Conflict(exc.messages[0]) from None
        return Response(self.get_serializer(self.get_queryset().get(pk=draft.pk)).data)
