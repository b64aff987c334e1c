"""The public site, its feeds, calendars and CSV export (included at "")."""

from django.urls import path

from commitments.site import calendars, feeds
from commitments.site import views as site_views
from commitments.site.views import conditional_get

app_name = "public"

urlpatterns = [
    path("", site_views.home, name="home"),
    path("method/", site_views.method, name="method"),
    path("changes/", site_views.changes, name="changes"),
    path("commitments/", site_views.commitment_list, name="commitment_list"),
    path("commitments.csv", site_views.commitments_csv, name="commitments_csv"),
    path("agencies/", site_views.agency_list, name="agency_list"),
    path("agencies/<slug:slug>/", site_views.agency_detail, name="agency"),
    path("a/<slug:slug>/", site_views.announcement_detail, name="announcement"),
    path(
        "a/<slug:announcement_slug>/<slug:slug>/",
        site_views.commitment_detail,
        name="commitment",
    ),
    path(
        "feeds/updates.atom", conditional_get(feeds.UpdatesFeed()), name="updates_feed"
    ),
    path(
        "feeds/changes.atom", conditional_get(feeds.ChangesFeed()), name="changes_feed"
    ),
    path(
        "feeds/commitments/<slug:announcement_slug>/<slug:slug>.atom",
        conditional_get(feeds.CommitmentFeed()),
        name="commitment_feed",
    ),
    path(
        "feeds/agencies/<slug:slug>.atom",
        conditional_get(feeds.AgencyFeed()),
        name="agency_feed",
    ),
    path(
        "calendar/deadlines.ics",
        calendars.deadlines_calendar,
        name="deadlines_calendar",
    ),
    path(
        "calendar/agencies/<slug:slug>.ics",
        calendars.agency_calendar,
        name="agency_calendar",
    ),
]
