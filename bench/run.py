"""Benchmark the API against a database-only baseline, at two sizes, in one run.

    .venv/bin/python bench/run.py            # 1,000 then 100,000 commitments
    .venv/bin/python bench/run.py --small    # 1,000 then 10,000, shorter rounds
    .venv/bin/python bench/run.py --search-only  # the longest searches, 100,000

It creates a scratch PostgreSQL database, migrates it, loads generated data
(manage.py generate_data), serves the project with gunicorn on 127.0.0.1 with
production settings (DEBUG off, a SECRET_KEY made for the run), drives each request
with wrk, and prints req/s, p50 and p99 per request as the median of several
rounds, each as a ratio to the baseline (bench/views.py: the same first list page
assembled as JSON by one SQL statement), with what the server's log says of the
same rounds (time inside Django, response-cache misses, worker boots) and how
much of them PostgreSQL spent autovacuuming. It times
the CSV export of every commitment against PostgreSQL's COPY of the same query,
with the workers' memory, and runs a mixed round of reads checked against the
database between writes. Then it adds data up to the large size and measures
again, printing how latency grew. Everything is bounded in time; the
server is stopped and the scratch database dropped at the end. Needs wrk
(`apt-get install wrk`) and PostgreSQL; see README, "Performance".
"""

import argparse
import csv
import datetime
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POST_SCRIPT = ROOT / "bench" / "post.lua"
POST_TARGETS = RESULTS / "post-targets.txt"
PAGE_SIZE = 50
SMALL_SIZE = 1000
BASELINE = "baseline: SQL json_agg, first page"
FIRST_PAGE = "list, first page"
DEEP_PAGE = "list, deep page"
DEEP_CURSOR = "list, deep page by cursor"
REVALIDATED = "detail revalidated (304)"
POST = "progress POST"
# The search caps, read from the code that enforces them
# (commitments/filtersets.py) so the benchmark follows them if they change.
SEARCH_CAPS = (
    "from commitments.filtersets import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS; "
    "print(SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS)"
)
SEARCH_REQUESTS = 10  # timed requests per search, after one to warm up
SEARCH_LIMIT = 1.0  # seconds: issue 12's bound on the longest search


def longest_search(common, max_length, max_words):
    """The longest search the server accepts: `max_words` different words and
    `max_length` characters in all. The `common` words come first (as many as
    fit, leaving room for at least one more), then words no commitment holds,
    padded so the text is exactly `max_length` long. Read without an index, each
    word tests three text columns of every row, in the order given: common words
    first and a missing word last test every condition of every row and show
    nothing; missing words alone stop at the first."""
    words, seen = [], set()
    for word in common:
        if word.casefold() in seen or len(words) == max_words - 1:
            continue
        # Room left for the missing words, each at least "zqx0" and a space.
        missing = max_words - len(words) - 1
        if len(" ".join([*words, word])) + 5 * missing > max_length:
            break
        words.append(word)
        seen.add(word.casefold())
    missing = max_words - len(words)
    room = max_length - len(" ".join(words)) - (1 if words else 0) - (missing - 1)
    for number in range(missing):
        # Letters and digits no generated or real text holds ("zqx" is not
        # English), made distinct by the number, sharing the room left.
        size = room // missing + (1 if number < room % missing else 0)
        stem = f"zqx{number}"
        if size < len(stem):
            raise ValueError(f"No room for {missing} missing words in {room}.")
        words.append(stem.ljust(size, "q"))
    return " ".join(words)


CHANGES = "changes feed, first page"
# A request with a cookie is never answered from the response cache
# (tracker.caching.ResponseCacheMiddleware): the same read, worked out afresh.
UNCACHED = {"Cookie": "bench=uncached"}
FIRST_PAGE_UNCACHED = "list, first page, uncached"
DETAIL_UNCACHED = "detail, uncached"
READS_PER_WRITE = 20
AS_OF = "list, first page, as_of"
# The exports: every commitment as CSV, from the API (with a cookie, so not
# looked up in the response cache, which never keeps a stream anyway) and from
# the site, against PostgreSQL's own COPY of the same columns
# (bench.views.export_copy_sql).
EXPORTS = {
    "API CSV, all commitments": ("/api/v1/commitments/?format=csv", UNCACHED),
    "site CSV, all commitments": ("/commitments.csv", {}),
}
COPY = "COPY (SELECT …) TO STDOUT WITH CSV"
# The same rows with the values as stored, PostgreSQL formatting none of them
# (bench.views.stored_copy_sql): the stricter yardstick.
COPY_STORED = "COPY of the stored values"
EXPORT_REQUESTS = 3  # timed exports of each kind, after one to warm up
EXPORT_FIRST_BYTE = 0.5  # seconds
EXPORT_TIMES_COPY = 2.0
EXPORT_MEMORY = 50  # MB a worker may grow by while it exports
SAMPLE_EVERY = 0.05  # seconds between readings of the workers' memory
# As JSON, on one line: the statements hold line breaks (the export's query
# tests for a leading carriage return, FORMULA_TRIGGERS).
EXPORT_SQL = (
    "import json; from bench.views import export_copy_sql; "
    "print(json.dumps(export_copy_sql()))"
)
STORED_SQL = (
    "import json; from bench.views import stored_copy_sql; "
    "print(json.dumps(stored_copy_sql()))"
)


