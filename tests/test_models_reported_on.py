"""Progress is dated: not before the announcement, not in the future."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments.models import ProgressUpdate
from tests.factories import CommitmentFactory, ProgressUpdateFactory


def test_progress_before_the_announcement_is_refused(db):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as refused:
        ProgressUpdateFactory(
            commitment=commitment, reported_on=datetime.date(2018, 3, 11)
        )
    assert refused.value.message_dict["reported_on"] == [
        "Progress cannot predate the announcement (2018-03-12)."
    ]
    assert not ProgressUpdate.objects.exists()


def test_progress_on_the_day_of_the_announcement_is_accepted(db):
    update = ProgressUpdateFactory(reported_on=datetime.date(2018, 3, 12))
    assert update.pk is not None


def test_progress_in_the_future_is_refused(db):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        ProgressUpdateFactory(reported_on=tomorrow)
    assert refused.value.message_dict["reported_on"] == [
        "Progress cannot be dated in the future."
    ]


def test_progress_today_is_accepted(db):
    update = ProgressUpdateFactory(reported_on=timezone.localdate())
    assert update.commitment.status == update.status
