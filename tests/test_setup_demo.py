"""`manage.py setup_demo` (what `make demo` runs): migrate, load the announcement,
make sure an `admin` superuser exists; running it again changes nothing."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from commitments.models import Announcement, Commitment, ProgressUpdate


@pytest.fixture(autouse=True)
def _static_files_elsewhere(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"


def run_setup_demo():
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def test_loads_the_announcement_and_takes_the_password_from_the_environment(
    db, monkeypatch
):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a demo password for the laptop")
    output = run_setup_demo()
    announcement = Announcement.objects.get(slug="doj-school-safety-2018-03-12")
    assert announcement.commitments.count() > 10
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password("a demo password for the laptop")
    assert "Created superuser 'admin' (password: DEMO_ADMIN_PASSWORD)." in output
    assert "a demo password for the laptop" not in output


def test_generates_and_prints_a_password_once(db, monkeypatch):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    output = run_setup_demo()
    printed = re.search(r"generated password: (\S+)", output).group(1)
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password(printed)
    again = run_setup_demo()
    assert "Admin account: admin (already exists)." in again
    assert printed not in again
    admin.refresh_from_db()
    assert admin.check_password(printed)


def test_a_second_run_changes_nothing(db, monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a demo password for the laptop")
    run_setup_demo()
    models = [Announcement, Commitment, ProgressUpdate]

    def state():
        return {
            model.__name__: (
                sorted(model.objects.values_list()),
                model.history.count(),
            )
            for model in models
        }

    before = state()
    run_setup_demo()
    assert state() == before
    assert get_user_model().objects.filter(username="admin").count() == 1
