"""CSV export of commitments, shared by the public site (`/commitments.csv`) and the
API (`?format=csv` on `/api/v1/commitments/`). Both stream every row their filters
select from one query, in memory that does not grow with the number of rows.

Encoding: UTF-8 with a byte-order mark. Excel (still the spreadsheet most readers
open a download in) reads a CSV without one in the machine's legacy code page, which
garbles the announcement's dashes and curly quotes; with the mark it reads UTF-8, and
LibreOffice, Numbers, Google Sheets and Python's `utf-8-sig` codec all accept it.
Rows end in CRLF and fields are quoted when needed (RFC 4180, the csv module's
defaults)."""

import csv
import hashlib
import io
import itertools
import re
from urllib.parse import quote

from django.db import router, transaction
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from commitments import data_version
from commitments.models import Commitment
from tracker.caching import CODE_VERSION

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


def commitments_for_export(queryset):
    """Everything a row needs, in one query whatever the number of rows: overdue and
    late computed in SQL, the latest progress update that counts (not retracted)
    as two subqueries; all as of the queryset's day, when it has one."""
    return (
        queryset.annotate_overdue()
        .select_related("announcement", "lead_agency")
        .annotate(
            export_latest_update_on=queryset.latest_update("reported_on"),
            export_latest_update_summary=queryset.latest_update("summary"),
            # Not a CSV column (the status column is the commitment's own): the
            # public list shows what the latest update said.
            export_latest_update_status=queryset.latest_update("status"),
        )
    )


def export_rows(queryset):
    """The CSV's values of each commitment of `queryset`, as tuples in COLUMNS'
    order but for the permalink, given as the announcement's slug and the
    commitment's: one query whatever the number of rows, as of the queryset's
    day when it has one. Tuples rather than model instances: building three
    instances a row (commitment, announcement, agency) cost more than the
    database's whole work (bench/run.py times the export against COPY)."""
    return (
        queryset.annotate_overdue()
        .annotate(
            export_latest_update_on=queryset.latest_update("reported_on"),
            export_latest_update_summary=queryset.latest_update("summary"),
        )
        .values_list(
            "title",
            "announcement__title",
            "lead_agency__name",
            "kind",
            "deadline_text",
            queryset.column("due_date"),
            queryset.column("status"),
            "overdue",
            "late",
            "export_latest_update_on",
            "export_latest_update_summary",
            "announcement__slug",
            "slug",
        )
    )


# Rows fetched per round trip, and joined into one chunk of the response: few
# enough to keep memory flat, enough to keep writes to the socket large.
ROWS_PER_CHUNK = 500

# What django.urls.reverse leaves unquoted in an argument.
URL_SAFE = "!$&'()*+,;=/~:@"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _permalinks(request):
    """A function of (announcement slug, commitment slug) giving the absolute
    URL of the commitment's page, as `reverse` would, reversed once rather than
    once a row."""
    marker_a, marker_c = "announcement-slug-marker", "commitment-slug-marker"
    url = request.build_absolute_uri(
        reverse("public:commitment", args=[marker_a, marker_c])
    )
    head, rest = url.split(marker_a, 1)
    middle, tail = rest.split(marker_c, 1)

    def part(slug):
        # A slug as the URL's <slug:…> takes it has nothing to quote.
        return slug if SLUG.fullmatch(slug) else quote(slug, safe=URL_SAFE)

    def make(announcement_slug, slug):
        return f"{head}{part(announcement_slug)}{middle}{part(slug)}{tail}"

    return make


def csv_chunks(queryset, request):
    """The CSV of `queryset` (commitments, filtered and ordered as the caller
    likes) as text chunks: the header, then the rows, one query in all.
    Permalinks are absolute, built from `request`.

    The rows are read inside a transaction of their own: the response is sent
    after the view's transaction has ended, and outside one PostgreSQL would
    keep the cursor open across commits (WITH HOLD) by working out every row
    before sending the first. Inside one, rows come as they are read."""
    kinds = dict(Commitment._meta.get_field("kind").flatchoices)
    statuses = dict(Commitment._meta.get_field("status").flatchoices)
    make_permalink = _permalinks(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    # No savepoint: inside another transaction (a test's) this adds no query.
    with transaction.atomic(using=queryset.db, savepoint=False):
        rows = export_rows(queryset).iterator(chunk_size=ROWS_PER_CHUNK)
        for number, row in enumerate(rows, start=1):
            (
                title,
                announcement,
                agency,
                kind,
                deadline,
                due_date,
                status,
                overdue,
                late,
                latest_on,
                latest_summary,
                announcement_slug,
                slug,
            ) = row
            writer.writerow(
                (
                    _text(title),
                    _text(announcement),
                    _text(agency),
                    kinds.get(kind, kind),
                    _text(deadline),
                    due_date.isoformat() if due_date else "",
                    statuses.get(status, status),
                    "true" if overdue else "false",
                    "true" if late else "false",
                    latest_on.isoformat() if latest_on else "",
                    _text(latest_summary),
                    make_permalink(announcement_slug, slug),
                )
            )
            if number % ROWS_PER_CHUNK == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def csv_etag(queryset, request):
    """A strong ETag of the CSV, without reading the rows: the CSV is a function
    of the data (its version, which the database changes in every transaction
    that writes: commitments/data_version.py), the code that formats it, today's
    date (overdue and late follow it) and the absolute URL (the filters, and the
    host the permalinks name). So the tag changes whenever the text may, and two
    downloads under one tag hold the same text, but for a download that races a
    write: its rows may be newer than the version read just before them, and
    that version is then no longer current, so no later request matches the
    tag (as with the response cache, tracker/caching.py).

    The version is read on the database the rows are read from (a read replica,
    tracker/db_routers.py): a lagging replica's rows go out under the version
    that replica had, never under the primary's newer one.

    Without a data version (a database without its triggers) the tag is the
    hash of the text itself, read once before the download."""
    version = data_version.current(using=queryset.db)
    if version is None:
        digest = hashlib.sha256()
        for chunk in csv_chunks(queryset, request):
            digest.update(chunk.encode())
        return f'"{digest.hexdigest()}"'
    parts = (
        "text/csv",
        str(version),
        CODE_VERSION,
        timezone.localdate().isoformat(),
        request.build_absolute_uri(),
    )
    digest = hashlib.sha256("\n".join(parts).encode())
    return f'"{digest.hexdigest()}"'


def csv_response(queryset, request):
    """A streamed download of the CSV of `queryset`, with its ETag (csv_etag;
    tracker.caching answers a matching If-None-Match with 304, before any row is
    read). The rows are read as the response is sent, by one statement (so from
    one snapshot of the data), on the database chosen now, while the request is
    routed (tracker/db_routers.py): the body is made after the router's
    decision for the request has ended, and the ETag's version and the rows
    must come from the same database."""
    queryset = queryset.using(router.db_for_read(Commitment))
    return StreamingHttpResponse(
        csv_chunks(queryset, request),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="commitments.csv"',
            "ETag": csv_etag(queryset, request),
        },
    )


def start(response):
    """Reads the first chunk of a CSV response now, in the view, so that a
    database error (a statement cancelled by its timeout) is answered as any
    view's is (503), not by a download cut short. Only for a view outside the
    request's transaction (`transaction.non_atomic_requests`): the rows'
    transaction must outlive the view."""
    chunks = iter(response.streaming_content)
    first = next(chunks)
    # The generator's close is kept (registered when the response was made).
    response.streaming_content = itertools.chain([first], chunks)
    return response
