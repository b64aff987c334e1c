"""The public site: server-rendered, read-only pages for readers. Every page costs a
fixed number of queries whatever the number of commitments (see the tests), and
answers conditional GETs with 304."""

import itertools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, CharField, Value, When
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.decorators import decorator_from_middleware
from django.utils.http import urlencode

from commitments import exports
from commitments.exports import commitments_for_export, csv_response
from commitments.filtersets import AsOfField, CommitmentSiteFilterSet
from commitments.models import (
    RECORDED_ORDER,
    STATUS_DEFINITIONS,
    TIMELINE_ORDER,
    Agency,
    Announcement,
    ChangeEntry,
    Commitment,
    ProgressUpdate,
    Status,
)
from commitments.site.highlight import highlight_blocks, locate_quotes
from tracker.caching import ConditionalGetMiddleware, ignoring_unmodified_since

# The ETag is a hash of the page itself: always right, whatever changed the data
# (the admin, the API, a fixture load or simply the date, which decides what is
# overdue), and a 304 saves the reader the download.
conditional_get = decorator_from_middleware(ConditionalGetMiddleware)

LATEST_PROGRESS_ON_HOME = 10
COMMITMENTS_PER_PAGE = 100
CHANGES_PER_PAGE = 100


def commitment_path(commitment):
    return reverse(
        "public:commitment", args=[commitment.announcement.slug, commitment.slug]
    )


def read_as_of(request):
    """The day a page is read as of (`?as_of=`), or None: as now. A malformed or
    future day raises ValidationError."""
    return AsOfField(required=False).clean(request.GET.get("as_of"))


def as_of_refused(error):
    return HttpResponseBadRequest(
        f"as_of: {' '.join(error.messages)}", content_type="text/plain; charset=utf-8"
    )


def list_url(**filters):
    """The public list of commitments that these filters select: a shareable
    address, so every count on the site opens the list it counts."""
    query = urlencode({name: value for name, value in filters.items() if value})
    url = reverse("public:commitment_list")
    return f"{url}?{query}" if query else url


@dataclass
class Scorecard:
    """How a set of commitments stands: counts per status (with labels, so a meter
    never relies on colour), overdue and late, as CommitmentQuerySet.status_counts
    gives them. `filters` are the list's filters that select the same set, so each
    count links to the commitments it counts."""

    counts: dict = field(default_factory=dict)
    overdue: int = 0
    late: int = 0
    filters: dict = field(default_factory=dict)

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def rows(self):
        total = self.total or 1
        return [
            {
                "value": status.value,
                "label": status.label,
                "count": self.counts.get(status.value, 0),
                "percent": round(100 * self.counts.get(status.value, 0) / total, 1),
                "url": list_url(**self.filters, status=status.value),
            }
            for status in Status
        ]

    @property
    def total_url(self):
        return list_url(**self.filters)

    @property
    def overdue_url(self):
        return list_url(**self.filters, overdue="true")

    @property
    def late_url(self):
        return list_url(**self.filters, late="true")

    @classmethod
    def of(cls, counts, **filters):
        return cls(
            counts=counts["by_status"],
            overdue=counts["overdue"],
            late=counts["late"],
            filters=filters,
        )


def scorecards_by(group_field, commitments=Commitment.objects):
    """One query: the counts per value of `group_field` (e.g. announcement_id),
    as `{value: counts}` for Scorecard.of."""
    return {
        values[group_field]: counts
        for values, counts in commitments.status_counts_by(group_field)
    }


# The counts of a group with no commitments (status_counts_by leaves it out).
NO_COUNTS = {"by_status": {}, "overdue": 0, "late": 0}


def group_by_status(commitments):
    groups = []
    for status in Status:
        members = [c for c in commitments if c.status == status]
        if members:
            groups.append(
                {
                    "value": status.value,
                    "label": status.label,
                    "definition": STATUS_DEFINITIONS[status],
                    "commitments": members,
                }
            )
    return groups


@conditional_get
def home(request):
    announcements = list(Announcement.objects.select_related("issuer"))
    counts = scorecards_by("announcement_id")
    for announcement in announcements:
        announcement.scorecard = Scorecard.of(
            counts.get(announcement.pk, NO_COUNTS), announcement=announcement.slug
        )
    # Newest entered first: an update back-dated to 2018 but entered today is
    # today's news.
    latest_progress = ProgressUpdate.objects.select_related(
        "commitment__announcement", "commitment__lead_agency"
    ).order_by(*RECORDED_ORDER)[:LATEST_PROGRESS_ON_HOME]
    return render(
        request,
        "commitments/home.html",
        {"announcements": announcements, "latest_progress": latest_progress},
    )


