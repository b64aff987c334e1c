"""/api/v1/commitments/summary/: counts by status, overdue and late, overall and
by lead agency, under the list's filters."""

import datetime

import pytest

from commitments.models import Status
from tests.factories import AgencyFactory, CommitmentFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

ZERO = {
    "not_rated": 0,
    "in_progress": 0,
    "stalled": 0,
    "partially_fulfilled": 0,
    "fulfilled": 0,
    "broken": 0,
}


@pytest.fixture
def data():
    doj = AgencyFactory(slug="doj", name="Department of Justice")
    states = AgencyFactory(slug="states", name="State governments")
    CommitmentFactory(time_bound=True, lead_agency=doj)  # overdue
    late = CommitmentFactory(time_bound=True, lead_agency=doj)
    ProgressUpdateFactory(
        commitment=late, status=Status.BROKEN, reported_on=datetime.date(2018, 6, 1)
    )
    stalled = CommitmentFactory(lead_agency=states)
    ProgressUpdateFactory(commitment=stalled, status=Status.STALLED)


def test_summary_overall_and_by_agency(api_client, data):
    body = api_client.get("/api/v1/commitments/summary/").json()

    assert body == {
        "as_of": None,
        "total": 3,
        "by_status": {**ZERO, "not_rated": 1, "broken": 1, "stalled": 1},
        "overdue": 1,
        "late": 1,
        "by_agency": [
            {
                "agency": {"slug": "doj", "name": "Department of Justice"},
                "total": 2,
                "by_status": {**ZERO, "not_rated": 1, "broken": 1},
                "overdue": 1,
                "late": 1,
            },
            {
                "agency": {"slug": "states", "name": "State governments"},
                "total": 1,
                "by_status": {**ZERO, "stalled": 1},
                "overdue": 0,
                "late": 0,
            },
        ],
    }


def test_summary_honours_the_list_filters(api_client, data):
    body = api_client.get("/api/v1/commitments/summary/?lead_agency=states").json()

    assert body["total"] == 1
    assert body["by_status"]["stalled"] == 1
    assert [row["agency"]["slug"] for row in body["by_agency"]] == ["states"]
    assert (
        api_client.get("/api/v1/commitments/summary/?overdue=true").json()["total"] == 1
    )


def test_summary_of_nothing(api_client):
    body = api_client.get("/api/v1/commitments/summary/").json()

    assert body == {
        "as_of": None,
        "total": 0,
        "by_status": ZERO,
        "overdue": 0,
        "late": 0,
        "by_agency": [],
    }


@pytest.mark.usefixtures("no_response_cache")
def test_summary_costs_one_aggregate_query(api_client, data, django_assert_num_queries):
    with django_assert_num_queries(3):
        # 1. SAVEPOINT: the request's transaction (ATOMIC_REQUESTS) inside the
        #    test's
        # 2. the counts by lead agency (one grouped aggregate; the overall
        #    counts are their sums)
        # 3. RELEASE SAVEPOINT
        response = api_client.get(
            "/api/v1/commitments/summary/?status=stalled&status=broken"
        )

    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["late"]) == (2, 1)
    assert [row["agency"]["slug"] for row in body["by_agency"]] == ["doj", "states"]
