"""A read replica (tracker/db_routers.py): anonymous reads go to it, and everything
that must see the caller's own writes goes to the primary.

Two real databases (tests/conftest.py): `default` and `replica`, a copy of it made
when the session starts. Each test then makes them differ, an agency of the same
slug named after the database that holds it, so every answer says which database
it was read from."""

import pytest
from django.db import connections, router
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from commitments import data_version
from commitments.models import Agency, Announcement, Commitment, Topic
from tests.conftest import authorize, pointed_nowhere
from tests.factories import AgencyFactory, CommitmentFactory, UserFactory
from tests.test_settings_production import probe
from tracker.db_routers import ReadReplicaMiddleware, reads_replica, replica_reads

BOTH = ["default", "replica"]
SLUG = "marked-agency"
URL = f"/api/v1/agencies/{SLUG}/"
ON_PRIMARY = "Marked on the primary"
ON_REPLICA = "Marked on the replica"

pytestmark = pytest.mark.django_db(databases=BOTH)


def mark_the_replica():
    """Written straight to the replica, as replication would (no save(), no
    signals: nothing of it may reach the primary)."""
    Agency.objects.using("replica").bulk_create(
        [Agency(slug=SLUG, abbreviation="MR", name=ON_REPLICA, level="federal")]
    )


@pytest.fixture
def marked(db):
    agency = AgencyFactory(slug=SLUG, abbreviation="MP", name=ON_PRIMARY)
    mark_the_replica()
    return agency


def answered_by(response):
    assert response.status_code == 200, response.content
    name = response.json()["name"]
    return {ON_PRIMARY: "primary", ON_REPLICA: "replica"}[name]


def test_an_anonymous_read_is_answered_by_the_replica_alone(
    replica, marked, api_client, no_response_cache
):
    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        response = api_client.get(URL)

    assert answered_by(response) == "replica"
    # ATOMIC_REQUESTS still wraps the view in a transaction on the primary, which
    # stays empty (here a savepoint in the test's transaction; in production
    # psycopg2 sends nothing for a transaction without a statement).
    assert [
        query["sql"]
        for query in on_primary
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ] == []
    assert len(on_replica) > 0


def test_a_head_and_a_list_read_the_replica_too(replica, marked, api_client):
    assert api_client.head(URL).status_code == 200
    listed = api_client.get("/api/v1/agencies/").json()["results"]
    names = [agency["name"] for agency in listed]
    assert ON_REPLICA in names
    assert ON_PRIMARY not in names


def test_without_a_replica_every_read_is_the_primarys(marked, api_client):
    assert answered_by(api_client.get(URL)) == "primary"


def test_a_read_with_a_token_is_answered_by_the_primary(replica, marked, api_client):
    authorize(api_client, UserFactory())
    assert answered_by(api_client.get(URL)) == "primary"


def test_a_read_with_a_session_is_answered_by_the_primary(replica, marked, api_client):
    api_client.force_login(UserFactory())
    assert answered_by(api_client.get(URL)) == "primary"


def test_a_cookie_other_than_the_session_does_not_matter(replica, marked, client):
    client.cookies["csrftoken"] = "x" * 32
    assert answered_by(client.get(URL)) == "replica"


def test_the_admin_reads_the_primary(replica, marked, client, staff_user):
    client.force_login(staff_user)
    page = client.get("/admin/commitments/agency/").content.decode()

    assert ON_PRIMARY in page
    assert ON_REPLICA not in page
    # Signed out too: the admin's own pages are never the replica's.
    assert not reads_replica(RequestFactory().get("/admin/login/"))


def test_a_sign_in_reads_the_primary(replica, api_client):
    """The account exists on the primary only: read on the replica, the password
    could not have been checked."""
    UserFactory(username="new-editor")

    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "new-editor", "password": "correct horse battery staple"},
    )

    assert response.status_code == 200, response.content