@conditional_get
def announcement_detail(request, slug):
    announcement = get_object_or_404(
        Announcement.objects.select_related("issuer"), slug=slug
    )
    commitments = list(
        announcement.commitments.annotate_overdue().select_related(
            "lead_agency", "topic", "parent"
        )
    )
    spans = locate_quotes(announcement.body, commitments, commitment_path)
    numbers = {span.anchor: span.number for span in spans}
    for commitment in commitments:
        commitment.quote_number = numbers.get(f"quote-{commitment.slug}")
    return render(
        request,
        "commitments/announcement.html",
        {
            "announcement": announcement,
            "blocks": highlight_blocks(announcement.body, announcement.title, spans),
            "groups": group_by_status(commitments),
            "scorecard": Scorecard.of(
                announcement.commitments.status_counts(),
                announcement=announcement.slug,
            ),
            "unplaced": [c for c in commitments if c.quote_number is None],
        },
    )


@conditional_get
def commitment_detail(request, announcement_slug, slug):
    try:
        day = read_as_of(request)
    except ValidationError as error:
        return as_of_refused(error)
    commitment = get_object_or_404(
        Commitment.objects.as_of(day)
        .annotate_overdue()
        .select_related("announcement", "lead_agency", "topic", "parent"),
        announcement__slug=announcement_slug,
        slug=slug,
    )
    updates = list(
        commitment.updates.known_by(day)
        .select_related("author", "retracted_by")
        .with_corrections()
        .order_by(*TIMELINE_ORDER)
    )
    counted = [update for update in updates if not update.is_retracted]
    days_remaining = commitment.days_remaining
    late_by = (
        (commitment.final_assessed_on - commitment.due_date).days
        if commitment.late
        else None
    )
    return render(
        request,
        "commitments/commitment.html",
        {
            "commitment": commitment,
            # Fixed by the contract (docs/design.md, "HTTP interface (v1)"), so
            # the site does not depend on the API's URL names.
            "api_url": f"/api/v1/commitments/{commitment.pk}/",
            "days_remaining": days_remaining,
            "days_overdue": -days_remaining if commitment.overdue else None,
            "days_late": late_by,
            "final": commitment.status in Status.final(),
            "status_definition": STATUS_DEFINITIONS[commitment.status],
            "supporting_agencies": list(commitment.supporting_agencies.all()),
            "sub_commitments": list(
                commitment.children.all()
                .as_of(day)
                .annotate_overdue()
                .select_related("announcement", "lead_agency")
            ),
            "timeline": timeline(updates, commitment.deadline_changes.known_by(day)),
            "status_as_of": commitment.status_as_of(counted[0] if counted else None),
            "as_of": day,
        },
    )


def timeline(updates, deadline_changes):
    """Progress updates (loaded, retracted ones included) and deadline changes,
    newest first by the date each happened (ties: the later entered), as
    `{"update": …}` or `{"deadline_change": …}` entries."""
    entries = [
        ((update.reported_on, update.created_at), {"update": update})
        for update in updates
    ] + [
        ((change.changed_on, change.created_at), {"deadline_change": change})
        for change in deadline_changes.select_related("author")
    ]
    entries.sort(key=lambda entry: entry[0], reverse=True)
    return [entry for _, entry in entries]


@conditional_get
def agency_list(request):
    agencies = list(Agency.objects.all())
    leads = scorecards_by("lead_agency_id")
    supports = scorecards_by("supporter", Commitment.objects.by_supporter())
    for agency in agencies:
        agency.leads = Scorecard.of(
            leads.get(agency.pk, NO_COUNTS), lead_agency=agency.slug
        )
        agency.supports = Scorecard.of(
            supports.get(agency.pk, NO_COUNTS), supporting_agency=agency.slug
        )
    return render(request, "commitments/agency_list.html", {"agencies": agencies})


def group_by_announcement(commitments):
    """The commitments under their announcements, newest announcement first, each
    announcement once: `[{"announcement": …, "commitments": […]}, …]`."""
    groups = {}
    for commitment in commitments:
        groups.setdefault(commitment.announcement, []).append(commitment)
    return [
        {"announcement": announcement, "commitments": members}
        for announcement, members in sorted(
            groups.items(),
            key=lambda item: (item[0].announced_on, item[0].pk),
            reverse=True,
        )
    ]


