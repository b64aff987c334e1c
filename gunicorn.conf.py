"""gunicorn settings, from the environment (README "Deploying" lists them).

Command-line options override these: `bin/start --bind 127.0.0.1:8001`.
"""

import os


def env_int(name, default):
    return int(os.environ.get(name, default))


wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, each serving one request at a time; about two per core.
workers = env_int("WEB_CONCURRENCY", 2)
# A worker silent for this long is killed and replaced (a stuck request).
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Recycle each worker after this many requests (plus a random jitter so they do
# not all restart at once), bounding the damage of any slow leak. 0 turns it off.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Django's tracker.middleware writes one access line per request, with its id.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No gunicornc control socket: replicas on one host would share its one path, and
# the container's user cannot write to its default directory.
control_socket_disable = True
