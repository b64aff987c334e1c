"""Bring a database up to the fixture-loaded demo: wait for the database, migrate,
create the cache table, load the 2018 announcement, make sure an `admin` superuser
exists, collect static files.

This is the one start-up for every launcher: `bin/start` (the container's command,
and what `make demo` runs) calls it before serving. Safe to run again, and by
several replicas starting at once: on PostgreSQL they take turns under an advisory
lock, so one migrates and the others find the work done."""

import contextlib
import secrets
import time

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from environ import Env

from commitments.models import Announcement

DEMO_FIXTURES = ["doj-2018-03-12"]
# Any constant shared by every replica: it names this lock among PostgreSQL's.
SETUP_LOCK_KEY = 20180312


def wait_for_database(connection, timeout, log=None):
    """Connect, retrying once a second until `timeout` seconds have passed (the
    database container may still be starting). Raise CommandError after that."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ensure_connection()
            return
        except OperationalError as exc:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CommandError(
                    f"The database did not answer within {timeout:g} s: {exc}"
                ) from exc
            if log:
                log(f"Waiting for the database ({remaining:.0f} s left): {exc}")
            time.sleep(min(1.0, remaining))


@contextlib.contextmanager
def setup_lock(alias=DEFAULT_DB_ALIAS):
    """Hold a PostgreSQL advisory lock for the set-up. It sits on a connection of
    its own because loaddata closes the default one when it is done."""
    if connections[alias].vendor != "postgresql":
        yield
        return
    lock_connection = connections.create_connection(alias)
    try:
        with lock_connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [SETUP_LOCK_KEY])
        try:
            yield
        finally:
            with lock_connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SETUP_LOCK_KEY])
    finally:
        # Were the unlock to fail, the session's end still releases the lock.
        lock_connection.close()


class Command(BaseCommand):
    help = (
        "Wait for the database, migrate, load the demo fixtures into an empty "
        "database, create the admin account if missing, collect static files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--wait",
            type=float,
            default=Env().float("DATABASE_WAIT_SECONDS", default=60),
            help="Seconds to wait for the database to answer before giving up "
            "(default: DATABASE_WAIT_SECONDS or 60).",
        )

    def handle(self, *args, wait, **options):
        wait_for_database(connections[DEFAULT_DB_ALIAS], wait, log=self.stdout.write)
        with setup_lock():
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
            self.load_fixtures()
            self.ensure_admin()
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Set-up done.")

    def load_fixtures(self):
        # Only into a database without announcements: loaddata writes rows as they
        # are in the file, so loading again at every start would undo the edits
        # made since.
        if Announcement.objects.exists():
            self.stdout.write("Fixtures: the database already holds announcements.")
            return
        for fixture in DEMO_FIXTURES:
            call_command("loaddata", fixture, verbosity=0)
        self.stdout.write(f"Loaded fixtures: {', '.join(DEMO_FIXTURES)}")

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
