"""Every move of a commitment's deadline is a record of its own, written by
Commitment.save() for every writer: it needs a reason and a valid date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments.models import Commitment, DeadlineChange
from tests.factories import AnnouncementFactory, CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def extend(commitment, days, **change):
    commitment.due_in_days = days
    for name, value in change.items():
        setattr(commitment, name, value)
    commitment.save()


def test_a_moved_deadline_without_a_reason_is_refused_and_nothing_written():
    commitment = CommitmentFactory(time_bound=True)

    with pytest.raises(ValidationError) as refused:
        extend(commitment, 60)

    assert list(refused.value.message_dict) == ["deadline_change_reason"]
    stored = Commitment.objects.get(pk=commitment.pk)
    assert (stored.due_in_days, stored.version) == (45, 1)
    assert not DeadlineChange.objects.exists()


def test_a_moved_deadline_writes_exactly_one_change():
    commitment = CommitmentFactory(time_bound=True)
    author = UserFactory(username="desk")

    extend(
        commitment,
        60,
        deadline_change_reason="  Extended by the Attorney General.  ",
        deadline_changed_on=datetime.date(2018, 4, 20),
        deadline_change_author=author,
    )

    change = DeadlineChange.objects.get()
    assert change.commitment == commitment
    assert change.changed_on == datetime.date(2018, 4, 20)
    assert change.old_due_date == datetime.date(2018, 4, 26)
    assert change.new_due_date == datetime.date(2018, 5, 11)
    assert change.reason == "Extended by the Attorney General."
    assert change.author == author
    assert commitment.original_due_date == datetime.date(2018, 4, 26)
    assert commitment.history.latest().history_change_reason == (
        "Extended by the Attorney General."
    )


def test_the_change_is_dated_today_unless_told_otherwise():
    commitment = CommitmentFactory(time_bound=True)

    extend(commitment, 60, deadline_change_reason="Extended.")

    assert DeadlineChange.objects.get().changed_on == timezone.localdate()


def test_the_reason_is_for_one_save_only():
    commitment = CommitmentFactory(time_bound=True)
    extend(commitment, 60, deadline_change_reason="Extended.")

    with pytest.raises(ValidationError) as refused:
        extend(commitment, 70)

    assert list(refused.value.message_dict) == ["deadline_change_reason"]
    assert DeadlineChange.objects.count() == 1


def test_removing_a_deadline_is_a_change_too():
    commitment = CommitmentFactory(time_bound=True)
    commitment.kind = Commitment.Kind.OPEN_ENDED
    commitment.due_in_days = None
    commitment.due_date = None
    commitment.deadline_change_reason = "The agency dropped the deadline."
    commitment.save()

    change = DeadlineChange.objects.get()
    assert (change.old_due_date, change.new_due_date) == (
        datetime.date(2018, 4, 26),
        None,
    )
    commitment.refresh_from_db()
    assert commitment.original_due_date == datetime.date(2018, 4, 26)


def test_creating_a_commitment_records_no_change():
    CommitmentFactory(time_bound=True)
    assert not DeadlineChange.objects.exists()


def test_other_changes_record_no_change():
    commitment = CommitmentFactory(time_bound=True)
    commitment.title = "Clearer"
    commitment.save()
    assert not DeadlineChange.objects.exists()


@pytest.mark.parametrize(
    "changed_on, message",
    [
        (
            datetime.date(2018, 3, 11),
            "A deadline change cannot predate the announcement (2018-03-12).",
        ),
        (
            timezone.localdate() + datetime.timedelta(days=1),
            "A deadline change cannot be dated in the future.",
        ),
    ],
)
def test_the_date_of_a_change_is_bounded(changed_on, message):
    commitment = CommitmentFactory(time_bound=True)

    with pytest.raises(ValidationError) as refused:
        extend(
            commitment,
            60,
            deadline_change_reason="Extended.",
            deadline_changed_on=changed_on,
        )

    assert refused.value.message_dict == {"deadline_changed_on": [message]}
    assert not DeadlineChange.objects.exists()


def test_a_change_cannot_predate_the_previous_one():
    commitment = CommitmentFactory(time_bound=True)
    extend(
        commitment,
        60,
        deadline_change_reason="Extended.",
        deadline_changed_on=datetime.date(2018, 5, 1),
    )

    with pytest.raises(ValidationError) as refused:
        extend(
            commitment,
            70,
            deadline_change_reason="Extended again.",
            deadline_changed_on=datetime.date(2018, 4, 30),
        )

    assert refused.value.message_dict == {
        "deadline_changed_on": [
            "A deadline change cannot predate the previous one (2018-05-01)."
        ]
    }


def test_correcting_the_announcement_date_records_no_change():
    announcement = AnnouncementFactory()
    commitment = CommitmentFactory(announcement=announcement, time_bound=True)

    announcement.announced_on = datetime.date(2018, 3, 13)
    announcement.save()

    commitment.refresh_from_db()
    assert commitment.due_date == datetime.date(2018, 4, 27)
    assert not DeadlineChange.objects.exists()


def test_a_day_count_past_the_year_9999_is_refused_by_name():
    commitment = CommitmentFactory(time_bound=True)

    with pytest.raises(ValidationError) as refused:
        extend(commitment, 5_000_000, deadline_change_reason="Forever.")

    assert list(refused.value.message_dict) == ["due_in_days"]
    assert "would pass the year 9999" in refused.value.message_dict["due_in_days"][0]


def test_an_announcement_date_that_pushes_a_deadline_past_9999_is_refused():
    announcement = AnnouncementFactory()
    last = (datetime.date(9999, 12, 31) - announcement.announced_on).days
    CommitmentFactory(announcement=announcement, time_bound=True, due_in_days=last)

    announcement.announced_on += datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        announcement.save()

    assert refused.value.message_dict == {
        "announced_on": [
            f"Too late: a deadline of {last} days after this date would pass the "
            "year 9999."
        ]
    }


def test_an_announcement_cannot_be_dated_in_the_future():
    announcement = AnnouncementFactory.build(
        announced_on=timezone.localdate() + datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as refused:
        announcement.save()
    assert refused.value.message_dict == {
        "announced_on": ["An announcement cannot be dated in the future."]
    }
