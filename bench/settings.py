"""The product's settings with the benchmark's URLs: the database-only baseline view
is served beside the API for the benchmark and never ships in tracker.urls."""

from tracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
