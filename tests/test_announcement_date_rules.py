"""An announcement's date holds its commitments' records up: progress, deadline
changes and checks are each refused a day before it, so a correction of the date
may not move it past them, a commitment may not move to an announcement made
after them, and no announcement is dated in the future
(CommitmentQuerySet.earliest_dated_record)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commitments.models import Announcement, Commitment
from tests.admin_forms import form_data
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

ANNOUNCED = datetime.date(2018, 3, 12)


def patch(client, url, body):
    return client.patch(url, body, format="json", HTTP_IF_MATCH="*")


@pytest.fixture
def client(api_client, maintainer):
    return authorize(api_client, maintainer)


def with_progress_on(day):
    commitment = CommitmentFactory(title="Certify NICS reporting")
    ProgressUpdateFactory(commitment=commitment, reported_on=day)
    return commitment


def with_deadline_change_on(day):
    commitment = CommitmentFactory(title="Certify NICS reporting", time_bound=True)
    commitment.due_in_days = 60
    commitment.deadline_change_reason = "Extended."
    commitment.deadline_changed_on = day
    commitment.save()
    return commitment


def with_check_on(day):
    # And a later one: the earliest check holds the date.
    commitment = CommitmentFactory(title="Certify NICS reporting")
    commitment.confirm_status(day, None)
    commitment.confirm_status(day + datetime.timedelta(days=60), None)
    return commitment


@pytest.mark.parametrize(
    "make, what",
    [
        (with_progress_on, "progress on “Certify NICS reporting” is reported on"),
        (
            with_deadline_change_on,
            "the deadline of “Certify NICS reporting” was moved on",
        ),
        (with_check_on, "the status of “Certify NICS reporting” was checked on"),
    ],
)
def test_a_date_past_a_record_of_its_commitments_is_400(client, make, what):
    commitment = make(datetime.date(2018, 4, 2))
    url = f"/api/v1/announcements/{commitment.announcement.slug}/"

    refused = patch(client, url, {"announced_on": "2018-04-03"})
    on_the_day = patch(client, url, {"announced_on": "2018-04-02"})

    assert refused.status_code == 400
    assert refused.json() == {
        "announced_on": [
            f"Too late: {what} 2018-04-02, and nothing on a commitment may predate "
            "its announcement (2018-04-03). Choose a date on or before that day, or "
            "correct that record first."
        ]
    }
    assert on_the_day.status_code == 200, on_the_day.json()
    assert Announcement.objects.get().announced_on == datetime.date(2018, 4, 2)


def test_the_earliest_record_is_named(client):
    commitment = with_progress_on(datetime.date(2018, 6, 1))
    ProgressUpdateFactory(commitment=commitment, reported_on=datetime.date(2018, 4, 2))
    url = f"/api/v1/announcements/{commitment.announcement.slug}/"

    refused = patch(client, url, {"announced_on": "2018-05-01"})

    assert "reported on 2018-04-02" in refused.json()["announced_on"][0]


def test_a_retracted_update_still_holds_the_date(client):
    commitment = with_progress_on(datetime.date(2018, 4, 2))
    commitment.updates.get().retract("Another review.")
    url = f"/api/v1/announcements/{commitment.announcement.slug}/"

    assert patch(client, url, {"announced_on": "2018-04-03"}).status_code == 400


def test_the_admin_refuses_it_on_the_form(staff_user):
    commitment = with_progress_on(datetime.date(2018, 4, 2))
    announcement = commitment.announcement
    admin = Client()
    admin.force_login(staff_user)
    url = reverse("admin:commitments_announcement_change", args=[announcement.pk])
    data = form_data(admin.get(url))
    data["announced_on"] = "2019-01-01"

    response = admin.post(url, data)

    assert response.status_code == 200
    assert (
        "reported on 2018-04-02"
        in (response.context["adminform"].form.errors["announced_on"][0])
    )
    announcement.refresh_from_db()
    assert announcement.announced_on == ANNOUNCED


def test_a_commitment_may_not_move_to_an_announcement_made_after_its_records(client):
    commitment = with_progress_on(datetime.date(2018, 4, 2))
    later = AnnouncementFactory(
        slug="later",
        announced_on=datetime.date(2019, 1, 1),
        body=commitment.announcement.body,
    )
    earlier = AnnouncementFactory(
        slug="earlier",
        announced_on=datetime.date(2018, 1, 1),
        body=commitment.announcement.body,
    )
    url = f"/api/v1/commitments/{commitment.pk}/"

    refused = patch(client, url, {"announcement": later.slug})
    moved = patch(client, url, {"announcement": earlier.slug})

    assert refused.status_code == 400
    assert refused.json() == {
        "announcement": [
            "Too late: progress on “Certify NICS reporting” is reported on "
            "2018-04-02, and nothing on a commitment may predate its announcement "
            "(2019-01-01). Choose an earlier announcement."
        ]
    }
    assert moved.status_code == 200, moved.json()
    assert Commitment.objects.get().announcement == earlier


def test_an_announcement_dated_in_the_future_is_400(client):
    issuer = AgencyFactory(slug="doj")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = client.post(
        "/api/v1/announcements/",
        {
            "slug": "tomorrow",
            "title": "Tomorrow's plan",
            "issuer": issuer.slug,
            "announced_on": tomorrow.isoformat(),
            "body": "The department will act.",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "announced_on": ["An announcement cannot be dated in the future."]
    }
    assert not Announcement.objects.exists()


def test_a_due_date_before_the_announcement_is_400(client):
    commitment = CommitmentFactory(title="Certify NICS reporting")
    url = f"/api/v1/commitments/{commitment.pk}/"
    body = {
        "kind": "time_bound",
        "due_date": "2018-03-11",
        "deadline_change_reason": "A date was given.",
    }

    refused = patch(client, url, body)
    on_the_day = patch(client, url, {**body, "due_date": "2018-03-12"})

    assert refused.status_code == 400
    assert refused.json() == {
        "due_date": [
            "A due date cannot precede the announcement (2018-03-12): a promise "
            "falls due after it is made."
        ]
    }
    assert on_the_day.status_code == 200, on_the_day.json()


def test_an_announcement_may_not_move_past_a_due_date_given_as_a_date(client):
    commitment = CommitmentFactory(
        title="Certify NICS reporting",
        kind="time_bound",
        due_date=datetime.date(2018, 4, 26),
    )
    url = f"/api/v1/announcements/{commitment.announcement.slug}/"

    refused = patch(client, url, {"announced_on": "2018-05-01"})

    assert refused.status_code == 400
    assert refused.json() == {
        "announced_on": [
            "Too late: “Certify NICS reporting” is due on 2018-04-26, and a promise "
            "falls due after it is made. Choose a date on or before that day, or "
            "move that due date first."
        ]
    }


def test_rows_stored_before_the_rules_do_not_stop_other_writes(client):
    # Written before these rules: a due date and progress before the date.
    commitment = with_progress_on(datetime.date(2018, 4, 2))
    Commitment.objects.filter(pk=commitment.pk).update(
        kind="time_bound", due_date=datetime.date(2018, 3, 1)
    )
    Announcement.objects.update(announced_on=datetime.date(2018, 5, 1))
    slug = commitment.announcement.slug

    checked = client.post(f"/api/v1/commitments/{commitment.pk}/check/", {})
    retitled = patch(client, f"/api/v1/announcements/{slug}/", {"title": "Renamed"})

    assert checked.status_code == 200, checked.json()
    assert retitled.status_code == 200, retitled.json()
