"""The benchmark's baseline: the first page of the commitment list, filtered by
status and agency, assembled as JSON inside PostgreSQL by one SQL statement
(json_agg, the way PostgREST serves a table) and returned as it comes. It has the
API's fields and rows, so the API's figures can be read as ratios to it. Which rows
it selects, and which are overdue or late, the model's queryset says (compiled into
the statement), as it does for the API."""

from urllib.parse import urlencode

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from commitments.models import Agency, Commitment, Status

PAGE_SIZE = 50

STATUS_LABEL = "CASE {column} {whens} END".format(
    column="{column}",
    whens=" ".join(f"WHEN '{s.value}' THEN '{s.label}'" for s in Status),
)


def timestamp(column):
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


# {selected} and {page} are the ORM's SQL for the filtered commitments and for
# the page of them (id, overdue, late); every other parameter is positional too.
SQL = f"""
WITH selected AS ({{selected}}),
page AS ({{page}}),
total AS (SELECT count(*) AS n FROM selected)
SELECT json_build_object(
    'count', (SELECT n FROM total),
    'next', CASE WHEN (SELECT n FROM total) > %s THEN %s END,
    'previous', %s,
    'results', COALESCE(json_agg(json_build_object(
        'id', c.id,
        'url', %s || c.id || '/',
        'slug', c.slug,
        'announcement', an.slug,
        'parent', c.parent_id,
        'title', c.title,
        'description', c.description,
        'source_quote', c.source_quote,
        'lead_agency', json_build_object('slug', la.slug, 'name', la.name),
        'supporting_agencies', COALESCE((
            SELECT json_agg(json_build_object('slug', sa.slug, 'name', sa.name)
                            ORDER BY sa.name, sa.id)
            FROM commitments_commitment_supporting_agencies s
            JOIN commitments_agency sa ON sa.id = s.agency_id
            WHERE s.commitment_id = c.id), '[]'::json),
        'topic', tp.slug,
        'kind', c.kind,
        'deadline_text', c.deadline_text,
        'due_in_days', c.due_in_days,
        'due_date', c.due_date,
        'original_due_date', c.original_due_date,
        'status', c.status,
        'status_label', {STATUS_LABEL.format(column="c.status")},
        'is_overdue', page.overdue,
        'is_late', page.late,
        'days_remaining', c.due_date - current_date,
        'latest_update', latest.body,
        'status_as_of', CASE
            WHEN c.status_confirmed_on IS NULL THEN latest.reported_on
            WHEN latest.reported_on IS NULL THEN c.status_confirmed_on
            ELSE GREATEST(latest.reported_on, c.status_confirmed_on) END,
        'last_checked_on', c.last_checked_on,
        'as_of', NULL,
        'deadline_changes', COALESCE((
            SELECT json_agg(json_build_object(
                'changed_on', d.changed_on,
                'old_due_date', d.old_due_date,
                'new_due_date', d.new_due_date,
                'reason', d.reason,
                'author', du.username)
                ORDER BY d.changed_on DESC, d.created_at DESC, d.id DESC)
            FROM commitments_deadlinechange d
            LEFT JOIN auth_user du ON du.id = d.author_id
            WHERE d.commitment_id = c.id), '[]'::json),
        'version', c.version,
        'created_at', {timestamp("c.created_at")},
        'updated_at', {timestamp("c.updated_at")}
    ) ORDER BY c.id), '[]'::json)
)::text
FROM page
JOIN commitments_commitment c ON c.id = page.id
JOIN commitments_announcement an ON an.id = c.announcement_id
JOIN commitments_agency la ON la.id = c.lead_agency_id
JOIN commitments_topic tp ON tp.id = c.topic_id
LEFT JOIN LATERAL (
    SELECT u.reported_on, json_build_object(
        'id', u.id,
        'url', %s || u.id || '/',
        'commitment', u.commitment_id,
        'reported_on', u.reported_on,
        'status', u.status,
        'status_label', {STATUS_LABEL.format(column="u.status")},
        'summary', u.summary,
        'source_url', u.source_url,
        'author', au.username,
        'recorded_at', {timestamp("u.created_at")},
        'created_at', {timestamp("u.created_at")},
        'corrections', COALESCE((
            SELECT json_agg(json_build_object(
                'corrected_at', {timestamp("k.corrected_at")},
                'note', k.note,
                'author', ka.username) ORDER BY k.corrected_at, k.id)
            FROM commitments_correction k
            LEFT JOIN auth_user ka ON ka.id = k.author_id
            WHERE k.update_id = u.id), '[]'::json),
        'retracted', NULL) AS body
    FROM commitments_progressupdate u
    LEFT JOIN auth_user au ON au.id = u.author_id
    WHERE u.commitment_id = c.id AND u.retracted_at IS NULL
    ORDER BY u.reported_on DESC, u.created_at DESC, u.id DESC
    LIMIT 1
) latest ON true
"""


