"""The benchmark's baseline: the first page of the commitment list, filtered by
status and agency, assembled as JSON inside PostgreSQL by one SQL statement
(json_agg, the way PostgREST serves a table) and returned as it comes. It has the
API's fields and rows, so the API's figures can be read as ratios to it."""

from urllib.parse import urlencode

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from commitments.models import Status

PAGE_SIZE = 50

STATUS_LABEL = "CASE {column} {whens} END".format(
    column="{column}",
    whens=" ".join(f"WHEN '{s.value}' THEN '{s.label}'" for s in Status),
)
FINAL = ", ".join(f"'{s}'" for s in Status.final())


def timestamp(column):
    return f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


SQL = f"""
WITH agency AS (
    SELECT id FROM commitments_agency WHERE slug = %(agency)s
),
selected AS (
    SELECT c.id FROM commitments_commitment c
    WHERE c.status = ANY(%(statuses)s)
      AND (%(agency)s IS NULL
           OR c.lead_agency_id = (SELECT id FROM agency)
           OR c.id IN (SELECT s.commitment_id
                       FROM commitments_commitment_supporting_agencies s
                       WHERE s.agency_id = (SELECT id FROM agency)))
),
page AS (
    SELECT id FROM selected ORDER BY id LIMIT {PAGE_SIZE} OFFSET %(offset)s
),
total AS (SELECT count(*) AS n FROM selected)
SELECT json_build_object(
    'count', (SELECT n FROM total),
    'next', CASE WHEN (SELECT n FROM total) > %(offset)s + {PAGE_SIZE}
                 THEN %(next)s END,
    'previous', %(previous)s,
    'results', COALESCE(json_agg(json_build_object(
        'id', c.id,
        'url', %(detail_base)s || c.id || '/',
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
        'is_overdue', COALESCE(c.due_date < current_date
                               AND c.status NOT IN ({FINAL}), false),
        'is_late', COALESCE(c.status IN ({FINAL})
                            AND c.final_assessed_on > c.due_date, false),
        'days_remaining', c.due_date - current_date,
        'latest_update', latest.body,
        'status_as_of', CASE
            WHEN c.last_checked_on IS NULL THEN latest.reported_on
            WHEN latest.reported_on IS NULL THEN c.last_checked_on
            ELSE GREATEST(latest.reported_on, c.last_checked_on) END,
        'last_checked_on', c.last_checked_on,
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
        'url', %(update_base)s || u.id || '/',
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

    params = {
        "statuses": statuses,
        "agency": request.GET.get("agency"),
        "offset": (page - 1) * PAGE_SIZE,
        "next": page_url(page + 1),
        "previous": page_url(page - 1) if page > 1 else None,
        "detail_base": request.build_absolute_uri("/api/v1/commitments/"),
        "update_base": request.build_absolute_uri("/api/v1/updates/"),
    }
    with connection.cursor() as cursor:
        cursor.execute(SQL, params)
        body = cursor.fetchone()[0]
    return HttpResponse(body, content_type="application/json")
