"""The admin obeys the same rules as the API: changing a published update asks
for a correction note, a retracted one cannot be edited, maintainers retract
with a reason (an action), and editors confirm that a status still holds."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from commitments.models import ChangeEntry, Commitment, ProgressUpdate, Status
from tests.admin_forms import form_data
from tests.factories import (
    AgencyFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UPDATES = reverse("admin:commitments_progressupdate_changelist")
COMMITMENTS = reverse("admin:commitments_commitment_changelist")


def commitment_url(commitment):
    return reverse("admin:commitments_commitment_change", args=[commitment.pk])


def update_url(update):
    return reverse("admin:commitments_progressupdate_change", args=[update.pk])


@pytest.fixture
def admin_maintainer(db):
    """A maintainer as the admin knows them: staff, in the Maintainers group the
    migrations made (here also allowed to view)."""
    group = Group.objects.get(name="Maintainers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="commitments", codename__startswith="view_"
        )
    )
    user = UserFactory(username="admin-maintainer", is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def editor_world(db):
    doj = AgencyFactory(slug="doj")
    editor = UserFactory(username="doj-editor", is_staff=True)
    doj.editors.add(editor)
    update = ProgressUpdateFactory(
        commitment__lead_agency=doj,
        commitment__announcement__issuer=doj,
        reported_on=datetime.date(2018, 6, 1),
        status=Status.IN_PROGRESS,
        summary="The rule was proposed.",
    )
    return editor, update


def test_editing_a_published_update_without_a_note_is_refused(client, admin_maintainer):
    update = ProgressUpdateFactory(summary="The rule was proposed.")
    client.force_login(admin_maintainer)
    data = form_data(client.get(update_url(update)))
    data["summary"] = "Silently rewritten."

    response = client.post(update_url(update), data)

    assert response.status_code == 200
    assert "correction_note" in response.context["adminform"].form.errors
    assert ProgressUpdate.objects.get(pk=update.pk).summary == "The rule was proposed."


def test_editing_a_published_update_with_a_note_records_the_correction(
    client, admin_maintainer
):
    update = ProgressUpdateFactory(summary="The rule was proposed.")
    client.force_login(admin_maintainer)
    data = form_data(client.get(update_url(update)))
    data.update(summary="The rule was finalised.", correction_note="It was final.")

    response = client.post(update_url(update), data)

    assert response.status_code == 302
    update.refresh_from_db()
    assert update.summary == "The rule was finalised."
    correction = update.corrections.get()
    assert (correction.note, correction.author) == ("It was final.", admin_maintainer)
    assert update.history.latest().history_user == admin_maintainer
    entry = ChangeEntry.objects.first()
    assert (entry.kind, entry.author) == ("progress_corrected", admin_maintainer)


def test_an_editor_corrects_an_update_on_the_commitments_page(client, editor_world):
    editor, update = editor_world
    client.force_login(editor)
    data = form_data(client.get(commitment_url(update.commitment)))
    data["updates-0-summary"] = "The rule was proposed in March."

    refused = client.post(commitment_url(update.commitment), data)
    data["updates-0-correction_note"] = "Added the month."
    accepted = client.post(commitment_url(update.commitment), data)

    assert refused.status_code == 200
    assert (
        "correction_note"
        in refused.context["inline_admin_formsets"][0].formset[0].errors
    )
    assert accepted.status_code == 302
    update.refresh_from_db()
    assert update.summary == "The rule was proposed in March."
    assert update.corrections.get().author == editor


def test_a_retracted_update_cannot_be_edited_in_the_admin(client, editor_world):
    editor, update = editor_world
    update.retract("Wrong commitment.")
    client.force_login(editor)
    data = form_data(client.get(commitment_url(update.commitment)))
    data["updates-0-summary"] = "Resurrected."
    data["updates-0-correction_note"] = "Trying anyway."

    client.post(commitment_url(update.commitment), data)

    assert ProgressUpdate.objects.get(pk=update.pk).summary == "The rule was proposed."


def test_a_maintainer_retracts_with_a_reason_asked_on_a_page_of_its_own(
    client, admin_maintainer
):
    older = ProgressUpdateFactory(
        reported_on=datetime.date(2018, 4, 1), status=Status.IN_PROGRESS
    )
    newer = ProgressUpdateFactory(
        commitment=older.commitment,
        reported_on=datetime.date(2018, 6, 1),
        status=Status.STALLED,
    )
    client.force_login(admin_maintainer)
    selected = {"action": "retract", "_selected_action": [str(newer.pk)]}

    asked = client.post(UPDATES, selected)
    assert asked.status_code == 200
    assert 'name="reason"' in asked.content.decode()
    no_reason = client.post(UPDATES, {**selected, "apply": "1", "reason": ""})
    assert no_reason.status_code == 200
    assert ProgressUpdate.objects.get(pk=newer.pk).retracted_at is None

    done = client.post(UPDATES, {**selected, "apply": "1", "reason": "Misdated."})

    assert done.status_code == 302
    newer.refresh_from_db()
    assert (newer.retraction_reason, newer.retracted_by) == (
        "Misdated.",
        admin_maintainer,
    )
    assert Commitment.objects.get(pk=older.commitment.pk).status == Status.IN_PROGRESS


def test_editors_are_not_offered_the_retract_action(client, editor_world):
    editor, update = editor_world
    editor.user_permissions.add(
        Permission.objects.get(codename="view_progressupdate"),
        Permission.objects.get(codename="change_progressupdate"),
    )
    client.force_login(editor)

    response = client.post(
        UPDATES,
        {
            "action": "retract",
            "_selected_action": [str(update.pk)],
            "apply": "1",
            "reason": "No.",
        },
    )

    assert response.status_code in (200, 302)
    assert ProgressUpdate.objects.get(pk=update.pk).retracted_at is None


def test_an_editor_confirms_the_status_still_holds(client, editor_world):
    editor, update = editor_world
    client.force_login(editor)

    response = client.post(
        COMMITMENTS,
        {"action": "confirm_status", "_selected_action": [str(update.commitment.pk)]},
    )

    assert response.status_code == 302
    commitment = Commitment.objects.get(pk=update.commitment.pk)
    assert commitment.last_checked_on == datetime.date.today()
    assert commitment.history.latest().history_user == editor
    entry = ChangeEntry.objects.first()
    assert (entry.kind, entry.author) == ("status_checked", editor)


def test_a_delete_by_a_superuser_is_recorded(client, staff_user):
    update = ProgressUpdateFactory()
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:commitments_progressupdate_delete", args=[update.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    deleted = ProgressUpdate.history.filter(id=update.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", staff_user)
