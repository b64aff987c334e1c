"""The CSV of commitments, from the public site (`/commitments.csv`) and from the API
(`?format=csv` on `/api/v1/commitments/`): the same columns and rows, every row the
filters select (never one page), streamed from one query. Parsed back with the csv
module."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments import exports
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
)
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

HEADER = [
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

SITE = "/commitments.csv"
API = "/api/v1/commitments/?format=csv"
BOTH = pytest.mark.parametrize("endpoint", [SITE, API], ids=["site", "api"])
# On PostgreSQL an export first sets how its transaction plans (EXPORT_PLANNING).
PLANNING = 1 if connection.vendor == "postgresql" else 0


def url(endpoint, query=""):
    if not query:
        return endpoint
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def content(response):
    return b"".join(response.streaming_content)


def read_csv(response, body=None):
    assert response.status_code == 200
    assert response.streaming, "the CSV is streamed, not built in memory"
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="commitments.csv"'
    body = content(response) if body is None else body
    # The header first: no byte-order mark before it.
    assert body.startswith(b"title,announcement,lead agency,")
    text = body.decode("utf-8")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@BOTH
def test_csv_has_a_row_per_commitment_with_the_expected_columns(client, endpoint):
    build_announcement()

    rows = read_csv(client.get(endpoint))

    assert len(rows) == 5
    nics = rows[0]
    assert nics == {
        "title": "Certify NICS record reporting within 45 days",
        "announcement": "DOJ plan on school safety and gun crime",
        "lead agency": "Federal agencies that submit records to NICS",
        "kind": "Time-bound (has a deadline)",
        "deadline as stated": "over the next 45 days",
        "due date": "2018-04-26",
        "status": "Fulfilled",
        "overdue": "false",
        "late": "true",
        "latest update date": "2018-06-01",
        "latest update summary": "Every submitting agency has certified or filed a "
        "plan.",
        "permalink": "http://testserver/a/doj-school-safety-2018-03-12/"
        "nics-certification/",
    }
    fbi = rows[1]
    assert (fbi["overdue"], fbi["late"], fbi["latest update date"]) == (
        "true",
        "false",
        "",
    )
    commission = rows[4]
    assert (commission["due date"], commission["deadline as stated"]) == ("", "")


@BOTH
def test_csv_keeps_the_filters_of_the_list(client, endpoint):
    build_announcement()

    rows = read_csv(client.get(url(endpoint, "agency=fbi&overdue=true")))

    assert [row["title"] for row in rows] == [
        "FBI certifies its NICS reporting",
        "Review how violent crime tips are handled",
    ]


@BOTH
def test_csv_has_every_filtered_row_not_one_page(client, endpoint):
    fbi = AgencyFactory(slug="fbi", name="Federal Bureau of Investigation")
    for _ in range(3):
        CommitmentFactory(lead_agency=fbi)
    CommitmentFactory()
    ProgressUpdateFactory(commitment=CommitmentFactory(lead_agency=fbi))

    rows = read_csv(client.get(url(endpoint, "lead_agency=fbi&page_size=1&page=2")))

    assert len(rows) == 4
    assert {row["lead agency"] for row in rows} == {"Federal Bureau of Investigation"}
    assert (
        sorted(row["status"] for row in rows) == ["In progress"] + ["Not yet rated"] * 3
    )


@BOTH
def test_csv_quotes_commas_quotes_line_breaks_and_non_ascii_text(client, endpoint):
    announcement = AnnouncementFactory(
        title="Plan, “phase two”",
        body='He said: "We will act, soon—and\nfor real."',
    )
    CommitmentFactory(
        announcement=announcement,
        title='Act "soon", and for real\nsecond line',
        source_quote="act, soon—and for real",
    )

    response = client.get(endpoint)
    body = content(response)

    (row,) = read_csv(response, body)
    assert row["title"] == 'Act "soon", and for real\nsecond line'
    assert row["announcement"] == "Plan, “phase two”"
    assert b'"Act ""soon"", and for real\nsecond line"' in body


@BOTH
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(
    client, endpoint
):
    announcement = AnnouncementFactory(body="=HYPERLINK(1) is a promise.")
    CommitmentFactory(
        announcement=announcement,
        title='=HYPERLINK("http://example.org")',
        deadline_text="+1 day",
        source_quote="is a promise",
    )

    (row,) = read_csv(client.get(endpoint))

    assert row["title"] == '\'=HYPERLINK("http://example.org")'
    assert row["deadline as stated"] == "'+1 day"


@BOTH
def test_csv_with_a_filter_naming_nothing_gets_400_json_naming_it(client, endpoint):
    response = client.get(url(endpoint, "status=done&agency=nobody"))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"status", "agency"}


def test_site_csv_is_searched_with_q_and_the_api_csv_with_search(client):
    build_announcement()

    site = read_csv(client.get(url(SITE, "q=violent")))
    api = read_csv(client.get(url(API, "search=violent")))

    assert (
        [row["title"] for row in site]
        == [row["title"] for row in api]
        == ["Review how violent crime tips are handled"]
    )


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_site_csv_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)

    with django_assert_num_queries(2 + PLANNING):
        # Outside the request's transaction (so no SAVEPOINT): the rows are read
        # in a transaction of their own, begun in the view.
        # 1. the data version, for the ETag (no row is read for it)
        # (PostgreSQL: the export's planning, EXPORT_PLANNING)
        # 2. the commitments, overdue, late and latest update, with announcement
        #    and lead agency, the first of them read in the view, the rest
        #    streamed as the response is sent
        response = client.get(SITE)
        body = content(response)

    assert len(read_csv(response, body)) == 5 + extra_commitments


# The export's own work; with the response cache on, an anonymous export also
# looks itself up (two queries) and, streamed, is not kept.
@pytest.mark.usefixtures("no_response_cache")
@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_api_csv_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)

    with django_assert_num_queries(5 + PLANNING):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the agency filter's agency, by its slug
        # 3. the data version, for the ETag (no row is read for it)
        # 4. RELEASE SAVEPOINT
        # (PostgreSQL: the export's planning, EXPORT_PLANNING)
        # 5. the commitments, overdue, late and latest update, with announcement
        #    and lead agency, streamed as the response is sent (no JSON page)
        response = client.get(url(API, "agency=doj&status=not_rated"))
        body = content(response)

    rows = read_csv(response, body)
    assert [row["title"] for row in rows] == [
        "Fully participate in the Federal Commission on School Safety"
    ] + [f"Extra commitment {n}" for n in range(extra_commitments)]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the planner's settings are PostgreSQL's"
)
@BOTH
def test_postgresql_plans_an_export_for_every_row_and_without_jit(client, endpoint):
    build_announcement()
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone() != ("1",)

    content(client.get(endpoint))

    # Set for the export's transaction, which is the test's here.
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        fraction = cursor.fetchone()
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()
    assert fraction == ("1",)
    assert jit == ("off",)


def test_api_format_csv_is_for_the_list_only(client):
    announcement = build_announcement()
    tips = announcement.commitments.get(slug="tips-review")

    detail = client.get(f"/api/v1/commitments/{tips.pk}/?format=csv")
    summary = client.get("/api/v1/commitments/summary/?format=csv")

    assert detail.status_code == 400
    assert list(detail.json()) == ["format"]
    assert detail["Content-Type"] == "application/json"
    assert summary.status_code == 400
    assert list(summary.json()) == ["format"]
    assert summary["Content-Type"] == "application/json"


@BOTH
# Committed: on PostgreSQL the data version changes at COMMIT.
@pytest.mark.django_db(transaction=True)
def test_csv_etag_changes_with_the_data_and_a_match_reads_no_row(
    client, endpoint, settings
):
    # The API's response cache off: its own lookup is not the export's.
    settings.RESPONSE_CACHE = False
    announcement = build_announcement()
    first = client.get(endpoint)
    content(first)

    with CaptureQueriesContext(connection) as queries:
        revalidated = client.get(endpoint, headers={"if-none-match": first["ETag"]})
    tips = announcement.commitments.get(slug="tips-review")
    tips.title = "Review how tips are handled"
    tips.save()
    after_write = client.get(endpoint, headers={"if-none-match": first["ETag"]})

    assert revalidated.status_code == 304
    assert revalidated["ETag"] == first["ETag"]
    assert not any(
        "commitments_commitment" in q["sql"] for q in queries.captured_queries
    )
    assert after_write.status_code == 200
    assert after_write["ETag"] != first["ETag"]
    titles = [row["title"] for row in read_csv(after_write)]
    assert "Review how tips are handled" in titles


@BOTH
def test_csv_etag_differs_between_filters_and_hosts(client, endpoint, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example.org"]
    build_announcement()

    tags = {
        client.get(endpoint)["ETag"],
        client.get(url(endpoint, "agency=fbi"))["ETag"],
        # The permalinks name the host.
        client.get(endpoint, headers={"host": "other.example.org"})["ETag"],
    }

    assert len(tags) == 3


@BOTH
@pytest.mark.django_db(transaction=True)
def test_csv_rows_are_read_in_a_transaction_of_their_own(client, endpoint, monkeypatch):
    # Sent after the view's transaction has ended: outside one, PostgreSQL would
    # work out every row before the first is sent (a cursor WITH HOLD).
    monkeypatch.setattr(exports, "ROWS_PER_CHUNK", 2)
    build_announcement()
    response = client.get(endpoint)
    chunks = iter(response.streaming_content)

    first = next(chunks)
    during = connection.in_atomic_block
    rest = b"".join(chunks)

    assert during
    assert not connection.in_atomic_block
    assert len(read_csv(response, first + rest)) == 5


@BOTH
def test_csv_bytes_of_tricky_text_kinds_statuses_and_slugs(client, endpoint):
    # The whole file, written out by hand: a formula trigger at the start of
    # every free-text column (each gets an apostrophe), quotes, commas and line
    # breaks (quoted, quotes doubled), text beyond ASCII, no dates, every kind
    # and status, and a slug that is no slug (its permalink quoted as reverse()
    # would quote it).
    issuer = AgencyFactory(slug="issuer", name="-Issuing office")
    announcement = AnnouncementFactory(
        slug="plan-2018", title='=Plan, "phase two"', issuer=issuer
    )
    first = CommitmentFactory(
        announcement=announcement,
        slug="first",
        title='=HYPERLINK("http://example.org")',
        lead_agency=AgencyFactory(name="@Agency, with a comma"),
        kind="time_bound",
        deadline_text="+45 days",
        due_in_days=45,
    )
    ProgressUpdateFactory(
        commitment=first, reported_on=datetime.date(2018, 4, 1), summary="Started"
    )
    ProgressUpdateFactory(
        commitment=first,
        reported_on=datetime.date(2018, 6, 1),
        status="fulfilled",
        summary='-Done, "at last"\nsecond line',
    )
    CommitmentFactory(
        announcement=announcement, slug="second", title="\tTabbed", kind="ongoing"
    )
    third = CommitmentFactory(
        announcement=announcement,
        slug="third",
        title="Délai — “quoted” ünïcode",
        kind="time_bound",
        deadline_text="within 10 days",
        due_in_days=10,
    )
    ProgressUpdateFactory(
        commitment=third,
        reported_on=datetime.date(2018, 4, 1),
        summary="\rCarriage return first",
    )
    for slug, status, day, summary in [
        ("fourth", "stalled", 1, "Nothing since, “sadly”"),
        ("fifth", "partially_fulfilled", 2, 'Half done; see "report"'),
        ("sixth", "broken", 3, "@mention"),
    ]:
        ProgressUpdateFactory(
            commitment=CommitmentFactory(
                announcement=announcement, slug=slug, title=f"{slug} one"
            ),
            reported_on=datetime.date(2018, 5, day),
            status=status,
            summary=summary,
        )
    CommitmentFactory(announcement=announcement, slug="café,au lait", title="Odd")

    body = content(client.get(endpoint))

    plan = '"\'=Plan, ""phase two"""'
    issuing = "'-Issuing office"
    link = "http://testserver/a/plan-2018"
    lines = [
        "title,announcement,lead agency,kind,deadline as stated,due date,"
        "status,overdue,late,latest update date,latest update summary,permalink",
        f'"\'=HYPERLINK(""http://example.org"")",{plan},"\'@Agency, with a comma",'
        "Time-bound (has a deadline),'+45 days,2018-04-26,Fulfilled,false,true,"
        f'2018-06-01,"\'-Done, ""at last""\nsecond line",{link}/first/',
        f"'\tTabbed,{plan},{issuing},Ongoing (a standing practice),,,"
        f"Not yet rated,false,false,,,{link}/second/",
        f"Délai — “quoted” ünïcode,{plan},{issuing},Time-bound (has a deadline),"
        "within 10 days,2018-03-22,In progress,true,false,2018-04-01,"
        f'"\'\rCarriage return first",{link}/third/',
        f"fourth one,{plan},{issuing},Open-ended (no deadline stated),,,Stalled,"
        f'false,false,2018-05-01,"Nothing since, “sadly”",{link}/fourth/',
        f"fifth one,{plan},{issuing},Open-ended (no deadline stated),,,"
        f'Partially fulfilled,false,false,2018-05-02,"Half done; see ""report""",'
        f"{link}/fifth/",
        f"sixth one,{plan},{issuing},Open-ended (no deadline stated),,,Broken,"
        f"false,false,2018-05-03,'@mention,{link}/sixth/",
        f"Odd,{plan},{issuing},Open-ended (no deadline stated),,,Not yet rated,"
        f'false,false,,,"{link}/caf%C3%A9,au%20lait/"',
    ]
    assert body == "".join(line + "\r\n" for line in lines).encode()
