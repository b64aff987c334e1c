"""Two editors save the same commitment at the same moment, both from the version
they opened: exactly one save is applied, the other is refused (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from commitments.models import Commitment
from tests.admin_forms import form_data
from tests.factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time (IMMEDIATE transactions), so the two "
    "saves cannot overlap there.",
)


def test_of_two_simultaneous_saves_exactly_one_is_applied(transactional_db):
    commitment = CommitmentFactory()
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    users = [
        UserFactory(username=f"maintainer{n}", is_staff=True, is_superuser=True)
        for n in range(2)
    ]
    clients, forms = [], []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
        forms.append(form_data(client.get(url)))
    start = threading.Barrier(2)
    statuses = [None, None]

    def save(n):
        try:
            forms[n]["description"] = f"Edit by maintainer{n}."
            start.wait()
            statuses[n] = clients[n].post(url, forms[n]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=[n]) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # 302: saved and redirected; 200: the form again, with the refusal.
    assert sorted(statuses) == [200, 302]
    winner = statuses.index(302)
    commitment = Commitment.objects.get(pk=commitment.pk)
    assert commitment.description == f"Edit by maintainer{winner}."
    assert commitment.version == 2


def test_a_save_reads_the_commitment_locked_with_its_announcement(db, client):
    # So that a check or a progress update that commits meanwhile is not written
    # over by the save's copy of the row, and a date correction waits for it.
    from django.test.utils import CaptureQueriesContext

    commitment = CommitmentFactory()
    url = reverse("admin:commitments_commitment_change", args=[commitment.pk])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = form_data(client.get(url))
    data["description"] = "Edited."

    with CaptureQueriesContext(connection) as captured:
        assert client.post(url, data).status_code == 302

    locked = [
        q["sql"]
        for q in captured.captured_queries
        if "FOR UPDATE OF" in q["sql"] and '"commitments_announcement"' in q["sql"]
    ]
    assert locked, "the commitment and its announcement are read FOR UPDATE"
