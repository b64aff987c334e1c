"""CSV export of commitments, shared by the public site (`/commitments.csv`) and the
API (`?format=csv` on `/api/v1/commitments/`). Both stream every row their filters
select from one query, in memory that does not grow with the number of rows.

Encoding: UTF-8, without a byte-order mark: both CSVs begin with their header
row (docs/design.md, "Public site"), which is what a script reading the file
expects. (Excel opens a double-clicked CSV in the machine's legacy code page; its
"From Text/CSV" import reads UTF-8, as the README says.) Rows end in CRLF and
fields are quoted when needed (RFC 4180, as the csv module writes it by
default)."""

import hashlib
import itertools
import operator
import re
from urllib.parse import quote

from django.db import connections, models, router, transaction
from django.db.models import Case, F, Func, Q, Value, When
from django.db.models.functions import Coalesce, Concat, Left
from django.db.models.lookups import In
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from commitments import data_version
from commitments.models import Commitment
from tracker.caching import CODE_VERSION

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


class IsoDate(Func):
    """A date as the text date.isoformat gives (YYYY-MM-DD): on PostgreSQL by
    to_char, whatever the session's DateStyle; SQLite keeps a date as that
    text."""

    output_field = models.CharField()
    template = "%(expressions)s"

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s, 'YYYY-MM-DD')",
            **extra_context,
        )


class Label(Func):
    """The label of a value among `choices` (the value itself, for one not among
    them), as a simple CASE: it reads the value once a row, where Case/When would
    read it once a When (a subquery, for the status as of a past day)."""

    output_field = models.CharField()

    def __init__(self, expression, choices):
        super().__init__(expression)
        self.choices = list(choices)

    def as_sql(self, compiler, connection, **extra_context):
        (expression,) = self.get_source_expressions()
        sql, params = compiler.compile(expression)
        whens = " ".join("WHEN %s THEN %s" for _ in self.choices)
        labels = itertools.chain.from_iterable(self.choices)
        return f"CASE {sql} {whens} ELSE {sql} END", (*params, *labels, *params)


def _text(name):
    """A free-text column as the CSV shows it: empty for none, with a leading
    apostrophe when it starts with one of FORMULA_TRIGGERS."""
    column = F(name)
    return Case(
        When(
            In(Left(column, 1), FORMULA_TRIGGERS),
            then=Concat(Value("'"), column, output_field=models.CharField()),
        ),
        default=Coalesce(column, Value("")),
        output_field=models.CharField(),
    )


def _date(expression):
    return Coalesce(IsoDate(expression), Value(""))


def _flag(condition):
    return Case(
        When(condition, then=Value("true")),
        default=Value("false"),
        output_field=models.CharField(),
    )


def _choice(name, column):
    return Label(F(column), Commitment._meta.get_field(name).flatchoices)


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


# What django.urls.reverse leaves unquoted in an argument.
URL_SAFE = "!$&'()*+,;=/~:@"
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# The same test in SQL (PostgreSQL's and Python's regular expressions read it
# alike; Django gives SQLite Python's).
SLUG_SQL = r"\A[-a-zA-Z0-9_]+\Z"


def _permalink_parts(request):
    """The absolute URL of a commitment's page, as `reverse` gives it, split
    around the announcement's slug and the commitment's: reversed once rather
    than once a row."""
    marker_a, marker_c = "announcement-slug-marker", "commitment-slug-marker"
    url = request.build_absolute_uri(
        reverse("public:commitment", args=[marker_a, marker_c])
    )
    head, rest = url.split(marker_a, 1)
    middle, tail = rest.split(marker_c, 1)
    return head, middle, tail


def _permalink(request):
    """The permalink in SQL, when both slugs are slugs as the URL's <slug:…>
    takes them (nothing to quote); else NULL, and _permalinks makes it."""
    head, middle, tail = _permalink_parts(request)
    return Case(
        When(
            Q(announcement__slug__regex=SLUG_SQL) & Q(slug__regex=SLUG_SQL),
            then=Concat(
                Value(head),
                F("announcement__slug"),
                Value(middle),
                F("slug"),
                Value(tail),
                output_field=models.CharField(),
            ),
        ),
        default=None,
        output_field=models.CharField(),
    )


def _permalinks(request):
    """A function of (announcement slug, commitment slug) giving the permalink
    for slugs that need quoting, as `reverse` would quote them."""
    head, middle, tail = _permalink_parts(request)

    def part(slug):
        return slug if SLUG.fullmatch(slug) else quote(slug, safe=URL_SAFE)

    def make(announcement_slug, slug):
        return f"{head}{part(announcement_slug)}{middle}{part(slug)}{tail}"

    return make


