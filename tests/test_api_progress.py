"""/api/v1/commitments/{id}/updates/ (a commitment's timeline; POST adds to it)
and /api/v1/updates/ (all progress, newest first)."""

import datetime

import pytest

from commitments.models import ProgressUpdate
from tests.conftest import authorize
from tests.factories import CommitmentFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

PROGRESS = {
    "reported_on": "2018-05-01",
    "status": "fulfilled",
    "summary": "All agencies certified.",
    "source_url": "https://www.justice.gov/certified",
}


def test_timeline_is_newest_first(api_client):
    commitment = CommitmentFactory()
    older = ProgressUpdateFactory(
        commitment=commitment, reported_on=datetime.date(2018, 4, 1)
    )
    newer = ProgressUpdateFactory(
        commitment=commitment, reported_on=datetime.date(2018, 5, 1)
    )
    ProgressUpdateFactory()  # another commitment's

    body = api_client.get(f"/api/v1/commitments/{commitment.pk}/updates/").json()

    assert body["count"] == 2
    assert [u["id"] for u in body["results"]] == [newer.pk, older.pk]
    first = body["results"][0]
    assert datetime.datetime.fromisoformat(first.pop("created_at")) == newer.created_at
    assert datetime.datetime.fromisoformat(first.pop("recorded_at")) == newer.created_at
    assert first == {
        "id": newer.pk,
        "url": f"http://testserver/api/v1/updates/{newer.pk}/",
        "commitment": commitment.pk,
        "reported_on": "2018-05-01",
        "status": "in_progress",
        "status_label": "In progress",
        "summary": newer.summary,
        "source_url": newer.source_url,
        "author": newer.author.username,
        "corrections": [],
        "retracted": None,
    }


def test_post_sets_author_and_status(api_client, maintainer):
    commitment = CommitmentFactory(time_bound=True)
    authorize(api_client, maintainer)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/", PROGRESS
    )

    assert response.status_code == 201
    update = ProgressUpdate.objects.get(pk=response.json()["id"])
    assert update.author == maintainer
    assert response.json()["author"] == "maintainer"
    commitment.refresh_from_db()
    assert commitment.status == "fulfilled"
    assert commitment.final_assessed_on == datetime.date(2018, 5, 1)
    detail = api_client.get(f"/api/v1/commitments/{commitment.pk}/").json()
    assert detail["latest_update"]["id"] == update.pk
    assert detail["is_late"] is True


def test_the_201_body_is_the_update_as_read_back(api_client, maintainer):
    # The serializer that validated the body also shows the saved update: the
    # same bytes as the update's own GET and as a retry's replay.
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)
    path = f"/api/v1/commitments/{commitment.pk}/updates/"

    created = api_client.post(path, PROGRESS, format="json", HTTP_IDEMPOTENCY_KEY="k")
    replayed = api_client.post(path, PROGRESS, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert created.status_code == replayed.status_code == 201
    update_id = created.json()["id"]
    read_back = api_client.get(f"/api/v1/updates/{update_id}/")
    assert created.content == read_back.content == replayed.content
    assert created["Content-Type"] == read_back["Content-Type"]
    # The 201's headers are the replay's but for the mark and the request id.
    assert replayed["Idempotent-Replayed"] == "true"
    ignored = {"Idempotent-Replayed", "X-Request-ID"}
    assert {k: v for k, v in created.items() if k not in ignored} == {
        k: v for k, v in replayed.items() if k not in ignored
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"source_url": ""}, "source_url"),  # a final assessment needs evidence
        ({"reported_on": "2018-03-11"}, "reported_on"),  # before the announcement
        ({"reported_on": "2999-01-01"}, "reported_on"),  # in the future
        ({"reported_on": "soon"}, "reported_on"),
        ({"status": "done"}, "status"),
        ({"source_url": "not a url"}, "source_url"),
        ({"summary": ""}, "summary"),
        ({"author": "someone"}, "author"),
        ({"commitment": 1}, "commitment"),
        ({"created_at": "2018-05-01T00:00:00Z"}, "created_at"),
        ({"mood": "good"}, "mood"),
    ],
)
def test_bad_progress_is_refused_by_field(api_client, maintainer, change, field):
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/", {**PROGRESS, **change}
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not ProgressUpdate.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == "not_rated"


def test_body_that_is_not_an_object_is_400(api_client, maintainer):
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/", [PROGRESS]
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_malformed_json_is_400(api_client, maintainer):
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        data="{not json",
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["non_field_errors"][0]


def test_form_encoded_body_is_415(api_client, maintainer):
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/", PROGRESS, format="multipart"
    )

    assert response.status_code == 415
    assert "detail" in response.json()


def test_feed_lists_all_progress_newest_first(api_client):
    oldest = ProgressUpdateFactory(reported_on=datetime.date(2018, 4, 1))
    newest = ProgressUpdateFactory(reported_on=datetime.date(2018, 6, 1))
    middle = ProgressUpdateFactory(reported_on=datetime.date(2018, 5, 1))

    body = api_client.get("/api/v1/updates/").json()

    assert set(body) == {"count", "next", "previous", "results"}
    assert [u["id"] for u in body["results"]] == [newest.pk, middle.pk, oldest.pk]


def test_feed_filters(api_client):
    kept = ProgressUpdateFactory(reported_on=datetime.date(2018, 6, 1))
    ProgressUpdateFactory(reported_on=datetime.date(2018, 4, 1))
    agency = kept.commitment.lead_agency.slug

    assert [
        u["id"]
        for u in api_client.get(
            f"/api/v1/updates/?agency={agency}&reported_after=2018-05-01"
        ).json()["results"]
    ] == [kept.pk]
    response = api_client.get("/api/v1/updates/?agency=nobody&reported_after=x")
    assert response.status_code == 400
    assert set(response.json()) == {"agency", "reported_after"}
