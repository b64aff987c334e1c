"""Overdue and late are computed: in Python for one commitment, in SQL for lists."""

import datetime

from commitments.models import Commitment, Status
from tests.factories import CommitmentFactory, ProgressUpdateFactory


def flags(commitment):
    row = Commitment.objects.annotate_overdue().get(pk=commitment.pk)
    return row.overdue, row.late


def test_past_due_without_a_final_assessment_is_overdue(db):
    commitment = CommitmentFactory(time_bound=True)
    assert commitment.is_overdue
    assert flags(commitment) == (True, False)
    assert list(Commitment.objects.overdue()) == [commitment]


def test_without_a_due_date_it_is_neither_overdue_nor_late(db):
    commitment = CommitmentFactory()
    assert not commitment.is_overdue
    # False, not NULL, so filtering on "not overdue" finds it.
    assert flags(commitment) == (False, False)
    assert list(Commitment.objects.annotate_overdue().filter(overdue=False)) == [
        commitment
    ]


def test_a_final_assessment_after_the_due_date_is_late(db):
    commitment = CommitmentFactory(time_bound=True)
    ProgressUpdateFactory(
        commitment=commitment,
        reported_on=datetime.date(2018, 5, 1),
        status=Status.FULFILLED,
    )
    commitment.refresh_from_db()
    assert not commitment.is_overdue
    assert commitment.is_late
    assert flags(commitment) == (False, True)
    assert list(Commitment.objects.late()) == [commitment]


def test_a_final_assessment_by_the_due_date_is_not_late(db):
    commitment = CommitmentFactory(time_bound=True)
    ProgressUpdateFactory(
        commitment=commitment,
        reported_on=datetime.date(2018, 4, 26),
        status=Status.FULFILLED,
    )
    commitment.refresh_from_db()
    assert flags(commitment) == (False, False)
    assert not commitment.is_late