@require_GET
def baseline_commitment_list(request):
    """?status= (repeatable), ?agency= (lead or supporting), ?page=."""
    statuses = request.GET.getlist("status") or list(Status.values)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 0
    if page < 1:
        return JsonResponse(
            {"page": ["Enter a whole number of at least 1."]}, status=400
        )

    def page_url(number):
        query = {**request.GET.dict(), "page": number}
        query.pop("status", None)
        pairs = [("status", s) for s in request.GET.getlist("status")]
        return request.build_absolute_uri(
            f"{request.path}?{urlencode(pairs + list(query.items()))}"
        )

    selected = Commitment.objects.filter(status__in=statuses)
    if request.GET.get("agency") is not None:
        agency = Agency.objects.filter(slug=request.GET["agency"]).values("pk")
        selected = selected.of_agencies(agency)
    offset = (page - 1) * PAGE_SIZE
    page_rows = (
        selected.annotate_overdue()
        .order_by("id")
        .values("id", "overdue", "late")[offset : offset + PAGE_SIZE]
    )
    selected_sql, selected_params = selected.values("id").query.sql_with_params()
    page_sql, page_params = page_rows.query.sql_with_params()
    params = [
        *selected_params,
        *page_params,
        offset + PAGE_SIZE,
        page_url(page + 1),
        page_url(page - 1) if page > 1 else None,
        request.build_absolute_uri("/api/v1/commitments/"),
        request.build_absolute_uri("/api/v1/updates/"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(SQL.format(selected=selected_sql, page=page_sql), params)
        body = cursor.fetchone()[0]
    return HttpResponse(body, content_type="application/json")


def copy_sql(rows):
    """`COPY (SELECT …) TO STDOUT WITH CSV` of the queryset `rows`, its literals
    inlined, as COPY takes no parameters."""
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        select = cursor.mogrify(sql, params)
    if isinstance(select, bytes):
        select = select.decode()
    return f"COPY ({select}) TO STDOUT WITH CSV"


def export_copy_sql():
    """The export's baseline: `COPY (SELECT …) TO STDOUT WITH CSV` of the query
    the CSV of every commitment reads (commitments.exports.export_rows: its
    columns, as the CSV shows them, joins, subqueries and order; then the two
    slugs). bench/run.py times it beside the API's CSV."""
    from commitments.exports import export_rows

    # The permalinks' host, as bench/run.py serves the site.
    request = HttpRequest()
    request.META = {"HTTP_HOST": "127.0.0.1", "SERVER_PORT": "80"}
    rows = export_rows(Commitment.objects.all(), request)
    return copy_sql(rows)


def stored_copy_sql():
    """The stricter baseline: COPY of the same rows, in the same order, with the
    values as stored rather than as the CSV shows them (no labels, dates as
    dates, no apostrophes, no permalinks: only the two slugs), so PostgreSQL
    does none of the export's formatting. bench/run.py reports the export's
    time against both."""
    commitments = Commitment.objects.all()
    rows = (
        commitments.annotate_overdue()
        .annotate(
            stored_latest_on=commitments.latest_update("reported_on"),
            stored_latest_summary=commitments.latest_update("summary"),
        )
        .values_list(
            "title",
            "announcement__title",
            "lead_agency__name",
            "kind",
            "deadline_text",
            "due_date",
            "status",
            "overdue",
            "late",
            "stored_latest_on",
            "stored_latest_summary",
            "announcement__slug",
            "slug",
        )
    )
    return copy_sql(rows)
