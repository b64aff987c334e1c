"""The due date is derived from the day count and the announcement's date, and
follows the announcement when its date changes."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments.models import Commitment, DeadlineChange
from tests.factories import AnnouncementFactory, CommitmentFactory


def test_due_date_is_the_announcement_date_plus_the_day_count(db):
    commitment = CommitmentFactory(time_bound=True)
    assert commitment.due_date == datetime.date(2018, 4, 26)
    assert commitment.original_due_date == datetime.date(2018, 4, 26)


def test_immediate_is_due_on_the_day(db):
    commitment = CommitmentFactory(
        kind="time_bound",
        deadline_text="immediate",
        due_in_days=0,
        source_quote="It will review tips immediately.",
    )
    assert commitment.due_date == datetime.date(2018, 3, 12)


def test_a_due_date_contradicting_the_day_count_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        CommitmentFactory(time_bound=True, due_date=datetime.date(2019, 1, 1))
    assert refused.value.message_dict["due_date"] == [
        "This due date contradicts the day count: 45 days after the announcement "
        "(2018-03-12) is 2018-04-26. Change the day count, or clear it and give "
        "the date."
    ]
    assert not Commitment.objects.exists()


def test_an_explicit_due_date_stands_without_a_day_count(db):
    commitment = CommitmentFactory(
        kind="time_bound", due_date=datetime.date(2018, 9, 30)
    )
    assert commitment.due_date == datetime.date(2018, 9, 30)


def test_moving_the_announcement_moves_day_counted_deadlines(db):
    announcement = AnnouncementFactory()
    counted = CommitmentFactory(announcement=announcement, time_bound=True)
    dated = CommitmentFactory(
        announcement=announcement,
        kind="time_bound",
        due_date=datetime.date(2018, 9, 30),
    )
    announcement.announced_on = datetime.date(2018, 3, 13)
    announcement.save()
    counted.refresh_from_db()
    dated.refresh_from_db()
    assert counted.due_date == datetime.date(2018, 4, 27)
    # The first deadline stays on record; the change is in the history, with why.
    assert counted.original_due_date == datetime.date(2018, 4, 26)
    assert counted.version == 2
    latest = counted.history.latest()
    assert latest.history_change_reason == "The announcement's date changed."
    assert latest.due_date == datetime.date(2018, 4, 27)
    assert dated.due_date == datetime.date(2018, 9, 30)
    assert dated.version == 1
    # A correction of the announcement, not a move of the deadline.
    assert not DeadlineChange.objects.exists()


def test_changing_the_day_count_keeps_the_original_due_date(db):
    commitment = CommitmentFactory(time_bound=True)
    commitment.due_in_days = 60
    commitment.deadline_change_reason = "Extended."
    commitment.save()
    assert commitment.due_date == datetime.date(2018, 5, 11)
    assert commitment.original_due_date == datetime.date(2018, 4, 26)


def test_a_first_deadline_becomes_the_original(db):
    commitment = CommitmentFactory()
    assert commitment.original_due_date is None
    commitment.kind = "time_bound"
    commitment.due_in_days = 10
    commitment.deadline_change_reason = "The agency set a deadline."
    commitment.save()
    assert commitment.original_due_date == datetime.date(2018, 3, 22)
