"""The service's settings with the probe's URLconf (tests/live_probe.py), for a real
gunicorn started by a test."""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "tests.live_probe"
