"""bench/run.py reads wrk's report: rates, percentiles in any unit, and failures
(a wrong answer must not pass for a fast one); a timed run (bench/run.py,
bench/ab.py) ends on SIGTERM as on Ctrl-C, cleaning up on its way out."""

import os
import signal
import time

import pytest
from django.db import connection

from bench.run import AutovacuumSampler, parse_wrk, server_side, share, time_limited

REPORT = """Running 5s test @ http://127.0.0.1:8000/api/v1/commitments/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.75ms    1.93ms  19.74ms   87.47%
    Req/Sec     1.35k   207.42     1.67k    60.00%
  Latency Distribution
     50%  870.00us
     75%    2.13ms
     90%    3.95ms
     99%    1.20s
  1345 requests in 1.01s, 683.01KB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   1330.89
Transfer/sec:    675.84KB
"""


def test_rates_and_percentiles_in_milliseconds():
    result = parse_wrk(REPORT)

    assert result["rps"] == 1330.89
    assert result["p50"] == 0.87
    assert result["p99"] == 1200.0


def test_non_2xx_answers_and_socket_errors_count_as_errors():
    assert parse_wrk(REPORT)["errors"] == 10


def test_a_clean_run_has_no_errors():
    clean = "\n".join(
        line
        for line in REPORT.splitlines()
        if "errors" not in line and "Non-2xx" not in line
    )

    assert parse_wrk(clean)["errors"] == 0


LOG = """\
[2026-11-30 16:36:59 +0000] [11862] [INFO] Booting worker with pid: 11889
2026-11-30 16:37:00,001 INFO tracker.requests request_id=a method=GET path=/api/v1/commitments/ status=200 duration_ms=5.0 cache=miss
2026-11-30 16:37:00,002 INFO tracker.requests request_id=b method=GET path=/api/v1/commitments/ status=200 duration_ms=1.0 cache=hit
2026-11-30 16:37:00,003 INFO tracker.requests request_id=c method=GET path=/bench/baseline/commitments/ status=200 duration_ms=2.0
"""  # noqa: E501


def test_the_servers_log_gives_its_own_times_the_cache_and_the_boots():
    middle = LOG.index("2026-11-30 16:37:00,002")
    whole = server_side(LOG, [(0, len(LOG))])
    split = server_side(LOG, [(0, middle)])

    assert whole == {
        "logged": 3,
        "server_p50": 2.0,
        "server_p99": 5.0,
        "hits": 1,
        "misses": 1,
        "boots": 1,
    }
    assert split["logged"] == 1
    assert (split["misses"], split["hits"], split["boots"]) == (1, 0, 1)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="autovacuum is PostgreSQL's"
)
@pytest.mark.django_db
def test_the_autovacuum_sampler_asks_postgresql_while_the_round_runs():
    parameters = connection.get_connection_params()
    url = (
        f"postgres://{parameters.get('user') or 'postgres'}@"
        f"{parameters.get('host') or 'localhost'}:"
        f"{parameters.get('port') or 5432}/{parameters['dbname']}"
    )
    # Asked of its own kind of backend, it finds one every time: its own.
    with AutovacuumSampler(url, every=0.01, backend_type="client backend") as own:
        time.sleep(0.2)
    with AutovacuumSampler(url, every=0.01, backend_type="no such kind") as none:
        time.sleep(0.2)

    assert own.samples >= 3
    assert own.busy() == 1.0
    assert none.samples >= 3
    assert none.busy() == 0.0


def test_a_sampler_that_could_not_ask_reports_nothing_known():
    # Port 9 (discard): nothing answers there as PostgreSQL.
    with AutovacuumSampler("postgres://nobody@127.0.0.1:9/none", every=0.01) as vacuum:
        time.sleep(0.05)

    assert vacuum.busy() is None
    assert share(vacuum.busy()) == "—"


def test_a_signal_ends_a_timed_run_as_ctrl_c_does_and_the_handlers_come_back():
    before = signal.getsignal(signal.SIGTERM)
    cleaned = []
    with pytest.raises(SystemExit, match="Stopped by signal"):
        try:
            with time_limited(1, "The run"):
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(5)  # the signal arrives before this ends
        finally:
            cleaned.append(True)
    assert cleaned == [True]
    assert signal.getsignal(signal.SIGTERM) is before
    assert signal.alarm(0) == 0  # no alarm left pending
