"""What changed, for readers: /changes/ grouped by the day each change was
recorded, its Atom feed, and the commitment permalink's timeline with corrections,
retractions, who recorded each entry and how old the status is."""

import datetime
from unittest import mock

import feedparser
import pytest

from commitments.models import ProgressUpdate, Status
from tests.conftest import authorize
from tests.factories import CommitmentFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

PERMALINK = "/a/doj-school-safety-2018-03-12/nics-certification/"


def recorded(*args):
    moment = datetime.datetime(*args, tzinfo=datetime.UTC)
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def backfilled(api_client, maintainer):
    """The issue's case: an update dated 2018-06-01, posted today through the API,
    after the rest of the tracker was entered long ago."""
    with recorded(2020, 1, 1, 9):
        announcement = build_announcement()
    commitment = announcement.commitments.get(slug="state-reporting")
    authorize(api_client, maintainer)
    response = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {
            "reported_on": "2018-06-01",
            "status": "in_progress",
            "summary": "Thirty states sent more records.",
        },
    )
    assert response.status_code == 201
    return response.json()


def test_a_back_dated_update_entered_today_leads_every_list_of_changes(
    client, backfilled
):
    changes_page = client.get("/changes/").content.decode()
    feed = feedparser.parse(client.get("/feeds/changes.atom").content)
    home = client.get("/").content.decode()

    today = datetime.date.today()
    first_day = changes_page.index(f'<time datetime="{today.isoformat()}">')
    assert changes_page.index("States improve their reporting") > first_day
    assert changes_page.index("States improve their reporting") < changes_page.index(
        '<time datetime="2020-01-01">'
    )
    assert feed.entries[0].title == (
        "Progress on “States improve their reporting of disqualifying records”: In "
        "progress, reported on 2018-06-01."
    )
    assert feed.entries[0].link.endswith(
        f"/a/doj-school-safety-2018-03-12/state-reporting/#change-"
        f"{feed.entries[0].link.rsplit('-', 1)[1]}"
    )
    latest = home.index('<h2 id="progress-heading">')
    assert home.index("Thirty states sent more records.", latest) < home.index(
        "Every submitting agency has certified", latest
    )


def test_the_changes_page_groups_by_day_with_absolute_dates(client):
    with recorded(2021, 3, 4, 10):
        CommitmentFactory(title="First promise")
    with recorded(2021, 3, 4, 15):
        CommitmentFactory(title="Second promise")
    with recorded(2021, 3, 5, 8):
        CommitmentFactory(title="Third promise")

    html = client.get("/changes/").content.decode()

    assert "Friday 5 March 2021" in html
    assert "Thursday 4 March 2021" in html
    assert html.count('<h2 id="day-2021-03-04">') == 1
    positions = [html.index(f"{n} promise") for n in ("Third", "Second", "First")]
    assert positions == sorted(positions)
    assert html.index("Friday 5 March 2021") < positions[0]
    assert positions[1] > html.index("Thursday 4 March 2021")
    assert "ago" not in html


def test_the_changes_feed_is_valid_atom_with_unique_ids(client, backfilled):
    response = client.get("/feeds/changes.atom")

    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert feed.feed.title == "Commitment Tracker: what changed"
    ids = [entry.id for entry in feed.entries]
    assert len(ids) == len(set(ids))
    assert feed.entries[0].author == "maintainer"


def test_the_permalink_shows_a_correction_and_who_recorded_the_entry(
    client, api_client, backfilled
):
    url = f"/api/v1/updates/{backfilled['id']}/"
    api_client.patch(
        url,
        {
            "summary": "Thirty-one states sent more records.",
            "correction_note": "Recounted the states.",
        },
        HTTP_IF_MATCH=api_client.get(url)["ETag"],
    )

    html = client.get("/a/doj-school-safety-2018-03-12/state-reporting/").content
    html = html.decode()

    today = datetime.date.today()
    assert "Thirty-one states sent more records." in html
    assert (
        f'Corrected on <time datetime="{today.isoformat()}">{today:%-d %B %Y}</time>: '
        "Recounted the states. (maintainer)"
    ) in html
    assert f"{today:%-d %B %Y}</time> by maintainer." in html
    assert 'Status as of <time datetime="2018-06-01">1 June 2018</time>' in html


def test_a_retracted_entry_is_struck_through_with_its_reason_in_words(client):
    build_announcement()
    nics = ProgressUpdate.objects.get(
        summary="Every submitting agency has certified or filed a plan."
    )

    nics.retract("The report counted plans that were never filed.")

    html = client.get(PERMALINK).content.decode()
    entry = html[html.index(f'id="update-{nics.pk}"') :]
    entry = entry[: entry.index("</li>")]
    assert "Retracted on" in entry
    assert "The report counted plans that were never filed." in entry
    assert "<del>" in entry
    assert entry.index("<del>") < entry.index("Every submitting agency")
    # The status follows the update before it again.
    assert 'Status as of <time datetime="2018-04-20">20 April 2018</time>' in html
    status_line = html[html.index('<p class="status-line">') :]
    assert Status.IN_PROGRESS.label in status_line[: status_line.index("</p>")]


def test_a_confirmed_status_reads_as_of_the_check(client, maintainer):
    announcement = build_announcement()
    announcement.commitments.get(slug="nics-certification").confirm_status(
        datetime.date(2019, 2, 1), author=maintainer
    )

    html = client.get(PERMALINK).content.decode()

    assert (
        'Status as of <time datetime="2019-02-01">1 February 2019</time> (confirmed '
        "to still hold on that day)."
    ) in html


def test_a_commitment_nobody_assessed_says_so(client):
    build_announcement()

    html = client.get(
        "/a/doj-school-safety-2018-03-12/commission-participation/"
    ).content.decode()

    assert "Nobody has assessed this commitment yet." in html
