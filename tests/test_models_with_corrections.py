"""ProgressUpdateQuerySet.with_corrections: each update holds its corrections,
oldest first, read in one query for the updates that have any and in none where
none has; the queryset that reads them is kept through every copy."""

import pytest
from django.db.models import F

from commitments.models import Correction, ProgressUpdate
from tests.factories import CommitmentFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


def correct(update, note, author=None):
    update.summary += " More."
    update.correction_note = note
    update.corrected_by = author
    update.save()


@pytest.fixture
def updates():
    commitment = CommitmentFactory()
    return ProgressUpdateFactory.create_batch(3, commitment=commitment)


def test_updates_never_corrected_cost_one_query(updates, django_assert_num_queries):
    with django_assert_num_queries(1):
        read = list(ProgressUpdate.objects.with_corrections())

    assert len(read) == 3
    assert all(update.prefetched_corrections == [] for update in read)
    assert not any(update.has_corrections for update in read)


def test_the_corrections_of_those_that_have_any_in_one_more_query(
    updates, django_assert_num_queries
):
    first, second, _ = updates
    editor = UserFactory(username="editor")
    correct(first, "One.", editor)
    correct(first, "Two.", editor)
    correct(second, "Three.", editor)

    with django_assert_num_queries(2):
        read = {u.pk: u for u in ProgressUpdate.objects.with_corrections()}
        notes = {
            pk: [correction.note for correction in update.prefetched_corrections]
            for pk, update in read.items()
        }
        # With their authors (the default).
        assert {
            correction.author.username
            for update in read.values()
            for correction in update.prefetched_corrections
        } == {"editor"}

    assert notes == {
        first.pk: ["One.", "Two."],
        second.pk: ["Three."],
        updates[2].pk: [],
    }
    assert notes == {
        update.pk: list(update.corrections.values_list("note", flat=True))
        for update in updates
    }


def test_the_queryset_that_reads_them_is_kept_through_copies(updates):
    correct(updates[0], "One.")
    reading = Correction.objects.annotate(shout=F("note"))

    read = (
        ProgressUpdate.objects.with_corrections(reading)
        .filter(pk__in=[u.pk for u in updates])
        .order_by("pk")
    )

    assert [c.shout for c in read[0].prefetched_corrections] == ["One."]
    # Counting and listing values read no corrections, and work.
    assert read.count() == 3
    assert list(read.values_list("has_corrections", flat=True)) == [True, False, False]


def test_the_list_stays_true_through_the_updates_own_writes(
    updates, django_assert_num_queries
):
    commitment = updates[0].commitment
    with django_assert_num_queries(0):
        # A new update has none: nothing to read.
        new = ProgressUpdate(
            commitment=commitment,
            reported_on=updates[0].reported_on,
            status=updates[0].status,
            summary="New.",
        )
    new.save()
    with django_assert_num_queries(0):
        assert new.correction_list == []

    correct(new, "One.")
    with django_assert_num_queries(0):
        assert [c.note for c in new.correction_list] == ["One."]

    Correction.objects.create(update=new, note="Written elsewhere.")
    new.refresh_from_db()
    assert [c.note for c in new.correction_list] == ["One.", "Written elsewhere."]
