"""`setup_demo`, the start-up that the container and `make demo` share (bin/start).
CI also runs it end to end on a fresh PostgreSQL database and serves with gunicorn
(.ci/run, "Entrypoint")."""

import json
import os
import subprocess
import sys
import time

import psycopg2
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend

from commitments.management.commands import setup_demo
from commitments.models import Announcement

# A stand-in for the demo fixture, so these tests do not depend on its contents.
FIXTURE = [
    {
        "model": "commitments.agency",
        "fields": {"slug": "doj", "abbreviation": "DOJ", "name": "Justice"},
    },
    {
        "model": "commitments.announcement",
        "fields": {
            "slug": "school-safety",
            "title": "School safety",
            "issuer": ["doj"],
            "announced_on": "2018-03-12",
            "body": "The department will act.",
        },
    },
]


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    """setup_demo with the stand-in fixture and static files collected into a
    temporary directory; returns a function that runs it and returns its output."""
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "stand-in.json").write_text(json.dumps(FIXTURE))
    settings.FIXTURE_DIRS = [tmp_path / "fixtures"]
    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.setattr(setup_demo, "DEMO_FIXTURES", ["stand-in"])
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a demo password 42")

    def run():
        call_command("setup_demo", wait=5)

    return run


def unreachable_connection():
    settings_dict = {**connection.settings_dict}
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-directory/db.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, "unreachable"
    )


def test_setup_demo_loads_fixtures_creates_the_admin_and_collects_static_files(
    db, demo, settings, capsys
):
    demo()

    out = capsys.readouterr().out
    assert "Loaded fixtures: stand-in" in out
    assert "Created superuser 'admin' (password: DEMO_ADMIN_PASSWORD)." in out
    assert Announcement.objects.get().slug == "school-safety"
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("a demo password 42")
    assert (settings.STATIC_ROOT / "admin" / "css" / "base.css").is_file()


def test_setup_demo_run_again_keeps_edits_and_the_admin(db, demo, capsys):
    demo()
    Announcement.objects.filter(slug="school-safety").update(title="Edited")
    get_user_model().objects.filter(username="admin").update(email="me@example.org")

    demo()

    out = capsys.readouterr().out
    assert "Fixtures: the database already holds announcements." in out
    assert "Admin account: admin (already exists)." in out
    assert Announcement.objects.get().title == "Edited"
    assert get_user_model().objects.get(username="admin").email == "me@example.org"


def test_setup_demo_prints_a_generated_password_once(db, demo, monkeypatch, capsys):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD")

    demo()

    out = capsys.readouterr().out
    password = out.split("generated password: ", 1)[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)


def test_setup_demo_creates_the_cache_table(db, demo, settings):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {settings.CACHES['default']['LOCATION']}")

    demo()

    cache.set("replica-shared", 42)
    assert cache.get("replica-shared") == 42


def test_waiting_for_the_database_retries_then_gives_up_after_the_timeout(db):
    messages = []
    started = time.monotonic()

    with pytest.raises(CommandError, match=r"did not answer within 1\.5 s"):
        setup_demo.wait_for_database(unreachable_connection(), 1.5, messages.append)

    assert 1.5 <= time.monotonic() - started < 5
    assert len(messages) == 2
    assert all(m.startswith("Waiting for the database (") for m in messages)


def test_waiting_for_a_database_that_answers_returns_at_once(db):
    started = time.monotonic()

    setup_demo.wait_for_database(connection, timeout=30)

    assert time.monotonic() - started < 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"
)
def test_replicas_take_turns_at_the_set_up(db):
    other_replica = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with setup_demo.setup_lock(), other_replica.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(%s)", [setup_demo.SETUP_LOCK_KEY]
            )
            assert cursor.fetchone() == (False,)
        with other_replica.cursor() as cursor:
            cursor.execute(
                "SELECT pg_try_advisory_lock(%s)", [setup_demo.SETUP_LOCK_KEY]
            )
            assert cursor.fetchone() == (True,)
    finally:
        other_replica.close()


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="replicas share a PostgreSQL server"
)
def test_replicas_starting_together_on_a_fresh_database_all_succeed(db, tmp_path):
    # Three start-ups at once on an empty database, as `docker compose up --scale
    # web=3` does: one migrates and loads the demo, the others wait and find it
    # done, and none fails on a table or an admin account the others created.
    params = connection.get_connection_params()
    name = f"{connection.settings_dict['NAME']}_replicas"[:63]
    server = psycopg2.connect(**{**params, "dbname": "postgres"})
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        here = connection.settings_dict
        url = f"postgres://{here['USER']}@{here['HOST']}:{here['PORT'] or 5432}/{name}"
        starts = [
            subprocess.Popen(
                [sys.executable, "manage.py", "setup_demo"],
                cwd=settings.BASE_DIR,
                env={
                    **os.environ,
                    "DATABASE_URL": url,
                    "STATIC_ROOT": str(tmp_path / f"static-{n}"),
                },
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for n in range(3)
        ]
        outputs = [start.communicate(timeout=300)[0] for start in starts]
        codes = [start.returncode for start in starts]
        replica = psycopg2.connect(**{**params, "dbname": name})
        try:
            with replica.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM commitments_announcement")
                [announcements] = cursor.fetchone()
                cursor.execute("SELECT count(*) FROM auth_user")
                [users] = cursor.fetchone()
        finally:
            replica.close()
    finally:
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.close()

    assert codes == [0, 0, 0], outputs
    assert sum("Loaded fixtures" in out for out in outputs) == 1
    assert sum("Created superuser 'admin'" in out for out in outputs) == 1
    assert announcements >= 1
    assert users == 1
