"""While the database cannot be reached, every view answers 503 with a Retry-After,
never a 500 with a stack trace; errors that are the request's own stay its own."""

import psycopg2
import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections

from commitments.models import Topic
from tests.conftest import authorize
from tests.factories import UserFactory
from tracker.middleware import database_unreachable

UNAVAILABLE = {"detail": "The database is unavailable. Retry in a few seconds."}
only_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL server sessions"
)


def test_an_api_view_answers_503_json_while_the_database_is_unreachable(
    client, unreachable_database
):
    # Opening the request's transaction (ATOMIC_REQUESTS) is what fails here.
    response = client.get("/api/v1/commitments/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == UNAVAILABLE


@pytest.mark.parametrize("path", ["/", "/commitments/", "/admin/login/"])
def test_a_page_answers_503_html_while_the_database_is_unreachable(
    client, unreachable_database, path
):
    response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "<h1>Temporarily unavailable</h1>" in response.content.decode()


@only_postgresql
def test_a_connection_lost_mid_request_gives_503(api_client, transactional_db):
    # A superuser, not a maintainer: the flush between transactional tests also
    # removes the Maintainers group that the migrations made.
    client = authorize(api_client, UserFactory(is_superuser=True))
    # The server ends this process's session, as a restart or a failover does;
    # the test client skips the health check that a real request start runs.
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
        response = client.post("/api/v1/topics/", {"slug": "lost", "name": "Lost"})
    finally:
        connections.close_all()

    assert response.status_code == 503
    assert response.json() == UNAVAILABLE
    assert not Topic.objects.filter(slug="lost").exists()


@only_postgresql
def test_a_lock_the_request_cannot_get_is_not_taken_for_an_outage(transactional_db):
    # An error of the request itself, on a working connection: the view, or
    # Django, answers it; it is not the 503 of an unreachable database.
    topic = Topic.objects.create(slug="locked", name="Locked")
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with connection.cursor() as holder:
            holder.execute("BEGIN")
            holder.execute(
                "SELECT id FROM commitments_topic WHERE id = %s FOR UPDATE", [topic.pk]
            )
            with pytest.raises(OperationalError) as refused, other.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM commitments_topic WHERE id = %s FOR UPDATE NOWAIT",
                    [topic.pk],
                )
            holder.execute("ROLLBACK")
    finally:
        other.close()

    assert refused.value.__cause__.pgcode == "55P03"  # lock_not_available
    assert not database_unreachable(refused.value)
