"""Atom ids and iCalendar UIDs never change (RFC 4287 §4.2.6, RFC 5545): built from
primary keys and the configured SITE_IDENTITY, not from slugs or the request's
host; an event's SEQUENCE grows when it changes; an empty feed holds its ETag."""

import feedparser
import icalendar
import pytest

from commitments.models import Commitment
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db

SITE = "tag:tracker.example.org,2026"


@pytest.fixture(autouse=True)
def _site_identity(settings):
    settings.SITE_IDENTITY = SITE
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example.net"]


def entry_ids(client, url, host="testserver"):
    response = client.get(url, HTTP_HOST=host)
    assert response.status_code == 200
    return [entry.id for entry in feedparser.parse(response.content).entries]


def test_atom_entry_ids_are_tags_of_the_update_ids(client):
    announcement = build_announcement()
    nics = announcement.commitments.get(slug="nics-certification")
    update_ids = sorted(nics.updates.values_list("pk", flat=True))

    ids = entry_ids(
        client,
        "/feeds/commitments/doj-school-safety-2018-03-12/nics-certification.atom",
    )

    assert sorted(ids) == [f"{SITE}:progress-update/{pk}" for pk in update_ids]


def test_atom_ids_survive_a_slug_change_and_another_host_name(client):
    announcement = build_announcement()
    before = entry_ids(client, "/feeds/updates.atom")
    feed_id = feedparser.parse(client.get("/feeds/updates.atom").content).feed.id
    Commitment.objects.filter(slug="nics-certification").update(slug="nics-renamed")

    after = entry_ids(client, "/feeds/updates.atom", host="mirror.example.net")
    renamed = entry_ids(
        client, f"/feeds/commitments/{announcement.slug}/nics-renamed.atom"
    )

    assert after == before
    assert set(renamed) <= set(before) and renamed
    assert feed_id == f"{SITE}:feeds/updates"


def test_an_empty_feed_keeps_its_etag_and_answers_304(client):
    first = client.get("/feeds/updates.atom")

    again = client.get("/feeds/updates.atom", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    updated = feedparser.parse(first.content).feed.updated
    assert updated == "2000-01-01T00:00:00+00:00"


def calendar_events(client, host="testserver"):
    response = client.get("/calendar/deadlines.ics", HTTP_HOST=host)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_calendar_uids_are_the_same_on_every_host_name(client):
    announcement = build_announcement()
    nics = announcement.commitments.get(slug="nics-certification")

    here = calendar_events(client)
    there = calendar_events(client, host="mirror.example.net")

    assert here.keys() == there.keys()
    assert f"{SITE}:commitment/{nics.pk}/deadline" in here


def test_a_moved_deadline_raises_the_event_sequence(client):
    announcement = build_announcement()
    nics = announcement.commitments.get(slug="nics-certification")
    uid = f"{SITE}:commitment/{nics.pk}/deadline"
    before = calendar_events(client)[uid]

    nics.due_in_days = 60
    nics.deadline_change_reason = "Extended."
    nics.save()

    after = calendar_events(client)[uid]
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])


def test_calendar_name_is_escaped_as_text(client):
    from tests.factories import AgencyFactory

    AgencyFactory(slug="smith", name="Smith, Jones; and Co")

    response = client.get("/calendar/agencies/smith.ics")

    assert "X-WR-CALNAME:Deadlines — Smith\\, Jones\\; and Co".encode() in (
        response.content
    )
