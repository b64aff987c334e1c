"""A list or a detail costs the same number of queries whatever the page size and
however many progress updates, deadline changes and supporting agencies each
commitment has."""

import pytest
from django.utils import timezone

from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
)

# The work itself, with the response cache off (tests/test_response_cache.py
# counts a kept response's queries).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_response_cache")]


def make_commitments(count, updates_each, corrected=False):
    """Each commitment with `updates_each` progress updates and as many deadline
    changes; with `corrected`, each update corrected once."""
    announcement = AnnouncementFactory()
    supporting = AgencyFactory()
    commitments = CommitmentFactory.create_batch(
        count, announcement=announcement, time_bound=True
    )
    for commitment in commitments:
        commitment.supporting_agencies.add(supporting)
        for extra_days in range(updates_each):
            commitment.due_in_days += extra_days + 1
            commitment.deadline_change_reason = "Extended."
            commitment.save()
        updates = ProgressUpdateFactory.create_batch(
            updates_each, commitment=commitment
        )
        for update in updates if corrected else []:
            update.summary += " Corrected."
            update.correction_note = "A fuller summary."
            update.corrected_by = update.author
            update.save()
    return commitments


# The corrections of the updates shown, where any has some: one query, however
# many (ProgressUpdateQuerySet.with_corrections); none where none has.
CORRECTED = pytest.mark.parametrize("corrected", [False, True])


@CORRECTED
@pytest.mark.parametrize("count, updates_each", [(2, 1), (30, 4)])
def test_list_query_count_is_constant(
    api_client, django_assert_num_queries, count, updates_each, corrected
):
    make_commitments(count, updates_each, corrected)

    with django_assert_num_queries(7 + corrected):
        # 1. SAVEPOINT: the request's transaction inside the test's
        # 2. COUNT for the page numbers (joining nothing: CountedApart)
        # 3. the page of commitments, with the slugs of announcement and topic
        #    and the lead agency's slug and name (ReadsRef)
        # 4. the page's supporting agencies
        # 5. the page's latest updates, one per commitment (a subquery per
        #    update), with their authors' usernames
        # 6. the page's deadline changes with their authors' usernames
        # (+1 when corrected: those updates' corrections, with their authors' usernames)
        # 7. RELEASE SAVEPOINT
        response = api_client.get(
            "/api/v1/commitments/?page_size=100&status=in_progress&ordering=-due_date"
        )

    assert len(response.json()["results"]) == count
    assert all(row["latest_update"] for row in response.json()["results"])
    assert all(
        [c["author"] for c in row["latest_update"]["corrections"]]
        == [row["latest_update"]["author"]] * corrected
        for row in response.json()["results"]
    )
    assert all(
        len(row["deadline_changes"]) == updates_each
        for row in response.json()["results"]
    )


@CORRECTED
@pytest.mark.parametrize("read_as_of", [False, True])
@pytest.mark.parametrize("updates", [1, 20])
def test_detail_query_count_is_constant(
    api_client, django_assert_num_queries, updates, read_as_of, corrected
):
    (commitment,) = make_commitments(1, updates, corrected)
    # Read as of today, everything shows (through the filterset, which a detail
    # without a query string does without).
    as_of = f"?as_of={timezone.localdate().isoformat()}" if read_as_of else ""

    with django_assert_num_queries(6 + corrected):
        # 1. SAVEPOINT
        # 2. the commitment, with the slugs of announcement and topic and the
        #    lead agency's slug and name
        # 3. its supporting agencies
        # 4. its latest update with the author's username
        # 5. its deadline changes with their authors' usernames
        # (+1 when corrected: that update's corrections)
        # 6. RELEASE SAVEPOINT
        response = api_client.get(f"/api/v1/commitments/{commitment.pk}/{as_of}")

    assert response.json()["as_of"] == (as_of.removeprefix("?as_of=") or None)
    assert len(response.json()["latest_update"]["corrections"]) == corrected
    assert len(response.json()["deadline_changes"]) == updates


