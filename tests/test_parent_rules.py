"""Parent rules held by the models for every writer, on SQLite as on PostgreSQL: a
commitment with sub-commitments stays in their announcement, and no agency or
commitment sits below itself, even when a loop was stored by another path."""

import pytest
from django.urls import reverse

from commitments.models import Agency, Commitment
from tests.admin_forms import form_data
from tests.conftest import authorize
from tests.factories import AgencyFactory, AnnouncementFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

STAYS = (
    "This commitment has sub-commitments in its announcement; it cannot move to "
    "another one. Move or detach its sub-commitments first."
)


@pytest.fixture
def family():
    parent = CommitmentFactory()
    child = CommitmentFactory(announcement=parent.announcement, parent=parent)
    elsewhere = AnnouncementFactory(issuer=parent.announcement.issuer)
    return parent, child, elsewhere


def test_admin_cannot_move_a_parent_away_from_its_sub_commitments(
    client, staff_user, family
):
    parent, child, elsewhere = family
    url = reverse("admin:commitments_commitment_change", args=[parent.pk])
    client.force_login(staff_user)
    data = form_data(client.get(url))
    data["announcement"] = str(elsewhere.pk)

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"announcement": [STAYS]}
    parent.refresh_from_db()
    assert parent.announcement_id == child.announcement_id


def test_api_cannot_move_a_parent_away_from_its_sub_commitments(
    api_client, maintainer, family
):
    parent, child, elsewhere = family
    authorize(api_client, maintainer)
    url = f"/api/v1/commitments/{parent.pk}/"

    response = api_client.patch(
        url, {"announcement": elsewhere.slug}, HTTP_IF_MATCH=api_client.get(url)["ETag"]
    )

    assert response.status_code == 400
    assert response.json() == {"announcement": [STAYS]}
    assert Commitment.objects.get(pk=parent.pk).announcement_id == (
        child.announcement_id
    )


def test_a_commitment_without_sub_commitments_may_move(api_client, maintainer):
    commitment = CommitmentFactory()
    elsewhere = AnnouncementFactory(issuer=commitment.announcement.issuer)
    authorize(api_client, maintainer)
    url = f"/api/v1/commitments/{commitment.pk}/"

    response = api_client.patch(
        url, {"announcement": elsewhere.slug}, HTTP_IF_MATCH=api_client.get(url)["ETag"]
    )

    assert response.status_code == 200
    assert response.json()["announcement"] == elsewhere.slug


def test_opposite_agency_parents_one_after_the_other_the_second_is_400(
    api_client, maintainer
):
    a, b = AgencyFactory(slug="a"), AgencyFactory(slug="b")
    authorize(api_client, maintainer)

    first = api_client.patch("/api/v1/agencies/a/", {"parent": "b"})
    second = api_client.patch("/api/v1/agencies/b/", {"parent": "a"})

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json() == {"parent": ["An agency cannot sit below itself."]}
    assert Agency.objects.get(pk=b.pk).parent_id is None
    assert Agency.objects.get(pk=a.pk).parent_id == b.pk


def test_opposite_commitment_parents_one_after_the_other_the_second_is_400(
    api_client, maintainer
):
    a = CommitmentFactory()
    b = CommitmentFactory(announcement=a.announcement)
    authorize(api_client, maintainer)

    def set_parent(child, parent):
        url = f"/api/v1/commitments/{child.pk}/"
        etag = api_client.get(url)["ETag"]
        return api_client.patch(url, {"parent": parent.pk}, HTTP_IF_MATCH=etag)

    assert set_parent(a, b).status_code == 200
    second = set_parent(b, a)

    assert second.status_code == 400
    assert second.json() == {"parent": ["A commitment cannot sit below itself."]}


def test_the_agency_walk_stops_at_a_loop_stored_by_another_path():
    a, b = AgencyFactory(), AgencyFactory()
    # A loop written past the model (raw SQL, an old bug): A -> B -> A.
    Agency.objects.filter(pk=a.pk).update(parent=b)
    Agency.objects.filter(pk=b.pk).update(parent=a)
    newcomer = AgencyFactory()

    newcomer.parent = a
    newcomer.full_clean()
    newcomer.save()

    assert Agency.objects.get(pk=newcomer.pk).parent_id == a.pk


def test_the_commitment_walk_stops_at_a_loop_stored_by_another_path():
    a = CommitmentFactory()
    b = CommitmentFactory(announcement=a.announcement)
    Commitment.objects.filter(pk=a.pk).update(parent=b)
    Commitment.objects.filter(pk=b.pk).update(parent=a)
    newcomer = CommitmentFactory(announcement=a.announcement)

    newcomer.parent = a
    newcomer.save()

    assert Commitment.objects.get(pk=newcomer.pk).parent_id == a.pk
