"""POST /api/v1/commitments/{id}/check/: an editor confirms, without news, that
the status still holds. The commitment then carries last_checked_on, and its
status_as_of moves forward."""

import datetime

import pytest

from commitments.models import ChangeEntry, Commitment, Status
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def check_url(commitment):
    return f"/api/v1/commitments/{commitment.pk}/check/"


@pytest.fixture
def update():
    return ProgressUpdateFactory(
        reported_on=datetime.date(2018, 6, 1), status=Status.IN_PROGRESS
    )


@pytest.fixture
def editor(update):
    user = UserFactory(username="editor")
    update.commitment.lead_agency.editors.add(user)
    return user


def test_status_as_of_is_the_latest_update_before_any_check(api_client, update):
    body = api_client.get(f"/api/v1/commitments/{update.commitment.pk}/").json()

    assert body["status_as_of"] == "2018-06-01"
    assert body["last_checked_on"] is None


def test_status_as_of_is_null_without_updates_or_checks(api_client):
    body = api_client.get(f"/api/v1/commitments/{CommitmentFactory().pk}/").json()

    assert body["status_as_of"] is None


def test_a_check_today_moves_status_as_of_to_today(api_client, editor, update):
    authorize(api_client, editor)
    today = datetime.date.today().isoformat()

    response = api_client.post(check_url(update.commitment), {})

    assert response.status_code == 200, response.json()
    assert response.json()["last_checked_on"] == today
    assert response.json()["status_as_of"] == today
    assert response.json()["status"] == "in_progress"
    assert (
        response["ETag"]
        == api_client.get(f"/api/v1/commitments/{update.commitment.pk}/")["ETag"]
    )
    entry = api_client.get("/api/v1/changes/").json()["results"][0]
    assert entry["kind"] == "status_checked"
    assert entry["author"] == "editor"
    history = update.commitment.history.latest()
    assert history.history_user == editor
    assert history.last_checked_on == datetime.date.today()


def test_a_back_dated_check(api_client, editor, update):
    authorize(api_client, editor)

    response = api_client.post(
        check_url(update.commitment), {"checked_on": "2019-01-15"}
    )

    assert response.status_code == 200
    assert response.json()["status_as_of"] == "2019-01-15"


@pytest.mark.parametrize(
    "checked_on",
    [
        "2018-05-31",  # before the latest update
        "2018-03-01",  # before the announcement
        (datetime.date.today() + datetime.timedelta(days=1)).isoformat(),
        "2019-02-30",
        "soon",
    ],
)
def test_a_check_on_a_wrong_date_gets_400_naming_checked_on(
    api_client, editor, update, checked_on
):
    authorize(api_client, editor)
    before = ChangeEntry.objects.count()

    response = api_client.post(check_url(update.commitment), {"checked_on": checked_on})

    assert response.status_code == 400
    assert "checked_on" in response.json()
    assert Commitment.objects.get(pk=update.commitment.pk).last_checked_on is None
    assert ChangeEntry.objects.count() == before


def test_a_check_with_a_stale_if_match_gets_412(api_client, editor, update):
    authorize(api_client, editor)
    url = f"/api/v1/commitments/{update.commitment.pk}/"
    stale = api_client.get(url)["ETag"]
    ProgressUpdateFactory(commitment=update.commitment, summary="Newer.")

    response = api_client.post(check_url(update.commitment), {}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    fresh = api_client.get(url)["ETag"]
    ok = api_client.post(check_url(update.commitment), {}, HTTP_IF_MATCH=fresh)
    assert ok.status_code == 200


def test_a_check_counts_retracted_updates_out(api_client, maintainer, update):
    newer = ProgressUpdateFactory(
        commitment=update.commitment, reported_on=datetime.date(2019, 1, 1)
    )
    newer.retract("Wrong commitment.")
    authorize(api_client, maintainer)

    response = api_client.post(
        check_url(update.commitment), {"checked_on": "2018-07-01"}
    )

    assert response.status_code == 200
    assert response.json()["status_as_of"] == "2018-07-01"


def test_outsiders_may_not_check(api_client, update):
    assert api_client.post(check_url(update.commitment), {}).status_code == 401
    outsider = UserFactory()
    AgencyFactory().editors.add(outsider)
    authorize(api_client, outsider)

    assert api_client.post(check_url(update.commitment), {}).status_code == 403
    assert Commitment.objects.get(pk=update.commitment.pk).last_checked_on is None
