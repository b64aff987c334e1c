"""Names, titles, abbreviations and stated deadlines are one line: they reach
calendars, feeds, headers and CSV cells, so a control character or line break is
refused (400 in the API, a form error in the admin) by a validator on the model
field that both use."""

import pytest

from commitments.models import Agency
from tests.conftest import authorize
from tests.factories import AgencyFactory, CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of_superuser(api_client):
    return authorize(api_client, UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize(
    "text",
    [
        "Line one\nLine two",
        "CR only\rX-INJECTED:1",
        "tab\there",
        "nul\x00",
        "a\x85b",
        "para\u2029graph",
        "del\x7f",
    ],
)
def test_an_agency_name_with_a_control_character_is_400(client_of_superuser, text):
    response = client_of_superuser.post(
        "/api/v1/agencies/", {"slug": "new", "name": text, "level": "federal"}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert not Agency.objects.filter(slug="new").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "A\nB"), ("deadline_text", "in 45\rdays")],
)
def test_commitment_one_line_fields_refuse_line_breaks(
    client_of_superuser, field, value
):
    commitment = CommitmentFactory()
    url = f"/api/v1/commitments/{commitment.pk}/"
    etag = client_of_superuser.get(url)["ETag"]

    response = client_of_superuser.patch(url, {field: value}, HTTP_IF_MATCH=etag)

    assert response.status_code == 400
    assert "one line" in response.json()[field][0]


def test_topic_and_announcement_names_refuse_control_characters(client_of_superuser):
    topic = client_of_superuser.post("/api/v1/topics/", {"slug": "t", "name": "a\x1bb"})
    announcement = client_of_superuser.post("/api/v1/announcements/", {"title": "A\nB"})

    assert list(topic.json()) == ["name"]
    assert "one line" in announcement.json()["title"][0]


def test_the_admin_refuses_a_line_break_inside_a_name(client, staff_user):
    agency = AgencyFactory(name="Department of Justice")
    client.force_login(staff_user)

    response = client.post(
        f"/admin/commitments/agency/{agency.pk}/change/",
        {"slug": agency.slug, "name": "Line one\nLine two", "level": "federal"},
    )

    assert response.status_code == 200
    assert "Write this on one line" in response.content.decode()
    agency.refresh_from_db()
    assert agency.name == "Department of Justice"


def test_ordinary_names_are_accepted(client_of_superuser):
    response = client_of_superuser.post(
        "/api/v1/agencies/",
        {
            "slug": "ed",
            "name": "Department of Education — “ED”, 2018",
            "level": "state",
        },
    )

    assert response.status_code == 201