def export_rows(queryset, request):
    """The CSV's values of each commitment of `queryset`, as tuples of text in
    COLUMNS' order, then the announcement's slug and the commitment's: one
    query whatever the number of rows, as of the queryset's day when it has
    one. The database writes every value as the CSV shows it (labels, dates,
    booleans, the formula apostrophe, the permalink, absolute from `request`),
    so the rows become CSV lines as they come (_csv_text): formatting them in
    Python cost more than the database's whole work (bench/run.py times the
    export against COPY of this query). The permalink is NULL where a slug needs
    quoting (csv_chunks makes it)."""
    columns = {
        "title": _text("title"),
        "announcement": _text("announcement__title"),
        "lead_agency": _text("lead_agency__name"),
        "kind": _choice("kind", "kind"),
        "deadline": _text("deadline_text"),
        "due_date": _date(F(queryset.column("due_date"))),
        "status": _choice("status", queryset.column("status")),
        "overdue": _flag(queryset.overdue_rule()),
        "late": _flag(queryset.late_rule()),
        "latest_update_on": _date(queryset.latest_update("reported_on")),
        "latest_update_summary": Coalesce(
            queryset.latest_update(_text("summary")), Value("")
        ),
        "permalink": _permalink(request),
        "announcement_slug": F("announcement__slug"),
        "slug": F("slug"),
    }
    names = {name: f"export_{name}" for name in columns}
    return queryset.annotate(
        **{names[name]: value for name, value in columns.items()}
    ).values_list(*names.values())


# Rows fetched per round trip, and joined into one chunk of the response: few
# enough to keep memory flat, enough to keep writes to the socket large.
ROWS_PER_CHUNK = 500

# What makes csv.writer quote a field (its default, QUOTE_MINIMAL): the
# delimiter, the quote character or a line break.
NEEDS_QUOTES = re.compile('[,"\r\n]')


def _csv_text(rows):
    """The CSV lines of `rows` (sequences of text; their first len(COLUMNS)
    items), byte for byte as csv.writer writes them: fields joined by commas,
    lines ended by CRLF, a field quoted when it holds a comma, a quote or a line
    break, its quotes doubled. Column by column, with str methods: csv.writer
    looks at every character of every row in turn, and cost three times as
    much, more than anything else in the export but the database's work."""
    columns = list(zip(*rows, strict=True))[: len(COLUMNS)]
    for number, column in enumerate(columns):
        # Most columns hold nothing to quote: one search for the whole column.
        if NEEDS_QUOTES.search("".join(column)):
            columns[number] = [
                '"' + field.replace('"', '""') + '"'
                if NEEDS_QUOTES.search(field)
                else field
                for field in column
            ]
    return "\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n"


# An export reads every row its cursor selects, so PostgreSQL should plan for
# all of them: by default it plans a cursor for its first tenth, and took, for
# a search matching nothing on 100,000 commitments, a walk of the whole table
# in id order (200 ms) over the search's indexes and a sort (4 ms) once writes
# had grown the indexes' lists of pending entries, which weighs on their
# estimate. And no JIT compilation: the export of every commitment is costly
# enough to trigger it, and compiling took 200 ms before the first row, more
# than it saved over the whole export (README, "Exports").
EXPORT_PLANNING = (
    "SELECT set_config('cursor_tuple_fraction', '1', true), "
    "set_config('jit', 'off', true)"
)


def csv_chunks(queryset, request):
    """The CSV of `queryset` (commitments, filtered and ordered as the caller
    likes) as text chunks: the header, then the rows, one query in all (after,
    on PostgreSQL, one that sets the transaction's planning: EXPORT_PLANNING).
    Permalinks are absolute, built from `request`.

    The rows are read inside a transaction of their own: the response is sent
    after the view's transaction has ended, and outside one PostgreSQL would
    keep the cursor open across commits (WITH HOLD) by working out every row
    before sending the first. Inside one, rows come as they are read."""
    make_permalink = _permalinks(request)
    permalink = len(COLUMNS) - 1

    def with_permalink(row):
        if row[permalink] is None:
            slugs = row[permalink + 1 :]
            return (*row[:permalink], make_permalink(*slugs), *slugs)
        return row

    text = _csv_text([COLUMNS])
    # No savepoint: inside another transaction (a test's) this adds no query.
    with transaction.atomic(using=queryset.db, savepoint=False):
        connection = connections[queryset.db]
        if connection.vendor == "postgresql":
            # For the transaction (set_config's `true`): the one begun here
            # when the response streams, or the caller's when there is one
            # already (a test's), which the settings then outlive.
            with connection.cursor() as cursor:
                cursor.execute(EXPORT_PLANNING)
        rows = export_rows(queryset, request).iterator(chunk_size=ROWS_PER_CHUNK)
        while True:
            chunk = list(itertools.islice(rows, ROWS_PER_CHUNK))
            if chunk:
                # Every permalink is made in SQL but where a slug needs quoting.
                if None in map(operator.itemgetter(permalink), chunk):
                    chunk = list(map(with_permalink, chunk))
                text += _csv_text(chunk)
            # The last rows are sent after the transaction has ended: a
            # download read to its end leaves no transaction open.
            if len(chunk) < ROWS_PER_CHUNK:
                break
            yield text
            text = ""
    yield text


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
