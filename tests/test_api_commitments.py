"""/api/v1/commitments/ and /api/v1/commitments/{id}/: representation, create,
update (strict writes, model rules as 400s), no delete."""

import datetime

import pytest

from commitments.models import Commitment, Status
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def etag_of(client, commitment):
    return client.get(f"/api/v1/commitments/{commitment.pk}/")["ETag"]


def test_detail_reads_as_in_the_design(api_client):
    doj = AgencyFactory(slug="doj", name="Department of Justice")
    fbi = AgencyFactory(slug="fbi", name="Federal Bureau of Investigation")
    nics_agencies = AgencyFactory(
        slug="nics-federal-agencies",
        name="Federal agencies that submit records to NICS",
    )
    announcement = AnnouncementFactory(slug="doj-2018", issuer=doj)
    commitment = CommitmentFactory(
        time_bound=True,
        slug="nics-certification",
        announcement=announcement,
        lead_agency=nics_agencies,
        topic=TopicFactory(slug="background-checks"),
    )
    commitment.supporting_agencies.add(fbi, doj)

    response = api_client.get(f"/api/v1/commitments/{commitment.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == commitment.pk
    assert body["url"] == f"http://testserver/api/v1/commitments/{commitment.pk}/"
    assert body["slug"] == "nics-certification"
    assert body["announcement"] == "doj-2018"
    assert body["parent"] is None
    assert body["lead_agency"] == {
        "slug": "nics-federal-agencies",
        "name": "Federal agencies that submit records to NICS",
    }
    assert body["supporting_agencies"] == [
        {"slug": "doj", "name": "Department of Justice"},
        {"slug": "fbi", "name": "Federal Bureau of Investigation"},
    ]
    assert body["topic"] == "background-checks"
    assert body["kind"] == "time_bound"
    assert body["deadline_text"] == "over the next 45 days"
    assert body["due_in_days"] == 45
    assert body["due_date"] == "2018-04-26"
    assert body["original_due_date"] == "2018-04-26"
    assert body["status"] == "not_rated"
    assert body["status_label"] == "Not yet rated"
    assert body["is_overdue"] is True
    assert body["is_late"] is False
    expected_days = (datetime.date(2018, 4, 26) - datetime.date.today()).days
    assert body["days_remaining"] in (expected_days, expected_days + 1)
    assert body["latest_update"] is None
    assert body["version"] == 1
    assert body["created_at"].endswith("Z")
    assert body["updated_at"].endswith("Z")
    assert "deadline_change_reason" not in body


def test_latest_update_is_the_latest_by_reported_on(api_client):
    commitment = CommitmentFactory()
    newer = ProgressUpdateFactory(
        commitment=commitment, reported_on=datetime.date(2018, 9, 1)
    )
    # Entered later, but reports on an earlier date.
    ProgressUpdateFactory(commitment=commitment, reported_on=datetime.date(2018, 5, 1))

    body = api_client.get(f"/api/v1/commitments/{commitment.pk}/").json()

    assert body["latest_update"]["id"] == newer.pk
    assert body["latest_update"]["reported_on"] == "2018-09-01"
    assert body["latest_update"]["author"] == newer.author.username
    assert body["status"] == "in_progress"


def test_open_ended_commitment_has_no_days_remaining(api_client):
    commitment = CommitmentFactory()

    body = api_client.get(f"/api/v1/commitments/{commitment.pk}/").json()

    assert body["due_date"] is None
    assert body["days_remaining"] is None
    assert body["is_overdue"] is False


def test_late_final_assessment(api_client):
    commitment = CommitmentFactory(time_bound=True)
    ProgressUpdateFactory(
        commitment=commitment,
        status=Status.FULFILLED,
        reported_on=datetime.date(2018, 6, 1),
    )

    body = api_client.get(f"/api/v1/commitments/{commitment.pk}/").json()

    assert body["is_late"] is True
    assert body["is_overdue"] is False


def new_commitment_body(announcement, **overrides):
    return {
        "announcement": announcement.slug,
        "slug": "review-tips",
        "title": "Review tips immediately",
        "source_quote": "It will review tips immediately.",
        "lead_agency": announcement.issuer.slug,
        "topic": TopicFactory().slug,
        "kind": "time_bound",
        "deadline_text": "immediate",
        "due_in_days": 0,
        **overrides,
    }


def test_maintainer_creates_a_commitment(api_client, maintainer):
    announcement = AnnouncementFactory()
    supporting = AgencyFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        "/api/v1/commitments/",
        new_commitment_body(announcement, supporting_agencies=[supporting.slug]),
    )

    assert response.status_code == 201, response.json()
    commitment = Commitment.objects.get(pk=response.json()["id"])
    assert commitment.due_date == datetime.date(2018, 3, 12)
    assert commitment.original_due_date == datetime.date(2018, 3, 12)
    assert list(commitment.supporting_agencies.all()) == [supporting]
    assert response.json()["supporting_agencies"] == [
        {"slug": supporting.slug, "name": supporting.name}
    ]