def test_a_conditional_write_judges_and_changes_the_primary(
    replica, marked, api_client, maintainer
):
    authorize(api_client, maintainer)
    etag = api_client.get(URL)["ETag"]

    response = api_client.patch(URL, {"name": "Renamed"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 200, response.content
    assert Agency.objects.get(slug=SLUG).name == "Renamed"
    assert Agency.objects.using("replica").get(slug=SLUG).name == ON_REPLICA


def test_a_read_after_a_write_in_the_same_request_reads_the_primary(replica, marked):
    names = []

    def view(request):
        names.append(Agency.objects.get(slug=SLUG).name)
        Agency.objects.filter(slug=SLUG).update(name="Written in this request")
        names.append(Agency.objects.get(slug=SLUG).name)
        return None

    ReadReplicaMiddleware(view)(RequestFactory().get(URL))

    assert names == [ON_REPLICA, "Written in this request"]
    # The decision ended with the request.
    assert replica_reads.get() is False


def test_outside_a_request_everything_is_the_primarys(replica, marked):
    assert Agency.objects.get(slug=SLUG).name == ON_PRIMARY


def test_only_the_primary_is_migrated():
    assert router.allow_migrate("default", "commitments")
    assert not router.allow_migrate("replica", "commitments")
    assert not router.allow_migrate("replica", "auth")


@pytest.fixture
def unreachable_replica(replica):
    """The replica alias points at a database that cannot be reached, for the
    duration of the test."""
    yield from pointed_nowhere("replica")


def test_the_health_check_asks_the_replica_too(replica, client):
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert client.get("/healthz").json() == {"status": "ok"}

    assert len(on_replica) > 0


def test_an_unreachable_replica_fails_the_health_check(
    unreachable_replica, client, api_client
):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "replica": "unreachable"}
    # An anonymous read cannot be answered, and says so.
    assert api_client.get("/api/v1/agencies/").status_code == 503


@pytest.fixture
def committed_marks(transactional_db):
    """As `marked`, committed, so that PostgreSQL's triggers change each
    database's data version (at COMMIT); the replica's row is removed after, as
    flushing the test database does not reach a database never migrated."""
    AgencyFactory(slug=SLUG, abbreviation="MP", name=ON_PRIMARY)
    mark_the_replica()
    yield
    with connections["replica"].cursor() as cursor:
        cursor.execute("DELETE FROM commitments_agency WHERE slug = %s", [SLUG])


def kept_keys():
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT cache_key FROM tracker_cache WHERE cache_key LIKE %s",
            ["response:%"],
        )
        return [key for (key,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_replicas_answer_is_kept_under_the_replicas_data_version(
    replica, committed_marks, api_client, settings
):
    """A lagging replica's answer kept under the primary's newer version would be
    served as current until the next write: it must be kept under the version the
    replica had, which a reader of the primary never meets."""
    settings.RESPONSE_CACHE = True
    on_primary = data_version.current("default")
    on_replica = data_version.current("replica")
    assert on_primary != on_replica
    before = set(kept_keys())

    assert answered_by(api_client.get(URL)) == "replica"

    kept = set(kept_keys()) - before
    assert kept
    assert all(key.startswith(f"response:1:{on_replica}:") for key in kept)
    # Kept where every replica shares it; read from the replica, it is the
    # replica's answer again, and the primary's readers get the primary's.
    assert answered_by(api_client.get(URL)) == "replica"
    settings.READ_REPLICA = None
    assert answered_by(api_client.get(URL)) == "primary"


PROBE = """
import json
from django.conf import settings
from django.db import connections
print(json.dumps({
    "read_replica": settings.READ_REPLICA,
    "databases": {
        alias: [
            connections[alias].settings_dict[key]
            for key in ("HOST", "NAME", "ATOMIC_REQUESTS", "OPTIONS")
        ]
        for alias in settings.DATABASES
    },
}))
"""


def probed_databases(**environment):
    return probe(PROBE, **environment)


def test_database_replica_url_adds_the_replica():
    options = {"connect_timeout": 5, "options": "-c statement_timeout=20000"}

    assert probed_databases(DATABASE_REPLICA_URL="") == {
        "read_replica": None,
        "databases": {"default": ["db.invalid", "tracker", True, options]},
    }
    assert probed_databases(
        DATABASE_REPLICA_URL="postgres://tracker@standby.invalid:5432/tracker"
    ) == {
        "read_replica": "replica",
        "databases": {
            "default": ["db.invalid", "tracker", True, options],
            # Its reads need no transaction of their own.
            "replica": ["standby.invalid", "tracker", False, options],
        },
    }


def copy_to_the_replica(*models):
    """The rows of these tables, as they stand on the primary, written to the
    replica (in this order, for their foreign keys)."""
    for model in models:
        model.objects.using("replica").bulk_create(model.objects.using("default"))


@pytest.mark.parametrize("url", ["/commitments.csv", "/api/v1/commitments/?format=csv"])
def test_a_csv_reads_its_version_and_rows_on_the_replica(replica, client, url):
    """The CSV's body is made after the request's routing has ended: its rows and
    the version its ETag is made of must still come from the one database."""
    CommitmentFactory(lead_agency=AgencyFactory(slug=SLUG, name=ON_PRIMARY))
    copy_to_the_replica(Agency, Announcement, Topic, Commitment)
    Agency.objects.using("replica").filter(slug=SLUG).update(name=ON_REPLICA)

    with CaptureQueriesContext(connections["default"]) as on_primary:
        response = client.get(url)
        body = b"".join(response.streaming_content).decode()

    assert response.status_code == 200
    assert ON_REPLICA in body
    assert ON_PRIMARY not in body
    assert [
        query["sql"] for query in on_primary if "commitments_" in query["sql"]
    ] == []
