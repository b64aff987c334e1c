"""Text and references are strings: a number, a boolean or an object where a slug
or text is expected is 400 naming the field (not read as "-156" or "True"), and an
empty string names nothing (null clears a reference)."""

import pytest

from commitments.models import Agency
from tests.conftest import authorize
from tests.factories import AgencyFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "body, named",
    [
        ({"slug": -156, "name": 0}, {"slug", "name"}),
        ({"slug": "new", "name": True}, {"name"}),
        ({"slug": "new", "name": "New", "abbreviation": 12}, {"abbreviation"}),
        ({"slug": ["new"], "name": "New"}, {"slug"}),
        ({"slug": "new", "name": "New", "parent": 7}, {"parent"}),
        ({"slug": "new", "name": "New", "parent": ""}, {"parent"}),
    ],
)
def test_non_strings_for_an_agency_are_400_by_name(api_client, maintainer, body, named):
    authorize(api_client, maintainer)

    response = api_client.post("/api/v1/agencies/", body)

    assert response.status_code == 400
    assert set(response.json()) == named
    assert not Agency.objects.filter(slug="new").exists()


def test_an_empty_parent_does_not_clear_it(api_client, maintainer):
    doj = AgencyFactory(slug="doj")
    AgencyFactory(slug="fbi", parent=doj)
    authorize(api_client, maintainer)

    response = api_client.patch("/api/v1/agencies/fbi/", {"parent": ""})

    assert response.status_code == 400
    assert response.json() == {
        "parent": ["An empty string names nothing; send null to leave this empty."]
    }
    assert Agency.objects.get(slug="fbi").parent == doj


def test_null_clears_a_parent(api_client, maintainer):
    AgencyFactory(slug="fbi", parent=AgencyFactory(slug="doj"))
    authorize(api_client, maintainer)

    response = api_client.patch("/api/v1/agencies/fbi/", {"parent": None})

    assert response.status_code == 200
    assert Agency.objects.get(slug="fbi").parent is None


@pytest.mark.parametrize(
    "body, named",
    [
        ({"title": 5}, "title"),
        ({"description": False}, "description"),
        ({"deadline_text": 45}, "deadline_text"),
        ({"parent": ""}, "parent"),
        ({"topic": 3}, "topic"),
        ({"due_date": 20180426}, "due_date"),
    ],
)
def test_non_strings_for_a_commitment_are_400_by_name(
    api_client, maintainer, body, named
):
    commitment = CommitmentFactory(title="Kept")
    authorize(api_client, maintainer)
    url = f"/api/v1/commitments/{commitment.pk}/"

    response = api_client.patch(url, body, HTTP_IF_MATCH=api_client.get(url)["ETag"])

    assert response.status_code == 400
    assert list(response.json()) == [named]
    assert api_client.get(url).json()["version"] == 1


def test_a_number_for_a_progress_summary_is_400(api_client, maintainer):
    commitment = CommitmentFactory()
    authorize(api_client, maintainer)

    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {"reported_on": "2018-05-01", "status": "in_progress", "summary": 1},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["summary"]
