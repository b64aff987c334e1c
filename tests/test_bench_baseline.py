"""bench/views.py's baseline builds the commitment list's page in one SQL
statement. bench/run.py reports the API as ratios to it, so it must serve what
the API serves: the same rows, fields and values."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

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
