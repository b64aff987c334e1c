"""Idempotent progress posts: an Idempotency-Key, scoped to the user, makes a
retry return the first response and add nothing; reusing it for another body is
422. (The race between retries is in test_api_concurrency.py.)"""

import pytest

from commitments.models import ProgressUpdate
from tests.conftest import authorize
from tests.factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = {"reported_on": "2018-05-01", "status": "in_progress", "summary": "Begun."}


@pytest.fixture
def commitment():
    return CommitmentFactory()


def post(client, commitment, body=BODY, key="key-1"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"/api/v1/commitments/{commitment.pk}/updates/", body, **headers)


def test_retry_returns_the_first_response_and_adds_nothing(
    api_client, maintainer, commitment
):
    authorize(api_client, maintainer)
    first = post(api_client, commitment)

    retry = post(api_client, commitment)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["Location"] == first["Location"] == first.json()["url"]
    assert ProgressUpdate.objects.count() == 1
    assert ProgressUpdate.objects.get().idempotency_key == "key-1"


def test_same_key_with_another_body_is_422(api_client, maintainer, commitment):
    authorize(api_client, maintainer)
    post(api_client, commitment)

    response = post(api_client, commitment, {**BODY, "summary": "Different."})

    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["detail"]
    assert ProgressUpdate.objects.count() == 1


def test_same_key_on_another_commitment_is_422(api_client, maintainer, commitment):
    authorize(api_client, maintainer)
    post(api_client, commitment)

    response = post(api_client, CommitmentFactory())

    assert response.status_code == 422


def test_keys_are_scoped_to_the_user(api_client, maintainer, commitment):
    other = UserFactory(is_superuser=True)
    post(authorize(api_client, maintainer), commitment)

    response = post(authorize(api_client, other), commitment)

    assert response.status_code == 201
    assert ProgressUpdate.objects.count() == 2


def test_without_a_key_each_post_adds_a_row(api_client, maintainer, commitment):
    authorize(api_client, maintainer)

    post(api_client, commitment, key=None)
    post(api_client, commitment, key=None)

    assert ProgressUpdate.objects.count() == 2


def test_invalid_body_with_a_key_stores_nothing_and_can_be_fixed(
    api_client, maintainer, commitment
):
    authorize(api_client, maintainer)

    assert post(api_client, commitment, {**BODY, "status": "done"}).status_code == 400
    assert post(api_client, commitment).status_code == 201
    assert ProgressUpdate.objects.count() == 1


@pytest.mark.parametrize("key", ["k" * 256, "", "a\x00b", "tab\there"])
def test_unusable_key_is_400_naming_the_header(api_client, maintainer, commitment, key):
    authorize(api_client, maintainer)

    response = post(api_client, commitment, key=key)

    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
    assert not ProgressUpdate.objects.exists()


def as_wsgi(text):
    """A header value as WSGI hands it to Django: its UTF-8 bytes read as Latin-1."""
    return text.encode("utf-8").decode("latin-1")


def test_a_utf8_key_round_trips(api_client, maintainer, commitment):
    authorize(api_client, maintainer)
    first = post(api_client, commitment, key=as_wsgi("clé-été-1"))

    retry = post(api_client, commitment, key=as_wsgi("clé-été-1"))
    other = post(api_client, commitment, key=as_wsgi("clé-été-2"))

    assert first.status_code == retry.status_code == other.status_code == 201
    assert retry.json() == first.json()
    assert other.json()["id"] != first.json()["id"]
    assert ProgressUpdate.objects.get(pk=first.json()["id"]).idempotency_key == (
        "clé-été-1"
    )


def test_a_key_that_is_not_utf8_is_400(api_client, maintainer, commitment):
    authorize(api_client, maintainer)

    response = post(api_client, commitment, key="caf\xe9")

    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
