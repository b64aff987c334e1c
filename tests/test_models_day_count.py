"""A deadline in days cannot be negative: refused by the model with a message, and by
the database for writers that bypass the model."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments.models import Commitment
from tests.factories import CommitmentFactory


def test_a_negative_day_count_is_refused_with_a_message(db):
    with pytest.raises(ValidationError) as refused:
        CommitmentFactory(time_bound=True, due_in_days=-1)
    assert refused.value.message_dict["due_in_days"] == [
        "The day count cannot be negative."
    ]
    assert not Commitment.objects.exists()


def test_full_clean_names_the_rule(db):
    commitment = CommitmentFactory(time_bound=True)
    commitment.due_in_days = -3
    with pytest.raises(ValidationError) as refused:
        commitment.full_clean()
    assert "The day count cannot be negative." in str(refused.value)


def test_the_database_refuses_a_negative_day_count(db):
    commitment = CommitmentFactory(time_bound=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=commitment.pk).update(due_in_days=-1)
    commitment.refresh_from_db()
    assert commitment.due_in_days == 45
