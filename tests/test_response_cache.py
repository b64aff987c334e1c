"""The response cache of anonymous API reads (tracker.caching.ResponseCacheMiddleware,
commitments/data_version.py): a kept response is the fresh one, byte for byte and
header for header, costs two queries, and is never served after a write that was
acknowledged, whoever made it (the API, the admin, a command, a bulk write).

The tests that write commit their transactions (transaction=True): PostgreSQL
changes the data version at COMMIT."""

import itertools

import pytest
from django.core.management import call_command
from django.db import connection

from commitments import data_version
from commitments.models import Agency, Commitment
from tests.conftest import authorize
from tests.factories import CommitmentFactory, ProgressUpdateFactory

HEADERS = ("Content-Type", "Content-Length", "ETag", "Cache-Control", "Vary")

READS = [
    "/api/v1/commitments/?status=in_progress",
    "/api/v1/commitments/{pk}/",
    "/api/v1/commitments/summary/",
    "/api/v1/commitments/summary/?status=in_progress",
    "/api/v1/changes/",
]


def headers(response):
    return {name: response.get(name) for name in HEADERS}


@pytest.fixture(autouse=True)
def response_cache(settings):
    """On, on PostgreSQL too (tests/conftest.py turns it off there for tests that
    do not commit): the tests here that write commit."""
    settings.RESPONSE_CACHE = True


@pytest.fixture
def commitment(db):
    commitment = CommitmentFactory()
    ProgressUpdateFactory(commitment=commitment, status="in_progress")
    return commitment


@pytest.mark.django_db
@pytest.mark.parametrize("path", READS)
def test_a_kept_response_is_the_fresh_one_for_two_queries(
    api_client, commitment, django_assert_num_queries, path
):
    url = path.format(pk=commitment.pk)
    fresh = api_client.get(url)

    with django_assert_num_queries(2):
        # 1. the data version
        # 2. the kept response (the database's cache table)
        kept = api_client.get(url)

    assert fresh.status_code == kept.status_code == 200
    assert kept.content == fresh.content
    assert headers(kept) == headers(fresh)
    assert kept["Cache-Control"].startswith("public")


@pytest.mark.django_db
def test_revalidating_a_kept_response_costs_two_queries(
    api_client, commitment, django_assert_num_queries
):
    url = f"/api/v1/commitments/{commitment.pk}/"
    etag = api_client.get(url)["ETag"]

    with django_assert_num_queries(2):
        response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response["ETag"] == etag


@pytest.mark.django_db
def test_each_media_type_is_kept_apart(api_client, commitment):
    url = f"/api/v1/commitments/{commitment.pk}/"
    json_body = api_client.get(url, HTTP_ACCEPT="application/json")
    html = api_client.get(url, HTTP_ACCEPT="text/html")

    assert json_body["Content-Type"] == "application/json"
    assert html["Content-Type"].startswith("text/html")
    again = api_client.get(url, HTTP_ACCEPT="application/json")
    assert again.content == json_body.content


@pytest.mark.django_db
def test_readers_with_credentials_or_cookies_are_not_served_from_it(
    api_client, commitment, maintainer, django_assert_max_num_queries
):
    url = f"/api/v1/commitments/{commitment.pk}/"
    api_client.get(url)
    api_client.get(url)

    authorize(api_client, maintainer)
    response = api_client.get(url)
    assert response["Cache-Control"] == "private, no-store"

    api_client.credentials()
    api_client.cookies["sessionid"] = "anything"
    with django_assert_max_num_queries(20) as captured:
        api_client.get(url)
    assert len(captured) > 2


@pytest.mark.django_db(transaction=True)
def test_every_table_readers_see_changes_the_data_version():
    assert data_version.tables_without_triggers(connection) == []
    assert "commitments_commitment" in data_version.watched_tables(connection)
    assert "auth_user" in data_version.watched_tables(connection)


@pytest.mark.django_db(transaction=True)
def test_a_progress_post_is_read_at_once(api_client, commitment, staff_user):
    url = f"/api/v1/commitments/{commitment.pk}/"
    assert api_client.get(url).json()["status"] == "in_progress"
    assert api_client.get(url).json()["status"] == "in_progress"

    writer = type(api_client)()
    authorize(writer, staff_user)
    posted = writer.post(
        f"{url}updates/",
        {"reported_on": "2019-01-02", "status": "stalled", "summary": "Blocked."},
        format="json",
    )
    assert posted.status_code == 201

    assert api_client.get(url).json()["status"] == "stalled"
    summary = api_client.get("/api/v1/commitments/summary/").json()
    assert summary["by_status"]["stalled"] == 1
    changes = api_client.get("/api/v1/changes/").json()["results"]
    assert changes[0]["kind"] == "progress_added"


@pytest.mark.django_db(transaction=True)
def test_an_admin_edit_is_read_at_once(api_client, client, commitment, staff_user):
    topic = commitment.topic
    url = f"/api/v1/topics/{topic.slug}/"
    before = api_client.get(url).json()["name"]
    assert api_client.get(url).json()["name"] == before

    client.force_login(staff_user)
    saved = client.post(
        f"/admin/commitments/topic/{topic.pk}/change/",
        {"name": "Renamed in the admin", "slug": topic.slug},
    )
    assert saved.status_code == 302, saved.content

    assert api_client.get(url).json()["name"] == "Renamed in the admin"


