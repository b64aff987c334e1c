"""A progress POST (the write bench/run.py measures) costs the same number of
queries however long the commitment's timeline already is: ten statements besides
the request's own transaction (nine for a superuser, whose permissions are not
read; one more to record the supporting agencies in the commitment's history when
it has some)."""

import pytest

from tests.conftest import authorize
from tests.factories import CommitmentFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("existing", [1, 20])
def test_progress_post_query_count_is_constant(
    api_client, maintainer, django_assert_num_queries, existing
):
    commitment = CommitmentFactory()
    ProgressUpdateFactory.create_batch(existing, commitment=commitment)
    authorize(api_client, maintainer)
    body = {"reported_on": "2019-01-02", "status": "stalled", "summary": "Blocked."}

    with django_assert_num_queries(12):
        # 1. SAVEPOINT: the request's transaction inside the test's (BEGIN in
        #    production, which Django does not count)
        # 2. the token by its key, with its user (knox; expired tokens of the user
        #    are deleted at sign-in, not on every request)
        # 3. SELECT ... FOR UPDATE the commitment, with its announcement (an update
        #    may not predate it), so writers settle its status in turn
        # 4. the user's permissions, their own and their groups' (one query,
        #    tracker/auth_backends.py)
        # 5. INSERT the update
        # 6. INSERT its history record
        # 7. its commitment's latest counted update, whose status it takes
        # 8. UPDATE the commitment's status and version
        # 9. INSERT its history record
        # 10. its supporting agencies, for that history (none here: nothing to
        #     insert)
        # 11. INSERT its entry in the changes feed (progress_added)
        # 12. RELEASE the request's savepoint (COMMIT in production)
        response = api_client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/", body, format="json"
        )

    assert response.status_code == 201
