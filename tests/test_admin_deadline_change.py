"""Changing a deadline in the admin needs a reason and records a deadline change,
shown on the commitment's page; the original due date stays on record. The admin
gives the model's errors, as the API does."""

import datetime
from datetime import date

from django.urls import reverse
from django.utils import timezone

from commitments.models import DeadlineChange
from tests.admin_forms import form_data
from tests.factories import CommitmentFactory


def change_url(commitment):
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


def test_changing_the_day_count_without_a_reason_is_refused(client, staff_user):
    commitment = CommitmentFactory(time_bound=True)
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data["due_in_days"] = "60"
    response = client.post(change_url(commitment), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["deadline_change_reason"] == [
        "Changing the deadline (the due date or the day count) needs a reason: say "
        "why it moved."
    ]
    commitment.refresh_from_db()
    assert commitment.due_in_days == 45
    assert commitment.version == 1


def test_a_deadline_change_with_a_reason_is_kept_in_the_history(client, staff_user):
    commitment = CommitmentFactory(time_bound=True)
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data["due_in_days"] = "60"
    data["deadline_change_reason"] = "DOJ extended the deadline on 2018-04-20."
    assert client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.due_date == datetime.date(2018, 5, 11)
    assert commitment.original_due_date == datetime.date(2018, 4, 26)
    latest = commitment.history.latest()
    assert latest.history_change_reason == "DOJ extended the deadline on 2018-04-20."
    assert latest.history_user == staff_user
    assert latest.due_date == datetime.date(2018, 5, 11)


def test_setting_an_explicit_due_date_needs_a_reason_too(client, staff_user):
    commitment = CommitmentFactory()
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data.update(kind="time_bound", due_date="2018-12-31")
    response = client.post(change_url(commitment), data)
    assert "deadline_change_reason" in response.context["adminform"].form.errors
    data["deadline_change_reason"] = "The agency set a date in June."
    assert client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.due_date == datetime.date(2018, 12, 31)
    # It had no deadline before, so this is its first one.
    assert commitment.original_due_date == datetime.date(2018, 12, 31)


def test_other_changes_need_no_reason(client, staff_user):
    commitment = CommitmentFactory(time_bound=True)
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data["title"] = "A clearer title"
    assert client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "A clearer title"
    assert commitment.history.latest().history_change_reason is None


def test_a_due_date_contradicting_the_day_count_is_a_form_error(client, staff_user):
    commitment = CommitmentFactory(time_bound=True)
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data["due_date"] = "2031-01-01"
    data["deadline_change_reason"] = "Moved."

    response = client.post(change_url(commitment), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["due_date"]
    assert "45 days after the announcement" in errors["due_date"][0]
    commitment.refresh_from_db()
    assert (commitment.due_date, commitment.version) == (date(2018, 4, 26), 1)
    assert commitment.history.count() == 1


def test_a_new_date_with_the_day_count_cleared_is_recorded(client, staff_user):
    commitment = CommitmentFactory(time_bound=True)
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data.update(
        due_in_days="",
        due_date="2018-06-30",
        deadline_change_reason="The agency asked for more time.",
        deadline_changed_on="2018-04-20",
    )

    assert client.post(change_url(commitment), data).status_code == 302

    change = DeadlineChange.objects.get()
    assert (change.changed_on, change.old_due_date, change.new_due_date) == (
        date(2018, 4, 20),
        date(2018, 4, 26),
        date(2018, 6, 30),
    )
    assert change.reason == "The agency asked for more time."
    assert change.author == staff_user
    page = client.get(change_url(commitment)).content.decode()
    assert "2018-04-20: 2018-04-26 → 2018-06-30, by staff." in page
    assert "The agency asked for more time." in page


def test_a_future_change_date_is_a_form_error(client, staff_user):
    commitment = CommitmentFactory(time_bound=True)
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data.update(
        due_in_days="60",
        deadline_change_reason="Extended.",
        deadline_changed_on="2999-01-01",
    )

    response = client.post(change_url(commitment), data)

    assert response.context["adminform"].form.errors == {
        "deadline_changed_on": ["A deadline change cannot be dated in the future."]
    }
    assert not DeadlineChange.objects.exists()


def test_a_day_count_past_the_year_9999_is_a_form_error_not_a_500(client, staff_user):
    commitment = CommitmentFactory(time_bound=True)
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data.update(due_in_days="5000000", deadline_change_reason="Forever.")

    response = client.post(change_url(commitment), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["due_in_days"]
    assert "would pass the year 9999" in errors["due_in_days"][0]


def test_an_announcement_date_past_what_its_deadlines_allow_is_a_form_error(
    client, staff_user
):
    # A day count that ends on the last day there is.
    announced_on = datetime.date(2018, 3, 12)
    last = (datetime.date(9999, 12, 31) - announced_on).days
    commitment = CommitmentFactory(time_bound=True, due_in_days=last)
    url = reverse(
        "admin:commitments_announcement_change", args=[commitment.announcement_id]
    )
    client.force_login(staff_user)
    data = form_data(client.get(url))
    data["announced_on"] = "2018-03-13"

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "announced_on": [
            f"Too late: a deadline of {last} days after this date would pass the "
            "year 9999."
        ]
    }


def test_an_announcement_dated_in_the_future_is_a_form_error(client, staff_user):
    commitment = CommitmentFactory()
    url = reverse(
        "admin:commitments_announcement_change", args=[commitment.announcement_id]
    )
    client.force_login(staff_user)
    data = form_data(client.get(url))
    data["announced_on"] = (
        timezone.localdate() + datetime.timedelta(days=1)
    ).isoformat()

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "announced_on": ["An announcement cannot be dated in the future."]
    }
