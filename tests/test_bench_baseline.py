"""bench/views.py's baseline builds the commitment list's page in one SQL
statement. bench/run.py reports the API as ratios to it, so it must serve what
the API serves: the same rows, fields and values."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from bench.views import export_copy_sql, stored_copy_sql
from commitments.models import Commitment

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="json_agg is PostgreSQL's"
    ),
]


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


@pytest.fixture
def busiest_agency():
    call_command("generate_data", commitments=200, updates=1000, stdout=io.StringIO())
    return (
        Commitment.objects.values_list("lead_agency__slug", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )


def comparable(page):
    """Timestamps parsed (the two print microseconds differently); the links
    point at different paths, so only whether there is one counts."""

    def row(values):
        values = dict(values)
        for name in ("created_at", "updated_at"):
            values[name] = datetime.datetime.fromisoformat(values[name])
        if values["latest_update"]:
            update = dict(values["latest_update"])
            for name in ("created_at", "recorded_at"):
                update[name] = datetime.datetime.fromisoformat(update[name])
            values["latest_update"] = update
        return values

    return {
        "count": page["count"],
        "next": page["next"] is not None,
        "previous": page["previous"] is not None,
        "results": [row(r) for r in page["results"]],
    }


@pytest.mark.parametrize(
    "query",
    ["status=in_progress&agency={agency}", "agency={agency}&page=2", ""],
)
def test_the_baseline_serves_the_apis_page(
    api_client, bench_urls, busiest_agency, query
):
    query = query.format(agency=busiest_agency)
    ours = api_client.get(f"/api/v1/commitments/?{query}").json()
    baseline = api_client.get(f"/bench/baseline/commitments/?{query}").json()

    assert ours["results"], "the filter must select rows"
    assert comparable(baseline) == comparable(ours)


def test_the_baseline_is_one_query(
    api_client, bench_urls, busiest_agency, django_assert_num_queries
):
    with django_assert_num_queries(3):
        # 1. SAVEPOINT: the request's transaction inside the test's
        # 2. the page, its count and every row's JSON, in one statement
        # 3. RELEASE SAVEPOINT
        response = api_client.get(
            f"/bench/baseline/commitments/?agency={busiest_agency}"
        )

    assert response.status_code == 200
    assert response.json()["results"]


def test_the_baseline_is_not_in_the_products_urls(api_client):
    response = api_client.get("/bench/baseline/commitments/")

    assert response.status_code == 404


def test_the_export_baseline_copies_the_rows_and_values_of_the_csv(
    client, busiest_agency
):
    # bench/run.py times COPY of this statement beside the CSV of every
    # commitment: it must read what the CSV shows, in the CSV's order.
    sink = io.StringIO()
    with connection.cursor() as cursor:
        cursor.copy_expert(export_copy_sql(), sink)
    copied = list(csv.reader(io.StringIO(sink.getvalue(), newline="")))
    response = client.get("/api/v1/commitments/?format=csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    shown = list(csv.reader(io.StringIO(body, newline="")))[1:]

    assert len(copied) == len(shown) == Commitment.objects.count()
    for copy, row in zip(copied, shown, strict=True):
        # Every value as the CSV shows it, then the two slugs, which end the
        # permalink (its host is the benchmark's, not the test client's).
        assert row[:11] == copy[:11]
        assert copy[11] == f"http://127.0.0.1/a/{copy[12]}/{copy[13]}/"
        assert row[11] == f"http://testserver/a/{copy[12]}/{copy[13]}/"


def test_the_stored_values_copy_reads_the_csvs_rows_as_stored(busiest_agency):
    """The stricter yardstick: the same rows in the same order, the values as
    stored (no labels, no apostrophes), ending with the two slugs."""
    formatted, stored = io.StringIO(), io.StringIO()
    with connection.cursor() as cursor:
        cursor.copy_expert(export_copy_sql(), formatted)
        cursor.copy_expert(stored_copy_sql(), stored)
    shown = list(csv.reader(io.StringIO(formatted.getvalue(), newline="")))
    raw = list(csv.reader(io.StringIO(stored.getvalue(), newline="")))
    commitments = Commitment.objects.values_list("status", "kind", "slug")

    assert [row[-2:] for row in raw] == [row[-2:] for row in shown]
    assert [(row[6], row[3], row[-1]) for row in raw] == list(commitments)
