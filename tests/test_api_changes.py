"""GET /api/v1/changes/: every public change, newest recorded first, written by
the domain in the same transaction as the change, one per client action."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from commitments.models import ChangeEntry, ProgressUpdate, Status
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/changes/"


def at(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def recorded(moment):
    """Writes made inside the block are recorded at `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def kinds(response):
    assert response.status_code == 200, response.json()
    return [entry["kind"] for entry in response.json()["results"]]


def test_a_back_dated_update_entered_today_is_the_first_change(api_client, maintainer):
    commitment = CommitmentFactory(title="Ban bump stocks")
    with recorded(at(2024, 6, 14, 12)):
        ProgressUpdateFactory(
            commitment=commitment,
            reported_on=datetime.date(2024, 6, 14),
            status=Status.BROKEN,
        )
    authorize(api_client, maintainer)

    posted = api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {"reported_on": "2018-06-01", "status": "in_progress", "summary": "Proposed."},
    )

    assert posted.status_code == 201
    first = api_client.get(URL).json()["results"][0]
    assert first == {
        "id": first["id"],
        "recorded_at": first["recorded_at"],
        "kind": "progress_added",
        "announcement": commitment.announcement.slug,
        "commitment": {
            "id": commitment.pk,
            "title": "Ban bump stocks",
            "url": f"http://testserver/api/v1/commitments/{commitment.pk}/",
        },
        "summary": "Progress on “Ban bump stocks”: In progress, reported on "
        "2018-06-01.",
        "author": "maintainer",
    }
    # Recorded when it was entered, in the same write as the update.
    assert datetime.datetime.fromisoformat(first["recorded_at"]) >= (
        datetime.datetime.fromisoformat(posted.json()["recorded_at"])
    )


def test_a_progress_post_is_one_entry_even_when_the_status_changes(
    api_client, maintainer
):
    commitment = CommitmentFactory()
    before = ChangeEntry.objects.count()
    authorize(api_client, maintainer)

    api_client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {"reported_on": "2018-06-01", "status": "stalled", "summary": "Blocked."},
    )

    assert ChangeEntry.objects.count() == before + 1


def test_every_kind_of_write_is_recorded_with_its_author(api_client, maintainer):
    doj = AgencyFactory(slug="doj")
    authorize(api_client, maintainer)
    api_client.post(
        "/api/v1/announcements/",
        {
            "slug": "plan",
            "title": "A plan",
            "issuer": "doj",
            "announced_on": "2018-03-12",
            "body": "We will act. We will report.",
        },
    )
    topic = CommitmentFactory(announcement__issuer=doj).topic
    created = api_client.post(
        "/api/v1/commitments/",
        {
            "announcement": "plan",
            "slug": "act",
            "title": "Act",
            "source_quote": "We will act.",
            "lead_agency": "doj",
            "topic": topic.slug,
            "kind": "open_ended",
        },
    ).json()
    url = f"/api/v1/commitments/{created['id']}/"
    api_client.patch(
        url, {"title": "Act now"}, HTTP_IF_MATCH=api_client.get(url)["ETag"]
    )

    body = api_client.get(f"{URL}?announcement=plan").json()

    assert [(e["kind"], e["author"]) for e in body["results"]] == [
        ("commitment_changed", "maintainer"),
        ("commitment_added", "maintainer"),
        ("announcement_added", "maintainer"),
    ]
    assert body["results"][0]["summary"] == "Commitment changed: “Act now” (title)."
    assert body["results"][2]["commitment"] is None


def test_loading_the_fixtures_writes_no_entries(db):
    call_command("loaddata", "doj-2018-03-12", verbosity=0)

    assert ProgressUpdate.objects.exists()
    assert ChangeEntry.objects.count() == 0


def test_newest_recorded_first_then_id(api_client):
    commitment = CommitmentFactory()
    with recorded(at(2019, 1, 1)):
        a = ProgressUpdateFactory(
            commitment=commitment, reported_on=datetime.date(2019, 1, 1)
        )
    with recorded(at(2020, 1, 1)):
        b = ProgressUpdateFactory(
            commitment=commitment, reported_on=datetime.date(2018, 4, 1)
        )
        c = ProgressUpdateFactory(
            commitment=commitment, reported_on=datetime.date(2018, 5, 1)
        )

    results = api_client.get(f"{URL}?kind=progress_added").json()["results"]

    assert [r["summary"][-11:-1] for r in results] == [
        c.reported_on.isoformat(),
        b.reported_on.isoformat(),
        a.reported_on.isoformat(),
    ]


def test_since_is_exclusive_and_until_inclusive(api_client):
    commitment = CommitmentFactory()
    for day in (1, 2, 3):
        with recorded(at(2020, 1, day, 12)):
            ProgressUpdateFactory(commitment=commitment)

    def days(query):
        body = api_client.get(f"{URL}?kind=progress_added&{query}").json()
        return [r["recorded_at"][:10] for r in body["results"]]

    assert days("since=2020-01-01T12:00:00Z") == ["2020-01-03", "2020-01-02"]
    assert days("until=2020-01-02") == ["2020-01-01"]  # a date is 00:00 UTC
    assert days("since=2020-01-01T12:00:00%2B00:00&until=2020-01-02T12:00:00Z") == [
        "2020-01-02"
    ]
    # A "+" left unencoded in the URL arrives as a space.
    assert days("since=2020-01-02T13:00:00+01:00") == ["2020-01-03"]
    assert days("since=2020-01-02T06:00:00-05:00") == ["2020-01-03", "2020-01-02"]


@pytest.mark.parametrize(
    "query, name",
    [
        ("since=2020-01-01T00:00:00", "since"),  # no offset: no moment
        ("since=yesterday", "since"),
        ("until=2020-02-30", "until"),
        ("kind=progress_deleted", "kind"),
        ("agency=nobody", "agency"),
        ("announcement=nothing", "announcement"),
        ("cursor=garbage", "cursor"),
        ("page_size=0", "page_size"),
    ],
)
def test_bad_filters_get_400_naming_them(api_client, query, name):
    response = api_client.get(f"{URL}?{query}")

    assert response.status_code == 400
    assert name in response.json()


def test_kind_is_repeatable(api_client, maintainer):
    update = ProgressUpdateFactory()
    update.retract("Wrong.", author=maintainer)

    response = api_client.get(f"{URL}?kind=progress_retracted&kind=announcement_added")

    assert sorted(kinds(response)) == ["announcement_added", "progress_retracted"]


def test_agency_selects_lead_supporting_and_issued(api_client):
    doj = AgencyFactory(slug="doj")
    fbi = AgencyFactory(slug="fbi")
    announcement = AnnouncementFactory(issuer=doj, slug="doj-plan")
    CommitmentFactory(announcement=announcement, lead_agency=fbi, title="Led")
    supported = CommitmentFactory(
        announcement=announcement, lead_agency=doj, title="Supported"
    )
    supported.supporting_agencies.add(fbi)
    CommitmentFactory(announcement=announcement, lead_agency=doj, title="Other")

    fbi_titles = {
        (entry["commitment"] or {}).get("title")
        for entry in api_client.get(f"{URL}?agency=fbi").json()["results"]
    }
    doj_kinds = kinds(api_client.get(f"{URL}?agency=doj&kind=announcement_added"))

    assert fbi_titles == {"Led", "Supported"}
    assert doj_kinds == ["announcement_added"]
    assert kinds(api_client.get(f"{URL}?agency=fbi&kind=announcement_added")) == []


def test_cursor_pages_hold_still_while_changes_arrive(api_client):
    commitment = CommitmentFactory()
    for day in range(1, 6):
        with recorded(at(2020, 1, day)):
            ProgressUpdateFactory(commitment=commitment)

    first = api_client.get(f"{URL}?kind=progress_added&page_size=2").json()
    assert set(first) == {"next", "previous", "results"}
    ProgressUpdateFactory(commitment=commitment)  # arrives between two reads
    second = api_client.get(first["next"]).json()
    third = api_client.get(second["next"]).json()

    days = [r["recorded_at"][:10] for r in first["results"] + second["results"]]
    days += [r["recorded_at"][:10] for r in third["results"]]
    assert days == [f"2020-01-0{day}" for day in (5, 4, 3, 2, 1)]
    assert third["next"] is None
    back = api_client.get(second["previous"]).json()
    assert [r["recorded_at"][:10] for r in back["results"]] == [
        "2020-01-05",
        "2020-01-04",
    ]


@pytest.mark.usefixtures("no_response_cache")
@pytest.mark.parametrize("entries", [3, 40])
def test_the_changes_feed_costs_a_fixed_number_of_queries(
    api_client, django_assert_num_queries, entries
):
    agency = AgencyFactory(slug="doj")
    commitment = CommitmentFactory(lead_agency=agency)
    ProgressUpdateFactory.create_batch(entries, commitment=commitment)

    with django_assert_num_queries(4):
        # 1. SAVEPOINT: the request's transaction inside the test's
        # 2. the agency named by ?agency=
        # 3. the page of entries, with announcement, commitment and author joined
        # 4. RELEASE SAVEPOINT
        response = api_client.get(f"{URL}?agency=doj&page_size=100")

    assert len(response.json()["results"]) == entries + 1  # and commitment_added


def test_recorded_at_is_the_applications_clock(api_client):
    moment = at(2021, 5, 6, 7, 8, 9)
    with recorded(moment):
        CommitmentFactory()

    entry = api_client.get(f"{URL}?kind=commitment_added").json()["results"][0]

    assert datetime.datetime.fromisoformat(entry["recorded_at"]) == moment
    assert timezone.is_aware(datetime.datetime.fromisoformat(entry["recorded_at"]))
