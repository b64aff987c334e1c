"""?cursor= on the commitment list: keyset pagination for deep reads and exports,
opted into beside the page numbers, which stay the default."""

import pytest

from commitments.models import Status
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitments():
    announcement = AnnouncementFactory()
    return CommitmentFactory.create_batch(7, announcement=announcement)


def test_a_cursor_walks_every_row_in_id_order_without_a_count(api_client, commitments):
    seen, url = [], "/api/v1/commitments/?cursor=&page_size=3"
    while url:
        body = api_client.get(url).json()
        assert body["count"] is None
        assert len(body["results"]) <= 3
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    assert seen == sorted(c.pk for c in commitments)


def test_previous_leads_back_to_the_page_before(api_client, commitments):
    first = api_client.get("/api/v1/commitments/?cursor=&page_size=3").json()
    second = api_client.get(first["next"]).json()

    assert first["previous"] is None
    back = api_client.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]


def test_a_cursor_keeps_the_filters(api_client, commitments):
    doj = AgencyFactory(slug="doj")
    for commitment in commitments[::2]:
        commitment.lead_agency = doj
        commitment.save()
    ProgressUpdateFactory(commitment=commitments[0], status=Status.STALLED)

    url = "/api/v1/commitments/?cursor=&page_size=2&lead_agency=doj"
    first = api_client.get(url).json()
    rest = api_client.get(first["next"]).json()

    ids = [r["id"] for r in first["results"] + rest["results"]]
    assert ids == [c.pk for c in commitments[::2]]
    stalled = api_client.get("/api/v1/commitments/?cursor=&status=stalled").json()
    assert [r["id"] for r in stalled["results"]] == [commitments[0].pk]


def test_page_numbers_stay_the_default(api_client, commitments):
    body = api_client.get("/api/v1/commitments/?page_size=3&page=2").json()

    assert body["count"] == 7
    assert "page=3" in body["next"]
    assert [r["id"] for r in body["results"]] == [c.pk for c in commitments[3:6]]


@pytest.mark.parametrize("other", ["ordering=title", "page=2"])
def test_a_cursor_with_ordering_or_page_gets_400(api_client, commitments, other):
    response = api_client.get(f"/api/v1/commitments/?cursor=&{other}")

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_an_empty_ordering_is_no_ordering_with_a_cursor_too(api_client, commitments):
    # As without a cursor, where `ordering=` orders by id.
    response = api_client.get("/api/v1/commitments/?cursor=&ordering=&page_size=3")

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [
        c.pk for c in commitments[:3]
    ]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        "cD1hYmM=",  # p=abc: not an id
        "cD0xMjM0NTY3ODkwMTIzNDU2Nzg5MDEy",  # p=1234567890123456789012: too long
        "bz0tMQ==",  # o=-1
    ],
)
def test_a_malformed_cursor_gets_400_naming_it(api_client, commitments, cursor):
    response = api_client.get(f"/api/v1/commitments/?cursor={cursor}")

    assert response.status_code == 400
    assert list(response.json()) == ["cursor"]


def test_the_timeline_pages_by_number_only(api_client, commitments):
    commitment = commitments[0]
    ProgressUpdateFactory.create_batch(2, commitment=commitment)
    url = f"/api/v1/commitments/{commitment.pk}/updates/"

    by_cursor = api_client.get(f"{url}?cursor=")
    by_number = api_client.get(f"{url}?page=1")

    assert by_cursor.status_code == 400
    assert by_cursor.json() == {"cursor": ["Unknown query parameter."]}
    assert by_number.json()["count"] == 2


@pytest.mark.usefixtures("no_response_cache")
@pytest.mark.parametrize("page_size", [2, 100])
def test_a_cursor_page_runs_no_count(
    api_client, commitments, django_assert_num_queries, page_size
):
    with django_assert_num_queries(6):
        # 1. SAVEPOINT: the request's transaction inside the test's
        # 2. page_size + 1 commitments after the cursor's id (the extra row
        #    tells whether there is a next page), with the slugs and names
        #    they show of announcement, lead agency and topic
        # 3. the page's supporting agencies
        # 4. the page's latest updates, one per commitment, with their authors'
        #    usernames (and none corrected: no query for corrections)
        # 5. the page's deadline changes with their authors' usernames
        # 6. RELEASE SAVEPOINT
        response = api_client.get(f"/api/v1/commitments/?cursor=&page_size={page_size}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, len(commitments))
