"""Two web replicas on one PostgreSQL database serve as one service.

    .venv/bin/python .ci/replicas.py              # 40 rounds
    .venv/bin/python .ci/replicas.py --rounds 200

It creates a scratch database, runs the start-up every container runs
(`manage.py setup_demo`: migrations, the 2018 fixtures, the admin account), starts
two gunicorn servers with the production settings on two loopback ports, and then,
round after round, on one commitment:

- reads it from both replicas: the same data and the same ETag;
- sends one conditional write (PATCH with If-Match) to each replica at the same
  moment, both with the ETag just read: exactly one is applied (200), the other
  is refused with 412 and the current ETag;
- every few rounds, replays an old ETag on the other replica: 412, nothing written.

At the end the commitment's version has grown by exactly the number of writes
applied (each applied once, none of the refused ones applied), its history has
grown by one entry per applied write and shows no refused one, and both replicas
serve the last applied write. The token is issued by one replica and used on
both: sessions, tokens, sign-in failures and caches live in the database, not in
a web process.

Exit status 0 when every check held, 1 otherwise. Bounded: every request has a
timeout, the servers are stopped and the scratch database dropped at the end.
Needs PostgreSQL (DATABASE_URL's server, or --database-url) and the API of
docs/design.md ("HTTP interface (v1)").
"""

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20  # seconds, for any one request
PUBLIC_HOST = "localhost"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/tracker_replicas",
        help="The scratch database to create, use and drop (default: %(default)s).",
    )
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers per replica"
    )
    return parser.parse_args()


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def request(method, url, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json")
    # One public host name for both replicas, as a load balancer forwards it: the
    # representations (and so their ETags) carry absolute links on that host.
    req.add_header("Host", PUBLIC_HOST)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ScratchDatabase:
    def __init__(self, url):
        self.url = url
        parts = urllib.parse.urlsplit(url)
        self.name = parts.path.lstrip("/")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", self.name):
            sys.exit(f"Refusing an unusual database name: {self.name!r}")
        self.server_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))

    def _run(self, sql):
        connection = psycopg2.connect(self.server_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def create(self):
        self.drop()
        self._run(f'CREATE DATABASE "{self.name}"')

    def drop(self):
        self._run(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Replica:
    def __init__(self, name, env, workers, log_dir):
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_dir) / f"{name}.log"
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
                + ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_healthy(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if request("GET", self.base + "/healthz").status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        sys.exit(f"replica {self.name} did not start:\n{self.log_path.read_text()}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, condition, message):
        if not condition:
            self.failures.append(message)
            print(f"FAIL: {message}")
        return condition


def same_data(replicas, path, auth):
    """The commitment as each replica serves it."""
    seen = []
    for replica in replicas:
        response = request("GET", replica.base + path, headers=auth)
        text = response.body.decode()
        seen.append((response.status, response.headers.get("ETag"), text))
    return seen


def patch_at_once(replicas, path, etag, auth, round_number):
    """One PATCH per replica, released together, each with the same If-Match."""
    start = threading.Barrier(len(replicas))
    results = {}

    def send(replica):
        description = f"Round {round_number}, written through replica {replica.name}."
        start.wait(timeout=TIMEOUT)
        results[replica.name] = (
            description,
            request(
                "PATCH",
                replica.base + path,
                {"description": description},
                {**auth, "If-Match": etag},
            ),
        )

    threads = [threading.Thread(target=send, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    return results


def history(replica, path, auth, checks):
    """The commitment's history entries, newest first, each as JSON text."""
    entries, url = [], replica.base + path + "history/?page_size=100"
    while url:
        response = request("GET", url, headers=auth)
        if not checks.expect(response.status == 200, f"history: {response.status}"):
            return entries
        page = response.json()
        entries.extend(json.dumps(entry) for entry in page["results"])
        # The link names the public host; this replica serves its path.
        link = urllib.parse.urlsplit(page.get("next") or "")
        url = link.path and f"{replica.base}{link.path}?{link.query}"
    return entries


def run(args, checks):
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "DEMO_ADMIN_PASSWORD": password,
        "GUNICORN_MAX_REQUESTS": "0",
    }
    with tempfile.TemporaryDirectory() as tmp:
        env["STATIC_ROOT"] = str(Path(tmp) / "static")
        subprocess.run(
            [sys.executable, "manage.py", "setup_demo"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
        replicas = [Replica(n, env, args.workers, tmp) for n in ("A", "B")]
        try:
            for replica in replicas:
                replica.wait_until_healthy()
            exercise(replicas, password, args.rounds, checks)
        finally:
            for replica in replicas:
                replica.stop()


def exercise(replicas, password, rounds, checks):
    a, b = replicas
    token = request(
        "POST",
        a.base + "/api/v1/auth/token/",
        {"username": "admin", "password": password},
    )
    if not checks.expect(token.status == 200, f"token from A: {token.status}"):
        return
    auth = {"Authorization": f"Token {token.json()['token']}"}
    listing = request("GET", b.base + "/api/v1/commitments/?page_size=1", headers=auth)
    checks.expect(listing.status == 200, "B accepts the token A issued")
    commitment = listing.json()["results"][0]
    path = f"/api/v1/commitments/{commitment['id']}/"
    first_version = commitment["version"]
    history_before = len(history(a, path, auth, checks))

    applied, refused, old_etags, done = [], [], [], 0
    for n in range(1, rounds + 1):
        (status_a, etag_a, body_a), (status_b, etag_b, body_b) = same_data(
            replicas, path, auth
        )
        checks.expect(
            status_a == status_b == 200 and etag_a == etag_b and body_a == body_b,
            f"round {n}: the replicas serve different data ({etag_a} / {etag_b})",
        )
        if not checks.expect(etag_a, f"round {n}: the commitment has no ETag"):
            break
        old_etags.append(etag_a)
        done = n
        results = patch_at_once(replicas, path, etag_a, auth, n)
        statuses = sorted(response.status for _, response in results.values())
        checks.expect(
            statuses == [200, 412],
            f"round {n}: expected one 200 and one 412, got {statuses}",
        )
        for description, response in results.values():
            if response.status == 200:
                applied.append(description)
                checks.expect(
                    response.headers.get("ETag") not in (None, etag_a),
                    f"round {n}: the applied write did not change the ETag",
                )
            else:
                refused.append(description)
        if n % 5 == 0 and len(old_etags) > 1:
            stale = request(
                "PATCH",
                (a if n % 2 else b).base + path,
                {"description": f"Round {n}, replayed with an old ETag."},
                {**auth, "If-Match": old_etags[-2]},
            )
            refused.append(f"Round {n}, replayed with an old ETag.")
            current = request("GET", b.base + path, headers=auth).headers.get("ETag")
            checks.expect(
                stale.status == 412 and stale.headers.get("ETag") == current,
                f"round {n}: an old ETag got {stale.status}, not 412 with {current}",
            )

    (_, etag_a, body_a), (_, etag_b, body_b) = same_data(replicas, path, auth)
    final = json.loads(body_a)
    checks.expect(
        etag_a == etag_b and body_a == body_b, "the replicas end with different data"
    )
    checks.expect(
        final["version"] == first_version + len(applied),
        f"version {final['version']} after {len(applied)} applied writes from "
        f"version {first_version}: a write was lost or applied twice",
    )
    checks.expect(
        bool(applied) and final["description"] == applied[-1],
        "the last applied write is not what the replicas serve",
    )
    entries = history(a, path, auth, checks)
    checks.expect(
        len(entries) == history_before + len(applied),
        f"the history grew by {len(entries) - history_before} entries for "
        f"{len(applied)} applied writes",
    )
    for description in applied:
        checks.expect(
            any(description in entry for entry in entries),
            f"an applied write is missing from the history: {description!r}",
        )
    for description in refused:
        checks.expect(
            not any(description in entry for entry in entries),
            f"a refused write is in the history: {description!r}",
        )
    print(
        f"{done} rounds on commitment {commitment['id']} through 2 replicas: "
        f"{len(applied)} writes applied once each, {len(refused)} refused with 412; "
        f"version {first_version} -> {final['version']}; both replicas serve "
        f"ETag {etag_a}."
    )


def main():
    args = parse_args()
    checks = Checks()
    database = ScratchDatabase(args.database_url)
    database.create()
    try:
        run(args, checks)
    finally:
        database.drop()
    if checks.failures:
        print(f"{len(checks.failures)} checks failed.")
        sys.exit(1)
    print("Every check held.")


if __name__ == "__main__":
    main()
