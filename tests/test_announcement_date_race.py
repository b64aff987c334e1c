"""A correction of an announcement's date and a write on one of its commitments
at the same moment: the write waits for the correction (both lock the
announcement's row: Announcement.save, the API's locks_with) and is then judged
against the new date, so nothing on a commitment ends up predating its
announcement."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from rest_framework.test import APIClient

from commitments.models import Announcement, Commitment, ProgressUpdate
from tests.conftest import authorize
from tests.factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def while_the_date_is_corrected(write):
    """Run `write` while another connection holds a correction of the
    announcement's date to 2018-04-01, uncommitted; return what it returned or
    raised, once both are done."""
    saved, release = threading.Event(), threading.Event()
    outcome = []

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

    def run_the_write():
        try:
            outcome.append(write())
        except Exception as error:  # noqa: BLE001 - returned to the test
            outcome.append(error)
        finally:
            connection.close()

    correction = threading.Thread(target=correct_the_date)
    correction.start()
    assert saved.wait(timeout=30)
    writer = threading.Thread(target=run_the_write)
    writer.start()
    # The write waits for the correction's lock; it has not finished yet.
    time.sleep(0.5)
    assert outcome == []
    release.set()
    correction.join(timeout=30)
    writer.join(timeout=30)
    (result,) = outcome
    assert Announcement.objects.get().announced_on == datetime.date(2018, 4, 1)
    return result


def test_progress_sent_during_a_date_correction_is_judged_by_the_new_date():
    commitment = CommitmentFactory()
    client = authorize(
        APIClient(raise_request_exception=False),
        UserFactory(is_staff=True, is_superuser=True),
    )

    response = while_the_date_is_corrected(
        lambda: client.post(
            f"/api/v1/commitments/{commitment.pk}/updates/",
            {
                "reported_on": "2018-03-20",
                "status": "in_progress",
                "summary": "Begun.",
            },
            format="json",
        )
    )

    assert response.status_code == 400, response.content
    assert "reported_on" in response.json()
    assert not ProgressUpdate.objects.exists()


def test_progress_saved_by_the_model_during_a_correction_is_judged_by_it_too():
    # As the admin and the commands save it.
    commitment = CommitmentFactory()

    refused = while_the_date_is_corrected(
        lambda: ProgressUpdate(
            commitment=Commitment.objects.get(pk=commitment.pk),
            reported_on=datetime.date(2018, 3, 20),
            status="in_progress",
            summary="Begun.",
            source_url="https://www.justice.gov/example",
        ).save()
    )

    assert isinstance(refused, ValidationError)
    assert "reported_on" in refused.message_dict
    assert not ProgressUpdate.objects.exists()
