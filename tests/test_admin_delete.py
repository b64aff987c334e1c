"""Only superusers delete in the admin, and a deletion stays in the history."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from commitments.models import Commitment, ProgressUpdate
from tests.factories import CommitmentFactory, ProgressUpdateFactory, UserFactory


def test_a_maintainer_with_every_permission_cannot_delete(client, db):
    commitment = CommitmentFactory()
    maintainer = UserFactory(is_staff=True)
    maintainer.user_permissions.set(
        Permission.objects.filter(content_type__app_label="commitments")
    )
    client.force_login(maintainer)
    url = reverse("admin:commitments_commitment_delete", args=[commitment.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Commitment.objects.filter(pk=commitment.pk).exists()
    changelist = client.get(reverse("admin:commitments_commitment_changelist"))
    actions = changelist.context["action_form"].fields["action"].choices
    assert "delete_selected" not in [name for name, _ in actions]
    agency_url = reverse(
        "admin:commitments_agency_delete", args=[commitment.lead_agency_id]
    )
    assert client.get(agency_url).status_code == 403


def test_a_superuser_deletes_and_the_history_keeps_it(client, staff_user):
    commitment = CommitmentFactory(title="Withdrawn promise")
    client.force_login(staff_user)
    url = reverse("admin:commitments_commitment_delete", args=[commitment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Commitment.objects.filter(pk=commitment.pk).exists()
    deleted = Commitment.history.filter(id=commitment.pk).latest()
    assert deleted.history_type == "-"
    assert deleted.title == "Withdrawn promise"
    assert deleted.history_user == staff_user


def test_deleting_an_update_puts_the_status_back(client, staff_user):
    update = ProgressUpdateFactory(status="in_progress")
    commitment = update.commitment
    client.force_login(staff_user)
    url = reverse("admin:commitments_progressupdate_delete", args=[update.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not ProgressUpdate.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == "not_rated"
    assert ProgressUpdate.history.filter(id=update.pk).latest().history_type == "-"
