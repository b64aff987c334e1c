# The web image: the project on an official slim Python, served by gunicorn.
# `docker compose up` builds and runs it; README "Deploying" has the settings.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GUNICORN_BIND=0.0.0.0:8000

WORKDIR /app

# The pinned requirements first, so code changes reuse this layer. The server
# runs as an unprivileged user that owns only the static files directory.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app \
        --shell /usr/sbin/nologin app \
    && install --directory --owner=10001 --group=10001 /app/staticfiles
COPY . .
USER 10001:10001

EXPOSE 8000
# The same probe a load balancer uses; /healthz answers any Host header.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Set-up (wait for the database, migrate, fixtures, admin, static files), then
# gunicorn with the settings of gunicorn.conf.py.
CMD ["bin/start"]
