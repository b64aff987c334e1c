"""Atom feeds of progress, parsed back with feedparser and checked as XML."""

import datetime
from unittest import mock

import feedparser
import pytest
from defusedxml import ElementTree

from commitments.models import ProgressUpdate
from commitments.site.identity import tag_uri
from tests.factories import ProgressUpdateFactory, UserFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
NICS_FEED = "/feeds/commitments/doj-school-safety-2018-03-12/nics-certification.atom"


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def assert_valid_atom(content):
    """The elements RFC 4287 requires: a feed has an id, a title, an updated date
    and an author (or every entry has one); every entry has an id, a title and an
    updated date, and ids are unique."""
    root = ElementTree.fromstring(content)
    assert root.tag == f"{ATOM}feed"
    for name in ["id", "title", "updated"]:
        assert root.find(f"{ATOM}{name}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for name in ["id", "title", "updated"]:
            assert entry.find(f"{ATOM}{name}").text
        datetime.datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
        ids.append(entry.find(f"{ATOM}id").text)
    assert len(ids) == len(set(ids))
    return root


def test_all_progress_feed_lists_every_update_newest_entered_first(client):
    build_announcement()  # entered in the order 20 April, 1 June, 20 March 2018

    response = client.get("/feeds/updates.atom")

    feed = parse(response)
    assert_valid_atom(response.content)
    assert feed.feed.title == "Commitment Tracker: all progress"
    assert [entry.title for entry in feed.entries] == [
        "Review how violent crime tips are handled: In progress",
        "Certify NICS record reporting within 45 days: Fulfilled",
        "Certify NICS record reporting within 45 days: In progress",
    ]
    fulfilled = feed.entries[1]
    # Published when it was entered; the date of the progress is in the text.
    assert fulfilled.published_parsed[:3] == datetime.date.today().timetuple()[:3]
    assert fulfilled.link.startswith(
        "http://testserver/a/doj-school-safety-2018-03-12/nics-certification/#update-"
    )
    assert "Reported on 2018-06-01" in fulfilled.summary
    assert "Every submitting agency has certified or filed a plan." in (
        fulfilled.summary
    )
    assert 'href="https://www.justice.gov/opa/nics-report"' in fulfilled.summary


def test_an_update_back_dated_to_2018_and_entered_today_comes_first(client):
    announcement = build_announcement()
    ProgressUpdateFactory(
        commitment=announcement.commitments.get(slug="state-reporting"),
        reported_on=datetime.date(2018, 6, 1),
        summary="Back-filled from the 2018 report.",
    )

    feed = parse(client.get("/feeds/updates.atom"))

    assert "Back-filled from the 2018 report." in feed.entries[0].summary


def test_a_correction_moves_the_entrys_updated_date_and_shows_its_note(client):
    announcement = build_announcement()
    update = announcement.commitments.get(slug="tips-review").updates.get()
    entered = update.created_at
    with mock.patch(
        "django.utils.timezone.now",
        return_value=entered + datetime.timedelta(days=3),
    ):
        update.summary = "The review began on 20 March."
        update.correction_note = "Gave the date the review began."
        update.save()

    entry = parse(client.get("/feeds/updates.atom")).entries[0]

    assert datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC) == (
        (entered + datetime.timedelta(days=3)).replace(microsecond=0)
    )
    assert datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC) == (
        entered.replace(microsecond=0)
    )
    assert "Gave the date the review began." in entry.summary


def test_a_retracted_update_says_so_in_the_feed(client):
    announcement = build_announcement()
    update = announcement.commitments.get(slug="tips-review").updates.get()
    with mock.patch(
        "django.utils.timezone.now",
        return_value=update.created_at + datetime.timedelta(days=3),
    ):
        update.retract("It was another review.")

    entry = parse(client.get("/feeds/updates.atom")).entries[0]
    assert entry.title == (
        "Retracted: Review how violent crime tips are handled: In progress"
    )
    assert "It was another review." in entry.summary
    # Its `updated` is the later of when it was entered and its last correction
    # (it has none): a retraction does not move it.
    assert datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC) == (
        update.created_at.replace(microsecond=0)
    )


def test_each_progress_entry_has_the_updates_summary_as_its_content(client):
    announcement = build_announcement()
    ProgressUpdateFactory(
        commitment=announcement.commitments.get(slug="state-reporting"),
        reported_on=datetime.date(2018, 6, 1),
        summary="Twenty states <b>reported</b> more records & faster.",
    )
    for path in ("/feeds/updates.atom", NICS_FEED, "/feeds/agencies/fbi.atom"):
        response = client.get(path)
        root = assert_valid_atom(response.content)
        entries = root.findall(f"{ATOM}entry")
        assert entries
        by_id = {
            entry.find(f"{ATOM}id").text: entry.find(f"{ATOM}content")
            for entry in entries
        }
        summaries = {
            tag_uri("progress-update", pk): summary
            for pk, summary in ProgressUpdate.objects.values_list("pk", "summary")
        }
        for entry_id, content in by_id.items():
            assert content is not None, entry_id
            assert content.get("type") == "text"
            assert content.text == summaries[entry_id]


