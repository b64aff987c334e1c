"""The service survives PostgreSQL restarting under it (issue 4, point 8).

Two real gunicorn servers with the production settings run on the test database:
a busy one, to which topics are POSTed through the API without pause while the
local PostgreSQL cluster restarts, and an idle one, whose worker
holds a persistent connection (CONN_MAX_AGE) that the restart kills without the
worker noticing. Then:

- every write the busy server acknowledged (201) is in the database; the rest were
  refused with 503, never a 500 or a dropped connection;
- every request sent after the restart succeeds, on both servers, the idle one's
  first included: CONN_HEALTH_CHECKS replaces the dead connection before use;
- the same worker processes serve before and after: nothing was restarted.

Opt-in (`-m slow`): it restarts the PostgreSQL server that DATABASE_URL points at,
which every other client of that server notices.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection, connections
from knox.models import AuthToken

from commitments.models import Topic
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="restarts the PostgreSQL server; SQLite has none",
    ),
    pytest.mark.skipif(
        shutil.which("pg_ctlcluster") is None or os.geteuid() != 0,
        reason="needs Debian's pg_ctlcluster, run as root, to restart the server",
    ),
]


def local_cluster():
    """(version, name) of the local cluster listening on the test database's port."""
    port = str(connection.settings_dict["PORT"] or 5432)
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return version, name
    pytest.skip(f"no local PostgreSQL cluster listens on port {port}")


def restart_postgresql(version, name):
    """Restart (fast shutdown: open transactions roll back, sessions end) and wait
    until the server accepts connections again."""
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],
        check=True,
        timeout=120,
    )
    port = str(connection.settings_dict["PORT"] or 5432)
    for _ in range(60):
        ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", port, "-q"])
        if ready.returncode == 0:
            return
        time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back within 30 s")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"])
    if db["PASSWORD"]:
        user += ":" + urllib.parse.quote(db["PASSWORD"])
    return f"postgres://{user}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """gunicorn with the project's settings (gunicorn.conf.py), on a free
    loopback port, writing with a maintainer's API token."""

    def __init__(self, workers, log_path, token):
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.token = token
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            # Persistent connections, as in production: what a restart breaks.
            "CONN_MAX_AGE": "600",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_MAX_REQUESTS": "0",
        }
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
                + ["--bind", f"127.0.0.1:{self.port}"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_healthy(self, timeout=30):
        """Until it answers and all its workers run: gunicorn forks them one at
        a time, with a random pause of up to 0.1 s between them, so the first
        may answer before the last is there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (
                get_status(self.url + "/healthz") == 200
                and len(self.worker_pids()) == self.workers
            ):
                return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start:\n{self.log()}")

    def worker_pids(self):
        children = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        with open(children) as f:
            return set(map(int, f.read().split()))

    def write(self, slug):
        """POST one topic; (status, time sent)."""
        sent_at = time.monotonic()
        request = urllib.request.Request(
            self.url + "/api/v1/topics/",
            data=json.dumps({"slug": slug, "name": f"Topic {slug}"}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Token {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, sent_at
        except urllib.error.HTTPError as error:
            return error.code, sent_at
        except OSError:
            return "no answer", sent_at

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def log(self):
        return self.log_path.read_text()


def get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def test_the_service_survives_postgresql_restarting_under_it(
    transactional_db, tmp_path
):
    cluster = local_cluster()
    _, token = AuthToken.objects.create(user=UserFactory(is_superuser=True))
    busy = Server(workers=2, log_path=tmp_path / "busy.log", token=token)
    idle = Server(workers=1, log_path=tmp_path / "idle.log", token=token)
    writes = []  # (slug, status, time sent), from the busy server
    stop_writing = threading.Event()

    def write_without_pause():
        n = 0
        while not stop_writing.is_set():
            slug = f"during-{n}"
            writes.append((slug, *busy.write(slug)))
            n += 1
            time.sleep(0.01)

    writer = threading.Thread(target=write_without_pause)
    try:
        busy.wait_until_healthy()
        idle.wait_until_healthy()
        # Each server's workers open persistent connections (CONN_MAX_AGE); the
        # idle server's one worker certainly does.
        warm_up = [(s, *busy.write(s)) for s in ("warm-1", "warm-2", "warm-3")]
        warm_up += [(s, *idle.write(s)) for s in ("warm-4", "warm-5")]
        assert [status for _, status, _ in warm_up] == [201] * 5
        busy_workers, idle_workers = busy.worker_pids(), idle.worker_pids()
        assert len(busy_workers) == 2
        assert len(idle_workers) == 1

        writer.start()
        time.sleep(0.5)
        restart_postgresql(*cluster)
        restarted_at = time.monotonic()
        time.sleep(1)
        stop_writing.set()
        writer.join(timeout=60)
        after = [(s, *idle.write(s)) for s in ("after-1", "after-2", "after-3")]

        statuses = [status for _, status, _ in writes]
        print(f"busy server during the restart: {len(writes)} writes", end=" ")
        print({status: statuses.count(status) for status in set(statuses)})
        # Refused while the database was down, with a clear answer.
        assert set(statuses) <= {201, 503}, statuses
        # Answered again as soon as the database was back.
        sent_after = [w for w in writes if w[2] > restarted_at]
        assert sent_after
        assert all(status == 201 for _, status, _ in sent_after), sent_after
        # The idle server's one worker found its connection dead at its first
        # request after the restart, and replaced it before use.
        assert [status for _, status, _ in after] == [201] * 3
        # No worker was restarted.
        assert busy.worker_pids() == busy_workers
        assert idle.worker_pids() == idle_workers
    finally:
        stop_writing.set()
        if writer.is_alive():
            writer.join(timeout=60)
        busy.stop()
        idle.stop()
        print(busy.log(), idle.log(), sep="\n")
        # This process's own connection died with the restart too.
        connections.close_all()

    acknowledged = {
        slug for slug, status, _ in warm_up + writes + after if status == 201
    }
    stored = set(
        Topic.objects.filter(slug__in=acknowledged).values_list("slug", flat=True)
    )
    assert stored == acknowledged
