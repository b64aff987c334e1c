"""Opposite parent changes sent at the same moment never both succeed (one wins,
the other is refused or told to retry), and a write that loses a race at the COMMIT
of its transaction answers 409 with a Retry-After, never a 500."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from rest_framework.test import APIClient

from commitments.models import Agency, Commitment, ProgressUpdate
from tests.conftest import authorize
from tests.factories import AgencyFactory, CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time: its transactions cannot deadlock.",
)


def at_once(*requests):
    """Run each request in its own thread (and database connection), released
    together; return their responses in order."""
    start = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def run(n):
        try:
            start.wait()
            responses[n] = requests[n]()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=[n]) for n in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def client_of(user):
    return authorize(APIClient(raise_request_exception=False), user)


def assert_one_won(responses):
    statuses = sorted(r.status_code for r in responses)
    assert statuses[0] == 200
    assert statuses[1] in (400, 409)
    loser = max(responses, key=lambda r: r.status_code)
    if loser.status_code == 409:
        assert loser["Retry-After"] == "1"
    else:
        assert list(loser.json()) == ["parent"]


def test_opposite_agency_parents_at_once_never_make_a_loop(superuser):
    AgencyFactory(slug="a")
    AgencyFactory(slug="b")
    clients = [client_of(superuser), client_of(superuser)]

    responses = at_once(
        lambda: clients[0].patch("/api/v1/agencies/a/", {"parent": "b"}),
        lambda: clients[1].patch("/api/v1/agencies/b/", {"parent": "a"}),
    )

    assert_one_won(responses)
    parents = dict(Agency.objects.values_list("slug", "parent__slug"))
    assert parents in ({"a": "b", "b": None}, {"a": None, "b": "a"})


def test_opposite_commitment_parents_at_once_never_make_a_loop(superuser):
    a = CommitmentFactory()
    b = CommitmentFactory(announcement=a.announcement)
    clients = [client_of(superuser), client_of(superuser)]

    def set_parent(client, child, parent):
        url = f"/api/v1/commitments/{child.pk}/"
        etag = client.get(url)["ETag"]
        return lambda: client.patch(url, {"parent": parent.pk}, HTTP_IF_MATCH=etag)

    responses = at_once(set_parent(clients[0], a, b), set_parent(clients[1], b, a))

    assert_one_won(responses)
    parents = dict(Commitment.objects.values_list("pk", "parent_id"))
    assert parents in ({a.pk: b.pk, b.pk: None}, {a.pk: None, b.pk: a.pk})


def wait_until_another_session_waits_for_a_lock(cursor):
    for _ in range(500):
        # Within a transaction pg_stat_activity keeps its first reading unless
        # told to take a new one.
        cursor.execute(
            "SELECT pg_stat_clear_snapshot(), count(*) FROM pg_stat_activity "
            "WHERE pid <> pg_backend_pid() AND datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        if cursor.fetchone()[1]:
            return
        time.sleep(0.02)
    raise AssertionError("The request never waited for the lock.")


@postgresql_only
def test_a_deadlock_at_commit_is_409_with_retry_after(superuser):
    """The progress POST locks its commitment, then at COMMIT checks its deferred
    foreign key to the author, whose row this test holds; the test then asks for
    the commitment: a real deadlock, which PostgreSQL breaks by failing the
    request's COMMIT (its deadlock timeout ends first)."""
    commitment = CommitmentFactory()
    client = client_of(superuser)
    url = f"/api/v1/commitments/{commitment.pk}/updates/"
    body = {"reported_on": "2018-05-01", "status": "in_progress", "summary": "Begun."}
    responses = []

    def post():
        try:
            responses.append(client.post(url, body))
        finally:
            connection.close()

    with transaction.atomic(), connection.cursor() as cursor:
        # PostgreSQL fails the session whose deadlock timeout ends first: the
        # request's (1s by default, counted from when it began to wait), as this
        # session closes the loop at once and waits far longer before checking.
        cursor.execute("SET LOCAL deadlock_timeout = '30s'")
        get_user_model().objects.select_for_update().get(pk=superuser.pk)
        request = threading.Thread(target=post)
        request.start()
        wait_until_another_session_waits_for_a_lock(cursor)
        Commitment.objects.select_for_update().get(pk=commitment.pk)
    request.join(timeout=60)

    (response,) = responses
    assert response.status_code == 409
    assert response["Retry-After"] == "1"
    assert "Send it again" in response.json()["detail"]
    assert not ProgressUpdate.objects.exists()
    assert Commitment.objects.get(pk=commitment.pk).status == "not_rated"