def test_quote_not_in_the_announcement_is_refused(api_client, maintainer):
    announcement = AnnouncementFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        "/api/v1/commitments/",
        new_commitment_body(announcement, source_quote="Words never said."),
    )

    assert response.status_code == 400
    assert "source_quote" in response.json()
    assert not Commitment.objects.exists()


def test_time_bound_without_deadline_is_refused(api_client, maintainer):
    announcement = AnnouncementFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        "/api/v1/commitments/", new_commitment_body(announcement, due_in_days=None)
    )

    assert response.status_code == 400
    assert "due_date" in response.json()


def test_duplicate_slug_in_an_announcement_is_refused(api_client, maintainer):
    existing = CommitmentFactory(slug="review-tips")
    authorize(api_client, maintainer)

    response = api_client.post(
        "/api/v1/commitments/", new_commitment_body(existing.announcement)
    )

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert Commitment.objects.count() == 1


def test_unknown_slugs_in_a_write_are_named(api_client, maintainer):
    announcement = AnnouncementFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        "/api/v1/commitments/",
        new_commitment_body(
            announcement, lead_agency="nobody", topic="nothing", supporting_agencies=[7]
        ),
    )

    assert response.status_code == 400
    assert set(response.json()) == {"lead_agency", "topic", "supporting_agencies"}


@pytest.mark.parametrize(
    "field", ["status", "version", "created_at", "updated_at", "original_due_date"]
)
def test_read_only_field_in_a_write_is_named(api_client, maintainer, field):
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)

    response = api_client.patch(
        f"/api/v1/commitments/{commitment.pk}/",
        {field: "broken", "title": "Changed"},
        HTTP_IF_MATCH=etag_of(api_client, commitment),
    )

    assert response.status_code == 400
    assert response.json() == {field: ["This field is read-only."]}
    commitment.refresh_from_db()
    assert commitment.title != "Changed"


def test_an_update_answers_with_the_supporting_agencies_it_set(api_client, maintainer):
    # The detail reads them from a prefetched list: the write's answer must not
    # show the list read before the write.
    commitment = CommitmentFactory()
    commitment.supporting_agencies.add(AgencyFactory(slug="fbi", name="FBI"))
    AgencyFactory(slug="atf", name="ATF")
    authorize(api_client, maintainer)

    response = api_client.patch(
        f"/api/v1/commitments/{commitment.pk}/",
        {"supporting_agencies": ["atf"]},
        HTTP_IF_MATCH=etag_of(api_client, commitment),
    )

    assert response.status_code == 200
    assert response.json()["supporting_agencies"] == [{"slug": "atf", "name": "ATF"}]
    assert response["ETag"] == etag_of(api_client, commitment)


def test_unknown_field_in_a_write_is_named(api_client, maintainer):
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)

    response = api_client.patch(
        f"/api/v1/commitments/{commitment.pk}/",
        {"titel": "Typo"},
        HTTP_IF_MATCH=etag_of(api_client, commitment),
    )

    assert response.status_code == 400
    assert response.json() == {"titel": ["This field does not exist."]}


def test_parent_in_another_announcement_is_refused(api_client, maintainer):
    commitment = CommitmentFactory()
    elsewhere = CommitmentFactory()
    authorize(api_client, maintainer)

    response = api_client.patch(
        f"/api/v1/commitments/{commitment.pk}/",
        {"parent": elsewhere.pk},
        HTTP_IF_MATCH=etag_of(api_client, commitment),
    )

    assert response.status_code == 400
    assert "parent" in response.json()


def test_delete_is_not_allowed(api_client, staff_user):
    commitment = CommitmentFactory()
    authorize(api_client, staff_user)

    response = api_client.delete(f"/api/v1/commitments/{commitment.pk}/")

    assert response.status_code == 405
    assert "detail" in response.json()
    assert Commitment.objects.filter(pk=commitment.pk).exists()


def test_unknown_commitment_is_404_json(api_client):
    response = api_client.get("/api/v1/commitments/999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Commitment matches the given query."}


def test_id_beyond_the_integer_range_is_404(api_client):
    response = api_client.get("/api/v1/commitments/99999999999999999999999/")

    assert response.status_code == 404


def test_parent_cannot_leave_its_children_behind(api_client, maintainer):
    parent = CommitmentFactory()
    CommitmentFactory(announcement=parent.announcement, parent=parent)
    elsewhere = AnnouncementFactory()
    authorize(api_client, maintainer)

    response = api_client.patch(
        f"/api/v1/commitments/{parent.pk}/",
        {"announcement": elsewhere.slug},
        HTTP_IF_MATCH=etag_of(api_client, parent),
    )

    assert response.status_code == 400
    assert "announcement" in response.json()
    parent.refresh_from_db()
    assert parent.announcement_id != elsewhere.pk
