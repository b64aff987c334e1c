"""generate_data writes rows in bulk, bypassing save(): its derived fields must be
what the models would have computed."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, models

from commitments.models import (
    Agency,
    Commitment,
    DeadlineChange,
    ProgressUpdate,
    Status,
)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY is PostgreSQL's"
)


def generate(**options):
    out = io.StringIO()
    call_command(
        "generate_data",
        commitments=40,
        updates=200,
        announcements=4,
        stdout=out,
        **options,
    )
    return out.getvalue()


def replay(commitment):
    """Make the commitment again through the models: created with its first due
    date, its deadline moved if it was, then its updates added in the order they
    were entered. Returns the replayed twin."""
    twin = Commitment(
        announcement=commitment.announcement,
        slug=f"{commitment.slug}-replay",
        title=commitment.title,
        source_quote=commitment.source_quote,
        lead_agency=commitment.lead_agency,
        topic=commitment.topic,
        kind=commitment.kind,
        due_date=commitment.original_due_date,
    )
    twin.save()
    if commitment.due_date != commitment.original_due_date:
        twin.due_date = commitment.due_date
        twin.deadline_change_reason = "Replayed."
        twin.save()
    for update in commitment.updates.order_by("created_at", "id"):
        ProgressUpdate(
            commitment=twin,
            reported_on=update.reported_on,
            status=update.status,
            summary=update.summary,
            source_url=update.source_url,
            author=update.author,
            created_at=update.created_at,
        ).save()
    twin.refresh_from_db()
    return twin


def test_generated_rows_obey_the_model_rules(db):
    generate()

    commitments = Commitment.objects.select_related("announcement")
    assert commitments.count() == 40
    assert ProgressUpdate.objects.count() == 200
    for commitment in commitments:
        due_date = commitment.due_date
        commitment.clean()  # quote in the body, kind matches the deadline
        commitment.validate_constraints()
        assert commitment.due_date == due_date  # as derived from due_in_days
        if commitment.due_date is None:
            assert commitment.original_due_date is None
        else:
            assert commitment.original_due_date <= commitment.due_date
        latest = commitment.latest_progress()
        assert commitment.status == (latest.status if latest else Status.NOT_RATED)
        if latest and latest.status in {"partially_fulfilled", "fulfilled", "broken"}:
            assert commitment.final_assessed_on == latest.reported_on
        else:
            assert commitment.final_assessed_on is None
    for update in ProgressUpdate.objects.select_related("commitment__announcement"):
        update.clean()  # evidence for a final assessment, dates in range
        assert update.created_at >= update.commitment.created_at
    moved = commitments.filter(due_date__isnull=False).exclude(
        due_date=models.F("original_due_date")
    )
    assert moved.exists()
    for commitment in moved:
        (change,) = commitment.deadline_changes.all()
        change.clean()  # a reason, a date in range
        assert (change.old_due_date, change.new_due_date) == (
            commitment.original_due_date,
            commitment.due_date,
        )
    assert DeadlineChange.objects.count() == moved.count()


def test_generated_derived_fields_match_a_replay_through_the_models(db):
    generate()

    generated = list(Commitment.objects.order_by("id"))
    # The sample must exercise what the replay checks.
    assert any(c.due_date != c.original_due_date for c in generated) or any(
        c.version > 2 for c in generated
    )
    for commitment in generated:
        twin = replay(commitment)
        assert (twin.status, twin.final_assessed_on, twin.version) == (
            commitment.status,
            commitment.final_assessed_on,
            commitment.version,
        ), commitment.pk
        assert (twin.due_date, twin.original_due_date) == (
            commitment.due_date,
            commitment.original_due_date,
        )


def test_agencies_have_parents_and_several_updates_per_commitment(db):
    generate()

    assert Agency.objects.get(slug="fbi").parent.slug == "doj"
    rated = Commitment.objects.exclude(status=Status.NOT_RATED).count()
    assert ProgressUpdate.objects.count() / rated > 2


def test_a_second_run_adds_rows_after_the_first(db):
    generate()
    generate(seed=2)

    assert Commitment.objects.count() == 80
    assert ProgressUpdate.objects.count() == 400
    # The id sequences continue after the generated ids.
    last_generated = ProgressUpdate.objects.latest("id").pk
    commitment = Commitment.objects.select_related("announcement").first()
    update = ProgressUpdate.objects.create(
        commitment=commitment,
        reported_on=commitment.announcement.announced_on,
        status=Status.IN_PROGRESS,
        summary="Entered through the model.",
    )
    assert update.pk > last_generated


@on_postgresql
def test_copy_loads_the_same_rows_as_bulk_create(transactional_db):
    generate(method="copy")
    by_copy = list(Commitment.objects.values_list("slug", "status", "version"))
    Commitment.objects.update(parent=None)
    ProgressUpdate.objects.all().delete()
    DeadlineChange.objects.all().delete()
    Commitment.objects.all().delete()

    generate(method="bulk")

    assert list(Commitment.objects.values_list("slug", "status", "version")) == (
        by_copy
    )


@on_postgresql
def test_compare_times_both_methods_and_keeps_one_copy(transactional_db):
    out = generate(method="copy", compare=True)

    assert "the same rows by bulk_create (rolled back)" in out
    assert "bulk_create takes, relative to COPY" in out
    assert Commitment.objects.count() == 40
    assert ProgressUpdate.objects.count() == 200


def test_copy_needs_postgresql(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        generate(method="copy")


def test_every_generated_row_has_its_creation_in_the_history(db):
    from commitments.models import Announcement

    generate()
    generate(seed=2)

    for model in (Announcement, Commitment, ProgressUpdate):
        creations = model.history.filter(history_type="+")
        assert creations.count() == model.objects.count()
        assert set(creations.values_list("id", flat=True)) == set(
            model.objects.values_list("pk", flat=True)
        )
    record = Commitment.history.filter(history_type="+").first()
    assert record.history_change_reason == "Generated in bulk by generate_data."
