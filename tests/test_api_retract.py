"""POST /api/v1/updates/{id}/retract/: a wrong update is retracted with a reason,
not deleted. It stays on the timeline, marked, and no longer counts for the
status. Maintainers only."""

import datetime

import pytest

from commitments.models import ChangeEntry, ProgressUpdate, Status
from tests.conftest import authorize
from tests.factories import AgencyFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


def retract_url(update):
    return f"/api/v1/updates/{update.pk}/retract/"


@pytest.fixture
def timeline():
    """An older in-progress update and a newer fulfilled one, whose status the
    commitment has."""
    older = ProgressUpdateFactory(
        reported_on=datetime.date(2018, 4, 1), status=Status.IN_PROGRESS
    )
    newer = ProgressUpdateFactory(
        commitment=older.commitment,
        reported_on=datetime.date(2018, 6, 1),
        status=Status.FULFILLED,
        summary="Done, says the agency.",
    )
    return older, newer


def test_retracting_the_latest_update_restores_the_previous_status(
    api_client, maintainer, timeline
):
    older, newer = timeline
    authorize(api_client, maintainer)

    response = api_client.post(retract_url(newer), {"reason": "Misread the report."})

    assert response.status_code == 200, response.json()
    retracted = response.json()["retracted"]
    assert retracted["reason"] == "Misread the report."
    assert retracted["author"] == "maintainer"
    assert datetime.datetime.fromisoformat(retracted["retracted_at"])
    commitment = api_client.get(f"/api/v1/commitments/{older.commitment.pk}/").json()
    assert commitment["status"] == "in_progress"
    assert commitment["latest_update"]["id"] == older.pk
    assert commitment["status_as_of"] == "2018-04-01"
    # It stays on the timeline, marked.
    timeline_body = api_client.get(
        f"/api/v1/commitments/{older.commitment.pk}/updates/"
    ).json()
    assert [u["id"] for u in timeline_body["results"]] == [newer.pk, older.pk]
    assert timeline_body["results"][0]["retracted"]["reason"] == "Misread the report."


def test_retracting_the_only_update_leaves_the_commitment_not_rated(
    api_client, maintainer
):
    update = ProgressUpdateFactory(status=Status.STALLED)
    authorize(api_client, maintainer)

    api_client.post(retract_url(update), {"reason": "Duplicate."})

    commitment = api_client.get(f"/api/v1/commitments/{update.commitment.pk}/").json()
    assert commitment["status"] == "not_rated"
    assert commitment["latest_update"] is None
    assert commitment["status_as_of"] is None


def test_retracting_twice_is_refused(api_client, maintainer, timeline):
    _, newer = timeline
    authorize(api_client, maintainer)
    api_client.post(retract_url(newer), {"reason": "Wrong."})

    response = api_client.post(retract_url(newer), {"reason": "Still wrong."})

    assert response.status_code == 400
    assert "already retracted" in response.json()["non_field_errors"][0]
    assert ProgressUpdate.objects.get(pk=newer.pk).retraction_reason == "Wrong."


def test_a_retraction_needs_a_reason(api_client, maintainer, timeline):
    _, newer = timeline
    authorize(api_client, maintainer)

    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = api_client.post(retract_url(newer), body)
        assert response.status_code == 400, body
        assert "reason" in response.json(), body
    assert response.status_code == 400
    unknown = api_client.post(retract_url(newer), {"reason": "X", "why": "Y"})
    assert unknown.status_code == 400
    assert "why" in unknown.json()
    assert ProgressUpdate.objects.get(pk=newer.pk).retracted_at is None


def test_a_stale_if_match_gets_412(api_client, maintainer, timeline):
    _, newer = timeline
    authorize(api_client, maintainer)
    etag = api_client.get(f"/api/v1/updates/{newer.pk}/")["ETag"]
    api_client.patch(
        f"/api/v1/updates/{newer.pk}/",
        {"summary": "Done.", "correction_note": "Shorter."},
        HTTP_IF_MATCH=etag,
    )

    response = api_client.post(retract_url(newer), {"reason": "X"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert ProgressUpdate.objects.get(pk=newer.pk).retracted_at is None


def test_only_maintainers_retract(api_client, timeline):
    _, newer = timeline
    assert api_client.post(retract_url(newer), {"reason": "X"}).status_code == 401
    editor = UserFactory()
    newer.commitment.lead_agency.editors.add(editor)
    authorize(api_client, editor)

    response = api_client.post(retract_url(newer), {"reason": "X"})

    assert response.status_code == 403
    assert ProgressUpdate.objects.get(pk=newer.pk).retracted_at is None


def test_a_retraction_is_one_entry_in_the_changes_feed(
    api_client, maintainer, timeline
):
    _, newer = timeline
    authorize(api_client, maintainer)
    before = ChangeEntry.objects.count()

    api_client.post(retract_url(newer), {"reason": "Misread the report."})

    assert ChangeEntry.objects.count() == before + 1
    entry = api_client.get("/api/v1/changes/").json()["results"][0]
    assert entry["kind"] == "progress_retracted"
    assert entry["author"] == "maintainer"
    assert "Misread the report." in entry["summary"]


def test_retracted_updates_do_not_count_in_the_csv(api_client, maintainer, timeline):
    older, newer = timeline
    authorize(api_client, maintainer)
    api_client.post(retract_url(newer), {"reason": "Wrong."})

    response = api_client.get("/api/v1/commitments/?format=csv")
    csv = b"".join(response.streaming_content).decode()

    row = csv.splitlines()[1]
    assert "2018-04-01" in row
    assert "2018-06-01" not in row
    assert "Done, says the agency." not in row


def test_an_editor_may_still_add_progress_after_a_retraction(api_client, timeline):
    older, newer = timeline
    editor = UserFactory()
    agency = AgencyFactory()
    older.commitment.lead_agency.editors.add(editor)
    agency.editors.add(editor)
    newer.retract("Wrong.", author=None)
    authorize(api_client, editor)

    response = api_client.post(
        f"/api/v1/commitments/{older.commitment.pk}/updates/",
        {"reported_on": "2018-07-01", "status": "stalled", "summary": "Blocked."},
    )

    assert response.status_code == 201
    older.commitment.refresh_from_db()
    assert older.commitment.status == Status.STALLED
