"""Settings are read once, at start-up, from the environment: each case runs
manage.py in a process of its own with the environment it describes."""

import json
import os
import re
import secrets
import subprocess
import sys

from django.conf import settings

SETTINGS_PROBE = """
import json
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": s.SECURE_HSTS_PRELOAD,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "CACHE_BACKEND": s.CACHES["default"]["BACKEND"],
}))
"""


def production_environment():
    """The production block of .env.example, uncommented, plus a fresh key."""
    text = (settings.BASE_DIR / ".env.example").read_text()
    block = text.split("# --- production ---", 1)[1]
    env = dict(re.findall(r"^# ([A-Z_]+)=(.*)$", block, re.M))
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def manage(*args, **environment):
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "HTTPS_ONLY", "TRUST_X_FORWARDED_PROTO"}
        and not name.startswith(("SECURE_", "SESSION_", "CSRF_"))
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def probe(code, **environment):
    """What `code`, run by `manage.py shell` with a secret key, a PostgreSQL
    URL (never connected to) and `environment`, prints as JSON."""
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        **{
            "SECRET_KEY": "a-local-key",
            "DATABASE_URL": "postgres://tracker@db.invalid:5432/tracker",
            **environment,
        },
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_documented_production_environment_passes_the_deploy_check():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production_environment()
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_demo_environment_fails_the_deploy_check_naming_what_to_set():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        HTTPS_ONLY="false",
    )

    assert result.returncode != 0
    for check in ["W004", "W008", "W012", "W016"]:
        assert f"security.{check}" in result.stderr


def test_production_turns_on_https_everywhere():
    result = manage(
        "shell", "--no-imports", "-c", SETTINGS_PROBE, **production_environment()
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CACHE_BACKEND": "tracker.caching.DatabaseCache",
    }


def test_debug_and_https_are_off_unless_asked_for():
    result = manage(
        "shell", "--no-imports", "-c", SETTINGS_PROBE, SECRET_KEY="a-local-key"
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        # A client could claim HTTPS if the header were trusted without a proxy.
        "SECURE_PROXY_SSL_HEADER": None,
        "CACHE_BACKEND": "tracker.caching.DatabaseCache",
    }


def test_each_https_setting_can_be_set_on_its_own():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SETTINGS_PROBE,
        SECRET_KEY="a-local-key",
        HTTPS_ONLY="true",
        SECURE_HSTS_SECONDS="3600",
        SECURE_HSTS_PRELOAD="false",
    )

    assert result.returncode == 0, result.stderr
    probed = json.loads(result.stdout)
    assert probed["SECURE_HSTS_SECONDS"] == 3600
    assert probed["SECURE_HSTS_PRELOAD"] is False
    assert probed["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True


def test_without_a_secret_key_production_refuses_to_start():
    # An empty value in the environment wins over the .env file.
    result = manage("check", SECRET_KEY="", DEBUG="false")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set." in result.stderr
