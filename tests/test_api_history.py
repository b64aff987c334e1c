"""/api/v1/commitments/{id}/history/: every write, newest first, with who, when,
the kind of change, its reason, and each field's old and new value."""

import pytest

from tests.conftest import authorize
from tests.factories import AgencyFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

PROGRESS = {
    "reported_on": "2018-05-01",
    "status": "stalled",
    "summary": "Nothing moved.",
}


def patch(client, commitment, body):
    url = f"/api/v1/commitments/{commitment.pk}/"
    etag = client.get(url)["ETag"]
    response = client.patch(url, body, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    return response


def test_history_is_newest_first_with_who_why_and_what(api_client, maintainer):
    commitment = CommitmentFactory(title="First title")
    AgencyFactory(slug="fbi")
    authorize(api_client, maintainer)
    patch(api_client, commitment, {"title": "Second title"})
    patch(api_client, commitment, {"supporting_agencies": ["fbi"]})
    api_client.post(f"/api/v1/commitments/{commitment.pk}/updates/", PROGRESS)

    body = api_client.get(f"/api/v1/commitments/{commitment.pk}/history/").json()

    assert set(body) == {"count", "next", "previous", "results"}
    # The supporting agencies are saved after the commitment itself: two records.
    status_change, supporting, saved, renamed, created = body["results"]
    assert saved["changes"] == []
    assert status_change["author"] == "maintainer"
    assert status_change["type"] == "changed"
    assert (
        status_change["change_reason"] == "Status follows the latest progress update."
    )
    assert {"field": "status", "old": "not_rated", "new": "stalled"} in status_change[
        "changes"
    ]
    assert supporting["changes"] == [
        {"field": "supporting_agencies", "old": [], "new": ["fbi"]}
    ]
    assert renamed["changes"] == [
        {"field": "title", "old": "First title", "new": "Second title"}
    ]
    assert renamed["author"] == "maintainer"
    assert renamed["version"] == 2
    assert created["type"] == "created"
    assert {"field": "title", "old": None, "new": "First title"} in created["changes"]
    assert {
        "field": "lead_agency",
        "old": None,
        "new": commitment.lead_agency.slug,
    } in created["changes"]
    assert created["at"] < renamed["at"] < status_change["at"]


def test_history_pages_compare_across_page_boundaries(api_client, maintainer):
    commitment = CommitmentFactory(title="t0")
    authorize(api_client, maintainer)
    for n in range(1, 4):
        patch(api_client, commitment, {"title": f"t{n}"})

    first = api_client.get(
        f"/api/v1/commitments/{commitment.pk}/history/?page_size=2"
    ).json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 4
    titles = [
        change
        for entry in first["results"] + second["results"]
        for change in entry["changes"]
        if change["field"] == "title"
    ]
    assert titles == [
        {"field": "title", "old": "t2", "new": "t3"},
        {"field": "title", "old": "t1", "new": "t2"},
        {"field": "title", "old": "t0", "new": "t1"},
        {"field": "title", "old": None, "new": "t0"},
    ]


def test_history_of_an_unknown_commitment_is_404(api_client):
    assert api_client.get("/api/v1/commitments/999/history/").status_code == 404


def test_a_commitment_written_in_bulk_has_an_empty_history(api_client, db):
    from commitments.models import Commitment

    commitment = CommitmentFactory()
    Commitment.history.filter(id=commitment.pk).delete()

    response = api_client.get(f"/api/v1/commitments/{commitment.pk}/history/")

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["results"] == []