@CORRECTED
@pytest.mark.parametrize("count", [2, 30])
def test_feed_query_count_is_constant(
    api_client, django_assert_num_queries, count, corrected
):
    make_commitments(count, 2, corrected)

    with django_assert_num_queries(4 + corrected):
        # 1. SAVEPOINT
        # 2. COUNT
        # 3. the page of updates with their authors' usernames (and their
        #    retractors joined)
        # (+1 when corrected: the page's corrections, with their authors' usernames)
        # 4. RELEASE SAVEPOINT
        response = api_client.get("/api/v1/updates/?page_size=100")

    assert response.status_code == 200
    assert response.json()["count"] == count * 2
    assert all(row["author"] for row in response.json()["results"])
    assert len(response.json()["results"]) == count * 2


@CORRECTED
@pytest.mark.parametrize("count", [2, 30])
def test_timeline_query_count_is_constant(
    api_client, django_assert_num_queries, count, corrected
):
    (commitment,) = make_commitments(1, count, corrected)

    with django_assert_num_queries(5 + corrected):
        # 1. SAVEPOINT
        # 2. the commitment (it must exist)
        # 3. COUNT of its updates
        # 4. the page of updates with their authors' usernames (and their
        #    retractors joined)
        # (+1 when corrected: the page's corrections, with their authors' usernames)
        # 5. RELEASE SAVEPOINT
        response = api_client.get(f"/api/v1/commitments/{commitment.pk}/updates/")

    assert response.status_code == 200
    assert response.json()["count"] == count


@CORRECTED
@pytest.mark.parametrize("updates", [1, 20])
def test_revalidation_costs_what_the_detail_costs(
    api_client, django_assert_num_queries, updates, corrected
):
    (commitment,) = make_commitments(1, updates, corrected)
    url = f"/api/v1/commitments/{commitment.pk}/"
    etag = api_client.get(url)["ETag"]

    # The ETag is the hash of the representation (tracker.caching), so a 304 reads
    # what the 200 reads, and saves the client the body.
    with django_assert_num_queries(6 + corrected):
        # 1. SAVEPOINT
        # 2. the commitment, with the slugs and names it shows
        # 3. its supporting agencies
        # 4. its latest update with the author's username
        # (+1 when corrected: that update's corrections)
        # 5. its deadline changes with their authors' usernames
        # 6. RELEASE SAVEPOINT
        response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304


@pytest.mark.parametrize("page", [1, 3])
def test_a_deep_page_by_number_costs_what_the_first_costs(
    api_client, django_assert_num_queries, page
):
    """bench/run.py's deep page (by page number): the same statements as the
    first page, an OFFSET further."""
    make_commitments(15, 1)

    with django_assert_num_queries(7):
        response = api_client.get(f"/api/v1/commitments/?page_size=5&page={page}")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 5


def test_a_commitment_write_reads_its_announcement_once(
    api_client, maintainer, django_assert_num_queries
):
    """A PATCH reads the commitment with its announcement, which the model's
    rules read (Commitment.clean: the quote is in its text), and the answer
    with what the JSON shows: no query per rule."""
    (commitment,) = make_commitments(1, 2)
    authorize(api_client, maintainer)
    url = f"/api/v1/commitments/{commitment.pk}/"
    etag = api_client.get(url)["ETag"]

    with django_assert_num_queries(16):
        # 1. SAVEPOINT
        # 2. the token with its user and the user's permissions
        # 3. SELECT ... FOR UPDATE the commitment's row (api.conditional)
        # 4. the commitment with its announcement, what its JSON shows (the
        #    ETag's representation) and its rules read
        # 5.-7. its supporting agencies, latest update, deadline changes
        # 8. UPDATE the commitment
        # 9. INSERT its history record
        # 10. INSERT ... SELECT its supporting agencies into that history
        # 11. INSERT the entry in the changes feed
        # 12.-15. the commitment as it now reads, for the answer
        # 16. RELEASE SAVEPOINT
        response = api_client.patch(
            url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=etag
        )

    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
