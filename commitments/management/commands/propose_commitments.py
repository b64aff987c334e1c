"""Store and print the drafts proposed from an announcement's text, as the API's
drafts POST does (docs/design.md, "Commands")."""

from django.core.management import BaseCommand, CommandError
from django.db import transaction

from commitments.intake import IntakeError
from commitments.models import Announcement, Draft


class Command(BaseCommand):
    help = (
        "Read the text of the announcement ANNOUNCEMENT_SLUG, store the commitments "
        "it proposes as drafts (replacing its drafts still proposed) and print "
        "them. Maintainers accept or reject them in the admin or the API."
    )

    def add_arguments(self, parser):
        parser.add_argument("announcement_slug")

    def handle(self, *args, announcement_slug, **options):
        with transaction.atomic():
            try:
                announcement = Announcement.objects.select_for_update().get(
                    slug=announcement_slug
                )
            except Announcement.DoesNotExist:
                raise CommandError(
                    f"No announcement with the slug {announcement_slug!r}."
                ) from None
            try:
                drafts, skipped = Draft.objects.propose(announcement)
            except IntakeError as exc:
                raise CommandError(str(exc)) from None
        for draft in drafts:
            deadline = draft.deadline_text or "no deadline stated"
            due = f", due {draft.due_date}" if draft.due_date else ""
            lead = draft.lead_agency.slug if draft.lead_agency else "unresolved"
            self.stdout.write(
                f"#{draft.pk} {draft.title}\n"
                f"    who must act: {draft.lead_agency_text} ({lead})\n"
                f"    {draft.kind}: {deadline}{due}\n"
                f"    confidence {draft.confidence:.2f}\n"
                f'    "{" ".join(draft.source_quote.split())}"\n'
            )
        self.stdout.write(
            f"{len(drafts)} drafts proposed for {announcement.slug}; "
            f"{len(skipped)} obligations left out, their words already tracked."
        )
