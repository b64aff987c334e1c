"""Cache-Control and Vary per audience (RFC 9111), conditional HEAD on the public
site, no method-changing redirect for unsafe methods, and q-values in Accept."""

import csv
import io

import pytest

from tests.conftest import authorize
from tests.factories import CommitmentFactory, TopicFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=0, s-maxage=30, stale-while-revalidate=30"


def vary(response):
    return {value.strip().lower() for value in response.get("Vary", "").split(",")}


def test_anonymous_api_reads_may_be_kept_by_a_shared_cache(api_client):
    made = CommitmentFactory()

    for url in ("/api/v1/commitments/", f"/api/v1/commitments/{made.pk}/"):
        response = api_client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == PUBLIC
        assert response["ETag"].startswith('"')
        assert {"accept", "authorization", "cookie"} <= vary(response)


def test_authenticated_reads_are_private(api_client, user):
    CommitmentFactory()

    response = authorize(api_client, user).get("/api/v1/commitments/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response.has_header("ETag")


def test_every_write_response_is_private(maintainer):
    from rest_framework.test import APIClient

    created = authorize(APIClient(), maintainer).post(
        "/api/v1/topics/", {"slug": "t", "name": "T"}
    )
    refused = APIClient().post("/api/v1/topics/", {"slug": "u", "name": "U"})

    assert created.status_code == 201
    assert created["Cache-Control"] == "private, no-store"
    assert refused.status_code in (401, 403)
    assert refused["Cache-Control"] == "private, no-store"


PAGES = [
    "/",
    "/commitments/",
    "/agencies/doj/",
    "/a/doj-school-safety-2018-03-12/nics-certification/",
    "/feeds/updates.atom",
    "/calendar/deadlines.ics",
    "/commitments.csv",
]


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_are_public_and_head_is_conditional(client, url):
    build_announcement()
    get = client.get(url)

    head = client.head(url)
    revalidated = client.head(url, headers={"if-none-match": get["ETag"]})

    assert get["Cache-Control"] == PUBLIC
    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head["Cache-Control"] == PUBLIC
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == get["ETag"]
    assert not revalidated.has_header("Content-Length")


def test_a_post_without_the_trailing_slash_is_redirected_keeping_its_method(
    api_client, maintainer
):
    made = CommitmentFactory()
    client = authorize(api_client, maintainer)

    response = client.post(
        f"/api/v1/commitments/{made.pk}/updates?x=1",
        {"reported_on": "2018-06-01", "status": "in_progress", "summary": "Begun."},
    )

    assert response.status_code == 308
    assert response["Location"] == f"/api/v1/commitments/{made.pk}/updates/?x=1"
    assert made.updates.count() == 0


def test_a_get_without_the_trailing_slash_still_gets_301(api_client):
    response = api_client.get("/api/v1/commitments")

    assert response.status_code == 301
    assert response["Location"] == "/api/v1/commitments/"


def test_accept_q_values_are_honoured(api_client):
    CommitmentFactory(title="Certify the records")

    response = api_client.get(
        "/api/v1/commitments/", HTTP_ACCEPT="application/json;q=0, text/csv"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == "Certify the records"


def test_the_preferred_of_two_weighted_types_wins(api_client):
    TopicFactory()

    response = api_client.get(
        "/api/v1/topics/", HTTP_ACCEPT="application/json;q=0.5, text/html;q=0.9"
    )
    refused = api_client.get("/api/v1/topics/", HTTP_ACCEPT="application/json;q=0")

    assert response["Content-Type"].startswith("text/html")
    assert refused.status_code == 406


def test_a_method_the_url_never_allows_is_405_even_without_a_token(api_client):
    made = TopicFactory()

    on_list = api_client.put("/api/v1/topics/", {"name": "X"})
    on_detail = api_client.post(f"/api/v1/topics/{made.slug}/", {"name": "X"})

    assert on_list.status_code == 405
    assert on_detail.status_code == 405
    assert "PATCH" in on_detail["Allow"]
