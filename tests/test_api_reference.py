"""The API root, agencies, topics, announcements and the status vocabulary."""

import pytest

from commitments.models import Agency, Announcement, Topic
from tests.conftest import authorize
from tests.factories import AgencyFactory, AnnouncementFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_root_links_to_every_resource(api_client):
    body = api_client.get("/api/v1/").json()

    assert body["commitments"] == "http://testserver/api/v1/commitments/"
    assert body["statuses"] == "http://testserver/api/v1/statuses/"
    assert body["auth_token"] == "http://testserver/api/v1/auth/token/"
    for url in body.values():
        path = url.removeprefix("http://testserver")
        if path.endswith("/logout/") or path.endswith("/token/"):
            continue
        assert api_client.get(path).status_code == 200, path


def test_statuses_is_a_plain_array_with_definitions(api_client):
    body = api_client.get("/api/v1/statuses/").json()

    assert [(s["value"], s["label"]) for s in body] == [
        ("not_rated", "Not yet rated"),
        ("in_progress", "In progress"),
        ("stalled", "Stalled"),
        ("partially_fulfilled", "Partially fulfilled"),
        ("fulfilled", "Fulfilled"),
        ("broken", "Broken"),
    ]
    assert body[0]["definition"].startswith("Nobody has assessed it yet")
    assert body[2]["definition"] == "No movement, or blocked."
    assert all(s["definition"] for s in body)


def test_agency_by_slug(api_client):
    doj = AgencyFactory(slug="doj", name="Department of Justice", abbreviation="DOJ")
    AgencyFactory(slug="fbi", parent=doj)

    body = api_client.get("/api/v1/agencies/fbi/").json()

    assert body["parent"] == "doj"
    assert body["url"] == "http://testserver/api/v1/agencies/fbi/"
    assert api_client.get("/api/v1/agencies/").json()["count"] == 2
    assert api_client.get("/api/v1/agencies/nobody/").status_code == 404


def test_maintainer_creates_and_changes_agencies(api_client, maintainer):
    AgencyFactory(slug="doj")
    authorize(api_client, maintainer)

    created = api_client.post(
        "/api/v1/agencies/",
        {"slug": "atf", "name": "ATF", "abbreviation": "ATF", "parent": "doj"},
    )
    changed = api_client.patch("/api/v1/agencies/atf/", {"level": "federal"})

    assert created.status_code == 201
    assert changed.status_code == 200
    assert Agency.objects.get(slug="atf").parent.slug == "doj"


def test_agency_cannot_sit_below_itself(api_client, maintainer):
    doj = AgencyFactory(slug="doj")
    AgencyFactory(slug="fbi", parent=doj)
    authorize(api_client, maintainer)

    response = api_client.patch("/api/v1/agencies/doj/", {"parent": "fbi"})

    assert response.status_code == 400
    assert "parent" in response.json()
    doj.refresh_from_db()
    assert doj.parent is None


def test_duplicate_slug_is_400(api_client, maintainer):
    TopicFactory(slug="school-safety")
    authorize(api_client, maintainer)

    response = api_client.post(
        "/api/v1/topics/", {"slug": "school-safety", "name": "Again"}
    )

    assert response.status_code == 400
    assert "slug" in response.json()
    assert Topic.objects.count() == 1


def test_announcement_expands_its_issuer(api_client):
    announcement = AnnouncementFactory(slug="doj-2018")

    body = api_client.get("/api/v1/announcements/doj-2018/").json()

    assert body["issuer"] == {
        "slug": announcement.issuer.slug,
        "name": announcement.issuer.name,
    }
    assert body["announced_on"] == "2018-03-12"
    assert body["body"] == announcement.body


def test_maintainer_creates_an_announcement(api_client, maintainer):
    AgencyFactory(slug="doj")
    authorize(api_client, maintainer)

    response = api_client.post(
        "/api/v1/announcements/",
        {
            "slug": "doj-2019",
            "title": "Another",
            "issuer": "doj",
            "announced_on": "2019-01-01",
            "body": "Text.",
        },
    )

    assert response.status_code == 201, response.json()
    assert Announcement.objects.get(slug="doj-2019").issuer.slug == "doj"
    # Nothing said about provenance: blank, not invented.
    assert response.json()["source_url"] == ""
    assert response.json()["text_source_url"] == ""
    assert response.json()["text_source_note"] == ""


def test_announcement_names_its_release_and_where_its_text_came_from(
    api_client, maintainer
):
    AnnouncementFactory(slug="doj-2018", body="Text.")
    authorize(api_client, maintainer)

    response = api_client.patch(
        "/api/v1/announcements/doj-2018/",
        {
            "source_url": "https://www.justice.gov/opa/pr/release",
            "text_source_url": "https://news.example.com/report",
            "text_source_note": "A news report of the announcement.",
        },
    )

    assert response.status_code == 200, response.json()
    body = api_client.get("/api/v1/announcements/doj-2018/").json()
    assert body["source_url"] == "https://www.justice.gov/opa/pr/release"
    assert body["text_source_url"] == "https://news.example.com/report"
    assert body["text_source_note"] == "A news report of the announcement."


def test_a_text_source_that_is_not_a_url_is_refused(api_client, maintainer):
    AnnouncementFactory(slug="doj-2018")
    authorize(api_client, maintainer)

    response = api_client.patch(
        "/api/v1/announcements/doj-2018/", {"text_source_url": "the newspaper"}
    )

    assert response.status_code == 400
    assert "text_source_url" in response.json()
    assert Announcement.objects.get(slug="doj-2018").text_source_url == ""


def test_announcement_text_cannot_drop_a_commitments_quote(api_client, maintainer):
    from tests.factories import CommitmentFactory

    commitment = CommitmentFactory(source_quote="It will review tips immediately.")
    authorize(api_client, maintainer)
    url = f"/api/v1/announcements/{commitment.announcement.slug}/"

    dropped = api_client.patch(url, {"body": "Something else entirely."})
    rewrapped = api_client.patch(
        url, {"body": "Intro.\nIt will review\ntips   immediately. More."}
    )

    assert dropped.status_code == 400
    assert commitment.slug in dropped.json()["body"][0]
    assert rewrapped.status_code == 200
