"""Compare two versions of the code side by side: does a change make requests faster?

    .venv/bin/python bench/ab.py HEAD~1     # HEAD~1 (A), the working tree (B)
    .venv/bin/python bench/ab.py 363c5ae HEAD --pairs 16

bench/run.py measures one version against its baseline; on a shared machine its
figures move by up to a third from one run to the next, more than most changes are
worth. This serves both versions at once, each with gunicorn (production settings,
2 workers) on one scratch database of generated data, and drives them in turn with
wrk, in pairs of short rounds: A then B, then B then A in the next pair, as
whichever runs first in a pair did 2 to 4% better. Each pair has servers of its
own, started afresh: two servers of the same code kept running differed by up to
6%. For each request it prints each version's median requests a second and, over
the pairs, the geometric mean of B ÷ A, the lowest and highest B ÷ A of a pair,
and in how many pairs B was faster. Compared with itself (bench/ab.py HEAD HEAD,
8 pairs) the code came out at 0.99 to 1.01. The reads are measured with the
response cache off (the work itself); the progress POST writes to commitments
outside the measured list, as in bench/run.py.

Before measuring, each read is fetched from both versions and the bodies compared
(a change meant only to be faster must answer the same: a difference is named in
the report), and each version must accept a progress POST. A round with a failed
request (wrk counts an error answer as a fast one) stops the comparison. A
revision is checked out with `git worktree` under bench/results/ and removed
afterwards; the working tree is served as it is when each pair starts, so leave
it alone until the end. A, B and the working tree (which migrates the scratch
database and loads it) must have the same migrations. Needs wrk and PostgreSQL,
as bench/run.py does. `--no-post` measures the reads only; without an API token
(create_api_token) there is no POST either.
"""

import argparse
import hashlib
import json
import math
import shutil
import statistics
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    DETAIL_UNCACHED,
    FIRST_PAGE_UNCACHED,
    POST,
    POST_SCRIPT,
    RESULTS,
    ROOT,
    UNCACHED,
    Bench,
    add_serving_arguments,
    log,
    time_limited,
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="Version A: a git revision.")
    parser.add_argument(
        "after",
        nargs="?",
        default=None,
        help="Version B: a git revision (default: the working tree as it is).",
    )
    parser.add_argument("--commitments", type=int, default=1000)
    parser.add_argument("--updates-per-commitment", type=int, default=10)
    parser.add_argument("--pairs", type=int, default=12, help="Default 12.")
    parser.add_argument(
        "--duration", type=int, default=3, help="Seconds per round (default 3)."
    )
    parser.add_argument(
        "--no-post", action="store_true", help="Reads only: no progress POST."
    )
    add_serving_arguments(parser, database="ct_bench_ab")
    parser.add_argument(
        "--time-limit", type=int, default=30, help="Minutes (default 30)."
    )
    args = parser.parse_args(argv)
    # What Bench reads of a bench/run.py run.
    args.port = None
    args.keep = args.reuse = False
    args.no_compare = True
    return args


def git(*arguments, cwd=ROOT):
    completed = subprocess.run(
        ["git", *arguments], cwd=cwd, capture_output=True, text=True
    )
    if completed.returncode:
        sys.exit(f"git {' '.join(arguments)}: {completed.stderr.strip()}")
    return completed.stdout.strip()


def short(revision):
    """`revision` as a short commit hash."""
    return git("rev-parse", "--short", "--verify", f"{revision}^{{commit}}")


@contextmanager
def checkout(revision, name):
    """A directory holding `revision` (None: the working tree itself)."""
    if revision is None:
        yield ROOT
        return
    commit = git("rev-parse", "--verify", f"{revision}^{{commit}}")
    path = RESULTS / f"ab-{name}"
    # What an interrupted comparison left: its worktree, or only its directory.
    git("worktree", "prune")
    if path.exists():
        git("worktree", "remove", "--force", str(path))
    shutil.rmtree(path, ignore_errors=True)
    git("worktree", "add", "--detach", str(path), commit)
    try:
        yield path
    finally:
        git("worktree", "remove", "--force", str(path))


