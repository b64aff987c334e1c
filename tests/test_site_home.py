import datetime

import pytest

from commitments.models import Status
from tests.factories import AnnouncementFactory, ProgressUpdateFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db


def test_home_lists_each_announcement_with_its_status_meter(client):
    build_announcement()
    AnnouncementFactory(title="An announcement with nothing tracked yet")

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "DOJ plan on school safety and gun crime" in html
    assert 'href="/a/doj-school-safety-2018-03-12/"' in html
    assert "An announcement with nothing tracked yet" in html
    # Every status is written out with its count, not shown by colour alone.
    assert "Not yet rated: <strong>3</strong>" in html
    assert "In progress: <strong>1</strong>" in html
    assert "Fulfilled: <strong>1</strong>" in html
    assert "Broken: <strong>0</strong>" in html
    assert "2 overdue" in html
    assert "1 late" in html


def test_home_shows_the_latest_progress_newest_entered_first(client):
    build_announcement()  # entered in the order 20 April, 1 June, 20 March 2018
    other = AnnouncementFactory(slug="other")
    ProgressUpdateFactory(
        commitment__announcement=other,
        commitment__slug="other-commitment",
        commitment__title="A commitment from another announcement",
        reported_on=datetime.date(2018, 7, 1),
        status=Status.STALLED,
        summary="Nothing moved in July.",
        author=None,
    )

    html = client.get("/").content.decode()

    entered = [
        html.index(summary)
        for summary in [
            "Nothing moved in July.",
            "The review has begun.",
            "Every submitting agency has certified or filed a plan.",
            "Twelve agencies have certified so far.",
        ]
    ]
    assert entered == sorted(entered)


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_home_costs_the_same_queries_whatever_the_number_of_commitments(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)
    AnnouncementFactory()

    with django_assert_num_queries(5):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the announcements with their issuers
        # 3. the status, overdue and late counts of every announcement, grouped
        # 4. the latest progress updates with their commitments and announcements
        # 5. RELEASE SAVEPOINT
        response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{5 + extra_commitments} commitments</a> ·" in html
    assert "Every submitting agency has certified or filed a plan." in html


def test_home_says_so_when_there_is_nothing_yet(client):
    html = client.get("/").content.decode()

    assert "No announcements yet." in html
    assert "No progress has been recorded yet." in html