def test_entry_ids_are_stable_and_shared_between_feeds(client):
    build_announcement()

    first = parse(client.get("/feeds/updates.atom"))
    again = parse(client.get("/feeds/updates.atom"))
    per_commitment = parse(client.get(NICS_FEED))

    ids = [entry.id for entry in first.entries]
    assert ids == [entry.id for entry in again.entries]
    assert [entry.id for entry in per_commitment.entries] == ids[1:]
    assert all(entry.id.startswith("tag:") for entry in first.entries)


def test_commitment_feed_has_only_its_progress(client):
    build_announcement()

    response = client.get(NICS_FEED)

    feed = parse(response)
    root = assert_valid_atom(response.content)
    assert feed.feed.title == (
        "Commitment Tracker: Certify NICS record reporting within 45 days"
    )
    assert feed.feed.link == (
        "http://testserver/a/doj-school-safety-2018-03-12/nics-certification/"
    )
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == (
        f"http://testserver{NICS_FEED}"
    )
    assert len(feed.entries) == 2


def test_agency_feed_has_progress_on_what_it_leads_or_supports(client):
    announcement = build_announcement()
    ProgressUpdateFactory(
        commitment=announcement.commitments.get(slug="commission-participation"),
        summary="The department sent a representative.",
        author=None,
    )

    doj = parse(client.get("/feeds/agencies/doj.atom"))
    fbi = parse(client.get("/feeds/agencies/fbi.atom"))
    states = parse(client.get("/feeds/agencies/states.atom"))

    assert sorted(entry.title for entry in doj.entries) == [
        "Certify NICS record reporting within 45 days: Fulfilled",  # supports
        "Certify NICS record reporting within 45 days: In progress",
        "Fully participate in the Federal Commission on School Safety: In progress",
    ]
    assert [entry.title for entry in fbi.entries] == [
        "Review how violent crime tips are handled: In progress"
    ]
    assert states.entries == []
    assert_valid_atom(client.get("/feeds/agencies/states.atom").content)


def test_an_empty_tracker_still_gives_a_valid_feed(client):
    response = client.get("/feeds/updates.atom")

    assert parse(response).entries == []
    assert_valid_atom(response.content)


def test_unknown_commitment_or_agency_feed_is_404(client):
    assert client.get("/feeds/agencies/nope.atom").status_code == 404
    assert client.get("/feeds/commitments/nope/nope.atom").status_code == 404


def correct_one(commitment):
    update = commitment.updates.first() or ProgressUpdateFactory(
        commitment=commitment, author=None
    )
    update.summary += " Corrected."
    update.correction_note = "A fuller summary."
    update.corrected_by = UserFactory()
    update.save()


# The corrections of the entries: one query where any has some, none where none
# has (ProgressUpdateQuerySet.with_corrections).
CORRECTED = pytest.mark.parametrize("corrected", [False, True])


@CORRECTED
@pytest.mark.parametrize("extra_updates", [0, 20])
def test_agency_feed_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_updates, corrected
):
    announcement = build_announcement()
    commission = announcement.commitments.get(slug="commission-participation")
    for _ in range(extra_updates):
        ProgressUpdateFactory(commitment=commission, author=None)
    if corrected:
        correct_one(commission)
    entries = 2 + commission.updates.count()

    with django_assert_num_queries(4 + corrected):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the agency
        # 3. the progress on what it leads or supports, with commitment,
        #    announcement and lead agency
        # (+1 when corrected: their corrections)
        # 4. RELEASE SAVEPOINT
        response = client.get("/feeds/agencies/doj.atom")

    assert len(parse(response).entries) == entries
    assert ("Corrected on" in response.content.decode()) == corrected


@CORRECTED
@pytest.mark.parametrize("extra_updates", [0, 20])
def test_all_progress_and_commitment_feeds_cost_the_same_queries_whatever_size(
    client, django_assert_num_queries, extra_updates, corrected
):
    announcement = build_announcement()
    nics = announcement.commitments.get(slug="nics-certification")
    for _ in range(extra_updates):
        ProgressUpdateFactory(commitment=nics, author=None)
    if corrected:
        correct_one(nics)

    with django_assert_num_queries(3 + corrected):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the latest progress, with commitment, announcement and lead agency
        # (+1 when corrected: their corrections)
        # 3. RELEASE SAVEPOINT
        everything = client.get("/feeds/updates.atom")
    with django_assert_num_queries(4 + corrected):
        # 1. SAVEPOINT
        # 2. the commitment with its announcement
        # 3. its progress, with commitment, announcement and lead agency
        # (+1 when corrected: their corrections)
        # 4. RELEASE SAVEPOINT
        one = client.get(NICS_FEED)

    assert len(parse(everything).entries) == 3 + extra_updates
    assert len(parse(one).entries) == 2 + extra_updates
    assert ("Corrected on" in one.content.decode()) == corrected
