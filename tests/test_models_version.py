"""Every write to a commitment changes its version and leaves a historical record."""

import pytest

from commitments.models import Agency, Announcement, Commitment, ProgressUpdate, Topic
from tests.factories import CommitmentFactory, ProgressUpdateFactory


def test_a_new_commitment_is_version_one(db):
    commitment = CommitmentFactory()
    assert commitment.version == 1
    assert commitment.history.get().history_type == "+"


def test_each_save_bumps_the_version(db):
    commitment = CommitmentFactory()
    commitment.title = "Reworded"
    commitment.save()
    commitment.save()
    commitment.refresh_from_db()
    assert commitment.version == 3
    assert [h.version for h in commitment.history.order_by("history_date")] == [
        1,
        2,
        3,
    ]


def test_a_status_change_from_progress_bumps_the_version(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(commitment=commitment)
    assert Commitment.objects.get(pk=commitment.pk).version == 2
    latest = commitment.history.latest()
    assert latest.history_change_reason == "Status follows the latest progress update."
    assert latest.status == "in_progress"


def test_progress_that_leaves_the_status_as_it_was_does_not_write_it(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(commitment=commitment, status="in_progress")
    ProgressUpdateFactory(commitment=commitment, status="in_progress")
    assert Commitment.objects.get(pk=commitment.pk).version == 2


@pytest.mark.parametrize(
    "model", [Agency, Topic, Announcement, Commitment, ProgressUpdate]
)
def test_the_history_manager_class_is_built_once(db, model):
    # simple_history builds it on every read of `history`, as every save that
    # records history does (commitments.models.AuditHistory).
    assert type(model.history) is type(model.history)


def test_an_instances_history_manager_shares_the_class_and_reads_its_records(db):
    commitment = CommitmentFactory()
    assert type(commitment.history) is type(Commitment.history)
    assert commitment.history.count() == 1
