"""iCalendar feeds of deadlines, parsed back with the icalendar library."""

import datetime

import icalendar
import pytest

from commitments.models import Agency
from tests.factories import ProgressUpdateFactory
from tests.site_data import build_announcement

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return calendar


def events(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_every_deadline_is_an_all_day_event(client, settings):
    settings.SITE_IDENTITY = "tag:tracker.example.org,2026"
    announcement = build_announcement()
    nics = announcement.commitments.get(slug="nics-certification")

    calendar = parse(client.get("/calendar/deadlines.ics"))

    by_uid = events(calendar)
    # Three commitments have a due date; the open-ended and ongoing ones do not.
    assert len(by_uid) == 3
    event = by_uid[f"tag:tracker.example.org,2026:commitment/{nics.pk}/deadline"]
    assert event.decoded("DTSTART") == datetime.date(2018, 4, 26)
    assert event.decoded("DTEND") == datetime.date(2018, 4, 27)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert str(event["SUMMARY"]) == (
        "Due: Certify NICS record reporting within 45 days "
        "(Federal agencies that submit records to NICS)"
    )
    assert str(event["URL"]) == (
        "http://testserver/a/doj-school-safety-2018-03-12/nics-certification/"
    )
    description = str(event["DESCRIPTION"])
    assert "Lead agency: Federal agencies that submit records to NICS" in description
    assert "Deadline as stated: over the next 45 days" in description
    assert "Status: Fulfilled" in description
    assert event.decoded("DTSTAMP")
    assert str(calendar["X-WR-CALNAME"]) == "Commitment Tracker: deadlines"


def test_uids_stay_the_same_when_a_commitment_changes(client, settings):
    settings.SITE_IDENTITY = "tag:tracker.example.org,2026"
    announcement = build_announcement()
    tips = announcement.commitments.get(slug="tips-review")
    before = events(parse(client.get("/calendar/deadlines.ics")))

    ProgressUpdateFactory(
        commitment=tips, status="stalled", summary="Stuck.", author=None
    )
    after = events(parse(client.get("/calendar/deadlines.ics")))

    assert after.keys() == before.keys()
    uid = f"tag:tracker.example.org,2026:commitment/{tips.pk}/deadline"
    assert "Status: Stalled, overdue" in str(after[uid]["DESCRIPTION"])
    # The stamp is the commitment's last change, so an unchanged calendar is
    # byte-identical (and answers conditional GETs with 304).
    tips.refresh_from_db()
    assert after[uid].decoded("DTSTAMP") == tips.updated_at.replace(microsecond=0)


def test_agency_calendar_has_the_deadlines_it_leads_or_supports(client):
    build_announcement()

    fbi = parse(client.get("/calendar/agencies/fbi.ics"))
    doj = parse(client.get("/calendar/agencies/doj.ics"))
    states = parse(client.get("/calendar/agencies/states.ics"))

    assert sorted(str(e["SUMMARY"]) for e in fbi.walk("VEVENT")) == [
        "Due: FBI certifies its NICS reporting (FBI)",
        "Due: Review how violent crime tips are handled (FBI)",
    ]
    # The DOJ leads none with a due date and supports the NICS certification.
    assert [str(e["SUMMARY"]) for e in doj.walk("VEVENT")] == [
        "Due: Certify NICS record reporting within 45 days "
        "(Federal agencies that submit records to NICS)"
    ]
    assert str(fbi["X-WR-CALNAME"]) == "Deadlines — Federal Bureau of Investigation"
    assert states.walk("VEVENT") == []


def test_unknown_agency_calendar_is_404(client):
    assert client.get("/calendar/agencies/nope.ics").status_code == 404


@pytest.mark.parametrize("extra_commitments", [0, 30])
def test_calendar_costs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, extra_commitments
):
    build_announcement(extra_commitments=extra_commitments)

    with django_assert_num_queries(3):
        # 1. SAVEPOINT (ATOMIC_REQUESTS, inside the test's transaction)
        # 2. the commitments with a due date, with announcement and lead agency
        # 3. RELEASE SAVEPOINT
        response = client.get("/calendar/deadlines.ics")

    assert len(parse(response).walk("VEVENT")) == 3


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("Line one\nLine two", r"Line one\nLine two"),
        ("CR only\rX-INJECTED:1", r"CR only\nX-INJECTED:1"),
        ("Commas, and; semicolons", r"Commas\, and\; semicolons"),
    ],
)
def test_a_calendar_name_is_escaped_as_text(client, name, escaped):
    # Written before names were refused a line break: data already stored.
    build_announcement()
    Agency.objects.filter(slug="fbi").update(name=name)

    response = client.get("/calendar/agencies/fbi.ics")

    parse(response)
    lines = response.content.decode().split("\r\n")
    assert f"X-WR-CALNAME:Deadlines — {escaped}" in lines
    assert not any("\r" in line or "\n" in line for line in lines)
    assert not any(line.startswith("X-INJECTED") for line in lines)
