"""CSV export of commitments, shared by the public site (`/commitments.csv`) and the
API (`?format=csv` on `/api/v1/commitments/`, through `CommitmentCSVRenderer`).

Encoding: UTF-8 with a byte-order mark. Excel (still the spreadsheet most readers
open a download in) reads a CSV without one in the machine's legacy code page, which
garbles the announcement's dashes and curly quotes; with the mark it reads UTF-8, and
LibreOffice, Numbers, Google Sheets and Python's `utf-8-sig` codec all accept it.
Rows end in CRLF and fields are quoted when needed (RFC 4180, the csv module's
defaults)."""

import csv

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from commitments.models import TIMELINE_ORDER, ProgressUpdate

BOM = "\ufeff"

COLUMNS = [
    "title",
    "announcement",
    "lead agency",
    "kind",
    "deadline as stated",
    "due date",
    "status",
    "overdue",
    "late",
    "latest update date",
    "latest update summary",
    "permalink",
]

# A cell starting with one of these runs as a formula in a spreadsheet ("CSV
# injection"); free text gets a leading apostrophe, which spreadsheets hide.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _text(value):
    value = value or ""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _boolean(value):
    return "true" if value else "false"


def commitments_for_export(queryset):
    """Everything a row needs, in one query whatever the number of rows: overdue and
    late computed in SQL, the latest progress update that counts (not retracted)
    as two subqueries."""
    latest = (
        ProgressUpdate.objects.counted()
        .filter(commitment=OuterRef("pk"))
        .order_by(*TIMELINE_ORDER)
    )
    return (
        queryset.annotate_overdue()
        .select_related("announcement", "lead_agency")
        .annotate(
            export_latest_update_on=Subquery(latest.values("reported_on")[:1]),
            export_latest_update_summary=Subquery(latest.values("summary")[:1]),
        )
    )


def permalink(commitment, request):
    return request.build_absolute_uri(
        reverse(
            "public:commitment", args=[commitment.announcement.slug, commitment.slug]
        )
    )


def write_commitments_csv(queryset, stream, request):
    """Write the header and one row per commitment of `queryset` (a Commitment
    queryset, filtered and ordered as the caller likes) to `stream`, a text stream
    such as an HttpResponse. Permalinks are absolute, built from `request`."""
    stream.write(BOM)
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for commitment in commitments_for_export(queryset).iterator(chunk_size=500):
        latest_on = commitment.export_latest_update_on
        writer.writerow(
            [
                _text(commitment.title),
                _text(commitment.announcement.title),
                _text(commitment.lead_agency.name),
                commitment.get_kind_display(),
                _text(commitment.deadline_text),
                commitment.due_date.isoformat() if commitment.due_date else "",
                commitment.get_status_display(),
                _boolean(commitment.overdue),
                _boolean(commitment.late),
                latest_on.isoformat() if latest_on else "",
                _text(commitment.export_latest_update_summary),
                permalink(commitment, request),
            ]
        )
