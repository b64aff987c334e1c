"""A correction of an announcement's date and a write on one of its commitments
at the same moment: the write waits for the correction (both lock the
announcement's row: Announcement.save, the API's locks_with) and is then judged
against the new date, so nothing on a commitment ends up predating its
announcement."""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from commitments.models import Announcement, ProgressUpdate
from tests.conftest import authorize
from tests.factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_progress_sent_during_a_date_correction_is_judged_by_the_new_date():
    commitment = CommitmentFactory()
    client = authorize(
        APIClient(raise_request_exception=False),
        UserFactory(is_staff=True, is_superuser=True),
    )
    saved, release = threading.Event(), threading.Event()
    responses = []

    def correct_the_date():
        try:
            with transaction.atomic():
                announcement = Announcement.objects.get()
                announcement.announced_on = datetime.date(2018, 4, 1)
                announcement.save()
                saved.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    def post_progress():
        try:
            responses.append(
                client.post(
                    f"/api/v1/commitments/{commitment.pk}/updates/",
                    {
                        "reported_on": "2018-03-20",
                        "status": "in_progress",
                        "summary": "Begun.",
                    },
                    format="json",
                )
            )
        finally:
            connection.close()

    correction = threading.Thread(target=correct_the_date)
    correction.start()
    assert saved.wait(timeout=30)
    post = threading.Thread(target=post_progress)
    post.start()
    # The POST waits for the correction's lock; it has not answered yet.
    time.sleep(0.5)
    assert responses == []
    release.set()
    correction.join(timeout=30)
    post.join(timeout=30)

    (response,) = responses
    assert response.status_code == 400, response.content
    assert "reported_on" in response.json()
    assert not ProgressUpdate.objects.exists()
    assert Announcement.objects.get().announced_on == datetime.date(2018, 4, 1)
