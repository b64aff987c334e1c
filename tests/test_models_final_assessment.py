"""A final assessment (partially fulfilled, fulfilled, broken) needs evidence."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commitments.models import ProgressUpdate, Status
from tests.factories import CommitmentFactory, ProgressUpdateFactory


@pytest.mark.parametrize("status", ["partially_fulfilled", "fulfilled", "broken"])
def test_a_final_assessment_without_a_source_url_is_refused(db, status):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as refused:
        ProgressUpdateFactory(commitment=commitment, status=status, source_url="")
    assert refused.value.message_dict["source_url"] == [
        "A final assessment (partially fulfilled, fulfilled or broken) needs a "
        "source URL as evidence."
    ]
    assert not ProgressUpdate.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_RATED


def test_other_assessments_need_no_source_url(db):
    update = ProgressUpdateFactory(status=Status.STALLED, source_url="")
    assert update.commitment.status == Status.STALLED


def test_the_database_refuses_it_too(db):
    update = ProgressUpdateFactory(status=Status.IN_PROGRESS, source_url="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.filter(pk=update.pk).update(status=Status.FULFILLED)
