"""Bring a database up to the fixture-loaded demo: migrate, load the 2018
announcement, make sure an `admin` superuser exists, collect static files.

Safe to run again: the fixtures use natural keys and the admin is created once."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, call_command
from environ import Env

DEMO_FIXTURES = ["doj-2018-03-12"]


class Command(BaseCommand):
    help = "Migrate, load the demo fixtures and create the admin account if missing."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        for fixture in DEMO_FIXTURES:
            call_command("loaddata", fixture, verbosity=0)
        self.stdout.write(f"Loaded fixtures: {', '.join(DEMO_FIXTURES)}")
        self.ensure_admin()
        call_command("collectstatic", interactive=False, verbosity=0)

    def ensure_admin(self):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Admin account: admin (already exists).")
            return
        password = Env().str("DEMO_ADMIN_PASSWORD", default="")
        generated = not password
        if generated:
            password = secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", "admin@example.org", password)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Created superuser 'admin' with generated password: {password}\n"
                    "It is shown only this once; set DEMO_ADMIN_PASSWORD to choose it."
                )
            )
        else:
            self.stdout.write(
                "Created superuser 'admin' (password: DEMO_ADMIN_PASSWORD)."
            )
