"""What one request may send: JSON nested no deeper than the API can read (else
400), a body no longer than DATA_UPLOAD_MAX_MEMORY_SIZE (else 413), and free text
no longer than its field's max_length (else 400 naming the field)."""

import json
import logging

import pytest

from commitments.models import ProgressUpdate
from tests.conftest import authorize
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db

PROGRESS = {"reported_on": "2018-05-01", "status": "in_progress"}


def post_raw(client, path, body):
    return client.generic("POST", path, body, content_type="application/json")


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deeply_nested_json_is_400_without_a_traceback(client, caplog, depth):
    body = "[" * depth + "]" * depth

    with caplog.at_level(logging.WARNING):
        response = post_raw(client, "/api/v1/auth/token/", body)

    assert response.status_code == 400
    assert "nest deeper than 32 levels" in response.json()["non_field_errors"][0]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_nesting_within_the_limit_is_read(client):
    body = json.dumps({"username": [[[["ann"]]]], "password": "x"})

    response = post_raw(client, "/api/v1/auth/token/", body)

    assert response.status_code == 400
    assert list(response.json()) == ["username"]


def test_a_body_over_the_limit_is_413_naming_it(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "ann", "password": "x" * 1000})

    response = post_raw(client, "/api/v1/auth/token/", body)

    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is {len(body)} bytes; the limit is 1000 bytes."
    }


def test_the_default_limit_is_2_5_mb(client, maintainer):
    client.force_login(maintainer)
    commitment = CommitmentFactory()
    body = json.dumps({**PROGRESS, "summary": "x" * 3_000_000})

    response = post_raw(client, f"/api/v1/commitments/{commitment.pk}/updates/", body)

    assert response.status_code == 413
    assert "the limit is 2621440 bytes" in response.json()["detail"]


def test_an_admin_form_over_the_limit_is_413(client, staff_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(staff_user)

    response = client.post(
        "/admin/commitments/topic/add/", {"slug": "t", "name": "x" * 2000}
    )

    assert response.status_code == 413


def test_a_progress_summary_is_at_most_10000_characters(api_client, maintainer):
    client = authorize(api_client, maintainer)
    commitment = CommitmentFactory()
    url = f"/api/v1/commitments/{commitment.pk}/updates/"

    too_long = client.post(url, {**PROGRESS, "summary": "x" * 10_001})
    longest = client.post(url, {**PROGRESS, "summary": "x" * 10_000})

    assert too_long.status_code == 400
    assert list(too_long.json()) == ["summary"]
    assert longest.status_code == 201
    assert ProgressUpdate.objects.get().summary == "x" * 10_000


@pytest.mark.parametrize(
    ("path", "field", "length"),
    [
        ("/api/v1/announcements/", "summary", 10_001),
        ("/api/v1/announcements/", "body", 500_001),
        ("/api/v1/commitments/", "description", 10_001),
        ("/api/v1/commitments/", "source_quote", 10_001),
        ("/api/v1/agencies/", "name", 201),
        ("/api/v1/topics/", "name", 201),
    ],
)
def test_every_free_text_field_has_a_maximum(api_client, path, field, length):
    client = authorize(api_client, _superuser())

    response = client.post(path, {field: "x" * length})

    assert response.status_code == 400
    assert "no more than" in response.json()[field][0]


def test_the_admin_shares_the_maximum(client, staff_user):
    client.force_login(staff_user)
    commitment = CommitmentFactory()

    response = client.post(
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        {"description": "x" * 10_001},
    )

    assert response.status_code == 200
    assert "Ensure this value has at most 10000 characters" in (
        response.content.decode()
    )


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


def test_a_refused_body_is_not_stored_by_any_cache(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10
    response = post_raw(client, "/api/v1/auth/token/", json.dumps({"a": "b" * 20}))
    assert response.status_code == 413
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("method", ["POST", "PATCH", "PUT"])
def test_a_chunked_body_is_411_and_nothing_is_written(api_client, maintainer, method):
    # Django reads a body by its Content-Length only: a chunked one would be
    # read as empty, and a check (every field optional) dated today.
    client = authorize(api_client, maintainer)
    commitment = CommitmentFactory()
    version = commitment.version

    response = client.generic(
        method,
        f"/api/v1/commitments/{commitment.pk}/check/",
        json.dumps({"checked_on": "2018-05-01"}),
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 411
    assert "Content-Length" in response.json()["detail"]
    assert response["Cache-Control"] == "private, no-store"
    commitment.refresh_from_db()
    assert (commitment.version, commitment.last_checked_on) == (version, None)


def test_a_read_is_served_whatever_its_transfer_encoding(client):
    response = client.get("/api/v1/statuses/", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 200
