"""Atom feeds of progress (all of it, one commitment's, one agency's) and of every
change (`/feeds/changes.atom`).

Progress entries come newest entered first, so an update back-dated to 2018 but
entered today is news today: `published` is when the update was recorded, and
`updated` the later of that and its last correction. An entry's `content` is the
update's summary as written; its `summary` puts it in context (the day reported,
the status, the evidence, a retraction, the corrections). An entry's id is a tag
URI of the progress update's primary key (site.identity): the same entry in every
feed that carries it, on every host name, whatever happens to the commitment's
slug. A feed's id is a tag URI of what it follows. An empty feed's `updated` is a
fixed date, so its ETag holds and readers get 304."""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from commitments.models import (
    RECORDED_ORDER,
    Agency,
    ChangeEntry,
    Commitment,
    Correction,
    ProgressUpdate,
)
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

    def add_item_elements(self, handler, item):
        # Django's Atom feed writes an item's description as its summary and has
        # no content; an item's "content" (Feed.item_extra_kwargs) is plain text.
        super().add_item_elements(handler, item)
        if item.get("content") is not None:
            handler.addQuickElement("content", item["content"], {"type": "text"})


class ProgressFeed(Feed):
    feed_type = StableAtom1Feed
    author_name = "Commitment Tracker"

    def item_guid(self, item):
        return tag_uri("progress-update", item.pk)

    def updates(self):
        return (
            ProgressUpdate.objects.select_related(
                "commitment__announcement", "commitment__lead_agency"
            )
            .with_corrections(Correction.objects.all())
            .order_by(*RECORDED_ORDER)
        )

    def item_title(self, item):
        title = f"{item.commitment.title}: {item.get_status_display()}"
        return f"Retracted: {title}" if item.is_retracted else title

    def item_description(self, item):
        source_url = http_url(item.source_url)
        evidence = (
            format_html(' <a href="{}">Evidence</a>', source_url) if source_url else ""
        )
        retraction = (
            format_html(
                "<p><strong>Retracted on {}:</strong> {}</p>",
                f"{item.retracted_at:%Y-%m-%d}",
                item.retraction_reason,
            )
            if item.is_retracted
            else ""
        )
        corrections = format_html_join(
            "",
            "<p>Corrected on {}: {}</p>",
            (
                (f"{correction.corrected_at:%Y-%m-%d}", correction.note)
                for correction in item.correction_list
            ),
        )
        return format_html(
            "{}<p>Reported on {}: {} ({}, lead agency {}).{}</p>{}",
            retraction,
            item.reported_on.isoformat(),
            item.summary,
            item.get_status_display(),
            item.commitment.lead_agency.name,
            evidence,
            corrections,
        )

    def item_extra_kwargs(self, item):
        return {"content": item.summary}

    def item_link(self, item):
        return f"{commitment_path(item.commitment)}#update-{item.pk}"

    def item_pubdate(self, item):
        return item.recorded_at

    def item_updateddate(self, item):
        return item.last_changed_at

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
        commitments = Commitment.objects.of_agencies([obj]).values("pk")
        return self.updates().filter(commitment__in=commitments)[:ENTRIES_PER_FEED]


class ChangesFeed(Feed):
    """Every public change, newest recorded first: the changes page as a feed."""

    feed_type = Atom1Feed
    author_name = "Commitment Tracker"
    title = "Commitment Tracker: what changed"
    subtitle = (
        "Announcements and commitments added, commitments changed, progress added, "
        "corrected or retracted, deadlines moved, statuses confirmed."
    )

    def link(self):
        return reverse("public:changes")

    def items(self):
        return ChangeEntry.objects.select_related(
            "announcement", "commitment__announcement", "author"
        ).order_by("-recorded_at", "-id")[:ENTRIES_PER_FEED]

    def item_title(self, item):
        return item.summary

    def item_description(self, item):
        return format_html("<p>{}</p>", item.summary)

    def item_link(self, item):
        # The page of what changed, with the entry's own fragment, so the link is
        # also a unique, stable id for the entry.
        if item.commitment is not None:
            page = commitment_path(item.commitment)
        else:
            page = reverse("public:announcement", args=[item.announcement.slug])
        return f"{page}#change-{item.pk}"

    def item_author_name(self, item):
        return item.author.get_username() if item.author else None

    def item_pubdate(self, item):
        return item.recorded_at

    def item_updateddate(self, item):
        return item.recorded_at

    def item_categories(self, item):
        return [item.get_kind_display()]
