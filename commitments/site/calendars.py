"""iCalendar feeds of deadlines, for a reporter's calendar app: every commitment
with a due date is an all-day event on that date. UIDs are tag URIs of the
commitment's id (site.identity), so an event keeps its identity when its title,
status or date changes, whatever host name serves it, and the calendar app moves
it instead of adding a second one; its SEQUENCE grows with every change."""

import datetime

import icalendar
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from commitments.models import Agency, Commitment
from commitments.site.identity import tag_uri
from commitments.site.views import commitment_path, conditional_get

PRODUCT_ID = "-//Commitment Tracker//Deadlines//EN"


def _event(commitment, request):
    lead = commitment.lead_agency
    url = request.build_absolute_uri(commitment_path(commitment))
    state = commitment.get_status_display()
    if commitment.overdue:
        state += ", overdue"
    event = icalendar.Event()
    event.add("uid", tag_uri("commitment", commitment.pk, "deadline"))
    # Every write to a commitment bumps its version (the deadline, the title, the
    # status after a progress update): a revised event (RFC 5545 §3.8.7.4).
    event.add("sequence", commitment.version - 1)
    event.add("summary", f"Due: {commitment.title} ({lead.abbreviation or lead.name})")
    event.add("dtstart", commitment.due_date)
    event.add("dtend", commitment.due_date + datetime.timedelta(days=1))
    # The last change to the commitment, so an unchanged calendar is byte-identical.
    event.add("dtstamp", commitment.updated_at)
    event.add("url", url)
    event.add(
        "description",
        f"Lead agency: {lead.name}\n"
        f"Deadline as stated: {commitment.deadline_text or 'not stated'}\n"
        f"Status: {state}\n"
        f"Announcement: {commitment.announcement.title}\n"
        f"{url}",
    )
    event.add("categories", [lead.abbreviation or lead.name])
    event.add("transp", "TRANSPARENT")
    return event


def _calendar_response(request, name, commitments):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # TEXT, escaped (RFC 5545 §3.3.11): icalendar writes unknown X- properties raw.
    calendar.add("x-wr-calname", icalendar.vText(name))
    for commitment in commitments:
        calendar.add_component(_event(commitment, request))
    return HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")


def _deadlines(queryset):
    return (
        queryset.filter(due_date__isnull=False)
        .annotate_overdue()
        .select_related("announcement", "lead_agency")
        .order_by("due_date", "id")
    )


@conditional_get
def deadlines_calendar(request):
    return _calendar_response(
        request,
        "Commitment Tracker: deadlines",
        _deadlines(Commitment.objects.all()),
    )


@conditional_get
def agency_calendar(request, slug):
    """The deadlines of the commitments the agency leads or supports
    (docs/design.md, "An agency's commitments"), as its page and feed have them."""
    agency = get_object_or_404(Agency, slug=slug)
    return _calendar_response(
        request,
        f"Deadlines — {agency.name}",
        _deadlines(Commitment.objects.of_agencies([agency])),
    )
