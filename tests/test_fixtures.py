"""The demo fixtures: the 12 March 2018 announcement, every commitment in it, and
what happened to each since (docs/demo-data.md).

loaddata saves rows as they are, bypassing save() and clean(), so these tests hold
every fixture row to the rules the models enforce."""

import datetime
import json
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from commitments.models import (
    Agency,
    Announcement,
    Commitment,
    ProgressUpdate,
    Topic,
    normalise_whitespace,
)

FIXTURE = "doj-2018-03-12"
FIXTURE_PATH = Path(settings.BASE_DIR) / "fixtures" / f"{FIXTURE}.json"
ANNOUNCEMENT = "doj-school-safety-2018-03-12"
MODELS = [Agency, Topic, Announcement, Commitment, ProgressUpdate]
OFFICIAL_RELEASE = (
    "https://www.justice.gov/opa/pr/attorney-general-sessions-announces-new-actions-"
    "improve-school-safety-and-better-enforce"
)
FINAL = {"partially_fulfilled", "fulfilled", "broken"}


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
    # docs/design.md's reference example: the agencies that must certify lead; the DOJ,
    # which asked, and the FBI, which runs NICS, support.
    assert commitment.lead_agency.slug == "nics-federal-agencies"
    assert sorted(a.slug for a in commitment.supporting_agencies.all()) == [
        "doj",
        "fbi",
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


def test_the_announcement_names_the_release_and_the_article_its_text_is_from(
    loaded,
):
    announcement = Announcement.objects.get(slug=ANNOUNCEMENT)
    assert announcement.source_url == OFFICIAL_RELEASE
    assert announcement.text_source_url == (
        "https://freebeacon.com/national-security/doj-announces-plan-prosecute-gun-"
        "crimes-assist-arming-school-officials/"
    )
    assert "news article of 14 March 2018" in announcement.text_source_note


def latest_update(updates, on=None):
    """The update that sets the status (on a day, if given): the latest by
    reported_on, then by created_at, then by id."""
    counted = [u for u in updates if on is None or u.reported_on <= on]
    if not counted:
        return None
    return max(counted, key=lambda u: (u.reported_on, u.created_at, u.pk))


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
        assert commitment.version == 1
        if commitment.parent_id:
            assert commitment.parent.announcement_id == commitment.announcement_id
    today = timezone.localdate()
    for update in ProgressUpdate.objects.select_related("commitment__announcement"):
        update.full_clean()
        announced_on = update.commitment.announcement.announced_on
        assert announced_on <= update.reported_on <= today, update.summary
        assert urlsplit(update.source_url).scheme in ("http", "https"), update.summary
        if update.status in FINAL:
            assert update.source_url, update.summary
        assert update.author is None


def test_every_status_follows_the_latest_update(loaded):
    for commitment in Commitment.objects.prefetch_related("updates"):
        latest = latest_update(list(commitment.updates.all()))
        assert latest is not None, commitment.slug
        assert commitment.status == latest.status, commitment.slug
        expected_final_on = latest.reported_on if latest.status in FINAL else None
        assert commitment.final_assessed_on == expected_final_on, commitment.slug


def test_the_status_never_hangs_on_the_order_rows_were_loaded_in(loaded):
    # Every update has the same created_at (docs/demo-data.md), so two updates of
    # one commitment on one day would be ordered by id alone: they must agree.
    statuses = {}
    for update in ProgressUpdate.objects.all():
        key = (update.commitment_id, update.reported_on)
        statuses.setdefault(key, set()).add(update.status)
    assert all(len(found) == 1 for found in statuses.values())
    created = set(ProgressUpdate.objects.values_list("created_at", flat=True))
    assert created == {datetime.datetime(2026, 11, 30, tzinfo=datetime.UTC)}


def test_no_two_rows_share_a_natural_key():
    rows = json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))
    keys = Counter()
    for row in rows:
        fields = row["fields"]
        if row["model"] == "commitments.commitment":
            key = (*fields["announcement"], fields["slug"])
        elif row["model"] == "commitments.progressupdate":
            key = (*fields["commitment"], fields["reported_on"], fields["summary"])
        elif row["model"] == "commitments.agencyalias":
            # Aliases are unique regardless of case.
            key = (fields["name"].casefold(),)
        else:
            key = (fields["slug"],)
        keys[(row["model"], key)] += 1
        assert "pk" not in row, key
    assert [key for key, count in keys.items() if count > 1] == []


def test_the_timeline_carries_what_happened_after_the_announcement(loaded):
    after = ProgressUpdate.objects.filter(reported_on__gt=datetime.date(2018, 3, 12))
    # The research behind the demo lists 58 confirmed events after that day.
    assert after.count() == 58
    assert not Commitment.objects.filter(updates__isnull=True).exists()


def test_the_bump_stock_rule_was_kept_then_struck_down(loaded):
    updates = list(Commitment.objects.get(slug="bump-stock-regulation").updates.all())

    def status_on(day):
        return latest_update(updates, on=day).status

    assert status_on(datetime.date(2018, 6, 1)) == "in_progress"
    assert status_on(datetime.date(2018, 12, 17)) == "in_progress"
    # The final rule was announced on 18 December 2018.
    assert status_on(datetime.date(2018, 12, 18)) == "fulfilled"
    assert status_on(datetime.date(2019, 6, 1)) == "fulfilled"
    assert status_on(datetime.date(2024, 6, 13)) == "fulfilled"
    # Garland v. Cargill, 14 June 2024.
    assert status_on(datetime.date(2024, 6, 14)) == "broken"
    assert Commitment.objects.get(slug="bump-stock-regulation").status == "broken"


def test_the_attorney_generals_own_claims_say_so_and_cite_the_release(loaded):
    claims = ProgressUpdate.objects.filter(source_url=OFFICIAL_RELEASE)
    assert sorted(claims.values_list("commitment__slug", flat=True)) == [
        "bump-stock-regulation",
        "gun-crime-prosecutions",
        "violent-crime-prosecutions",
    ]
    for claim in claims:
        assert claim.reported_on == datetime.date(2018, 3, 12)
        assert "the Attorney General's own claim" in claim.summary
        assert claim.status == "in_progress"


def test_a_month_only_date_is_the_last_day_of_its_month(loaded):
    # ATF's notices to bump-stock owners are dated only "early August 2024".
    notices = ProgressUpdate.objects.get(
        source_url="https://atf.gov./rules-and-regulations/bump-stocks"
    )
    assert notices.reported_on == datetime.date(2024, 8, 31)
    assert "early August 2024" in notices.summary


def test_leads_follow_who_must_act(loaded):
    def lead(slug):
        return Commitment.objects.get(slug=slug).lead_agency.slug

    assert lead("state-nics-reporting") == "state-governments"
    assert lead("lie-and-try-prosecutions") == "usao"
    # The Attorney General gave the reports to the FBI by memo; the DOJ supports.
    assert lead("state-missing-records-reports") == "fbi"
    missing_records = Commitment.objects.get(slug="state-missing-records-reports")
    assert "doj" in missing_records.supporting_agencies.values_list("slug", flat=True)
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
    assert sorted(row.agency.slug for row in supporting) == ["doj", "fbi"]
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
