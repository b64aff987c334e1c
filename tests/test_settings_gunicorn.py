"""gunicorn.conf.py: the WSGI server's settings come from the environment."""

import gc
import runpy
import types

import pytest
from django.conf import settings
from django.db import connections
from gunicorn.config import Config

CONF = settings.BASE_DIR / "gunicorn.conf.py"


def load(monkeypatch, **environment):
    """gunicorn's own Config, set from the file as gunicorn does; every name in the
    file must be a gunicorn setting."""
    for name in (
        "WEB_CONCURRENCY",
        "GUNICORN_BIND",
        "GUNICORN_TIMEOUT",
        "GUNICORN_MAX_REQUESTS",
        "GUNICORN_MAX_REQUESTS_JITTER",
        "TRUST_X_FORWARDED_PROTO",
        "FORWARDED_ALLOW_IPS",
        "GUNICORN_PRELOAD",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    names = {
        name: value
        for name, value in runpy.run_path(str(CONF)).items()
        if not name.startswith("_")
        and not callable(value)
        and not isinstance(value, types.ModuleType)
    }
    config = Config()
    unknown = set(names) - set(config.settings)
    assert not unknown
    for name, value in names.items():
        config.set(name, value)
    return config


def test_workers_timeout_and_recycling_come_from_the_environment(monkeypatch):
    config = load(
        monkeypatch,
        WEB_CONCURRENCY="5",
        GUNICORN_TIMEOUT="12",
        GUNICORN_MAX_REQUESTS="300",
        GUNICORN_MAX_REQUESTS_JITTER="30",
        GUNICORN_BIND="0.0.0.0:9000",
    )

    assert config.workers == 5
    assert config.timeout == 12
    assert config.max_requests == 300
    assert config.max_requests_jitter == 30
    assert config.bind == ["0.0.0.0:9000"]


def test_defaults_serve_the_project_on_loopback(monkeypatch):
    config = load(monkeypatch)

    assert config.wsgi_app == "tracker.wsgi:application"
    assert config.bind == ["127.0.0.1:8000"]
    assert config.workers == 2
    assert config.timeout == 30
    assert config.max_requests == 10000
    assert config.max_requests_jitter == 1000
    # The Django middleware writes the access log, with request ids.
    assert config.accesslog is None
    assert config.errorlog == "-"


def test_without_trust_gunicorn_believes_no_peers_x_forwarded_proto(monkeypatch):
    # gunicorn's own default trusts 127.0.0.1: a client of any proxy on the same
    # host could claim HTTPS.
    config = load(monkeypatch)

    assert config.forwarded_allow_ips == []


def test_trusting_x_forwarded_proto_trusts_the_proxy_for_gunicorn_too(monkeypatch):
    config = load(monkeypatch, TRUST_X_FORWARDED_PROTO="true")
    narrowed = load(
        monkeypatch, TRUST_X_FORWARDED_PROTO="true", FORWARDED_ALLOW_IPS="10.0.0.0/8"
    )

    assert config.forwarded_allow_ips == ["*"]
    assert config.secure_scheme_headers == {"X-FORWARDED-PROTO": "https"}
    assert narrowed.forwarded_allow_ips == ["10.0.0.0/8"]


def test_the_application_is_loaded_before_forking_unless_turned_off(monkeypatch):
    assert load(monkeypatch).preload_app is True
    assert load(monkeypatch, GUNICORN_PRELOAD="0").preload_app is False
    assert load(monkeypatch, GUNICORN_PRELOAD="false").preload_app is False


@pytest.fixture
def frozen_before():
    """How many objects were frozen before the test (none, in this suite); if the
    test froze any, all are unfrozen after it, so the tests that follow in the
    process see none of it."""
    before = gc.get_freeze_count()
    yield before
    if gc.get_freeze_count() != before:
        gc.unfreeze()


@pytest.mark.django_db(transaction=True)
def test_the_master_loads_the_urls_closes_connections_and_freezes(frozen_before):
    when_ready = runpy.run_path(str(CONF))["when_ready"]
    server = types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app=True))
    # Open, as a master's would be had anything read the database while loading.
    connections["default"].ensure_connection()
    assert connections["default"].connection is not None

    when_ready(server)

    assert all(c.connection is None for c in connections.all())
    # What it loaded is out of the workers' garbage collections.
    assert gc.get_freeze_count() > frozen_before


def test_without_preloading_the_master_freezes_nothing(frozen_before):
    when_ready = runpy.run_path(str(CONF))["when_ready"]
    server = types.SimpleNamespace(cfg=types.SimpleNamespace(preload_app=False))

    when_ready(server)

    assert gc.get_freeze_count() == frozen_before
