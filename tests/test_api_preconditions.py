"""Preconditions (RFC 9110 §13) alike on every resource with an ETag: agencies,
topics, announcements, commitments (and their progress POST). Strong ETags that
change whenever the representation does and differ per media type."""

import pytest

from commitments.models import Agency, Commitment, Topic
from tests.conftest import authorize
from tests.factories import (
    AgencyFactory,
    AnnouncementFactory,
    CommitmentFactory,
    ProgressUpdateFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(api_client, maintainer):
    return authorize(api_client, maintainer)


def agency():
    made = AgencyFactory(name="Old name")
    return f"/api/v1/agencies/{made.slug}/", {"name": "New name"}, made


def topic():
    made = TopicFactory(name="Old name")
    return f"/api/v1/topics/{made.slug}/", {"name": "New name"}, made


def announcement():
    made = AnnouncementFactory(title="Old name")
    return f"/api/v1/announcements/{made.slug}/", {"title": "New name"}, made


def commitment():
    made = CommitmentFactory(title="Old name")
    return f"/api/v1/commitments/{made.pk}/", {"title": "New name"}, made


RESOURCES = [agency, topic, announcement, commitment]


def name_of(instance):
    fresh = type(instance).objects.get(pk=instance.pk)
    return getattr(fresh, "title", None) or fresh.name


@pytest.mark.parametrize("make", RESOURCES)
def test_stale_if_match_gets_412_and_writes_nothing(client, make):
    url, change, instance = make()
    current = client.get(url)["ETag"]

    response = client.patch(url, change, HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    assert response["ETag"] == current
    assert name_of(instance) == "Old name"


@pytest.mark.parametrize("make", RESOURCES)
def test_current_if_match_is_applied_and_answers_the_new_etag(client, make):
    url, change, instance = make()
    current = client.get(url)["ETag"]

    response = client.patch(url, change, HTTP_IF_MATCH=current)

    assert response.status_code == 200
    assert name_of(instance) == "New name"
    assert response["ETag"] != current
    assert response["ETag"] == client.get(url)["ETag"]


@pytest.mark.parametrize("make", RESOURCES)
def test_if_match_star_matches_an_existing_resource(client, make):
    url, change, instance = make()

    response = client.patch(url, change, HTTP_IF_MATCH="*")

    assert response.status_code == 200
    assert name_of(instance) == "New name"


@pytest.mark.parametrize("make", RESOURCES)
def test_matching_if_none_match_on_a_write_gets_412(client, make):
    url, change, instance = make()
    current = client.get(url)["ETag"]

    for if_none_match in (current, f"W/{current}", "*"):
        # If-Match passes (commitments require one); If-None-Match then fails.
        response = client.patch(
            url, change, HTTP_IF_MATCH="*", HTTP_IF_NONE_MATCH=if_none_match
        )
        assert response.status_code == 412, if_none_match
    assert name_of(instance) == "Old name"


@pytest.mark.parametrize("make", [agency, topic, announcement])
def test_if_match_is_optional_outside_commitments(client, make):
    url, change, instance = make()

    assert client.patch(url, change).status_code == 200
    assert name_of(instance) == "New name"


def test_renaming_the_lead_agency_changes_the_commitments_etag(client):
    made = CommitmentFactory()
    url = f"/api/v1/commitments/{made.pk}/"
    etag = client.get(url)["ETag"]
    Agency.objects.filter(pk=made.lead_agency_id).update(name="Renamed agency")

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["lead_agency"]["name"] == "Renamed agency"
    stale = client.patch(url, {"title": "X"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Commitment.objects.get(pk=made.pk).version == 1


def test_json_and_browsable_html_have_different_etags(api_client):
    made = TopicFactory()
    url = f"/api/v1/topics/{made.slug}/"

    as_json = api_client.get(url, HTTP_ACCEPT="application/json")
    as_html = api_client.get(url, HTTP_ACCEPT="text/html")

    assert as_html["Content-Type"].startswith("text/html")
    assert as_json["ETag"] != as_html["ETag"]
    again = api_client.get(url, HTTP_ACCEPT="text/html")
    assert again["ETag"] != as_json["ETag"]
    revalidated = api_client.get(
        url, HTTP_ACCEPT="text/html", HTTP_IF_NONE_MATCH=as_json["ETag"]
    )
    assert revalidated.status_code == 200


def test_a_304_carries_the_200s_headers_and_no_content_length(api_client):
    made = AnnouncementFactory()
    url = f"/api/v1/announcements/{made.slug}/"
    first = api_client.get(url)

    again = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    for header in ("ETag", "Cache-Control", "Vary"):
        assert again[header] == first[header], header
    assert not again.has_header("Content-Length")


def test_head_answers_if_none_match_with_304(api_client):
    made = CommitmentFactory()
    url = f"/api/v1/commitments/{made.pk}/"
    etag = api_client.get(url)["ETag"]

    head = api_client.head(url)
    conditional = api_client.head(url, HTTP_IF_NONE_MATCH=etag)

    assert head.status_code == 200 and head["ETag"] == etag
    assert conditional.status_code == 304


def test_progress_post_evaluates_if_match_when_sent(client):
    made = CommitmentFactory()
    url = f"/api/v1/commitments/{made.pk}/"
    etag = client.get(url)["ETag"]
    body = {"reported_on": "2018-06-01", "status": "in_progress", "summary": "Begun."}

    stale = client.post(f"{url}updates/", body, HTTP_IF_MATCH='"stale"')
    applied = client.post(f"{url}updates/", body, HTTP_IF_MATCH=etag)
    without = client.post(f"{url}updates/", {**body, "summary": "More."})

    assert stale.status_code == 412
    assert applied.status_code == 201
    assert without.status_code == 201
    assert made.updates.count() == 2
    # Where the new update is, as every create answers.
    assert applied["Location"] == applied.json()["url"]
    assert applied["Location"].endswith(f"/api/v1/updates/{applied.json()['id']}/")
    # The 412 names the resource whose ETag it compares, not the action's URL.
    assert f"GET {url} again" in stale.json()["detail"]


def test_the_412_of_a_check_names_the_commitment_to_read_again(client):
    made = CommitmentFactory()
    url = f"/api/v1/commitments/{made.pk}/"

    stale = client.post(f"{url}check/", {}, HTTP_IF_MATCH='"stale"')
    followed = client.post(f"{url}check/", {}, HTTP_IF_MATCH=client.get(url)["ETag"])

    assert stale.status_code == 412
    assert f"GET {url} again" in stale.json()["detail"]
    assert followed.status_code == 200


@pytest.mark.parametrize(
    "date", ["Mon, 01 Jan 1990 00:00:00 GMT", "Fri, 01 Jan 2100 00:00:00 GMT"]
)
def test_if_unmodified_since_is_ignored_without_a_modification_date(
    client, api_client, date
):
    # RFC 9110 §13.1.4: these responses have no Last-Modified.
    made = CommitmentFactory()
    url = f"/api/v1/commitments/{made.pk}/"
    page = f"/a/{made.announcement.slug}/{made.slug}/"

    assert api_client.get(url, HTTP_IF_UNMODIFIED_SINCE=date).status_code == 200
    assert api_client.get(page, HTTP_IF_UNMODIFIED_SINCE=date).status_code == 200
    response = client.patch(
        url,
        {"title": "New name"},
        HTTP_IF_MATCH=client.get(url)["ETag"],
        HTTP_IF_UNMODIFIED_SINCE=date,
    )
    assert response.status_code == 200


def test_a_read_with_a_stale_if_match_is_a_json_412(api_client):
    made = CommitmentFactory()
    url = f"/api/v1/commitments/{made.pk}/"
    current = api_client.get(url)["ETag"]

    response = api_client.get(url, HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    assert response["ETag"] == current
    assert response["Cache-Control"] == "private, no-store"
    assert current in response.json()["detail"]
    assert api_client.get(url, HTTP_IF_MATCH=current).status_code == 200


def test_create_is_not_affected_by_preconditions(client):
    response = client.post(
        "/api/v1/topics/", {"slug": "new-topic", "name": "New"}, HTTP_IF_MATCH="*"
    )

    assert response.status_code == 201
    assert Topic.objects.filter(slug="new-topic").exists()


def test_a_feed_has_a_modification_date_and_judges_if_unmodified_since(api_client):
    made = CommitmentFactory()
    ProgressUpdateFactory(commitment=made)
    feed = "/feeds/updates.atom"
    assert api_client.get(feed).has_header("Last-Modified")

    before = api_client.get(
        feed, HTTP_IF_UNMODIFIED_SINCE="Mon, 01 Jan 1990 00:00:00 GMT"
    )
    after = api_client.get(
        feed, HTTP_IF_UNMODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT"
    )

    assert before.status_code == 412
    assert after.status_code == 200
