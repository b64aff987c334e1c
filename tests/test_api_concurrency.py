"""Real parallel requests against a live server: of N clients that PATCH one
commitment with the same If-Match exactly one wins (the rest get 412), and N
parallel retries of one Idempotency-Key create one progress update."""

import threading

import pytest
import requests
from knox.models import AuthToken

from commitments.models import Commitment, ProgressUpdate
from tests.factories import CommitmentFactory, ProgressUpdateFactory, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLIENTS = 6


def in_parallel(request, count=CLIENTS):
    """Send `count` requests at once (threads released together); return the
    responses."""
    barrier = threading.Barrier(count)
    responses = [None] * count

    def run(n):
        barrier.wait()
        responses[n] = request()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


@pytest.fixture
def token():
    user = UserFactory(is_staff=True, is_superuser=True)
    return AuthToken.objects.create(user=user)[1]


def test_same_if_match_exactly_one_writer_wins(live_server, token):
    commitment = CommitmentFactory(title="Original")
    url = f"{live_server.url}/api/v1/commitments/{commitment.pk}/"
    headers = {"Authorization": f"Token {token}"}
    etag = requests.get(url, timeout=30).headers["ETag"]
    titles = iter(f"Writer {n}" for n in range(CLIENTS))
    lock = threading.Lock()

    def patch():
        with lock:
            title = next(titles)
        return requests.patch(
            url,
            json={"title": title},
            headers={**headers, "If-Match": etag},
            timeout=30,
        )

    responses = in_parallel(patch)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * (CLIENTS - 1)
    winner = next(r for r in responses if r.status_code == 200)
    commitment = Commitment.objects.get(pk=commitment.pk)
    assert commitment.title == winner.json()["title"]
    assert commitment.version == 2
    assert commitment.history.count() == 2  # created, and the one winning write
    for loser in (r for r in responses if r.status_code == 412):
        assert loser.headers["ETag"] == winner.headers["ETag"]


def test_parallel_retries_of_one_idempotency_key_create_one_update(live_server, token):
    commitment = CommitmentFactory()
    url = f"{live_server.url}/api/v1/commitments/{commitment.pk}/updates/"
    body = {"reported_on": "2018-05-01", "status": "in_progress", "summary": "Begun."}

    def post():
        return requests.post(
            url,
            json=body,
            headers={"Authorization": f"Token {token}", "Idempotency-Key": "once"},
            timeout=30,
        )

    responses = in_parallel(post)

    assert [r.status_code for r in responses] == [201] * CLIENTS
    assert len({r.json()["id"] for r in responses}) == 1
    assert ProgressUpdate.objects.count() == 1
    assert Commitment.objects.get(pk=commitment.pk).status == "in_progress"


def test_parallel_progress_posts_all_land(live_server, token):
    commitment = CommitmentFactory()
    url = f"{live_server.url}/api/v1/commitments/{commitment.pk}/updates/"
    days = iter(range(1, CLIENTS + 1))
    lock = threading.Lock()

    def post():
        with lock:
            day = next(days)
        return requests.post(
            url,
            json={
                "reported_on": f"2018-05-{day:02d}",
                "status": "in_progress" if day < CLIENTS else "stalled",
                "summary": f"Report of day {day}.",
            },
            headers={"Authorization": f"Token {token}"},
            timeout=30,
        )

    responses = in_parallel(post)

    assert [r.status_code for r in responses] == [201] * CLIENTS
    assert ProgressUpdate.objects.filter(commitment=commitment).count() == CLIENTS
    # Whatever order they were written in, the latest report sets the status.
    assert Commitment.objects.get(pk=commitment.pk).status == "stalled"


def test_concurrent_corrections_with_one_etag_one_wins(live_server, token):
    update = ProgressUpdateFactory(summary="As entered.")
    url = f"{live_server.url}/api/v1/updates/{update.pk}/"
    headers = {"Authorization": f"Token {token}"}
    etag = requests.get(url, timeout=30).headers["ETag"]
    notes = iter(f"Correction {n}" for n in range(CLIENTS))
    lock = threading.Lock()

    def correct():
        with lock:
            note = next(notes)
        return requests.patch(
            url,
            json={"summary": note, "correction_note": note},
            headers={**headers, "If-Match": etag},
            timeout=30,
        )

    responses = in_parallel(correct)

    assert sorted(r.status_code for r in responses) == [200] + [412] * (CLIENTS - 1)
    winner = next(r for r in responses if r.status_code == 200).json()
    assert [c["note"] for c in winner["corrections"]] == [winner["summary"]]
    assert ProgressUpdate.objects.get(pk=update.pk).summary == winner["summary"]
    assert update.corrections.count() == 1


def test_concurrent_retractions_one_wins(live_server, token):
    update = ProgressUpdateFactory()
    url = f"{live_server.url}/api/v1/updates/{update.pk}/retract/"
    headers = {"Authorization": f"Token {token}"}

    responses = in_parallel(
        lambda: requests.post(
            url, json={"reason": "Wrong."}, headers=headers, timeout=30
        )
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses[0] == 200
    assert set(statuses[1:]) <= {400, 409}
    assert (
        ProgressUpdate.history.filter(id=update.pk, retracted_at__isnull=False).count()
        == 1
    )


def test_posts_and_retractions_on_one_commitment_in_parallel_all_land(
    live_server, token
):
    """Progress POSTs (which lock the commitment, then write) and retractions
    (which write the update, then lock the commitment) on one commitment at once:
    none waits for the other forever, and every anonymous read afterwards (kept
    by the response cache or not) shows the result."""
    commitment = CommitmentFactory()
    retractable = ProgressUpdateFactory.create_batch(3, commitment=commitment)
    detail = f"{live_server.url}/api/v1/commitments/{commitment.pk}/"
    requests.get(detail, timeout=30)  # kept
    headers = {"Authorization": f"Token {token}"}
    work = iter(
        [("retract", update.pk) for update in retractable]
        + [("post", day) for day in range(1, CLIENTS - 2)]
    )
    lock = threading.Lock()

    def write():
        with lock:
            kind, value = next(work)
        if kind == "retract":
            return requests.post(
                f"{live_server.url}/api/v1/updates/{value}/retract/",
                json={"reason": "Wrong."},
                headers=headers,
                timeout=30,
            )
        return requests.post(
            f"{detail}updates/",
            json={
                "reported_on": f"2018-06-{value:02d}",
                "status": "stalled",
                "summary": f"Day {value}.",
            },
            headers=headers,
            timeout=30,
        )

    responses = in_parallel(write, count=CLIENTS)

    assert sorted(r.status_code for r in responses) == [200] * 3 + [201] * (CLIENTS - 3)
    stored = Commitment.objects.get(pk=commitment.pk)
    assert stored.status == "stalled"
    shown = requests.get(detail, timeout=30).json()
    assert (shown["status"], shown["version"]) == (stored.status, stored.version)
