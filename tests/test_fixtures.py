"""The demo fixtures: the 12 March 2018 announcement and every commitment in it.

loaddata saves rows as they are, bypassing save() and clean(), so these tests hold
every fixture row to the rules the models enforce."""

import datetime

import pytest
from django.conf import settings
from django.core.management import call_command
from django.forms.models import model_to_dict

from commitments.models import (
    Agency,
    Announcement,
    Commitment,
    ProgressUpdate,
    Topic,
    normalise_whitespace,
)

FIXTURE = "doj-2018-03-12"
ANNOUNCEMENT = "doj-school-safety-2018-03-12"
MODELS = [Agency, Topic, Announcement, Commitment, ProgressUpdate]


def snapshot():
    """Every row of every fixture model, with its many-to-many values."""
    rows = {}
    for model in MODELS:
        rows[model.__name__] = sorted(
            (
                {
                    **model_to_dict(obj, fields=[f.name for f in obj._meta.fields]),
                    **{
                        m2m.name: sorted(
                            getattr(obj, m2m.name).values_list("pk", flat=True)
                        )
                        for m2m in obj._meta.many_to_many
                    },
                }
                for obj in model.objects.all()
            ),
            key=lambda row: row["id"],
        )
    return rows


@pytest.fixture
def loaded(db):
    call_command("loaddata", FIXTURE, verbosity=0)


def test_loading_twice_leaves_the_same_rows(db):
    call_command("loaddata", FIXTURE, verbosity=0)
    first = snapshot()
    call_command("loaddata", FIXTURE, verbosity=0)
    second = snapshot()
    assert {name: len(rows) for name, rows in second.items()} == {
        name: len(rows) for name, rows in first.items()
    }
    assert second == first
    assert len(first["Commitment"]) > 10


def test_the_45_day_certification_is_due_26_april_2018(loaded):
    commitment = Commitment.objects.get(
        announcement__slug=ANNOUNCEMENT, deadline_text="over the next 45 days"
    )
    assert commitment.slug == "nics-certification"
    assert commitment.due_in_days == 45
    assert commitment.due_date == datetime.date(2018, 4, 26)
    assert commitment.original_due_date == datetime.date(2018, 4, 26)
    assert commitment.kind == Commitment.Kind.TIME_BOUND
    # DESIGN.md's reference example: the DOJ leads, the agencies certify.
    assert commitment.lead_agency.slug == "doj"
    assert sorted(a.slug for a in commitment.supporting_agencies.all()) == [
        "fbi",
        "nics-federal-agencies",
    ]


def test_the_immediate_review_is_due_on_the_day(loaded):
    review = Commitment.objects.get(deadline_text="immediate")
    assert review.due_in_days == 0
    assert review.due_date == datetime.date(2018, 3, 12)


def test_the_announcement_holds_the_whole_text(loaded):
    announcement = Announcement.objects.get(slug=ANNOUNCEMENT)
    # The text as published, kept beside the fixture that loads it.
    source = settings.BASE_DIR / "fixtures" / "announcement-2018-03-12-doj.txt"
    expected = source.read_text(encoding="utf-8")
    assert announcement.body == expected
    assert announcement.announced_on == datetime.date(2018, 3, 12)
    assert announcement.issuer.slug == "doj"
    assert announcement.source_url == ""


def test_every_row_passes_the_model_rules(loaded):
    for model in [Agency, Topic, Announcement]:
        for obj in model.objects.all():
            obj.full_clean()
    for commitment in Commitment.objects.select_related("announcement"):
        stored_due_date = commitment.due_date
        # full_clean() runs clean(), which derives due_date from due_in_days.
        commitment.full_clean()
        assert commitment.due_date == stored_due_date, commitment.slug
        assert commitment.original_due_date == stored_due_date, commitment.slug
        quote = normalise_whitespace(commitment.source_quote)
        assert quote in normalise_whitespace(commitment.announcement.body)
        assert (commitment.kind == Commitment.Kind.TIME_BOUND) == (
            commitment.due_date is not None
        ), commitment.slug
        latest = commitment.latest_progress()
        expected_status = latest.status if latest else "not_rated"
        assert commitment.status == expected_status, commitment.slug
        assert commitment.final_assessed_on is None
        assert commitment.version == 1
        if commitment.parent_id:
            assert commitment.parent.announcement_id == commitment.announcement_id
    for update in ProgressUpdate.objects.select_related("commitment__announcement"):
        update.full_clean()
        body = normalise_whitespace(update.commitment.announcement.body)
        # Progress reported by the announcement itself, in its own words.
        assert normalise_whitespace(update.summary) in body
        assert update.reported_on == update.commitment.announcement.announced_on


def test_progress_reported_on_the_day_sets_in_progress(loaded):
    bump_stocks = Commitment.objects.get(slug="bump-stock-regulation")
    assert bump_stocks.status == "in_progress"
    assert bump_stocks.updates.get().summary.startswith(
        "has already submitted notice of its plan"
    )
    assert Commitment.objects.get(slug="nics-certification").status == "not_rated"


def test_leads_follow_who_must_act(loaded):
    def lead(slug):
        return Commitment.objects.get(slug=slug).lead_agency.slug

    assert lead("state-nics-reporting") == "state-governments"
    assert lead("state-missing-records-reports") == "doj"
    assert lead("lie-and-try-prosecutions") == "usao"
    assert Agency.objects.get(slug="state-governments").level == "state"
    assert Agency.objects.get(slug="fbi").parent.slug == "doj"


def test_a_fixture_load_is_recorded_in_history_once(db):
    call_command("loaddata", FIXTURE, verbosity=0)
    counts = {model: model.history.count() for model in MODELS}
    nics = Commitment.objects.get(slug="nics-certification")
    history = list(nics.history.order_by("history_date", "history_id"))
    # Created, then its supporting agencies set, both from the fixture.
    assert [record.history_type for record in history] == ["+", "~"]
    assert {record.history_change_reason for record in history} == {
        "Loaded from a fixture."
    }
    supporting = history[-1].supporting_agencies.all()
    assert sorted(row.agency.slug for row in supporting) == [
        "fbi",
        "nics-federal-agencies",
    ]
    call_command("loaddata", FIXTURE, verbosity=0)
    assert {model: model.history.count() for model in MODELS} == counts
    assert Topic.history.count() == Topic.objects.count()


def test_a_fixture_that_changes_a_row_records_the_change(db):
    call_command("loaddata", FIXTURE, verbosity=0)
    topic = Topic.objects.get(slug="regulation")
    topic.name = "Rules"
    topic.save()
    # Loading the fixture again puts the fixture's name back, and says so.
    call_command("loaddata", FIXTURE, verbosity=0)
    history = list(topic.history.order_by("history_date", "history_id"))
    assert [record.history_type for record in history] == ["+", "~", "~"]
    assert history[1].name == "Rules"
    assert history[-1].name == "Regulation"
    assert history[-1].history_change_reason == "Loaded from a fixture."
