"""Every date the API takes is exactly YYYY-MM-DD in ASCII digits: anything else,
however Python would read it, is 400 naming the field or parameter."""

import pytest

from commitments.models import ProgressUpdate
from tests.conftest import authorize
from tests.factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db

NOT_ISO = [
    "20180506",
    "2018-5-6",
    "2018-05-06\n",
    " 2018-05-06",
    "\uff12\uff10\uff11\uff18-\uff10\uff15-\uff10\uff16",  # full-width digits
    "\u0662\u0660\u0661\u0668-\u0660\u0665-\u0660\u0666",  # Arabic-Indic digits
    "2018-W19-7",
    "05/06/2018",
    "2018-02-30",
]


@pytest.mark.parametrize("value", NOT_ISO)
def test_a_progress_date_not_in_yyyy_mm_dd_is_400(api_client, maintainer, value):
    client = authorize(api_client, maintainer)
    commitment = CommitmentFactory()

    response = client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {"reported_on": value, "status": "in_progress", "summary": "Begun."},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["reported_on"]
    assert "YYYY-MM-DD" in response.json()["reported_on"][0]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("value", NOT_ISO)
@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/v1/commitments/", "due_before"),
        ("/api/v1/commitments/", "due_after"),
        ("/api/v1/commitments/summary/", "due_before"),
        ("/api/v1/updates/", "reported_before"),
        ("/api/v1/updates/", "reported_after"),
    ],
)
def test_a_date_filter_not_in_yyyy_mm_dd_is_400(api_client, path, parameter, value):
    response = api_client.get(path, {parameter: value})

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_announcement_and_due_dates_are_strict_too(api_client):
    client = authorize(api_client, UserFactory(is_staff=True, is_superuser=True))
    commitment = CommitmentFactory()
    url = f"/api/v1/commitments/{commitment.pk}/"
    etag = client.get(url)["ETag"]

    announcement = client.patch(
        f"/api/v1/announcements/{commitment.announcement.slug}/",
        {"announced_on": "20180312"},
    )
    due = client.patch(
        url,
        {"due_date": "2018-4-26", "deadline_change_reason": "Moved."},
        HTTP_IF_MATCH=etag,
    )

    assert announcement.status_code == 400
    assert list(announcement.json()) == ["announced_on"]
    assert due.status_code == 400
    assert list(due.json()) == ["due_date"]


def test_a_well_formed_date_is_accepted(api_client, maintainer):
    client = authorize(api_client, maintainer)
    commitment = CommitmentFactory()

    created = client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {"reported_on": "2018-05-06", "status": "in_progress", "summary": "Begun."},
    )
    listed = api_client.get("/api/v1/updates/", {"reported_after": "2018-05-06"})

    assert created.status_code == 201
    assert created.json()["reported_on"] == "2018-05-06"
    assert listed.json()["count"] == 1
