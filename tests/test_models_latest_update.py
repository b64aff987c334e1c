"""`Commitment.latest_update`: the update the status follows, as of the day the row
is read at, read alone or prefetched for many commitments in one query; both
give what `latest_progress()` gives."""

import datetime

import pytest
from django.db.models import Prefetch

from commitments.models import Commitment, ProgressUpdate, Status
from tests.factories import CommitmentFactory, ProgressUpdateFactory


def day(month, date):
    return datetime.date(2018, month, date)


def timelines():
    """Commitments whose latest update each rule of the timeline decides: none,
    the later report, the later entry on the same day, and a retracted latest
    (the one before it counts); and one whose only update is retracted."""
    empty = CommitmentFactory()
    by_report = CommitmentFactory()
    ProgressUpdateFactory(commitment=by_report, reported_on=day(6, 1))
    ProgressUpdateFactory(
        commitment=by_report, reported_on=day(4, 1), status=Status.STALLED
    )
    by_entry = CommitmentFactory()
    ProgressUpdateFactory(commitment=by_entry, reported_on=day(5, 1))
    ProgressUpdateFactory(
        commitment=by_entry, reported_on=day(5, 1), status=Status.STALLED
    )
    retracted = CommitmentFactory()
    ProgressUpdateFactory(commitment=retracted, reported_on=day(4, 1))
    ProgressUpdateFactory(
        commitment=retracted, reported_on=day(7, 1), status=Status.BROKEN
    ).retract("Wrong commitment.")
    only_retracted = CommitmentFactory()
    ProgressUpdateFactory(commitment=only_retracted).retract("Wrong commitment.")
    return [empty, by_report, by_entry, retracted, only_retracted]


def expected(commitments, as_of=None):
    return {c.pk: c.latest_progress(as_of) for c in commitments}


def test_prefetched_in_one_query_as_latest_progress_gives_it(
    db, django_assert_num_queries
):
    made = timelines()
    rows = Commitment.objects.filter(pk__in=[c.pk for c in made]).order_by("pk")
    with django_assert_num_queries(2):
        found = {c.pk: c.latest_update for c in rows.prefetch_related("latest_update")}
    assert found == expected(made)
    assert list(found.values()).count(None) == 2


def test_prefetched_as_of_a_day(db, django_assert_num_queries):
    made = timelines()
    as_of = Commitment.objects.as_of(day(5, 15)).filter(pk__in=[c.pk for c in made])
    with django_assert_num_queries(2):
        found = {c.pk: c.latest_update for c in as_of.prefetch_related("latest_update")}
    assert found == expected(made, day(5, 15))
    # By mid-May the report of 1 June had not been made: the one of 1 April holds.
    assert found[made[1].pk].reported_on == day(4, 1)


def test_prefetch_takes_the_queryset_it_is_given(db, django_assert_num_queries):
    commitment = timelines()[1]
    updates = ProgressUpdate.objects.select_related("author")
    row = Commitment.objects.prefetch_related(Prefetch("latest_update", updates)).get(
        pk=commitment.pk
    )
    with django_assert_num_queries(0):
        assert row.latest_update.author.username


def test_read_alone_once_and_forgotten_on_refresh(db, django_assert_num_queries):
    commitment = timelines()[2]
    row = Commitment.objects.get(pk=commitment.pk)
    with django_assert_num_queries(1):
        assert row.latest_update.status == Status.STALLED
        assert row.latest_update.status == Status.STALLED
    ProgressUpdateFactory(commitment=row, reported_on=day(8, 1), status=Status.BROKEN)
    row.refresh_from_db()
    assert row.latest_update.status == Status.BROKEN


def test_a_lone_row_read_as_of_a_day_gives_that_days(db, django_assert_num_queries):
    commitment = timelines()[1]
    row = Commitment.objects.as_of(day(5, 15)).get(pk=commitment.pk)
    with django_assert_num_queries(1):
        assert row.latest_update.reported_on == day(4, 1)


def test_each_prefetched_update_knows_its_commitment(db, django_assert_num_queries):
    made = timelines()
    rows = list(
        Commitment.objects.filter(pk__in=[c.pk for c in made]).prefetch_related(
            "latest_update"
        )
    )
    with django_assert_num_queries(0):
        for row in rows:
            if row.latest_update is not None:
                assert row.latest_update.commitment is row


def test_reading_a_deferred_field_keeps_it(db, django_assert_num_queries):
    commitment = timelines()[1]
    row = Commitment.objects.defer("title").get(pk=commitment.pk)
    latest = row.latest_update
    assert row.title  # refresh_from_db(fields=["title"])
    with django_assert_num_queries(0):
        assert row.latest_update is latest


def test_prefetched_for_one_commitment_as_for_many(db, django_assert_num_queries):
    made = timelines()
    for as_of in (None, day(5, 15)):
        for commitment in made:
            rows = Commitment.objects.as_of(as_of).filter(pk=commitment.pk)
            with django_assert_num_queries(2):
                (row,) = rows.prefetch_related("latest_update")
                found = row.latest_update
            assert found == commitment.latest_progress(as_of)


def test_a_queryset_that_chooses_the_update_is_refused(db):
    # Filtered, it would choose among the updates before the latest is found
    # for one commitment and after it for many: refused, both ways.
    made = timelines()
    for updates in (
        ProgressUpdate.objects.filter(status=Status.STALLED),
        ProgressUpdate.objects.all()[:5],
    ):
        for rows in (
            Commitment.objects.filter(pk=made[1].pk),
            Commitment.objects.filter(pk__in=[c.pk for c in made]),
        ):
            with pytest.raises(ValueError, match="must not filter or slice"):
                list(rows.prefetch_related(Prefetch("latest_update", updates)))
