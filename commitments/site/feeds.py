"""Atom feeds of progress: all of it, one commitment's, one agency's.

An entry's id is a tag URI of the progress update's primary key (site.identity):
the same entry in every feed that carries it, on every host name, whatever
happens to the commitment's slug. A feed's id is a tag URI of what it follows. An
empty feed's `updated` is a fixed date, so its ETag holds and readers get 304."""

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html

from commitments.models import Agency, Commitment, ProgressUpdate
from commitments.site.identity import tag_uri
from commitments.site.views import commitment_path
from commitments.templatetags.site_extras import http_url

ENTRIES_PER_FEED = 50


class StableAtom1Feed(Atom1Feed):
    # Django would say "now", which changes the feed (and its ETag) every request.
    EMPTY_FEED_UPDATED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

    def latest_post_date(self):
        if not self.items:
            return self.EMPTY_FEED_UPDATED
        return super().latest_post_date()


class ProgressFeed(Feed):
    feed_type = StableAtom1Feed
    author_name = "Commitment Tracker"

    def item_guid(self, item):
        return tag_uri("progress-update", item.pk)

    def updates(self):
        return ProgressUpdate.objects.select_related(
            "commitment__announcement", "commitment__lead_agency"
        )

    def item_title(self, item):
        return f"{item.commitment.title}: {item.get_status_display()}"

    def item_description(self, item):
        source_url = http_url(item.source_url)
        evidence = (
            format_html(' <a href="{}">Evidence</a>', source_url) if source_url else ""
        )
        return format_html(
            "<p>{} ({}, lead agency {}).{}</p>",
            item.summary,
            item.get_status_display(),
            item.commitment.lead_agency.name,
            evidence,
        )

    def item_link(self, item):
        return f"{commitment_path(item.commitment)}#update-{item.pk}"

    def item_pubdate(self, item):
        # The date the progress happened; the time of day is not known.
        return datetime.datetime.combine(
            item.reported_on, datetime.time(), tzinfo=datetime.UTC
        )

    def item_updateddate(self, item):
        return max(item.created_at, self.item_pubdate(item))

    def item_categories(self, item):
        return [item.get_status_display()]


class UpdatesFeed(ProgressFeed):
    title = "Commitment Tracker: all progress"
    subtitle = "Every dated, sourced progress update, newest first."

    def link(self):
        return reverse("public:home")

    def feed_guid(self):
        return tag_uri("feeds", "updates")

    def items(self):
        return self.updates()[:ENTRIES_PER_FEED]


class CommitmentFeed(ProgressFeed):
    def get_object(self, request, announcement_slug, slug):
        return get_object_or_404(
            Commitment.objects.select_related("announcement"),
            announcement__slug=announcement_slug,
            slug=slug,
        )

    def title(self, obj):
        return f"Commitment Tracker: {obj.title}"

    def subtitle(self, obj):
        return f"Progress on a commitment of “{obj.announcement.title}”."

    def link(self, obj):
        return commitment_path(obj)

    def feed_guid(self, obj):
        return tag_uri("feeds", "commitment", obj.pk)

    def items(self, obj):
        return self.updates().filter(commitment=obj)[:ENTRIES_PER_FEED]


class AgencyFeed(ProgressFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Agency, slug=slug)

    def title(self, obj):
        return f"Commitment Tracker: {obj.name}"

    def subtitle(self, obj):
        return f"Progress on the commitments {obj.name} leads or supports."

    def link(self, obj):
        return reverse("public:agency", args=[obj.slug])

    def feed_guid(self, obj):
        return tag_uri("feeds", "agency", obj.pk)

    def items(self, obj):
        supported = Commitment.objects.filter(supporting_agencies=obj).values("pk")
        return self.updates().filter(
            Q(commitment__lead_agency=obj) | Q(commitment__in=supported)
        )[:ENTRIES_PER_FEED]
