"""A check confirms the status the commitment had when it was made (StatusCheck.
status). When news replaces that status (an update entered after the check but
dated before it, a retraction), the check no longer says the new status holds:
`status_as_of` falls back to the latest update, today and as of a past day, and
the page no longer says the status was confirmed. The raw `last_checked_on`
still says when the last check was made."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from commitments.models import Commitment, StatusCheck
from tests.conftest import authorize
from tests.factories import CommitmentFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

CHECKED = datetime.date(2019, 3, 1)


@pytest.fixture
def client(api_client, maintainer):
    return authorize(api_client, maintainer)


@pytest.fixture
def checked(client):
    """A commitment in progress since 2019-01-10, its status checked on
    2019-03-01."""
    commitment = CommitmentFactory()
    ProgressUpdateFactory(
        commitment=commitment,
        reported_on=datetime.date(2019, 1, 10),
        status="in_progress",
    )
    response = client.post(
        f"/api/v1/commitments/{commitment.pk}/check/",
        {"checked_on": CHECKED.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status_as_of"] == "2019-03-01"
    return commitment


def read(client, commitment, **query):
    response = client.get(f"/api/v1/commitments/{commitment.pk}/", query)
    assert response.status_code == 200
    return response.json()


def page(client, commitment):
    commitment.refresh_from_db()
    path = f"/a/{commitment.announcement.slug}/{commitment.slug}/"
    return client.get(path).content.decode()


def post_update(client, commitment, reported_on, status):
    response = client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {
            "reported_on": reported_on,
            "status": status,
            "summary": "Work stopped in February.",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_check_records_the_status_it_confirmed(checked):
    assert StatusCheck.objects.get().status == "in_progress"


def test_news_entered_later_replaces_what_the_check_confirmed(client, checked):
    post_update(client, checked, "2019-02-20", "stalled")

    body = read(client, checked)

    assert body["status"] == "stalled"
    assert body["status_as_of"] == "2019-02-20"
    assert body["last_checked_on"] == "2019-03-01"
    assert "confirmed to still hold" not in page(client, checked)
    # The same, read as of a day after the check.
    as_of = read(client, checked, as_of="2019-04-01")
    assert (as_of["status"], as_of["status_as_of"]) == ("stalled", "2019-02-20")


def test_the_check_counts_again_when_its_status_is_back(client, checked):
    post_update(client, checked, "2019-02-20", "stalled")
    post_update(client, checked, "2019-02-25", "in_progress")

    body = read(client, checked)

    assert (body["status"], body["status_as_of"]) == ("in_progress", "2019-03-01")
    assert "confirmed to still hold" in page(client, checked)
    as_of = read(client, checked, as_of="2019-04-01")
    assert as_of["status_as_of"] == "2019-03-01"


def test_a_retraction_leaves_the_check_of_the_retracted_status_behind(client):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(commitment=commitment, reported_on=datetime.date(2019, 1, 10))
    stalled = post_update(client, commitment, "2019-02-01", "stalled")
    client.post(
        f"/api/v1/commitments/{commitment.pk}/check/",
        {"checked_on": "2019-03-01"},
        format="json",
    )

    response = client.post(
        f"/api/v1/updates/{stalled['id']}/retract/",
        {"reason": "Another programme."},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = read(client, commitment)
    assert (body["status"], body["status_as_of"]) == ("in_progress", "2019-01-10")
    assert "confirmed to still hold" not in page(client, commitment)


def test_checks_made_before_the_migration_get_the_status_of_their_day(checked):
    migration = importlib.import_module(
        "commitments.migrations.0019_checks_confirm_a_status"
    )
    # A later update, entered after the check: not what the check confirmed.
    ProgressUpdateFactory(
        commitment=checked, reported_on=datetime.date(2019, 2, 20), status="stalled"
    )
    Commitment.objects.filter(pk=checked.pk).update(
        status="stalled", status_confirmed_on=None
    )
    StatusCheck.objects.update(status="broken")

    migration.confirmed_statuses(apps, SimpleNamespace(connection=connection))

    assert StatusCheck.objects.get().status == "in_progress"
    assert Commitment.objects.get().status_confirmed_on is None
    Commitment.objects.filter(pk=checked.pk).update(status="in_progress")
    migration.confirmed_statuses(apps, SimpleNamespace(connection=connection))
    assert Commitment.objects.get().status_confirmed_on == CHECKED
    latest = Commitment.objects.get().history.order_by("-history_date").first()
    assert latest.status_confirmed_on == CHECKED
