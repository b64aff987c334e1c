"""Two people open the same commitment; the first saves; the second's save is
refused with what changed, and not applied over the first (issue 4, point 2)."""

from django.urls import reverse

from tests.admin_forms import add_update, form_data
from tests.factories import AgencyFactory, CommitmentFactory, UserFactory


def change_url(commitment):
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


def test_a_save_over_a_newer_version_is_refused_and_says_what_changed(
    client, staff_user
):
    commitment = CommitmentFactory(title="Certify NICS reporting")
    client.force_login(staff_user)
    opened = form_data(client.get(change_url(commitment)))
    assert opened["opened_version"] == "1"

    # Meanwhile someone else saves a new title and lead agency.
    other = UserFactory(username="alice", is_staff=True, is_superuser=True)
    commitment.title = "Certify NICS record reporting"
    commitment.lead_agency = AgencyFactory(abbreviation="FBI")
    commitment._history_user = other
    commitment.save()

    opened["description"] = "My edit."
    response = client.post(change_url(commitment), opened)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Your changes were not saved" in errors
    assert "version 1 → 2" in errors
    assert "by alice" in errors
    assert "title: “Certify NICS reporting” → “Certify NICS record reporting”" in errors
    assert "lead agency:" in errors
    assert "→ “FBI”" in errors
    commitment.refresh_from_db()
    assert commitment.title == "Certify NICS record reporting"
    assert commitment.description != "My edit."
    assert commitment.version == 2


def test_a_save_at_the_current_version_goes_through(client, staff_user):
    commitment = CommitmentFactory()
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    data["description"] = "My edit."
    assert client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.description == "My edit."
    assert commitment.version == 2
    # Reopened at the new version, the next save goes through too.
    data = form_data(client.get(change_url(commitment)))
    assert data["opened_version"] == "2"
    data["description"] = "My second edit."
    assert client.post(change_url(commitment), data).status_code == 302


def test_a_form_without_its_version_is_refused(client, staff_user):
    commitment = CommitmentFactory()
    client.force_login(staff_user)
    data = form_data(client.get(change_url(commitment)))
    del data["opened_version"]
    data["description"] = "My edit."
    response = client.post(change_url(commitment), data)
    assert response.status_code == 200
    assert "does not say which version" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.description != "My edit."


def test_progress_added_to_a_stale_page_is_still_appended(client, staff_user):
    """A progress update is an append, not an edit of the commitment: it does not
    overwrite anything, so it is not refused."""
    commitment = CommitmentFactory()
    client.force_login(staff_user)
    opened = form_data(client.get(change_url(commitment)))
    commitment.description = "Changed meanwhile."
    commitment.save()
    data = add_update(
        opened,
        reported_on="2018-04-02",
        status="in_progress",
        summary="A step.",
    )
    # The page still holds the old description: that would be a change, so the
    # editor's copy of the commitment's fields is left as it is now.
    data["description"] = "Changed meanwhile."
    assert client.post(change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.updates.get().summary == "A step."
    assert commitment.description == "Changed meanwhile."
    assert commitment.status == "in_progress"
