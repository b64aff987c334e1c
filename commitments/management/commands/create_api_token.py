"""Print a new API token for a user (docs/design.md, "Commands")."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError
from knox.models import AuthToken
from knox.settings import knox_settings


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print it. The token is stored "
        "hashed: this is the only time it is shown."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        instance, token = AuthToken.objects.create(
            user=user, expiry=knox_settings.TOKEN_TTL
        )
        self.stdout.write(token)
        expiry = instance.expiry.isoformat() if instance.expiry else "never"
        self.stderr.write(f"Token for {username} (expires {expiry}).")