def migrations_digest(root):
    """A digest of every migration file under `root`."""
    digest = hashlib.sha256()
    for path in sorted(root.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def geometric_mean(ratios):
    return math.exp(statistics.fmean(math.log(r) for r in ratios))


def pair_orders(pairs):
    """The order of each pair: A first, then B first, and so on."""
    return [("A", "B") if number % 2 == 0 else ("B", "A") for number in range(pairs)]


def summarize(rounds):
    """{request: {"A": [req/s per pair], "B": [...]}} -> rows of the table:
    (request, median A, median B, geometric mean of B ÷ A, lowest and highest
    B ÷ A of a pair, pairs B won, pairs)."""
    rows = []
    for name, by_version in rounds.items():
        ratios = [b / a for a, b in zip(by_version["A"], by_version["B"], strict=True)]
        rows.append(
            (
                name,
                statistics.median(by_version["A"]),
                statistics.median(by_version["B"]),
                geometric_mean(ratios),
                min(ratios),
                max(ratios),
                sum(ratio > 1 for ratio in ratios),
                len(ratios),
            )
        )
    return rows


def table(rows, before, after, differences=()):
    lines = [
        f"A: {before}    B: {after}",
        "",
        *(f"A and B answer differently: {difference}." for difference in differences),
        *([""] if differences else []),
        "| request | A req/s | B req/s | B ÷ A (geometric mean) | of a pair "
        "| B faster in |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, a, b, ratio, lowest, highest, won, pairs in rows:
        lines.append(
            f"| {name} | {a:.1f} | {b:.1f} | {ratio:.3f} | {lowest:.2f} to "
            f"{highest:.2f} | {won} of {pairs} pairs |"
        )
    return "\n".join(lines)


def differing_field(a, b):
    """The first key (dotted) at which two JSON documents differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            if key not in a or key not in b:
                return key
            inner = differing_field(a[key], b[key])
            if inner is not None:
                return key if inner == "" else f"{key}.{inner}"
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return ""
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            inner = differing_field(x, y)
            if inner is not None:
                return f"{index}" if inner == "" else f"{index}.{inner}"
        return None
    return None if a == b else ""


class Comparison:
    def __init__(self, args):
        self.args = args
        self.bench = Bench(args)
        self.ports = {}

    def requests(self):
        """(name, path, headers, wrk script) of each measured request."""
        bench = self.bench
        bench.choose_targets()
        query = bench.targets["filter"]
        found = [
            (FIRST_PAGE_UNCACHED, f"/api/v1/commitments/?{query}", UNCACHED, None),
            (
                DETAIL_UNCACHED,
                f"/api/v1/commitments/{bench.targets['detail']}/",
                UNCACHED,
                None,
            ),
        ]
        post = None if self.args.no_post else bench.prepare_post()
        if post is not None:
            found.append((POST, post, {}, POST_SCRIPT))
        return found

    def compare_answers(self, requests):
        """Each read must answer 200 from both versions, each POST 201; the
        reads that answer differently, and where: ["name (at field)", ...]."""
        differences = []
        for name, path, headers, script in requests:
            if script is not None:
                for version, port in self.ports.items():
                    status, body = self.bench.post_progress(
                        path, self.bench.targets["post_statuses"][0], port
                    )
                    if status != 201:
                        sys.exit(f"{name}: {version} answered {status}: {body[:300]!r}")
                continue
            bodies = {}
            for version, port in self.ports.items():
                status, _, body = self.bench.fetch(path, headers, port)
                if status != 200:
                    sys.exit(f"{name}: {version} answered {status}: {body[:300]!r}")
                # Links name the server's port; the rest must match.
                body = body.decode().replace(f"127.0.0.1:{port}", "127.0.0.1")
                bodies[version] = json.loads(body)
            field = differing_field(bodies["A"], bodies["B"])
            if field is not None:
                differences.append(f"{name} (at {field or 'the top'!r})")
                log(f"Warning: {name}: A and B answer differently (at {field!r}).")
        return differences

    @contextmanager
    def serving(self, roots, order):
        """Both versions served, started in `order`; stopped on leaving."""
        with ExitStack() as stack:
            for version in order:
                port, server, log_file = self.bench.start_server(
                    self.args.workers, root=roots[version]
                )
                stack.callback(log_file.close)
                stack.callback(self.bench.stop_server, server)
                self.ports[version] = port
            yield

    def run(self):
        args = self.args
        RESULTS.mkdir(exist_ok=True)
        with ExitStack() as stack:
            roots = {
                "A": stack.enter_context(checkout(args.before, "a")),
                "B": stack.enter_context(checkout(args.after, "b")),
            }
            # The working tree migrates the database and loads the data.
            digests = {migrations_digest(root) for root in (*roots.values(), ROOT)}
            if len(digests) > 1:
                sys.exit(
                    "A, B and the working tree (which migrates the database) have "
                    "different migrations: they cannot share a database."
                )
            bench = self.bench
            stack.callback(bench.drop_database)
            bench.set_up()
            bench.load(args.commitments, seed=1, compare=False)
            requests = None
            rounds, differences = {}, []
            for number, order in enumerate(pair_orders(args.pairs), start=1):
                log(f"Pair {number} of {args.pairs} ({' then '.join(order)})")
                # Fresh servers for every pair, started in the pair's order: two
                # servers of the same code differ by several per cent for as
                # long as they run (where their workers land), which a
                # comparison on one pair of servers takes for the code's doing.
                with self.serving(roots, order):
                    if requests is None:
                        requests = self.requests()
                        differences = self.compare_answers(requests)
                        rounds = {name: {"A": [], "B": []} for name, *_ in requests}
                    for _name, path, headers, script in requests:
                        for version in order:
                            bench.wrk(path, headers, script, 1, self.ports[version])
                    for name, path, headers, script in requests:
                        for version in order:
                            figures = bench.wrk(
                                path,
                                headers,
                                script,
                                args.duration,
                                self.ports[version],
                            )
                            if figures["errors"]:
                                sys.exit(
                                    f"{name}: {figures['errors']} failed requests "
                                    f"from {version} in pair {number}: see "
                                    "bench/results/gunicorn.log."
                                )
                            rounds[name][version].append(figures["rps"])
        before = f"{args.before} ({short(args.before)})"
        if args.after is None:
            after = f"the working tree (on {short('HEAD')})"
        else:
            after = f"{args.after} ({short(args.after)})"
        report = table(summarize(rounds), before, after, differences)
        print(report, flush=True)
        (RESULTS / "ab.md").write_text(report + "\n")


def main():
    args = parse_args()
    # Ctrl-C, a signal or the time limit: comparison.run() stops the servers,
    # drops the database and removes the worktrees on its way out.
    with time_limited(args.time_limit, "The comparison"):
        Comparison(args).run()


if __name__ == "__main__":
    main()
