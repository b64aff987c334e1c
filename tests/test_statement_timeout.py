"""No statement holds PostgreSQL longer than DATABASE_STATEMENT_TIMEOUT (by default
two thirds of gunicorn's worker timeout): the request then gets a 503, never a 500,
and the statement is cancelled in PostgreSQL rather than left running."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from tests.factories import CommitmentFactory
from tests.test_settings_gunicorn import load
from tests.test_settings_production import probe

only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)

PROBE = """
import json
from django.conf import settings as s
print(json.dumps(s.DATABASES["default"]["OPTIONS"]["options"]))
"""


def probed_options(**environment):
    return probe(PROBE, **environment)


def test_the_timeout_stays_below_gunicorns_worker_timeout(monkeypatch):
    gunicorn = load(monkeypatch)

    assert gunicorn.timeout == 30
    assert probed_options() == "-c statement_timeout=20000"
    assert probed_options(GUNICORN_TIMEOUT="90") == "-c statement_timeout=60000"
    assert probed_options(DATABASE_STATEMENT_TIMEOUT="5") == (
        "-c statement_timeout=5000"
    )


@only_postgresql
def test_every_connection_carries_the_timeout(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        [timeout] = cursor.fetchone()

    assert timeout == "20s"


@pytest.fixture
def commitments_locked(transactional_db):
    """Another session holds the commitments table, so every read of it waits;
    this session's statements give up after 300 ms."""
    CommitmentFactory()
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    with other.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("LOCK TABLE commitments_commitment IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 300")
    try:
        yield
    finally:
        with other.cursor() as cursor:
            cursor.execute("ROLLBACK")
        other.close()
        connection.close()


@only_postgresql
def test_an_api_request_over_the_timeout_is_503_json(client, commitments_locked):
    response = client.get("/api/v1/commitments/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "took too long" in response.json()["detail"]


@only_postgresql
@pytest.mark.parametrize("path", ["/commitments/", "/commitments.csv"])
def test_a_page_over_the_timeout_is_503_html(client, commitments_locked, path):
    response = client.get(path)

    assert response.status_code == 503
    assert "took too long" in response.content.decode()
