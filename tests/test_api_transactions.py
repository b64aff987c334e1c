"""Each request is one transaction: a failure after the progress row is written
leaves neither the row nor the commitment's new status."""

import pytest
from rest_framework.test import APIClient

from commitments.models import Commitment, ProgressUpdate
from tests.conftest import authorize
from tests.factories import CommitmentFactory, UserFactory

# Committed for real, as in production: no test transaction to hide behind.
pytestmark = pytest.mark.django_db(transaction=True)


def test_failure_after_the_row_is_written_leaves_nothing(monkeypatch):
    # A superuser, not a maintainer: the flush between transactional tests also
    # removes the Maintainers group that the migrations made.
    superuser = UserFactory(is_superuser=True)
    commitment = CommitmentFactory()
    take_status = Commitment.take_status

    def fail_after_status_refresh(self, *args, **kwargs):
        take_status(self, *args, **kwargs)
        if self.status == "in_progress":
            raise RuntimeError("forced failure after both writes")

    monkeypatch.setattr(Commitment, "take_status", fail_after_status_refresh)
    client = authorize(APIClient(raise_request_exception=False), superuser)

    response = client.post(
        f"/api/v1/commitments/{commitment.pk}/updates/",
        {"reported_on": "2018-05-01", "status": "in_progress", "summary": "Begun."},
    )

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
    assert not ProgressUpdate.objects.exists()
    commitment.refresh_from_db()
    assert (commitment.status, commitment.version) == ("not_rated", 1)
    assert commitment.history.count() == 1
