"""Optimistic concurrency on commitments: a strong ETag on the detail; PATCH and
PUT need If-Match (428 without, 412 when stale, nothing written either way);
If-None-Match gives 304."""

import pytest

from commitments.models import Commitment
from tests.conftest import authorize
from tests.factories import CommitmentFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment():
    return CommitmentFactory(title="Original")


@pytest.fixture
def client(api_client, maintainer):
    return authorize(api_client, maintainer)


def url(commitment):
    return f"/api/v1/commitments/{commitment.pk}/"


def test_detail_carries_a_strong_etag(client, commitment):
    response = client.get(url(commitment))

    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert not etag.startswith("W/")


def test_if_none_match_current_gives_304(client, commitment):
    etag = client.get(url(commitment))["ETag"]

    response = client.get(url(commitment), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_none_match_compares_weakly_and_star_matches(client, commitment):
    etag = client.get(url(commitment))["ETag"]

    weak = client.get(url(commitment), HTTP_IF_NONE_MATCH=f'"0.0", W/{etag}')
    star = client.get(url(commitment), HTTP_IF_NONE_MATCH="*")

    assert weak.status_code == 304
    assert star.status_code == 304


def test_if_none_match_stale_gives_200(client, commitment):
    response = client.get(url(commitment), HTTP_IF_NONE_MATCH='"0.0"')

    assert response.status_code == 200


def test_patch_with_current_etag_succeeds_and_returns_the_new_one(client, commitment):
    etag = client.get(url(commitment))["ETag"]

    response = client.patch(url(commitment), {"title": "Renamed"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    assert response.json()["version"] == 2
    assert response["ETag"] != etag
    assert response["ETag"] == client.get(url(commitment))["ETag"]


def test_patch_without_if_match_is_428_and_writes_nothing(client, commitment):
    response = client.patch(url(commitment), {"title": "Renamed"})

    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    commitment.refresh_from_db()
    assert (commitment.title, commitment.version) == ("Original", 1)


def test_stale_if_match_gets_412_with_the_current_etag(client, commitment):
    stale = client.get(url(commitment))["ETag"]
    client.patch(url(commitment), {"title": "First"}, HTTP_IF_MATCH=stale)

    response = client.patch(url(commitment), {"title": "Second"}, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert response["ETag"] == client.get(url(commitment))["ETag"]
    assert "Nothing was written" in response.json()["detail"]
    commitment.refresh_from_db()
    assert commitment.title == "First"


def test_weak_or_unknown_if_match_does_not_match(client, commitment):
    etag = client.get(url(commitment))["ETag"]

    for if_match in (f"W/{etag}", "garbage"):
        response = client.patch(url(commitment), {"title": "X"}, HTTP_IF_MATCH=if_match)
        assert response.status_code == 412, if_match
    assert Commitment.objects.get(pk=commitment.pk).version == 1


def test_put_needs_if_match_too(client, commitment):
    body = client.get(url(commitment)).json()
    writable = {
        key: body[key]
        for key in (
            "announcement",
            "slug",
            "title",
            "description",
            "source_quote",
            "topic",
            "kind",
            "deadline_text",
        )
    }
    writable["lead_agency"] = body["lead_agency"]["slug"]

    assert client.put(url(commitment), writable).status_code == 428
    etag = client.get(url(commitment))["ETag"]
    response = client.put(
        url(commitment), {**writable, "title": "Put"}, HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Put"


def test_new_progress_changes_the_etag(client, commitment):
    etag = client.get(url(commitment))["ETag"]
    # An update that leaves the status alone does not write the commitment, but
    # changes what it reads like (its latest update).
    ProgressUpdateFactory(commitment=commitment)
    ProgressUpdateFactory(commitment=commitment, summary="Same status again.")

    assert client.get(url(commitment), HTTP_IF_NONE_MATCH=etag).status_code == 200
    response = client.patch(url(commitment), {"title": "X"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412


def test_unauthorised_write_is_refused_before_preconditions(api_client, commitment):
    assert api_client.patch(url(commitment), {"title": "X"}).status_code == 401


def test_the_etag_changes_with_the_day(client):
    # days_remaining and is_overdue change at midnight: a day-old 304 would lie.
    import datetime
    from unittest import mock

    commitment = CommitmentFactory(time_bound=True)
    etag = client.get(url(commitment))["ETag"]
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=tomorrow):
        response = client.get(url(commitment), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
