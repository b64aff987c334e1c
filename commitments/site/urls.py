"""The public site, its feeds, calendars and CSV export (included at "")."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from commitments.site import calendars, feeds
from commitments.site import views as site_views
from commitments.site.views import conditional_get


def read_only(view):
    """GET and HEAD only: any other method, OPTIONS and TRACE included, gets 405
    with `Allow: GET, HEAD`. Exempt from the CSRF check, which would otherwise
    answer first (403 without a token, the page itself with one): nothing here
    writes."""
    return csrf_exempt(require_safe(view))


app_name = "public"

urlpatterns = [
    path("", read_only(site_views.home), name="home"),
    path("method/", read_only(site_views.method), name="method"),
    path("commitments/", read_only(site_views.commitment_list), name="commitment_list"),
    path(
        "commitments.csv", read_only(site_views.commitments_csv), name="commitments_csv"
    ),
    path("agencies/", read_only(site_views.agency_list), name="agency_list"),
    path("agencies/<slug:slug>/", read_only(site_views.agency_detail), name="agency"),
    path(
        "a/<slug:slug>/", read_only(site_views.announcement_detail), name="announcement"
    ),
    path("changes/", read_only(site_views.changes), name="changes"),
    path(
        "a/<slug:announcement_slug>/<slug:slug>/",
        read_only(site_views.commitment_detail),
        name="commitment",
    ),
    path(
        "feeds/updates.atom",
        read_only(conditional_get(feeds.UpdatesFeed())),
        name="updates_feed",
    ),
    path(
        "feeds/changes.atom",
        read_only(conditional_get(feeds.ChangesFeed())),
        name="changes_feed",
    ),
    path(
        "feeds/commitments/<slug:announcement_slug>/<slug:slug>.atom",
        read_only(conditional_get(feeds.CommitmentFeed())),
        name="commitment_feed",
    ),
    path(
        "feeds/agencies/<slug:slug>.atom",
        read_only(conditional_get(feeds.AgencyFeed())),
        name="agency_feed",
    ),
    path(
        "calendar/deadlines.ics",
        read_only(calendars.deadlines_calendar),
        name="deadlines_calendar",
    ),
    path(
        "calendar/agencies/<slug:slug>.ics",
        read_only(calendars.agency_calendar),
        name="agency_calendar",
    ),
]
