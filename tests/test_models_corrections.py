"""The domain's rules for published progress hold for every writer, commands
included: a change needs a correction note, a retraction happens once, and the
status follows the updates that are not retracted."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments.models import ChangeEntry, ProgressUpdate, Status
from tests.factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def test_saving_a_changed_published_update_without_a_note_is_refused():
    update = ProgressUpdateFactory(summary="As entered.")
    update.summary = "Rewritten."

    with pytest.raises(ValidationError) as refused:
        update.save()

    assert "correction_note" in refused.value.message_dict
    assert ProgressUpdate.objects.get(pk=update.pk).summary == "As entered."


def test_a_stale_copy_cannot_slip_a_change_past_the_stored_row():
    update = ProgressUpdateFactory(summary="As entered.")
    # A copy that was never loaded from the database: save() compares with the
    # stored row itself.
    stale = ProgressUpdate(
        pk=update.pk,
        commitment=update.commitment,
        reported_on=update.reported_on,
        status=update.status,
        summary="Rewritten.",
        source_url=update.source_url,
        created_at=update.created_at,
    )
    stale._state.adding = False

    with pytest.raises(ValidationError):
        stale.save()

    assert ProgressUpdate.objects.get(pk=update.pk).summary == "As entered."


def test_a_correction_with_a_note_keeps_the_note_and_one_change_entry():
    update = ProgressUpdateFactory(summary="As entered.")
    entries = ChangeEntry.objects.count()

    update.summary = "Corrected."
    update.correction_note = "Fixed a typo."
    update.save()

    assert [c.note for c in update.corrections.all()] == ["Fixed a typo."]
    assert ChangeEntry.objects.count() == entries + 1
    assert ChangeEntry.objects.first().kind == "progress_corrected"
    # Saving again without changes needs no note and records nothing.
    update.save()
    assert update.corrections.count() == 1
    assert ChangeEntry.objects.count() == entries + 1


def test_retracting_twice_is_refused_and_the_status_follows():
    older = ProgressUpdateFactory(
        reported_on=datetime.date(2018, 4, 1), status=Status.IN_PROGRESS
    )
    newer = ProgressUpdateFactory(
        commitment=older.commitment,
        reported_on=datetime.date(2018, 5, 1),
        status=Status.STALLED,
    )

    newer.retract("Wrong agency.")
    with pytest.raises(ValidationError):
        newer.retract("Again.")
    with pytest.raises(ValidationError):
        newer.retract("   ")

    older.commitment.refresh_from_db()
    assert older.commitment.status == Status.IN_PROGRESS
    assert ProgressUpdate.objects.get(pk=newer.pk).retraction_reason == "Wrong agency."


def test_a_check_cannot_predate_the_latest_update():
    update = ProgressUpdateFactory(reported_on=datetime.date(2018, 6, 1))

    with pytest.raises(ValidationError) as refused:
        update.commitment.confirm_status(datetime.date(2018, 5, 1))

    assert "checked_on" in refused.value.message_dict