@pytest.mark.django_db(transaction=True)
def test_a_command_and_bulk_and_raw_writes_are_read_at_once(api_client, commitment):
    url = "/api/v1/commitments/summary/"
    assert api_client.get(url).json()["total"] == 1
    assert api_client.get(url).json()["total"] == 1

    call_command("generate_data", "--commitments", "3", "--updates", "3", verbosity=0)
    total = Commitment.objects.count()
    assert total > 1
    assert api_client.get(url).json()["total"] == total

    # An UPDATE that no model code sees (no save(), no signal).
    detail = f"/api/v1/commitments/{commitment.pk}/"
    api_client.get(detail)
    Agency.objects.update(name="Renamed by a bulk update")
    assert api_client.get(detail).json()["lead_agency"]["name"] == (
        "Renamed by a bulk update"
    )


@pytest.mark.django_db(transaction=True)
def test_a_write_the_reader_raced_is_not_served_after_it(api_client, commitment):
    """A response worked out from data older than a write can only be kept under
    the version before that write: the version is read first."""
    url = f"/api/v1/commitments/{commitment.pk}/"
    version = data_version.current()
    api_client.get(url)

    Commitment.objects.filter(pk=commitment.pk).update(title="A new title")

    assert data_version.current() != version
    assert api_client.get(url).json()["title"] == "A new title"


@pytest.mark.django_db(transaction=True)
def test_a_migrate_starts_a_new_version_so_new_code_caches_afresh():
    before = data_version.current()

    call_command("migrate", verbosity=0)

    assert data_version.current() != before


@pytest.mark.django_db(transaction=True)
def test_a_write_draws_a_new_version_rather_than_counting_up():
    """A restored dump holds its version row: counting up from it would come
    back to numbers under which other data was kept."""
    seen = {data_version.current()}
    for _ in range(3):
        CommitmentFactory()
        seen.add(data_version.current())

    assert len(seen) == 4
    assert not any(b - a == 1 for a, b in itertools.pairwise(sorted(seen)))


@pytest.mark.django_db
def test_replicas_running_other_code_keep_apart(
    api_client, commitment, django_assert_max_num_queries, monkeypatch
):
    from tracker import caching

    url = f"/api/v1/commitments/{commitment.pk}/"
    api_client.get(url)
    monkeypatch.setattr(caching, "CODE_VERSION", "other code")

    with django_assert_max_num_queries(20) as captured:
        api_client.get(url)

    assert len(captured) > 2
    assert caching.code_version() != "other code"


def sign_in_through_the_api(client, user):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 200


def sign_in_to_the_admin(client, user):
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sign_in", [sign_in_through_the_api, sign_in_to_the_admin])
def test_a_sign_in_keeps_the_data_version_and_what_was_kept(
    api_client, client, commitment, staff_user, django_assert_num_queries, sign_in
):
    """A sign-in writes last_login, which no reader sees (migration 0016)."""
    url = f"/api/v1/commitments/{commitment.pk}/"
    api_client.get(url)
    version = data_version.current()
    last_login = type(staff_user).objects.get(pk=staff_user.pk).last_login

    sign_in(
        type(api_client)() if sign_in is sign_in_through_the_api else client, staff_user
    )

    assert type(staff_user).objects.get(pk=staff_user.pk).last_login != last_login
    assert data_version.current() == version
    with django_assert_num_queries(2):
        # 1. the data version, unchanged
        # 2. the kept response
        api_client.get(url)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change",
    [
        {"username": "renamed"},
        {"first_name": "Ann"},
        {"is_active": False},
        {"username": "renamed", "last_login": "2020-01-01T00:00:00Z"},
    ],
)
def test_a_change_of_any_other_user_column_changes_the_data_version(staff_user, change):
    version = data_version.current()

    type(staff_user).objects.filter(pk=staff_user.pk).update(**change)

    assert data_version.current() != version


@pytest.mark.django_db(transaction=True)
def test_migrating_back_past_0016_watches_last_login_again(staff_user):
    users = type(staff_user).objects.filter(pk=staff_user.pk)
    try:
        call_command("migrate", "commitments", "0015", verbosity=0)
        assert data_version.tables_without_triggers(connection) == []
        version = data_version.current()
        users.update(last_login="2020-01-01T00:00:00Z")
        assert data_version.current() != version
    finally:
        call_command("migrate", verbosity=0)
    version = data_version.current()
    users.update(last_login="2021-01-01T00:00:00Z")
    assert data_version.current() == version


@pytest.mark.django_db(transaction=True)
def test_a_user_column_added_later_is_watched_after_the_next_migrate(staff_user):
    """The auth_user triggers name the columns they watch; every migrate makes
    them again, so a column added since (a Django upgrade) is among them."""
    quote = connection.ops.quote_name
    table, column = quote("auth_user"), quote("nickname")
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} ADD COLUMN {column} varchar(20) NULL")
    try:
        call_command("migrate", verbosity=0)
        version = data_version.current()
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = 'ann'")
        assert data_version.current() != version
    finally:
        data_version.drop_triggers(connection, "auth_user")
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        data_version.install(connection)