@conditional_get
def agency_detail(request, slug):
    try:
        day = read_as_of(request)
    except ValidationError as error:
        return as_of_refused(error)
    agency = get_object_or_404(Agency.objects.select_related("parent"), slug=slug)
    of_agency = Commitment.objects.of_agencies([agency]).as_of(day)
    commitments = list(
        of_agency.annotate_overdue().select_related(
            "announcement", "lead_agency", "topic"
        )
    )
    led = [c for c in commitments if c.lead_agency_id == agency.pk]
    supported = [c for c in commitments if c.lead_agency_id != agency.pk]
    role = Case(
        When(lead_agency=agency, then=Value("leads")),
        default=Value("supports"),
        output_field=CharField(),
    )
    counts = {
        values["role"]: role_counts
        for values, role_counts in of_agency.annotate(role=role).status_counts_by(
            "role"
        )
    }
    return render(
        request,
        "commitments/agency.html",
        {
            "agency": agency,
            "sub_agencies": list(agency.children.all()),
            "led": group_by_announcement(led),
            "supported": group_by_announcement(supported),
            "leads": Scorecard.of(
                counts.get("leads", NO_COUNTS), lead_agency=agency.slug, as_of=day
            ),
            "supports": Scorecard.of(
                counts.get("supports", NO_COUNTS),
                supporting_agency=agency.slug,
                as_of=day,
            ),
            "as_of": day,
        },
    )


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@conditional_get
def commitment_list(request):
    filterset = CommitmentSiteFilterSet(
        request.GET, queryset=Commitment.objects.select_related("topic")
    )
    valid = filterset.is_valid()
    # The latest update's columns come after the filters, which may read the
    # commitments as of a day.
    page = Paginator(
        commitments_for_export(filterset.qs) if valid else Commitment.objects.none(),
        COMMITMENTS_PER_PAGE,
    )
    query = _query_without_page(request)
    return render(
        request,
        "commitments/commitment_list.html",
        {
            "filter": filterset,
            "page": page.get_page(request.GET.get("page")),
            "query": query,
            "filtered": bool(query),
            "as_of": filterset.form.cleaned_data.get("as_of") if valid else None,
        },
        status=200 if valid else 400,
    )


# Outside the request's transaction: the rows are read in one of their own,
# begun here and ended as the download ends (exports.start).
@transaction.non_atomic_requests
def commitments_csv(request):
    """Every commitment the list's filters select, streamed, with an ETag that
    costs no read of the rows (commitments.exports.csv_etag): a client that
    already holds it gets 304 and no row is read. Otherwise the first rows are
    read before the response is sent, so that a database error answers 503."""
    filterset = CommitmentSiteFilterSet(request.GET, queryset=Commitment.objects.all())
    if not filterset.is_valid():
        return JsonResponse(filterset.errors, status=400)
    response = csv_response(filterset.qs, request)
    with ignoring_unmodified_since(request, response):
        unchanged = get_conditional_response(request, etag=response["ETag"])
    if unchanged is not None:
        unchanged["ETag"] = response["ETag"]
        return unchanged
    return exports.start(response)


@conditional_get
def changes(request):
    """What changed, newest recorded first, grouped by the day it was recorded."""
    entries = ChangeEntry.objects.select_related(
        "announcement", "commitment__announcement", "author"
    ).order_by("-recorded_at", "-id")
    page = Paginator(entries, CHANGES_PER_PAGE).get_page(request.GET.get("page"))
    days = [
        {"day": day, "entries": list(group)}
        for day, group in itertools.groupby(
            page.object_list, key=lambda entry: timezone.localdate(entry.recorded_at)
        )
    ]
    return render(request, "commitments/changes.html", {"page": page, "days": days})


@conditional_get
def method(request):
    statuses = [
        {
            "value": status.value,
            "label": status.label,
            "definition": STATUS_DEFINITIONS[status],
            "final": status in Status.final(),
        }
        for status in Status
    ]
    return render(
        request,
        "commitments/method.html",
        {
            "statuses": statuses,
            "contact_email": settings.CONTACT_EMAIL,
            "review_interval_days": settings.REVIEW_INTERVAL_DAYS,
        },
    )
