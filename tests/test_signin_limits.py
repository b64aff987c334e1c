"""One limit on failed sign-ins for the API's token login and the admin's login:
per account (any spelling of its username) and per client address, whatever the
client writes in X-Forwarded-For when no proxy is configured."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from knox.models import AuthToken

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
SPELLINGS = [" ann", "ann ", "\tann\n", "ANN", "Ann", "\uff41\uff4e\uff4e"]


@pytest.fixture
def ann():
    return UserFactory(username="ann", is_staff=True)


def api_login(client, username, password, **extra):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        **extra,
    )


def admin_login(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def fail_six_times(api_client, client):
    """Six wrong passwords for ann, each spelt differently, through the API and
    the admin in turn, each with another X-Forwarded-For."""
    statuses = []
    for n, spelling in enumerate(SPELLINGS):
        login = api_login if n % 2 == 0 else admin_login
        on = api_client if n % 2 == 0 else client
        response = login(on, spelling, "wrong", HTTP_X_FORWARDED_FOR=f"10.1.0.{n}")
        statuses.append(response.status_code)
    return statuses


def pass_time(seconds):
    """As if `seconds` had passed since every recorded failure."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(seconds=seconds)
    )


def test_six_failures_by_any_spelling_through_api_and_admin_lock_the_account(
    api_client, client, ann
):
    statuses = fail_six_times(api_client, client)

    # Five refused as wrong (the API's 400, the admin's form again), the sixth
    # locks the account.
    assert statuses == [400, 200, 400, 200, 400, 429]
    api = api_login(api_client, "ann", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert api.status_code == 429
    assert 0 < int(api["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in api.json()["detail"]
    admin = admin_login(client, "ann", PASSWORD)
    assert admin.status_code == 429
    assert 0 < int(admin["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins" in admin.content.decode()
    assert not AuthToken.objects.exists()
    assert "_auth_user_id" not in client.session


def test_five_failures_leave_the_right_password_working(api_client, client, ann):
    for spelling in SPELLINGS[:5]:
        api_login(api_client, spelling, "wrong")

    assert api_login(api_client, "ann", PASSWORD).status_code == 200
    assert admin_login(client, "ann", PASSWORD).status_code == 302


def test_the_lockout_ends_after_login_lockout_seconds(api_client, client, ann):
    fail_six_times(api_client, client)

    pass_time(15 * 60 - 5)
    assert api_login(api_client, "ann", PASSWORD).status_code == 429
    pass_time(10)
    assert api_login(api_client, "ann", PASSWORD).status_code == 200
    assert admin_login(client, "ann", PASSWORD).status_code == 302


def test_attempts_while_locked_do_not_extend_the_lockout(api_client, client, ann):
    fail_six_times(api_client, client)
    pass_time(15 * 60 - 5)

    assert api_login(api_client, "ann", "wrong").status_code == 429
    pass_time(10)

    assert api_login(api_client, "ann", PASSWORD).status_code == 200


def test_lockout_time_follows_the_setting(api_client, client, ann, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=60)
    fail_six_times(api_client, client)

    response = api_login(api_client, "ann", PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 60
    pass_time(61)
    assert api_login(api_client, "ann", PASSWORD).status_code == 200


def test_a_locked_account_leaves_other_accounts_from_the_address_alone(
    api_client, client, ann
):
    UserFactory(username="bob")
    fail_six_times(api_client, client)

    assert api_login(api_client, "bob", PASSWORD).status_code == 200


def test_the_address_has_its_own_higher_limit(api_client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    UserFactory(username="bob")
    for n in range(11):
        response = api_login(
            api_client, f"user{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.2.0.{n}"
        )
        assert response.status_code == 400

    # The twelfth failure from this address, whatever X-Forwarded-For says.
    last = api_login(api_client, "user11", "wrong", HTTP_X_FORWARDED_FOR="10.2.0.11")
    assert last.status_code == 429
    assert api_login(api_client, "bob", PASSWORD).status_code == 429
    other_address = api_login(api_client, "bob", PASSWORD, REMOTE_ADDR="10.3.0.1")
    assert other_address.status_code == 200


def test_behind_one_proxy_the_address_it_saw_counts(api_client, ann, settings):
    settings.NUM_PROXIES = 1
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    for n in range(12):
        # The client prepends addresses of its own; the proxy appends the one it saw.
        api_login(
            api_client,
            f"user{n}",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"10.4.0.{n}, 203.0.113.7",
            REMOTE_ADDR="127.0.0.1",
        )

    locked = api_login(
        api_client, "ann", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"
    )
    other_client = api_login(
        api_client, "ann", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )

    assert locked.status_code == 429
    assert other_client.status_code == 200


def test_a_malformed_forwarded_address_counts_as_the_socket_address(
    api_client, ann, settings
):
    settings.NUM_PROXIES = 1

    response = api_login(api_client, "ann", "wrong", HTTP_X_FORWARDED_FOR="not-an-ip")

    assert response.status_code == 400
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_an_overlong_username_is_counted_without_error(api_client):
    # NFKC turns U+FDFA into 18 characters: the key outgrows axes' column.
    response = api_login(api_client, "\ufdfa" * 150, "wrong")

    assert response.status_code == 400
    assert len(AccessAttempt.objects.get().username) == 255


def test_successful_logins_are_not_limited(api_client, client, ann):
    for _ in range(8):
        assert api_login(api_client, "ann", PASSWORD).status_code == 200
        assert admin_login(client, "ann", PASSWORD).status_code == 302
