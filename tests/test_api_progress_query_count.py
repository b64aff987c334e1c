"""A progress POST (the write bench/run.py measures) costs the same number of
queries however long the commitment's timeline already is."""

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

    with django_assert_num_queries(23):
        # 1. SAVEPOINT: the request's transaction inside the test's
        # 2. the token by its key, with its user (knox)
        # 3. the user's other tokens (knox deletes expired ones)
        # 4. the commitment
        # 5. the user's own permissions
        # 6. the user's groups' permissions
        # 7. the announcement (an update may not predate it)
        # 8. SAVEPOINT: the insert may lose an Idempotency-Key race
        # 9. SAVEPOINT: ProgressUpdate.save()'s transaction
        # 10. INSERT the update
        # 11. INSERT its history record
        # 12. SELECT ... FOR UPDATE the commitment, so writers settle its status
        #     in turn
        # 13. its latest update, whose status it takes
        # 14. the announcement (Commitment.clean: the quote is in its text)
        # 15. UPDATE the commitment's status and version
        # 16. INSERT its history record
        # 17. its updated_at (django-simple-history, for the many-to-many history)
        # 18. its supporting agencies, for that history
        # 19. INSERT its entry in the changes feed (progress_added)
        # 20.-21. RELEASE the inner two savepoints
        # 22. the new update's corrections (none), for the response
        # 23. RELEASE the request's savepoint
        response = api_client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/", body, format="json"
        )

    assert response.status_code == 201
