"""Changing a deadline in the admin needs a reason, which lands in the history; the
original due date stays on record (issue 4, point 5)."""

import datetime

from django.urls import reverse

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
        "You changed the deadline: say why. The reason is kept in the history."
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
