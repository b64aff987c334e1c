"""PATCH /api/v1/updates/{id}/: a published progress update is corrected, never
silently rewritten. A correction needs a note and the update's current ETag; the
update then shows it, history keeps the old values, and the status follows."""

import datetime

import pytest

from commitments.models import ChangeEntry, ProgressUpdate, Status
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(update):
    return f"/api/v1/updates/{update.pk}/"


@pytest.fixture
def update():
    return ProgressUpdateFactory(
        reported_on=datetime.date(2018, 6, 1),
        status=Status.IN_PROGRESS,
        summary="The rule was proposed.",
    )


@pytest.fixture
def client(api_client, maintainer):
    return authorize(api_client, maintainer)


def test_anyone_reads_an_update_with_its_etag(api_client, update):
    response = api_client.get(url(update))

    assert response.status_code == 200
    assert response.json()["id"] == update.pk
    assert response.json()["corrections"] == []
    assert response.json()["retracted"] is None
    assert response["ETag"].startswith('"')
    again = api_client.get(url(update), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_correction_with_a_note_changes_the_update_and_shows_the_note(
    client, maintainer, update
):
    etag = client.get(url(update))["ETag"]

    response = client.patch(
        url(update),
        {
            "summary": "The rule was proposed in the Federal Register.",
            "correction_note": "Named where the rule was published.",
        },
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["summary"] == "The rule was proposed in the Federal Register."
    assert [(c["note"], c["author"]) for c in body["corrections"]] == [
        ("Named where the rule was published.", "maintainer")
    ]
    corrected_at = datetime.datetime.fromisoformat(
        body["corrections"][0]["corrected_at"]
    )
    assert corrected_at > datetime.datetime.fromisoformat(body["recorded_at"])
    assert response["ETag"] != etag
    assert client.get(url(update))["ETag"] == response["ETag"]
    # History keeps the old text, with who and why.
    old, new = update.history.order_by("-history_date")[1], update.history.latest()
    assert old.summary == "The rule was proposed."
    assert new.summary == "The rule was proposed in the Federal Register."
    assert new.history_user == maintainer
    assert new.history_change_reason.startswith("Correction: Named where")


def test_a_correction_without_a_note_gets_400_naming_it(client, update):
    etag = client.get(url(update))["ETag"]

    response = client.patch(url(update), {"summary": "Rewritten."}, HTTP_IF_MATCH=etag)

    assert response.status_code == 400
    assert "correction_note" in response.json()
    assert ProgressUpdate.objects.get(pk=update.pk).summary == "The rule was proposed."


def test_a_blank_note_is_no_note(client, update):
    etag = client.get(url(update))["ETag"]

    response = client.patch(
        url(update),
        {"summary": "Rewritten.", "correction_note": "   "},
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 400
    assert "correction_note" in response.json()


def test_a_correction_must_change_something(client, update):
    etag = client.get(url(update))["ETag"]

    response = client.patch(
        url(update), {"correction_note": "Nothing really."}, HTTP_IF_MATCH=etag
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_correction_needs_if_match(client, update):
    response = client.patch(
        url(update), {"summary": "Rewritten.", "correction_note": "Why."}
    )

    assert response.status_code == 428
    assert ProgressUpdate.objects.get(pk=update.pk).summary == "The rule was proposed."


def test_a_stale_if_match_gets_412_and_nothing_is_written(client, update):
    stale = client.get(url(update))["ETag"]
    first = client.patch(
        url(update),
        {"summary": "First.", "correction_note": "First fix."},
        HTTP_IF_MATCH=stale,
    )
    assert first.status_code == 200

    second = client.patch(
        url(update),
        {"summary": "Second.", "correction_note": "Second fix."},
        HTTP_IF_MATCH=stale,
    )

    assert second.status_code == 412
    assert second["ETag"] == first["ETag"]
    assert ProgressUpdate.objects.get(pk=update.pk).summary == "First."
    assert update.corrections.count() == 1


def test_a_correction_follows_the_rules_of_a_new_update(client, update):
    etag = client.get(url(update))["ETag"]
    future = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()

    for change, field in [
        ({"reported_on": "2018-01-01"}, "reported_on"),
        ({"reported_on": future}, "reported_on"),
        ({"status": "fulfilled", "source_url": ""}, "source_url"),
        ({"status": "bogus"}, "status"),
        ({"author": "someone"}, "author"),
        ({"commitment": 1}, "commitment"),
    ]:
        response = client.patch(
            url(update), {**change, "correction_note": "Why."}, HTTP_IF_MATCH=etag
        )
        assert response.status_code == 400, change
        assert field in response.json(), change
    assert update.corrections.count() == 0


def test_the_status_follows_a_corrected_update(client, update):
    commitment = update.commitment
    etag = client.get(url(update))["ETag"]

    response = client.patch(
        url(update),
        {
            "status": "fulfilled",
            "source_url": "https://www.federalregister.gov/rule",
            "correction_note": "The rule was final, not proposed.",
        },
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED
    detail = client.get(f"/api/v1/commitments/{commitment.pk}/").json()
    assert detail["latest_update"]["corrections"][0]["note"] == (
        "The rule was final, not proposed."
    )


def test_a_correction_of_the_latest_update_changes_the_commitments_etag(client, update):
    commitment_url = f"/api/v1/commitments/{update.commitment.pk}/"
    commitment_etag = client.get(commitment_url)["ETag"]

    client.patch(
        url(update),
        {"summary": "Better words.", "correction_note": "Clearer."},
        HTTP_IF_MATCH=client.get(url(update))["ETag"],
    )

    response = client.get(commitment_url, HTTP_IF_NONE_MATCH=commitment_etag)
    assert response.status_code == 200
    assert response.json()["latest_update"]["summary"] == "Better words."


def test_a_correction_is_one_entry_in_the_changes_feed(client, update):
    before = ChangeEntry.objects.count()

    client.patch(
        url(update),
        {"reported_on": "2018-06-02", "correction_note": "Off by a day."},
        HTTP_IF_MATCH=client.get(url(update))["ETag"],
    )

    assert ChangeEntry.objects.count() == before + 1
    entry = client.get("/api/v1/changes/").json()["results"][0]
    assert entry["kind"] == "progress_corrected"
    assert entry["author"] == "maintainer"
    assert entry["commitment"]["id"] == update.commitment.pk
    assert "Off by a day." in entry["summary"]


def test_an_editor_of_a_supporting_agency_above_corrects(api_client):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi", parent=doj)
    editor = UserFactory(username="doj-editor")
    doj.editors.add(editor)
    update = ProgressUpdateFactory(commitment__lead_agency=fbi)
    authorize(api_client, editor)

    response = api_client.patch(
        url(update),
        {"summary": "Clearer.", "correction_note": "Wording."},
        HTTP_IF_MATCH=api_client.get(url(update))["ETag"],
    )

    assert response.status_code == 200
    assert response.json()["corrections"][0]["author"] == "doj-editor"


def test_others_may_not_correct(api_client, update):
    assert api_client.patch(url(update), {"summary": "X"}).status_code == 401
    outsider = UserFactory()
    AgencyFactory().editors.add(outsider)
    authorize(api_client, outsider)

    response = api_client.patch(
        url(update),
        {"summary": "X", "correction_note": "Y"},
        HTTP_IF_MATCH=api_client.get(url(update))["ETag"],
    )

    assert response.status_code == 403
    assert ProgressUpdate.objects.get(pk=update.pk).summary == "The rule was proposed."


def test_put_post_and_delete_are_not_offered(client, update):
    assert client.put(url(update), {}).status_code == 405
    assert client.delete(url(update)).status_code == 405
    assert client.post("/api/v1/updates/", {}).status_code == 405


def test_a_retracted_update_cannot_be_corrected(client, update):
    client.post(f"{url(update)}retract/", {"reason": "Wrong commitment."})

    response = client.patch(
        url(update),
        {"summary": "Fixed.", "correction_note": "Fix."},
        HTTP_IF_MATCH=client.get(url(update))["ETag"],
    )

    assert response.status_code == 400
    assert "retracted" in response.json()["non_field_errors"][0]
    assert ProgressUpdate.objects.get(pk=update.pk).summary == "The rule was proposed."


def test_a_correction_costs_a_fixed_number_of_queries(
    client, update, django_assert_num_queries
):
    ProgressUpdateFactory.create_batch(5, commitment=update.commitment)
    etag = client.get(url(update))["ETag"]

    with django_assert_num_queries(16):
        # 1. SAVEPOINT: the request's transaction inside the test's
        # 2. the token with its user and the user's permissions
        # 3. SELECT ... FOR UPDATE the update's row (api.conditional)
        # 4. the update with its authors, its commitment and that one's
        #    announcement (get_object; the permission and the rules read them),
        #    and whether it has corrections (none yet: nothing more to read
        #    for the ETag's representation)
        # 5. UPDATE the update (compared with the values read under the lock)
        # 6. INSERT its history record (the note as the reason)
        # 7. SELECT ... FOR UPDATE the commitment, to settle its status
        # 8. its latest counted update
        # 9. UPDATE the commitment's status and version
        # 10. INSERT its history record
        # 11. INSERT ... SELECT its supporting agencies into that history
        # 12. INSERT the correction
        # 13. INSERT the entry in the changes feed (progress_corrected)
        # 14. the corrected update with its authors, for the response
        # 15. its corrections with their authors
        # 16. RELEASE SAVEPOINT
        response = client.patch(
            url(update),
            {
                "status": "stalled",
                "reported_on": "2018-12-01",
                "correction_note": "It stalled in December.",
            },
            HTTP_IF_MATCH=etag,
        )

    assert response.status_code == 200
    assert response.json()["status"] == "stalled"
