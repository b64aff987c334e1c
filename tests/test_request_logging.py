import io
import logging
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from tracker.middleware import RequestIdFilter


@pytest.fixture
def log_lines():
    """What the stdout handler of settings.LOGGING writes, line by line: the same
    format and request-id filter, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        logging.Formatter(django_settings.LOGGING["formatters"]["line"]["format"])
    )
    # Where settings.LOGGING puts its handler.
    loggers = [logging.getLogger(), logging.getLogger("django")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: stream.getvalue().splitlines()
    for logger in loggers:
        logger.removeHandler(handler)


def access_lines(lines):
    return [line for line in lines if " tracker.requests " in line]


def test_each_request_writes_one_access_line(client, db, log_lines):
    response = client.get("/healthz")

    [line] = access_lines(log_lines())
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert re.search(
        rf" INFO tracker.requests request_id={request_id} method=GET "
        r"path=/healthz status=200 duration_ms=\d+\.\d$",
        line,
    )


def test_the_access_line_records_the_status_of_errors(client, db, log_lines):
    client.post("/healthz")
    client.get("/no-such-page/")

    lines = access_lines(log_lines())
    assert len(lines) == 2
    assert "method=POST path=/healthz status=405 " in lines[0]
    assert "method=GET path=/no-such-page/ status=404 " in lines[1]


def test_a_well_formed_request_id_from_the_client_is_kept(client, db, log_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.42"})

    assert response["X-Request-ID"] == "lb-7f3a.42"
    [line] = access_lines(log_lines())
    assert " request_id=lb-7f3a.42 method=GET " in line


@pytest.mark.parametrize(
    "sent", ["", "two words", "line\nbreak", "x" * 129, 'quote"s', "é"]
)
def test_a_malformed_request_id_is_replaced(client, db, log_lines, sent):
    response = client.get("/healthz", headers={"X-Request-ID": sent})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    [line] = access_lines(log_lines())
    assert f" request_id={response['X-Request-ID']} method=GET " in line


def test_the_path_is_logged_escaped_on_one_line(client, db, log_lines):
    client.get("/no such/page\u00e9")

    [line] = access_lines(log_lines())
    assert "path=/no%20such/page%C3%A9 status=404 " in line


def test_every_line_logged_during_a_request_carries_its_id(
    client, unreachable_database, log_lines
):
    response = client.get("/healthz", headers={"X-Request-ID": "probe-1"})

    assert response.status_code == 503
    lines = log_lines()
    # The health check's warning, the access line, and django.request's error line
    # for the 503 (written after the middleware is done), each on one line.
    assert len(lines) == 3
    assert all(" request_id=probe-1 " in line for line in lines)
    assert " WARNING tracker.health request_id=probe-1 Health check failed" in lines[0]
    assert " INFO tracker.requests request_id=probe-1 method=GET" in lines[1]
    assert " ERROR django.request request_id=probe-1 Service Unavailable" in lines[2]


def test_logs_go_to_stdout():
    # Outside a request the id is "-".
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import logging; logging.getLogger('tracker').warning('hello')",
        ],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert re.search(r" WARNING tracker request_id=- hello$", result.stdout, re.M)
    assert "hello" not in result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_access_line_says_whether_the_response_cache_answered(client, log_lines):
    client.get("/api/v1/commitments/")
    client.get("/api/v1/commitments/")
    # Not looked up: a cookie, or a page of the site.
    client.get("/api/v1/commitments/", headers={"cookie": "a=b"})
    client.get("/healthz")

    lines = access_lines(log_lines())
    assert len(lines) == 4
    assert lines[0].endswith(" cache=miss")
    assert lines[1].endswith(" cache=hit")
    assert all(" cache=" not in line for line in lines[2:])
