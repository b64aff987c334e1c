"""A commitment is time-bound if and only if it has a due date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments.models import Commitment
from tests.factories import CommitmentFactory


def test_time_bound_without_a_due_date_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        CommitmentFactory(kind=Commitment.Kind.TIME_BOUND)
    assert refused.value.message_dict["due_date"] == [
        "A time-bound commitment needs a due date or a day count."
    ]


def test_a_due_date_on_an_open_ended_commitment_is_refused(db):
    with pytest.raises(ValidationError) as refused:
        CommitmentFactory(due_date=datetime.date(2018, 6, 1))
    assert refused.value.message_dict["kind"] == [
        "A commitment with a due date is time-bound; choose that kind or remove "
        "the deadline."
    ]


def test_the_database_refuses_time_bound_without_a_due_date(db):
    commitment = CommitmentFactory(time_bound=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(
            due_in_days=None, due_date=None
        )
