"""Make an existing user an editor of an agency (docs/design.md, "Commands")."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from commitments.models import Agency


class Command(BaseCommand):
    help = (
        "Make USERNAME an editor of the agency AGENCY_SLUG: they may then add "
        "progress to the commitments it, or an agency below it, leads or supports "
        "(in the admin, which it lets them sign in to, and through the API)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("agency_slug")

    def handle(self, *args, username, agency_slug, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        try:
            agency = Agency.objects.get(slug=agency_slug)
        except Agency.DoesNotExist:
            raise CommandError(f"No agency with the slug {agency_slug!r}.") from None
        if not user.is_staff:
            # Editors work in the admin, which only staff may sign in to. Staff
            # status grants nothing else: what an editor may do comes from the
            # agency (commitments.access), in the admin and the API alike.
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        agency.editors.add(user)
        covered = Agency.objects.filter(pk__in=agency.get_descendant_ids())
        slugs = ", ".join(sorted(covered.values_list("slug", flat=True)))
        self.stdout.write(f"{username} now edits {agency.slug} (covering {slugs}).")
