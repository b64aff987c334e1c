import copy
import sqlite3

import pytest
from django.conf import settings as django_settings

REPLICA = "replica"


def _add_replica_database():
    """A second, distinct database under the alias "replica", for the tests of
    read replicas (tests/test_read_replica.py): the settings a
    DATABASE_REPLICA_URL naming another database of the same server (or another
    SQLite file) would give. pytest-django creates test databases only for
    aliases in DATABASES when the session starts, so it is added here, before
    any connection opens. Reads go to it only in tests that set READ_REPLICA
    (the `replica` fixture), whatever DATABASE_REPLICA_URL says."""
    databases = django_settings.DATABASES
    django_settings.READ_REPLICA = None
    replica = copy.deepcopy(databases["default"])
    replica["ATOMIC_REQUESTS"] = False
    if replica["ENGINE"] == "django.db.backends.sqlite3":
        replica["TEST"]["NAME"] += "-replica"
    else:
        replica["NAME"] += "_replica"
        replica.setdefault("TEST", {})["NAME"] = f"test_{replica['NAME']}"
    databases[REPLICA] = replica


_add_replica_database()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The replica's test database starts as a copy of the primary's, schema and
    data (migrations run on the primary only, as in a deployment, where the
    replica gets both from the primary)."""
    from django.db import connections

    replica = connections[REPLICA]
    if replica.settings_dict["NAME"] != replica.settings_dict["TEST"].get("NAME"):
        return  # no test asked for the replica: it has no test database
    primary = connections["default"]
    with django_db_blocker.unblock():
        primary.close()
        replica.close()
        if primary.vendor == "sqlite":
            source = sqlite3.connect(primary.settings_dict["NAME"])
            target = sqlite3.connect(replica.settings_dict["NAME"])
            source.backup(target)
            source.close()
            target.close()
        else:
            quote = primary.ops.quote_name
            with primary.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE {quote(replica.settings_dict['NAME'])}")
                cursor.execute(
                    f"CREATE DATABASE {quote(replica.settings_dict['NAME'])} "
                    f"TEMPLATE {quote(primary.settings_dict['NAME'])}"
                )


@pytest.fixture
def replica(settings):
    """Anonymous reads go to the replica's database, a copy of the primary's made
    when the session started; tests that use it ask for both databases
    (`@pytest.mark.django_db(databases=["default", "replica"])`)."""
    settings.READ_REPLICA = REPLICA
    return REPLICA


@pytest.fixture(scope="session")
def _empty_static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("staticfiles")


@pytest.fixture(autouse=True)
def _plain_static_files(settings, _empty_static_root):
    """Tests render pages without running collectstatic first (and WhiteNoise
    finds an existing, empty STATIC_ROOT rather than warning about it)."""
    settings.STATIC_ROOT = _empty_static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="staff", is_staff=True, is_superuser=True)


def pointed_nowhere(alias):
    """For as long as the generator is suspended, database `alias` points at a
    database that cannot be reached (a closed port on PostgreSQL, a missing
    directory on SQLite): real connection failures, no mock. Its own
    connection (the test transaction's, for `default`) is put back afterwards."""
    from django.db import connections
    from django.db.utils import load_backend

    original = connections[alias]
    unreachable_settings = {**original.settings_dict}
    if original.vendor == "sqlite":
        unreachable_settings["NAME"] = "/nonexistent-directory/db.sqlite3"
    else:
        unreachable_settings.update(HOST="127.0.0.1", PORT="1")
    backend = load_backend(unreachable_settings["ENGINE"])
    connections[alias] = backend.DatabaseWrapper(unreachable_settings, alias)
    yield
    connections[alias].close()
    connections[alias] = original


@pytest.fixture
def unreachable_database(db):
    """For the duration of the test, the default database cannot be reached."""
    yield from pointed_nowhere("default")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def authorize(client, user):
    """Give an API client a fresh token for this user."""
    from knox.models import AuthToken

    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def maintainer(db):
    """A member of the "Maintainers" group, as the migrations made it."""
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(username="maintainer", is_staff=True)
    user.groups.add(Group.objects.get(name="Maintainers"))
    return user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing is slow on purpose; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _response_cache_on_sqlite_only(request, settings):
    """The response cache is on in every test on SQLite, whose triggers change the
    data version at once, so every test that reads after a write checks it too.
    PostgreSQL's change it at COMMIT, which a test inside a transaction never
    reaches: there it is off, but for tests that commit (transaction=True, as in
    tests/test_response_cache.py)."""
    from django.db import connection

    marker = request.node.get_closest_marker("django_db")
    commits = bool(marker and marker.kwargs.get("transaction"))
    if connection.vendor == "postgresql" and not commits:
        settings.RESPONSE_CACHE = False


@pytest.fixture
def no_response_cache(settings):
    """For tests that count the queries of the work a read does, not of a kept
    response (tests/test_response_cache.py counts those)."""
    settings.RESPONSE_CACHE = False


def budgeted(sql):
    """Whether a statement counts against a query budget: every one but
    SAVEPOINT / RELEASE (the request's transaction inside a test's) and the
    token lookup (docs/design.md, "Limits")."""
    statement = sql.lstrip().upper()
    if statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO")):
        return False
    return not statement.startswith('SELECT "KNOX_AUTHTOKEN".')


@pytest.fixture
def assert_query_budget():
    """`with assert_query_budget(n): ...` fails unless the block ran exactly n
    statements as a query budget counts them (budgeted)."""
    import contextlib

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextlib.contextmanager
    def within(expected):
        with CaptureQueriesContext(connection) as captured:
            yield captured
        counted = [q["sql"] for q in captured.captured_queries if budgeted(q["sql"])]
        assert len(counted) == expected, (
            f"{len(counted)} statements against a budget of {expected}:\n"
            + "\n".join(counted)
        )

    return within
