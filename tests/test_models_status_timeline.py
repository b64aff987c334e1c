"""A commitment's status is that of its latest progress update by reported_on (ties:
the later created_at), set in the same transaction as the update."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Status
from tests.factories import CommitmentFactory, ProgressUpdateFactory


def day(month, date):
    return datetime.date(2018, month, date)


def test_a_new_update_sets_the_status(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(commitment=commitment, status=Status.IN_PROGRESS)
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert commitment.version == 2


def test_an_older_update_entered_later_does_not_overwrite_a_newer_one(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(
        commitment=commitment, reported_on=day(6, 1), status=Status.FULFILLED
    )
    ProgressUpdateFactory(
        commitment=commitment, reported_on=day(4, 1), status=Status.IN_PROGRESS
    )
    commitment.refresh_from_db()
    assert commitment.status == Status.FULFILLED
    assert commitment.final_assessed_on == day(6, 1)


def test_on_the_same_day_the_later_entry_wins(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(
        commitment=commitment, reported_on=day(5, 1), status=Status.IN_PROGRESS
    )
    ProgressUpdateFactory(
        commitment=commitment, reported_on=day(5, 1), status=Status.STALLED
    )
    commitment.refresh_from_db()
    assert commitment.status == Status.STALLED


def test_a_rating_can_change_after_a_final_one(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(
        commitment=commitment, reported_on=day(6, 1), status=Status.FULFILLED
    )
    ProgressUpdateFactory(
        commitment=commitment, reported_on=day(9, 1), status=Status.BROKEN
    )
    commitment.refresh_from_db()
    assert commitment.status == Status.BROKEN
    assert commitment.final_assessed_on == day(9, 1)


def test_a_refused_update_leaves_the_status_alone(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(commitment=commitment, status=Status.IN_PROGRESS)
    with pytest.raises(ValidationError):
        ProgressUpdateFactory(
            commitment=commitment, status=Status.FULFILLED, source_url=""
        )
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_redating_an_update_recomputes_the_status(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(
        commitment=commitment, reported_on=day(5, 1), status=Status.STALLED
    )
    older = ProgressUpdateFactory(
        commitment=commitment, reported_on=day(4, 1), status=Status.IN_PROGRESS
    )
    older.reported_on = day(6, 1)
    older.correction_note = "It happened in June, not April."
    older.save()
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_an_update_moved_to_another_commitment_stops_counting_for_the_first(db):
    first = CommitmentFactory()
    second = CommitmentFactory(announcement=first.announcement)
    update = ProgressUpdateFactory(commitment=first, status=Status.STALLED)
    update.commitment = second
    update.correction_note = "Filed under the wrong commitment."
    update.save()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.NOT_RATED
    assert second.status == Status.STALLED


def test_deleting_the_latest_update_falls_back_to_the_one_before(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(
        commitment=commitment, reported_on=day(4, 1), status=Status.IN_PROGRESS
    )
    latest = ProgressUpdateFactory(
        commitment=commitment, reported_on=day(5, 1), status=Status.STALLED
    )
    latest.delete()
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