def add_serving_arguments(parser, database):
    """The options of how the server is run and driven, and where its scratch
    database goes (`database` by default): bench/run.py's and bench/ab.py's."""
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
    parser.add_argument(
        "--connections", type=int, default=2, help="wrk connections (default 2)."
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server, without a database name.",
    )
    parser.add_argument("--database", default=database, help="Scratch database.")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--commitments",
        type=int,
        default=100_000,
        help="The large size (default 100,000); the run first measures 1,000.",
    )
    parser.add_argument(
        "--updates-per-commitment",
        type=int,
        default=10,
        help="Progress updates per commitment on average (default 10).",
    )
    parser.add_argument(
        "--small",
        action="store_true",
        help="A quick run: 10,000 commitments, 2 rounds of 3 s.",
    )
    parser.add_argument("--rounds", type=int, default=None, help="Default 3.")
    parser.add_argument(
        "--duration", type=int, default=None, help="Seconds per round (default 5)."
    )
    add_serving_arguments(parser, database="ct_bench_run")
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="Serve the measured server on this port, the mixed round's writer on "
        "the next one (default: free ports).",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the scratch database afterwards."
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="With --search-only: measure the database a run with --keep left, "
        "without creating, loading or dropping it.",
    )
    parser.add_argument(
        "--search-only",
        action="store_true",
        help="Only the longest searches the site accepts, at --commitments "
        '(default 100,000), each timed to its last byte (README, "The longest '
        'search"). '
        "Needs no wrk; its scratch database is ct_bench_search.",
    )
    parser.add_argument(
        "--no-compare",
        action="store_true",
        help="Load by COPY only, without timing bulk_create beside it.",
    )
    parser.add_argument(
        "--mixed-reads",
        type=int,
        default=None,
        help="Reads in the mixed round (default 2,000; 600 with --small).",
    )
    parser.add_argument(
        "--time-limit",
        type=int,
        default=25,
        help="Minutes before the run gives up (default 25).",
    )
    args = parser.parse_args()
    if args.search_only and args.database == "ct_bench_run":
        args.database = "ct_bench_search"
    if args.small:
        args.commitments = 10_000
    args.search_requests = SEARCH_REQUESTS
    args.rounds = args.rounds or (2 if args.small else 3)
    args.duration = args.duration or (3 if args.small else 5)
    args.mixed_reads = args.mixed_reads or (600 if args.small else 2000)
    return args


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bench:
    def __init__(self, args):
        self.args = args
        self.database_url = f"{args.postgres}/{args.database}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            # The site's pages name their stylesheet through the manifest that
            # collectstatic writes (set_up), as in production.
            "STATIC_ROOT": str(RESULTS / "static"),
            "PYTHONUNBUFFERED": "1",
        }
        self.server = None
        self.port = None
        self.loaded = 0
        self.targets = {}
        self.token = None
        self.notes = []
        self.results = {}  # size -> {scenario: {"rps", "p50", "p99", "errors"}}
        self.mixed = {}  # size -> the mixed round's figures
        self.exports = {}  # size -> {export: figures}, see measure_exports
        self.load_average = {}  # size -> (1-minute load average at start, at end)

    # --- database ------------------------------------------------------------

    def admin_sql(self, sql):
        connection = psycopg2.connect(f"{self.args.postgres}/postgres")
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    def query(self, sql, params=None):
        connection = psycopg2.connect(self.database_url)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    def create_database(self):
        name = self.args.database
        log(f"Creating the scratch database {name}")
        self.admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin_sql(f'CREATE DATABASE "{name}"')

    def drop_database(self):
        if self.args.keep or self.args.reuse:
            log(f"Keeping the database {self.database_url}")
            return
        log(f"Dropping the scratch database {self.args.database}")
        self.admin_sql(f'DROP DATABASE IF EXISTS "{self.args.database}" WITH (FORCE)')

    def manage(self, *arguments, timeout=600, check=True):
        completed = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            # Loading data runs long statements; the server keeps the timeout.
            env={**self.env, "DATABASE_STATEMENT_TIMEOUT": "0"},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if completed.returncode and not check:
            return ""
        if completed.returncode:
            sys.exit(f"manage.py {' '.join(arguments)} failed:\n{completed.stderr}")
        return completed.stdout

    def set_up(self):
        self.create_database()
        log("Migrating")
        self.manage("migrate", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        self.manage(
            "shell",
            "--command",
            "from django.contrib.auth import get_user_model; "
            "get_user_model().objects.create_superuser('bench', 'bench@example.org')",
        )
        token = self.manage("create_api_token", "bench", check=False)
        self.token = token.strip().split()[-1] if token.strip() else None

    def load(self, size, seed, compare=True, history=True):
        count = size - self.loaded
        updates = count * self.args.updates_per_commitment
        log(f"Generating {count:,} commitments and {updates:,} updates")
        output = self.manage(
            "generate_data",
            "--commitments",
            str(count),
            "--updates",
            str(updates),
            "--seed",
            str(seed),
            "--method",
            "copy",
            *(["--compare"] if compare and not self.args.no_compare else []),
            *([] if history else ["--no-history"]),
            timeout=1800,
        )
        print("    " + output.strip().replace("\n", "\n    "), flush=True)
        self.loaded = size

    # --- server --------------------------------------------------------------

    @contextmanager
    def serving(self):
        self.port, self.server, log_file = self.start_server(
            self.args.workers, self.args.port
        )
        try:
            yield
        finally:
            self.stop_server()
            log_file.close()

    def start_server(self, workers, port=None, root=ROOT):
        """gunicorn serving the checkout at `root` on `port`, or on a free one:
        (port, process, log file)."""
        if port is None:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        log_file = open(RESULTS / "gunicorn.log", "a")  # noqa: SIM115
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tracker.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "30",
            ],
            cwd=root,
            env=self.env,
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,
        )
        try:
            self.wait_until_up(server, port)
        except BaseException:
            # It did not come up, or the run was stopped meanwhile: a server in
            # a session of its own outlives the script unless stopped here.
            self.stop_server(server)
            log_file.close()
            raise
        return port, server, log_file

    def wait_until_up(self, server, port):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                sys.exit("gunicorn exited; see bench/results/gunicorn.log")
            try:
                urllib.request.urlopen(self.url("/api/v1/", port), timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        sys.exit("gunicorn did not answer within 30 s")

    def stop_server(self, server=None):
        server = server or self.server
        if server is None or server.poll() is not None:
            return
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)

    def url(self, path, port=None):
        return f"http://127.0.0.1:{port or self.port}{path}"

    def fetch(self, path, headers=None, port=None):
        request = urllib.request.Request(self.url(path, port), headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    # --- what to request -----------------------------------------------------

    def choose_targets(self):
        """The filter with the most rows (so the deep page is deep): the agency
        that leads the most commitments, and its most common status. Kept for
        both sizes, so the two are comparable."""
        if self.targets:
            return
        (agency,) = self.query(
            "SELECT a.slug FROM commitments_commitment c JOIN commitments_agency a "
            "ON a.id = c.lead_agency_id GROUP BY a.slug ORDER BY count(*) DESC "
            "LIMIT 1"
        )[0]
        (status,) = self.query(
            "SELECT c.status FROM commitments_commitment c JOIN commitments_agency a "
            "ON a.id = c.lead_agency_id WHERE a.slug = %s GROUP BY c.status "
            "ORDER BY count(*) DESC LIMIT 1",
            [agency],
        )[0]
        (detail,) = self.query(
            "SELECT commitment_id FROM commitments_progressupdate "
            "GROUP BY commitment_id ORDER BY count(*) DESC, commitment_id LIMIT 1"
        )[0]
        # The day for `as_of`: the median date of the progress reported, so
        # that the list as of then differs from the list now.
        (as_of,) = self.query(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY reported_on) "
            "FROM commitments_progressupdate"
        )[0]
        self.targets = {
            "filter": f"status={status}&agency={agency}",
            "status": status,
            "detail": detail,
            "as_of": as_of.isoformat(),
            # Two statuses outside the filter, which each POST alternates.
            "post_statuses": [
                other
                for other in ("in_progress", "stalled", "not_rated")
                if other != status
            ][:2],
        }

    def scenarios(self, size):
        """(name, path, headers, wrk script, expected status) for this size."""
        query = self.targets["filter"]
        status, _, body = self.fetch(f"/api/v1/commitments/?{query}")
        if status != 200:
            sys.exit(f"The commitment list answered {status}: {body[:500]!r}")
        first = json.loads(body)
        self.check_baseline(query, first)
        # The page holding the row 90% of the way down the filtered list.
        deep = 1 + int(0.9 * max(first["count"] - 1, 0)) // PAGE_SIZE
        self.notes.append(
            f"At {size:,} commitments the filtered list has {first['count']:,} rows; "
            f"the deep page is page {deep}."
        )
        detail = f"/api/v1/commitments/{self.targets['detail']}/"
        as_of = f"/api/v1/commitments/?{query}&as_of={self.targets['as_of']}"
        self.check_as_of(as_of)
        found = [
            (BASELINE, f"/bench/baseline/commitments/?{query}", {}, None, 200),
            (FIRST_PAGE, f"/api/v1/commitments/?{query}", {}, None, 200),
            (AS_OF, as_of, {}, None, 200),
            (DEEP_PAGE, f"/api/v1/commitments/?{query}&page={deep}", {}, None, 200),
        ]
        cursor_path = self.cursor_path(query, deep)
        if cursor_path:
            found.append((DEEP_CURSOR, cursor_path, {}, None, 200))
        found += [
            ("detail", detail, {}, None, 200),
            ("summary, all commitments", "/api/v1/commitments/summary/", {}, None, 200),
            (
                "summary, filtered",
                f"/api/v1/commitments/summary/?{query}",
                {},
                None,
                200,
            ),
        ]
        nothing = urllib.parse.quote_plus(self.longest_searches()["missing words"])
        found += [
            (CHANGES, "/api/v1/changes/", {}, None, 200),
            (FIRST_PAGE_UNCACHED, f"/api/v1/commitments/?{query}", UNCACHED, None, 200),
            (DETAIL_UNCACHED, detail, UNCACHED, None, 200),
        ]
        found += [
            ("site list, longest search", f"/commitments/?q={nothing}", {}, None, 200),
            (
                "site CSV, longest search",
                f"/commitments.csv?q={nothing}",
                {},
                None,
                200,
            ),
        ]
        _, headers, _ = self.fetch(detail)
        etag = headers.get("ETag")
        if etag:
            found.append((REVALIDATED, detail, {"If-None-Match": etag}, None, 304))
        else:
            self.notes.append("The detail sends no ETag: no 304 to measure.")
        post = self.prepare_post()
        if post is not None:
            found.append((POST, post, {}, POST_SCRIPT, 201))
        else:
            self.notes.append("No API token (create_api_token): no POST to measure.")
        return found

    def prepare_post(self):
        """The progress POST's path (a commitment's updates), with its targets
        written and bench/post.lua's environment set; None without a token."""
        if not self.token:
            return None
        self.write_post_targets()
        self.env.update(
            BENCH_TOKEN=self.token,
            BENCH_IDS=str(POST_TARGETS),
            BENCH_STATUSES=",".join(self.targets["post_statuses"]),
            BENCH_TODAY=datetime.date.today().isoformat(),
        )
        first = POST_TARGETS.read_text().split()[0]
        return f"/api/v1/commitments/{first}/updates/"

    def check_as_of(self, path):
        """The `as_of` list must answer as of its day, and the day must fall
        among the changes (progress reported before it and after it)."""
        day = self.targets["as_of"]
        status, _, body = self.fetch(path)
        if status != 200 or json.loads(body).get("as_of") != day:
            sys.exit(f"{path}: {status}, not the list as of {day}: {body[:300]}")
        ((before, after),) = self.query(
            "SELECT count(*) FILTER (WHERE reported_on <= %s), "
            "count(*) FILTER (WHERE reported_on > %s) FROM commitments_progressupdate",
            [day, day],
        )
        self.notes.append(
            f"The `as_of` list reads the filtered list as of {day}: "
            f"{before:,} progress updates were reported by then, {after:,} after."
        )

    def write_post_targets(self):
        """The commitments the POST may write to, each with its status: outside
        the measured filter (another status) and not the detail, posted with a
        status that keeps them outside, so the writes leave the reads' rows and
        ETag alone. bench/post.lua gives each POST whichever of two statuses
        the commitment does not have, so every POST changes the status (its
        UPDATE, the history records) at both sizes: posting one status
        throughout, the 1,000 commitments soon all had it and their POSTs wrote
        less than those at 100,000. Written again before each round, as the
        statuses move (post.lua keeps them in its one thread's state)."""
        rows = self.query(
            "SELECT id, status FROM commitments_commitment "
            "WHERE status <> %s AND id <> %s ORDER BY id",
            [self.targets["status"], self.targets["detail"]],
        )
        POST_TARGETS.write_text("".join(f"{pk} {status}\n" for pk, status in rows))

    def cursor_path(self, query, deep):
        """About as deep as the deep page, by keyset, when the API offers
        ?cursor=: found by following the cursor links 100 rows at a time."""
        status, _, body = self.fetch(f"/api/v1/commitments/?{query}&cursor=")
        if status != 200 or json.loads(body).get("count", 0) is not None:
            return None
        path = f"/api/v1/commitments/?{query}&cursor=&page_size=100"
        for _ in range((deep - 1) * PAGE_SIZE // 100):
            next_url = json.loads(self.fetch(path)[2])["next"]
            if next_url is None:
                break
            parts = urllib.parse.urlsplit(next_url)
            path = f"{parts.path}?{parts.query}"
        # The same position, read at the default page size.
        parts = urllib.parse.urlsplit(path)
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        pairs = [(name, value) for name, value in pairs if name != "page_size"]
        return f"{parts.path}?{urllib.parse.urlencode(pairs)}"

    def check_baseline(self, query, api_page):
        """The baseline must serve the page the API serves: same count, same rows,
        same fields."""
        _, _, body = self.fetch(f"/bench/baseline/commitments/?{query}")
        baseline = json.loads(body)
        same_rows = [r["id"] for r in baseline["results"]] == [
            r["id"] for r in api_page["results"]
        ]
        if baseline["count"] != api_page["count"] or not same_rows:
            sys.exit("The baseline does not select the rows the API selects.")
        if api_page["results"]:
            missing = set(api_page["results"][0]) ^ set(baseline["results"][0])
            if missing:
                log(f"Fields in one page but not the other: {sorted(missing)}")

    # --- the longest searches ----------------------------------------------

    def common_words(self, share=0.9):
        """Words most commitments hold in their description but not in their
        title, so a row tests two columns before it matches: the words in at
        least `share` of a sample of 1 in 50 rows, most frequent first."""
        rows = self.query(
            "SELECT title, description FROM commitments_commitment WHERE id % 50 = 0"
        )
        counts = {}
        for title, description in rows:
            in_title = {word.casefold() for word in title.split()}
            for word in {word.casefold() for word in description.split()}:
                if word not in in_title:
                    counts[word] = counts.get(word, 0) + 1
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return [word for word, count in ranked if count >= share * len(rows)]

    def longest_searches(self):
        """The longest searches the server accepts, by name: words no commitment
        holds; common words, then a missing one (the most work per row); and,
        for scale, the common words alone, which select most rows."""
        if getattr(self, "searches", None):
            return self.searches
        output = self.manage("shell", "--verbosity", "0", "--command", SEARCH_CAPS)
        max_length, max_words = map(int, output.strip().splitlines()[-1].split())
        common = self.common_words()
        self.searches = {
            "missing words": longest_search([], max_length, max_words),
            "common words, then a missing one": longest_search(
                common, max_length, max_words
            ),
        }
        self.search_caps = (max_length, max_words)
        self.common = common[:max_words]
        return self.searches

    def search_matches(self, words):
        """How many commitments hold every word, as the search finds them."""
        conditions = " AND ".join(
            "(title ILIKE %s OR description ILIKE %s OR source_quote ILIKE %s)"
            for _ in words
        )
        params = [f"%{word}%" for word in words for _ in range(3)]
        sql = f"SELECT count(*) FROM commitments_commitment WHERE {conditions}"
        return self.query(sql, params)[0][0]

    def time_to_last_byte(self, path, requests):
        """Seconds from sending each request to reading its last byte, one
        request at a time, after one to warm up; the answer must be 200."""
        times = []
        for number in range(requests + 1):
            started = time.perf_counter()
            status, _, body = self.fetch(path)
            elapsed = time.perf_counter() - started
            if status != 200:
                sys.exit(f"{path[:80]}... answered {status}: {body[:300]!r}")
            if number:
                times.append(elapsed)
        return times, len(body)

    def measure_searches(self, size):
        searches = self.longest_searches()
        cases = [
            (name, page, text, self.args.search_requests)
            for name, text in searches.items()
            for page in ("/commitments/", "/commitments.csv")
        ]
        # Beyond the caps: common words alone select most rows. The list still
        # shows one page, so it is timed too; the CSV would be the export of
        # most of the table, which no search cap bounds, so it is not.
        cases.append(("common words only", "/commitments/", " ".join(self.common), 3))
        self.search_results = []
        for name, page, text, requests in cases:
            path = f"{page}?q={urllib.parse.quote_plus(text)}" if text else page
            log(f"{page} with {name}: {requests} requests")
            times, length = self.time_to_last_byte(path, requests)
            matches = self.search_matches(text.split()) if text else size
            self.search_results.append(
                {
                    "search": name,
                    "page": page,
                    "characters": len(text),
                    "words": len(text.split()),
                    "matches": matches,
                    "bytes": length,
                    "requests": requests,
                    "p50": statistics.median(times),
                    "max": max(times),
                }
            )

    def search_report(self, size, elapsed):
        max_length, max_words = self.search_caps
        args = self.args
        lines = [
            "",
            f"Run of {datetime.datetime.now():%Y-%m-%d %H:%M}: the longest searches "
            f"the site accepts ({max_length} characters, {max_words} different "
            f"words) on {size:,} commitments and "
            f"{size * args.updates_per_commitment:,} progress updates; gunicorn "
            f"({args.workers} sync workers, bench.settings, DEBUG off), PostgreSQL; "
            "one request at a time, timed to its last byte, after one to warm up; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the "
            "end.",
            "",
            "| search | page | chars | words | rows matching | bytes | requests "
            "| p50 ms | max ms | within 1 s |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in self.search_results:
            bounded = r["search"] in self.searches
            verdict = ("yes" if r["max"] <= SEARCH_LIMIT else "NO") if bounded else "—"
            lines.append(
                f"| {r['search']} | `{r['page']}` | {r['characters']} | {r['words']} "
                f"| {r['matches']:,} | {r['bytes']:,} | {r['requests']} "
                f"| {1000 * r['p50']:.0f} | {1000 * r['max']:.0f} | {verdict} |"
            )
        lines += ["", "The searches:", ""]
        lines += [f"- {name}: `{text}`" for name, text in self.searches.items()]
        lines += [f"- common words only: `{' '.join(self.common)}`"]
        bounded = [r for r in self.search_results if r["search"] in self.searches]
        worst = max(r["max"] for r in bounded)
        lines += [
            "",
            f"Longest accepted search within {SEARCH_LIMIT:.0f} s on {size:,} "
            f"commitments (slowest of {len(bounded)} × {args.search_requests} "
            f"requests: {1000 * worst:.0f} ms): "
            + ("met" if worst <= SEARCH_LIMIT else "NOT met"),
            "",
            f"The run took {elapsed / 60:.1f} min.",
        ]
        return "\n".join(lines)

    def run_searches(self):
        started = time.monotonic()
        if self.args.reuse:
            self.manage("collectstatic", "--noinput", "--verbosity", "0")
        else:
            self.set_up()
            # A search reads no history: loading it would take longer than
            # everything else (12 minutes at 100,000 commitments).
            self.load(self.args.commitments, 1, compare=False, history=False)
        with self.serving():
            self.measure_searches(self.args.commitments)
        report = self.search_report(self.args.commitments, time.monotonic() - started)
        print(report, flush=True)
        (RESULTS / "search.md").write_text(report)
        (RESULTS / "search.json").write_text(json.dumps(self.search_results, indent=2))

    # --- measuring -----------------------------------------------------------

    def verify(self, name, path, headers, script, expected):
        """One request by hand first: wrk would count a wrong answer as a fast
        one."""
        if script == POST_SCRIPT:
            status, body = self.post_progress(path, self.targets["post_statuses"][0])
        else:
            status, _, body = self.fetch(path, headers)
        if status != expected:
            sys.exit(
                f"{name}: {path} answered {status}, not {expected}: {body[:300]!r}"
            )

    def wrk(self, path, headers, script, duration, port=None):
        command = [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(self.args.connections),
            "--duration",
            f"{duration}s",
            "--timeout",
            "10s",
            "--latency",
        ]
        for header, value in headers.items():
            command += ["--header", f"{header}: {value}"]
        if script:
            command += ["--script", str(script)]
        if script == POST_SCRIPT:
            self.write_post_targets()
        log_file = RESULTS / "gunicorn.log"
        started = log_file.stat().st_size
        with AutovacuumSampler(self.database_url) as vacuum:
            completed = subprocess.run(
                [*command, self.url(path, port)],
                capture_output=True,
                text=True,
                env=self.env,
                timeout=duration + 30,
            )
        if completed.returncode:
            sys.exit(f"wrk failed: {completed.stderr}")
        window = (started, settled_size(log_file))
        return parse_wrk(completed.stdout) | {
            "window": window,
            "autovacuum": vacuum.busy(),
        }

    def measure(self, size):
        self.choose_targets()
        scenarios = self.scenarios(size)
        for scenario in scenarios:
            self.verify(*scenario)
        rounds = {name: [] for name, *_ in scenarios}
        # The reads' rounds first, then the writes': a write changes the data
        # version, so the read after it misses the response cache, and the
        # reads would start every round recomputing (a miss of the `as_of` list
        # takes 200 ms at 100,000). The reads are measured on a database nobody
        # writes to; reads right after writes are the mixed round's to measure.
        reads = [scenario for scenario in scenarios if scenario[3] != POST_SCRIPT]
        writes = [scenario for scenario in scenarios if scenario[3] == POST_SCRIPT]
        for kind, phase in (("reads", reads), ("writes", writes)):
            if not phase:
                continue
            log(f"Warming up the {kind} ({len(phase)} requests, 1 s each)")
            for _name, path, headers, script, _ in phase:
                self.wrk(path, headers, script, 1)
            for number in range(1, self.args.rounds + 1):
                log(f"Round {number} of {self.args.rounds} of the {kind}")
                for name, path, headers, script, _ in phase:
                    rounds[name].append(
                        self.wrk(path, headers, script, self.args.duration)
                    )
        # Offsets are bytes; so is the text read (the log is ASCII).
        log_text = (RESULTS / "gunicorn.log").read_bytes().decode("latin-1")
        self.results[size] = {
            name: {
                key: statistics.median(r[key] for r in runs)
                for key in ("rps", "p50", "p99")
            }
            | {"errors": sum(r["errors"] for r in runs)}
            | {"autovacuum": mean_or_none(r["autovacuum"] for r in runs)}
            | server_side(log_text, [r["window"] for r in runs])
            for name, runs in rounds.items()
        }

    # --- the exports ---------------------------------------------------------

    def stream(self, path, headers):
        """GET `path`, reading the body as it comes: (seconds to its first byte,
        seconds to its last, the body). The first byte is the body's first: a
        streamed response sends its headers with it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            started = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            blocks = [response.read(1)]
            first_byte = time.perf_counter() - started
            while block := response.read(1 << 16):
                blocks.append(block)
            total = time.perf_counter() - started
        finally:
            connection.close()
        if response.status != 200:
            sys.exit(f"{path} answered {response.status}: {b''.join(blocks)[:300]!r}")
        return first_byte, total, b"".join(blocks)

    def time_copy(self, sql):
        """Seconds PostgreSQL takes to send `sql` (a COPY … TO STDOUT) to this
        client, and what it sent. Without JIT compilation, as the exports run
        (commitments.exports.EXPORT_PLANNING): with it, the COPY of every
        commitment took about 200 ms longer, a laxer yardstick."""
        sink = io.BytesIO()
        connection = psycopg2.connect(self.database_url)
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute("SET jit = off")
                started = time.perf_counter()
                cursor.copy_expert(sql, sink)
                elapsed = time.perf_counter() - started
        finally:
            connection.close()
        return elapsed, sink.getvalue()

    def measure_exports(self, size):
        """Each export of every commitment, one at a time: one to warm up, then
        EXPORT_REQUESTS timed to their first and last byte while a thread reads
        the memory of every gunicorn worker (VmRSS, every SAMPLE_EVERY s); beside
        them, COPY of the same columns as many times. Every export must hold the
        rows COPY holds, in its order."""
        output = self.manage("shell", "--verbosity", "0", "--command", EXPORT_SQL)
        sql = json.loads(output.strip().split("\n")[-1])
        copies = [self.time_copy(sql) for _ in range(EXPORT_REQUESTS + 1)][1:]
        copied = list(csv.reader(io.StringIO(copies[0][1].decode(), newline="")))
        # The permalink ends with the announcement's slug and the commitment's.
        expected = [tuple(row[-2:]) for row in copied]
        output = self.manage("shell", "--verbosity", "0", "--command", STORED_SQL)
        stored_sql = json.loads(output.strip().split("\n")[-1])
        stored = [self.time_copy(stored_sql) for _ in range(EXPORT_REQUESTS + 1)][1:]
        stored_rows = list(csv.reader(io.StringIO(stored[0][1].decode(), newline="")))
        if [tuple(row[-2:]) for row in stored_rows] != expected:
            sys.exit("COPY of the stored values: not the export's rows in its order")
        self.exports[size] = {
            COPY: {
                "total": statistics.median(t for t, _ in copies),
                "bytes": len(copies[0][1]),
                "rows": len(copied),
            },
            COPY_STORED: {
                "total": statistics.median(t for t, _ in stored),
                "bytes": len(stored[0][1]),
                "rows": len(stored_rows),
            },
        }
        for name, (path, headers) in EXPORTS.items():
            log(f"{name}: {EXPORT_REQUESTS} exports after one to warm up")
            first_bytes, totals, growths = [], [], []
            for number in range(EXPORT_REQUESTS + 1):
                with MemorySampler(worker_pids(self.server.pid)) as memory:
                    first_byte, total, body = self.stream(path, headers)
                growths.append(memory.growth())
                if number:
                    first_bytes.append(first_byte)
                    totals.append(total)
            rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
            got = [tuple(row[-1].rstrip("/").split("/")[-2:]) for row in rows[1:]]
            if got != expected:
                sys.exit(
                    f"{name}: {len(got):,} rows, not the {len(expected):,} rows COPY "
                    "sends in its order"
                )
            self.exports[size][name] = {
                "first_byte": statistics.median(first_bytes),
                "total": statistics.median(totals),
                "bytes": len(body),
                "rows": len(got),
                "rss_before": memory.before_mb(),
                "growth_first": growths[0],
                "growth": max(growths[1:]),
            }

    # --- the mixed round ---------------------------------------------------

    def mixed_round(self, size):
        """Reads interleaved with writes, every read checked against the database.

        One progress POST per READS_PER_WRITE reads, each to the detail's
        commitment (so the writes change what the reads show: its status, its
        latest update and version, the summary's counts, the changes feed), sent
        through another server, as another replica would be, and acknowledged
        before the next read. The reads go to the measured server, one at a time,
        in turn: the first page, the detail, both summaries, the changes feed.
        Each answer must equal what the database holds when it arrives (nothing
        writes in between): the first page the baseline's rows (status and
        version of each), the detail its row and latest update, the summary a
        GROUP BY, the changes feed its newest entry."""
        if not self.token:
            self.notes.append("No API token: no mixed round.")
            return
        query = self.targets["filter"]
        detail = self.targets["detail"]
        reads = [
            ("first page", f"/api/v1/commitments/?{query}"),
            ("detail", f"/api/v1/commitments/{detail}/"),
            ("summary", "/api/v1/commitments/summary/"),
            ("summary, filtered", f"/api/v1/commitments/summary/?{query}"),
            ("changes", "/api/v1/changes/"),
        ]
        port, writer, log_file = self.start_server(
            1, self.args.port + 1 if self.args.port else None
        )
        database = psycopg2.connect(self.database_url)
        database.autocommit = True
        timings, wrong, writes = [], [], 0
        statuses = ["stalled", "in_progress"]
        try:
            log(
                f"Mixed round: {self.args.mixed_reads} reads, one write per "
                f"{READS_PER_WRITE} through another server"
            )
            for number in range(self.args.mixed_reads):
                if number % READS_PER_WRITE == 0:
                    written, _ = self.post_progress(
                        f"/api/v1/commitments/{detail}/updates/",
                        statuses[writes % 2],
                        port,
                    )
                    if written != 201:
                        sys.exit(f"The mixed round's write answered {written}")
                    writes += 1
                name, path = reads[number % len(reads)]
                started = time.perf_counter()
                status, _, body = self.fetch(path)
                timings.append(time.perf_counter() - started)
                problem = (
                    f"answered {status}"
                    if status != 200
                    else self.check_read(database, name, json.loads(body))
                )
                if problem:
                    wrong.append(f"read {number + 1} ({name}): {problem}")
        finally:
            database.close()
            self.stop_server(writer)
            log_file.close()
        timings.sort()
        self.mixed[size] = {
            "reads": len(timings),
            "writes": writes,
            "wrong": len(wrong),
            "examples": wrong[:3],
            "rps": len(timings) / sum(timings),
            "p50": 1000 * timings[len(timings) // 2],
            "p99": 1000 * timings[int(len(timings) * 0.99)],
        }

    def post_progress(self, path, status, port=None):
        """A progress update with this status, POSTed to `path` (a commitment's
        updates) on the measured server or the one on `port`, as bench/post.lua
        writes them: (status code, body)."""
        request = urllib.request.Request(
            self.url(path, port),
            method="POST",
            data=json.dumps(
                {
                    "reported_on": datetime.date.today().isoformat(),
                    "status": status,
                    "summary": "Benchmark: work continued.",
                    "source_url": "https://www.example.gov/bench",
                }
            ).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Token {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def check_read(self, database, name, body):
        """What is wrong with this answer, given the database now, or None."""
        with database.cursor() as cursor:
            if name == "detail":
                cursor.execute(
                    "SELECT c.version, c.status, (SELECT u.id FROM "
                    "commitments_progressupdate u WHERE u.commitment_id = c.id AND "
                    "u.retracted_at IS NULL ORDER BY u.reported_on DESC, "
                    "u.created_at DESC, u.id DESC LIMIT 1) "
                    "FROM commitments_commitment c WHERE c.id = %s",
                    [self.targets["detail"]],
                )
                expected = cursor.fetchone()
                got = (
                    body["version"],
                    body["status"],
                    (body["latest_update"] or {}).get("id"),
                )
                return None if got == expected else f"{got} but the database {expected}"
            if name == "summary":
                cursor.execute(
                    "SELECT status, count(*) FROM commitments_commitment "
                    "GROUP BY status"
                )
                expected = dict(cursor.fetchall())
                got = {k: v for k, v in body["by_status"].items() if v}
                return None if got == expected else f"{got} but the database {expected}"
            if name == "changes":
                cursor.execute(
                    "SELECT id FROM commitments_changeentry "
                    "ORDER BY recorded_at DESC, id DESC LIMIT 1"
                )
                expected = cursor.fetchone()[0]
                got = body["results"][0]["id"]
                return None if got == expected else f"{got} but the database {expected}"
        _, _, baseline = self.fetch(
            f"/bench/baseline/commitments/?{self.targets['filter']}"
        )
        baseline = json.loads(baseline)
        if name == "summary, filtered":
            got, expected = body["total"], baseline["count"]
        else:
            got, expected = [
                [(row["id"], row["status"], row["version"]) for row in page["results"]]
                + [page["count"]]
                for page in (body, baseline)
            ]
        return None if got == expected else f"{got} but the database {expected}"

    def run(self):
        RESULTS.mkdir(exist_ok=True)
        if self.args.search_only:
            return self.run_searches()
        if shutil.which("wrk") is None:
            sys.exit("wrk is not installed: apt-get install wrk")
        started = time.monotonic()
        self.set_up()
        sizes = [SMALL_SIZE, self.args.commitments]
        if self.args.commitments <= SMALL_SIZE:
            sizes = [self.args.commitments]
        for seed, size in enumerate(sizes, start=1):
            self.load(size, seed)
            started_load = os.getloadavg()[0]
            with self.serving():
                self.measure(size)
                self.measure_exports(size)
                self.mixed_round(size)
            self.load_average[size] = (started_load, os.getloadavg()[0])
            print(self.table(size), flush=True)
            print(self.export_table(size), flush=True)
            print(self.mixed_table(size), flush=True)
        report = self.report(sizes, time.monotonic() - started)
        print(report, flush=True)
        (RESULTS / "latest.md").write_text(report)
        (RESULTS / "latest.json").write_text(
            json.dumps(
                {
                    "reads": self.results,
                    "exports": self.exports,
                    "mixed": self.mixed,
                    "load_average": self.load_average,
                },
                indent=2,
            )
        )

    # --- reporting -----------------------------------------------------------

    def table(self, size):
        results = self.results[size]
        baseline = results[BASELINE]
        tail = baseline["p99"] / baseline["p50"]
        lines = [
            "",
            f"{size:,} commitments, {size * self.args.updates_per_commitment:,} "
            "progress updates:",
            "",
            "| request | req/s | p50 ms | p99 ms | req/s ÷ baseline "
            "| p50 ÷ baseline | p99 ÷ p50 | p99 ÷ p50, ÷ baseline's "
            "| in Django p50 / p99 ms | cache misses / hits | worker boots "
            "| autovacuum running |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, r in results.items():
            errors = f" ({r['errors']} errors)" if r["errors"] else ""
            inside = (
                f"{r['server_p50']:.1f} / {r['server_p99']:.1f}"
                if r.get("server_p50") is not None
                else "—"
            )
            lines.append(
                f"| {name}{errors} | {r['rps']:,.0f} | {r['p50']:.1f} | "
                f"{r['p99']:.1f} | {r['rps'] / baseline['rps']:.2f} | "
                f"{r['p50'] / baseline['p50']:.2f} | {r['p99'] / r['p50']:.1f} | "
                f"{r['p99'] / r['p50'] / tail:.1f} | {inside} | "
                f"{r.get('misses', 0):,} / {r.get('hits', 0):,} | "
                f"{r.get('boots', 0)} | {share(r.get('autovacuum'))} |"
            )
        start, end = self.load_average.get(size, (None, None))
        if start is not None:
            lines += [
                "",
                f"Noise: the baseline's own p99 ÷ p50 is {tail:.1f} (the machine's "
                "tail: the column after it divides each request's by it); load "
                f"average {start:.1f} at the start of this size and {end:.1f} at "
                f"its end ({os.cpu_count()} CPUs). In Django: the durations of the "
                "server's access lines over the same rounds (without accepting the "
                "connection, reading the request or waiting for a worker); cache "
                "misses and hits and worker boots from the same log. Autovacuum "
                "running: the share of the rounds' time (sampled every 0.1 s) "
                "during which PostgreSQL ran an autovacuum worker on any "
                "database (— when it could not be asked).",
            ]
        return "\n".join(lines)

    def export_table(self, size):
        exports = self.exports.get(size)
        if not exports:
            return ""
        copy = exports[COPY]
        stored = exports[COPY_STORED]
        lines = [
            "",
            f"Exports at {size:,} commitments: every commitment, one request at a "
            f"time, median of {EXPORT_REQUESTS} after one to warm up; the worker's "
            f"memory (VmRSS) read every {1000 * SAMPLE_EVERY:.0f} ms, its rise "
            "from before the request to its peak:",
            "",
            "| export | rows | MB sent | first byte ms | total ms | total ÷ COPY "
            "| total ÷ COPY of the stored values "
            "| worker RSS before, MB | rise, first export, MB | rise, largest of "
            "the others, MB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for name, r in ((COPY, copy), (COPY_STORED, stored)):
            lines.append(
                f"| {name} | {r['rows']:,} | {r['bytes'] / 1e6:.1f} | — | "
                f"{1000 * r['total']:.0f} | {r['total'] / copy['total']:.2f} | "
                f"{r['total'] / stored['total']:.2f} | — | — | — |"
            )
        for name, r in exports.items():
            if name in (COPY, COPY_STORED):
                continue
            lines.append(
                f"| {name} | {r['rows']:,} | {r['bytes'] / 1e6:.1f} | "
                f"{1000 * r['first_byte']:.0f} | {1000 * r['total']:.0f} | "
                f"{r['total'] / copy['total']:.2f} | "
                f"{r['total'] / stored['total']:.2f} | {r['rss_before']:.0f} | "
                f"{r['growth_first']:.1f} | {r['growth']:.1f} |"
            )
        return "\n".join(lines)

    def mixed_table(self, size):
        mixed = self.mixed.get(size)
        if not mixed:
            return ""
        lines = [
            "",
            f"Mixed round at {size:,} commitments: {mixed['reads']:,} reads, one "
            f"at a time, and {mixed['writes']} progress POSTs through another "
            f"server (one per {READS_PER_WRITE} reads); reads {mixed['rps']:,.0f}/s, "
            f"p50 {mixed['p50']:.1f} ms, p99 {mixed['p99']:.1f} ms; reads that did "
            f"not match the database: {mixed['wrong']}.",
        ]
        lines += [f"- {example}" for example in mixed["examples"]]
        return "\n".join(lines)

    def report(self, sizes, elapsed):
        args = self.args
        lines = [
            "",
            f"Run of {datetime.datetime.now():%Y-%m-%d %H:%M}: gunicorn "
            f"({args.workers} sync workers), wrk (1 thread, {args.connections} "
            f"connections), median of {args.rounds} rounds of {args.duration} s "
            f"each; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at "
            f"the end; filter `{self.targets['filter']}`.",
        ]
        for size in sizes:
            lines.append(self.table(size))
            lines.append(self.export_table(size))
            lines.append(self.mixed_table(size))
        lines += ["", *(f"- {note}" for note in self.notes)]
        if len(sizes) == 2:
            small, large = sizes
            lines += [
                "",
                f"Growth from {small:,} to {large:,} commitments (p50 latency):",
                "",
                f"| request | p50 ms at {small:,} | p50 ms at {large:,} | ratio |",
                "|---|---:|---:|---:|",
            ]
            for name, r in self.results[large].items():
                before = self.results[small].get(name)
                if before:
                    lines.append(
                        f"| {name} | {before['p50']:.1f} | {r['p50']:.1f} | "
                        f"{r['p50'] / before['p50']:.2f} |"
                    )
        lines += [
            "",
            self.targets_met(sizes),
            "",
            f"The run took {elapsed / 60:.1f} min.",
        ]
        return "\n".join(lines)

    def targets_met(self, sizes):
        """Issue 14's targets, each judged on this run."""

        def verdict(ratio, limit, at_least=False):
            ok = ratio >= limit if at_least else ratio <= limit
            return f"{ratio:.2f} — {'met' if ok else 'NOT met'}"

        reads = [
            FIRST_PAGE,
            AS_OF,
            DEEP_PAGE,
            DEEP_CURSOR,
            "detail",
            "summary, all commitments",
            "summary, filtered",
            CHANGES,
        ]
        lines = ["Targets (issue 14):"]
        for size in sizes:
            results = self.results[size]
            baseline = results[BASELINE]
            for name in [*reads, POST]:
                if name in results:
                    lines.append(
                        f"- {size:,}: {name}, req/s ÷ baseline ≥ 1.0: "
                        + verdict(results[name]["rps"] / baseline["rps"], 1.0, True)
                    )
        small = self.results[sizes[0]]
        if FIRST_PAGE_UNCACHED in small:
            baseline = small[BASELINE]["rps"]
            lines.append(
                f"- {sizes[0]:,}, cache off: list first page ≥ 0.5 × baseline: "
                + verdict(small[FIRST_PAGE_UNCACHED]["rps"] / baseline, 0.5, True)
            )
            lines.append(
                f"- {sizes[0]:,}, cache off: detail ≥ 1.0 × baseline: "
                + verdict(small[DETAIL_UNCACHED]["rps"] / baseline, 1.0, True)
            )
        if len(sizes) == 2:
            before, after = self.results[sizes[0]], self.results[sizes[1]]
            for name, r in after.items():
                if name == BASELINE or name not in before:
                    continue
                limit = 2.0 if name == "summary, all commitments" else 1.5
                lines.append(
                    f"- p50 growth, {name} ≤ {limit}: "
                    + verdict(r["p50"] / before[name]["p50"], limit)
                )
        large = self.results[sizes[-1]]
        lines.append(
            f"- {sizes[-1]:,}: deep page by number p50 ≤ 1.2 × first page's: "
            + verdict(large[DEEP_PAGE]["p50"] / large[FIRST_PAGE]["p50"], 1.2)
        )
        for size in sizes:
            for name, r in self.exports.get(size, {}).items():
                if name in (COPY, COPY_STORED):
                    continue
                copy = self.exports[size][COPY]["total"]
                stored = self.exports[size][COPY_STORED]["total"]
                lines += [
                    f"- {size:,}: {name}, first byte ≤ {EXPORT_FIRST_BYTE} s: "
                    + verdict(r["first_byte"], EXPORT_FIRST_BYTE),
                    f"- {size:,}: {name}, total ÷ COPY ≤ {EXPORT_TIMES_COPY}: "
                    + verdict(r["total"] / copy, EXPORT_TIMES_COPY),
                    f"- {size:,}: {name}, total ÷ COPY of the stored values ≤ "
                    f"{EXPORT_TIMES_COPY}: "
                    + verdict(r["total"] / stored, EXPORT_TIMES_COPY),
                    f"- {size:,}: {name}, worker's memory rise < "
                    f"{EXPORT_MEMORY} MB: "
                    + verdict(max(r["growth"], r["growth_first"]), EXPORT_MEMORY),
                ]
        for size in sizes:
            for name, r in self.results[size].items():
                lines.append(
                    f"- {size:,}: p99 ÷ p50 ≤ 2, {name}: "
                    + verdict(r["p99"] / r["p50"], 2)
                )
            mixed = self.mixed.get(size)
            if mixed:
                lines.append(
                    f"- {size:,}: mixed round, reads that did not match the "
                    f"database: {mixed['wrong']} of {mixed['reads']} — "
                    + ("met" if not mixed["wrong"] else "NOT met")
                )
        return "\n".join(lines)


def worker_pids(master):
    """The processes whose parent is `master` (gunicorn's workers)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid ...": comm may hold spaces, not ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def resident_kb(pid):
    """A process's resident memory (VmRSS) in kB, or None once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) if match else None


class MemorySampler:
    """Reads the resident memory of `pids` on entering, then every `every`
    seconds in a thread until the block ends, keeping each one's peak: growth()
    is the largest rise of any of them, in MB (the worker that served the
    request rises; the others stay put)."""

    def __init__(self, pids, every=SAMPLE_EVERY):
        self.pids, self.every = pids, every
        self.before, self.peak = {}, {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def __enter__(self):
        for pid in self.pids:
            self.before[pid] = self.peak[pid] = resident_kb(pid) or 0
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()
        self.read()

    def read(self):
        for pid in self.pids:
            self.peak[pid] = max(self.peak[pid], resident_kb(pid) or 0)

    def sample(self):
        while not self.stopped.wait(self.every):
            self.read()

    def growth(self):
        rises = [self.peak[pid] - self.before[pid] for pid in self.pids]
        return max(rises, default=0) / 1024

    def before_mb(self):
        return max(self.before.values(), default=0) / 1024


class AutovacuumSampler:
    """Asks PostgreSQL every `every` seconds, from a connection of its own, in a
    thread until the block ends, whether a backend of `backend_type` (an
    autovacuum worker) is running, on any database: busy() is the share of the
    samples that found one, None if none could be taken. Autovacuum shares the
    CPUs with the requests measured: noise the report measures rather than
    hides."""

    QUERY = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = %s"

    def __init__(self, database_url, every=0.1, backend_type="autovacuum worker"):
        self.database_url, self.every = database_url, every
        self.backend_type = backend_type
        self.samples = self.found = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def sample(self):
        try:
            connection = psycopg2.connect(self.database_url)
        except psycopg2.Error:
            return  # busy() is then None: not known
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                while not self.stopped.wait(self.every):
                    cursor.execute(self.QUERY, [self.backend_type])
                    self.samples += 1
                    self.found += cursor.fetchone()[0] > 0
        except psycopg2.Error:
            pass  # what was sampled stands
        finally:
            connection.close()

    def busy(self):
        return self.found / self.samples if self.samples else None


ACCESS_LINE = re.compile(
    r" INFO tracker\.requests .* duration_ms=([\d.]+)(?: cache=(hit|miss))?$", re.M
)
# gunicorn's own line when it starts a worker (the first ones, or one replacing
# a recycled worker).
BOOT_LINE = re.compile(r"\[INFO\] Booting worker", re.M)


def settled_size(path, quiet=0.1, limit=3.0):
    """The size of `path` once nothing has been written to it for `quiet`
    seconds (at most `limit` seconds from now): the requests still in flight
    when wrk stops log their lines after it."""
    deadline = time.monotonic() + limit
    size = path.stat().st_size
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = path.stat().st_size
        if now == size:
            break
        size = now
    return size


def mean_or_none(values):
    """The mean of the values that are not None, or None."""
    known = [value for value in values if value is not None]
    return statistics.mean(known) if known else None


def share(fraction):
    """A fraction as a percentage, or — when unknown."""
    return "—" if fraction is None else f"{fraction:.0%}"


def server_side(log_text, windows):
    """What the server's log says of the requests served within `windows`
    (pairs of offsets in its text, before and after each round): how many, their
    p50 and p99 inside Django (the access line's duration, which leaves out
    accepting the connection, reading the request and any wait for a worker),
    how many the response cache answered and missed, and how many workers
    booted meanwhile."""
    durations, outcomes, boots = [], {"hit": 0, "miss": 0}, 0
    for start, end in windows:
        text = log_text[start:end]
        for duration, outcome in ACCESS_LINE.findall(text):
            durations.append(float(duration))
            if outcome:
                outcomes[outcome] += 1
        boots += len(BOOT_LINE.findall(text))
    durations.sort()
    return {
        "logged": len(durations),
        "server_p50": durations[len(durations) // 2] if durations else None,
        "server_p99": durations[int(len(durations) * 0.99)] if durations else None,
        "hits": outcomes["hit"],
        "misses": outcomes["miss"],
        "boots": boots,
    }


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output):
    """req/s, p50 and p99 (ms) and the count of failed requests from wrk's
    --latency report."""
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", output, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(percentiles["50"]),
        "p99": milliseconds(percentiles["99"]),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


@contextmanager
def time_limited(minutes, what):
    """Raise TimeoutError in the block after `minutes`. SIGTERM and SIGHUP end
    it as Ctrl-C does, so that what the caller cleans up on the way out (the
    servers, the scratch database) is cleaned up then too."""

    def out_of_time(signum, frame):
        raise TimeoutError(f"{what} took longer than {minutes} minutes.")

    def stopped(signum, frame):
        sys.exit(f"Stopped by signal {signum}.")

    handlers = {
        number: signal.signal(number, handler)
        for number, handler in (
            (signal.SIGALRM, out_of_time),
            (signal.SIGTERM, stopped),
            (signal.SIGHUP, stopped),
        )
    }
    signal.alarm(minutes * 60)
    try:
        yield
    finally:
        signal.alarm(0)
        for number, handler in handlers.items():
            signal.signal(number, handler)


def main():
    args = parse_args()
    bench = Bench(args)
    try:
        with time_limited(args.time_limit, "The run"):
            bench.run()
    finally:
        bench.stop_server()
        bench.drop_database()


if __name__ == "__main__":
    main()
