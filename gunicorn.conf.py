"""gunicorn settings, from the environment (README "Deploying" lists them).

Command-line options override these: `bin/start --bind 127.0.0.1:8001`.
"""

import gc
import os


def env_int(name, default):
    return int(os.environ.get(name, default))


def env_bool(name, default=False):
    """As django-environ reads a boolean (tracker/settings.py)."""
    if name not in os.environ:
        return default
    return os.environ[name].strip().lower() in {
        "true",
        "on",
        "ok",
        "y",
        "yes",
        "1",
    }


wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, each serving one request at a time; about two per core.
workers = env_int("WEB_CONCURRENCY", 2)
# A worker silent for this long is killed and replaced (a stuck request).
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle each worker after this many requests (plus a random jitter so they do
# not all restart at once), bounding the damage of any slow leak. 0 turns it off.
# Each recycle costs the requests around it: a new worker opens a new database
# connection, whose PostgreSQL backend starts with cold caches, while the old one
# tears down. At 1,000, the benchmark's two workers (about 1,250 cached reads a
# second between them) were each replaced every second or two, and its p99
# suffered (README "Tails"); 10,000 still bounds a leak, ten times more loosely.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
# Load Django, the middleware and the URLconf (its views and serializers) once in
# the master, before forking: a worker, the first or one that replaces a recycled
# one, then serves its first request at once instead of loading them on it (the
# benchmark's tails, README "Tails"). Nothing connects to the database while
# loading (Django connects on a request's first query), and when_ready closes any
# connection all the same, so no worker inherits one. The price: a HUP reloads
# the configuration but not the code; deploy by restarting. 0 turns it off.
preload_app = env_bool("GUNICORN_PRELOAD", default=True)


def when_ready(server):
    """In the master, after the application is loaded and before any worker is
    forked."""
    if not server.cfg.preload_app:
        return
    from django.db import connections
    from django.urls import get_resolver

    # Imports every view module and builds the URL patterns' lookup tables.
    get_resolver().reverse_dict  # noqa: B018
    connections.close_all()
    # What was loaded lives as long as the process: collected once, then moved
    # out of the garbage collector's reach (gc.freeze), so that a worker's full
    # collections do not walk it. Walking it writes to each object's header, so
    # every page it lies on is copied from the master's (copy-on-write) while the
    # worker serves, and is no longer shared. The gc module's documentation gives
    # this for a fork without exec; in the benchmark it took the spikes of 70 to
    # 160 ms out of the cached reads' p99 (README "Tails").
    gc.collect()
    gc.freeze()


# Django's tracker.middleware writes one access line per request, with its id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No gunicornc control socket: replicas on one host would share its one path, and
# the container's user cannot write to its default directory.
control_socket_disable = True
# Which peers may tell gunicorn, by X-Forwarded-Proto, that the client used HTTPS
# (it then sets the request's scheme, which Django believes): the same decision as
# Django's TRUST_X_FORWARDED_PROTO, not gunicorn's own default of trusting
# 127.0.0.1, through which any client of a proxy on the same host could claim
# HTTPS. Trusted: any peer, or those listed in FORWARDED_ALLOW_IPS; otherwise none.
if env_bool("TRUST_X_FORWARDED_PROTO"):
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
else:
    forwarded_allow_ips = ""
# Only the header Django reads (SECURE_PROXY_SSL_HEADER).
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
