"""Where does a request spend its time? Runs one GET many times in-process (Django's
test client, the settings of the environment) under pyinstrument and sums the
samples into buckets: the database, building SQL, building model instances,
serializing, rendering JSON, and the rest (middleware, routing, filters).

    .venv/bin/pip install pyinstrument   # not a requirement of the project
    DATABASE_URL=postgres://... .venv/bin/python bench/profile.py \\
        "/api/v1/commitments/?status=in_progress&agency=doj" --repeat 50

Point it at a database filled by `manage.py generate_data`.
"""

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

# The COUNT behind page numbers is found anywhere up the callers; the other
# buckets are checked from the sampled frame up: the nearest match names it.
COUNT = ("COUNT for page numbers", ("django/core/paginator.py", "count"))
BUCKETS = [
    ("database round trips", ("django/db/backends/utils.py", "_execute")),
    ("building SQL", ("django/db/models/sql/", "")),
    ("building model instances", ("django/db/models/query.py", "__iter__")),
    ("building model instances", ("django/db/models/base.py", "")),
    ("JSON rendering", ("rest_framework/renderers.py", "")),
    ("serializing", ("rest_framework/serializers.py", "")),
    ("serializing", ("rest_framework/fields.py", "")),
    ("serializing", ("rest_framework/relations.py", "")),
    ("filters (django-filter)", ("django_filters/", "")),
]


def matches(node, rule):
    path, function = rule
    return path in (node.file_path or "") and function in (node.function or "")


def ancestors(frame):
    while frame is not None:
        yield frame
        frame = frame.parent


def bucket_of(frame):
    if any(matches(node, COUNT[1]) for node in ancestors(frame)):
        return COUNT[0]
    for node in ancestors(frame):
        for name, rule in BUCKETS:
            if matches(node, rule):
                return name
    return "the rest: middleware, routing, views, permissions"


def self_times(frame, totals):
    # total_self_time includes the synthetic children (time spent outside
    # Python, e.g. waiting on a socket), so those are not visited again.
    totals[bucket_of(frame)] += frame.total_self_time
    for child in frame.children:
        if not child.is_synthetic:
            self_times(child, totals)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--tree", action="store_true", help="Print the call tree too.")
    args = parser.parse_args()
    try:
        from pyinstrument import Profiler
    except ImportError:
        sys.exit("pyinstrument is not installed: .venv/bin/pip install pyinstrument")

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(5):
        response = client.get(args.path)
    if response.status_code != 200:
        sys.exit(f"{args.path} answered {response.status_code}")
    with CaptureQueriesContext(connection) as capture:
        client.get(args.path)
    # A copy: the next request empties the connection's log.
    queries = list(capture.captured_queries)
    started = time.perf_counter()
    for _ in range(args.repeat):
        client.get(args.path)
    elapsed = (time.perf_counter() - started) / args.repeat

    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(args.repeat):
        client.get(args.path)
    profiler.stop()
    session = profiler.last_session
    root = session.root_frame()
    totals = Counter()
    self_times(root, totals)
    total = sum(totals.values())

    print(f"GET {args.path}: {len(response.content):,} bytes, {elapsed * 1000:.1f} ms")
    print(f"{len(queries)} queries (with BEGIN and COMMIT):")
    for query in queries:
        print(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")
    print("Where the time goes (CPU and waiting, share of the profiled time):")
    for name, seconds in totals.most_common():
        share = seconds / total
        print(f"  {share:6.1%}  {share * elapsed * 1000:6.1f} ms  {name}")
    if args.tree:
        print(profiler.output_text(show_all=False))


if __name__ == "__main__":
    main()
