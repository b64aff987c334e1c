"""Two test runs in one checkout (two terminals, or CI beside a developer) each get
a SQLite test database of their own: one never deletes the other's file."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "from django.conf import settings; "
    "print(settings.DATABASES['default']['TEST']['NAME'])"
)


def sqlite_test_database_name():
    """The SQLite test database file a new process would use."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="tracker.settings", SECRET_KEY="test-only")
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PROBE}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_two_runs_use_two_sqlite_files_in_the_checkout():
    first = sqlite_test_database_name()
    second = sqlite_test_database_name()

    assert first != second
    for name in (first, second):
        assert os.path.dirname(name) == str(settings.BASE_DIR)
        # Ignored by git, as the demo's database is.
        assert os.path.basename(name).startswith("db.sqlite3")
