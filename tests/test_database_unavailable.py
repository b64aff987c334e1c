"""While the database cannot be reached, every view answers 503 with a Retry-After,
never a 500 with a stack trace; errors that are the request's own stay its own."""

import psycopg2
import pytest
from django.db import IntegrityError, connection, connections

UNAVAILABLE = {"detail": "The database is unavailable. Retry in a few seconds."}


@pytest.fixture
def probe_urls(settings):
    """POST /probe/topics/ writes a topic (tests/live_probe.py)."""
    settings.ROOT_URLCONF = "tests.live_probe"


def test_a_view_answers_503_while_the_database_is_unreachable(
    client, unreachable_database
):
    # Opening the request's transaction (ATOMIC_REQUESTS) is what fails here.
    response = client.get("/admin/login/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == UNAVAILABLE


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ends a PostgreSQL server session"
)
def test_a_connection_lost_mid_request_gives_503(client, transactional_db, probe_urls):
    # The server ends this process's session, as a restart or a failover does;
    # the test client skips the health check that a real request start runs.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [backend_pid] = cursor.fetchone()
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
        other.commit()
    finally:
        other.close()

    try:
        response = client.post("/probe/topics/", {"slug": "lost"})
    finally:
        connections.close_all()

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE


def test_an_error_of_the_request_itself_is_not_a_503(client, db, probe_urls):
    client.post("/probe/topics/", {"slug": "twice"})

    with pytest.raises(IntegrityError):
        client.post("/probe/topics/", {"slug": "twice"})
