"""A list or a detail costs the same number of queries whatever the page size and
however many progress updates and supporting agencies each commitment has."""

import pytest

from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


def make_commitments(count, updates_each):
    announcement = AnnouncementFactory()
    supporting = AgencyFactory()
    commitments = CommitmentFactory.create_batch(count, announcement=announcement)
    for commitment in commitments:
        commitment.supporting_agencies.add(supporting)
        ProgressUpdateFactory.create_batch(updates_each, commitment=commitment)
    return commitments


@pytest.mark.parametrize("count, updates_each", [(2, 1), (30, 4)])
def test_list_query_count_is_constant(
    api_client, django_assert_num_queries, count, updates_each
):
    make_commitments(count, updates_each)

    with django_assert_num_queries(6):
        # 1. SAVEPOINT: the request's transaction inside the test's
        # 2. COUNT for the page numbers
        # 3. the page of commitments, with announcement, lead agency and topic
        #    joined and overdue/late computed in SQL
        # 4. the page's supporting agencies
        # 5. the page's latest updates, one per commitment (a window function),
        #    with their authors joined
        # 6. RELEASE SAVEPOINT
        response = api_client.get(
            "/api/v1/commitments/?page_size=100&status=in_progress&ordering=-due_date"
        )

    assert len(response.json()["results"]) == count
    assert all(row["latest_update"] for row in response.json()["results"])


@pytest.mark.parametrize("updates", [1, 20])
def test_detail_query_count_is_constant(api_client, django_assert_num_queries, updates):
    (commitment,) = make_commitments(1, updates)

    with django_assert_num_queries(5):
        # 1. SAVEPOINT
        # 2. the commitment, with announcement, lead agency and topic joined
        # 3. its supporting agencies
        # 4. its latest update with the author joined
        # 5. RELEASE SAVEPOINT
        response = api_client.get(f"/api/v1/commitments/{commitment.pk}/")

    assert response.json()["latest_update"] is not None


@pytest.mark.parametrize("count", [2, 30])
def test_feed_query_count_is_constant(api_client, django_assert_num_queries, count):
    make_commitments(count, 2)

    with django_assert_num_queries(4):
        # 1. SAVEPOINT
        # 2. COUNT
        # 3. the page of updates with their authors joined
        # 4. RELEASE SAVEPOINT
        api_client.get("/api/v1/updates/?page_size=100")


@pytest.mark.parametrize("count", [2, 30])
def test_timeline_query_count_is_constant(api_client, django_assert_num_queries, count):
    (commitment,) = make_commitments(1, count)

    with django_assert_num_queries(5):
        # 1. SAVEPOINT
        # 2. the commitment (it must exist)
        # 3. COUNT of its updates
        # 4. the page of updates with their authors joined
        # 5. RELEASE SAVEPOINT
        api_client.get(f"/api/v1/commitments/{commitment.pk}/updates/")


@pytest.mark.parametrize("updates", [1, 20])
def test_revalidation_costs_what_the_detail_costs(
    api_client, django_assert_num_queries, updates
):
    (commitment,) = make_commitments(1, updates)
    url = f"/api/v1/commitments/{commitment.pk}/"
    etag = api_client.get(url)["ETag"]

    # The ETag is the hash of the representation (tracker.caching), so a 304 reads
    # what the 200 reads, and saves the client the body.
    with django_assert_num_queries(5):
        # 1. SAVEPOINT
        # 2. the commitment, with announcement, lead agency and topic joined
        # 3. its supporting agencies
        # 4. its latest update with the author joined
        # 5. RELEASE SAVEPOINT
        response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
