"""Token login and logout: hashed, expiring knox tokens (the limits on failed
sign-ins are in test_signin_limits.py)."""

import datetime

import pytest
from django.utils import timezone
from knox.models import AuthToken

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def login(client, username, password=PASSWORD, **extra):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, **extra
    )


def test_login_returns_a_token_and_its_expiry(api_client):
    user = UserFactory(username="ann")

    response = login(api_client, "ann")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    expiry = datetime.datetime.fromisoformat(body["expiry"].replace("Z", "+00:00"))
    assert expiry - timezone.now() > datetime.timedelta(days=29)
    assert expiry - timezone.now() <= datetime.timedelta(days=30)
    stored = AuthToken.objects.get(user=user)
    # Only a digest and a short key prefix are stored, never the token itself.
    assert body["token"] not in (stored.digest, stored.token_key)
    assert body["token"].startswith(stored.token_key)


def test_token_authenticates_writes(api_client):
    UserFactory(username="ann")
    token = login(api_client, "ann").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.post("/api/v1/auth/logout/")

    assert response.status_code == 204


def test_wrong_password_is_refused(api_client):
    UserFactory(username="ann")

    response = login(api_client, "ann", "wrong")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Unable to log in with these credentials."]
    }
    assert not AuthToken.objects.exists()


def test_missing_fields_are_named(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "ann"})

    assert response.status_code == 400
    assert list(response.json()) == ["password"]


def test_sign_in_and_out_refuse_fields_they_do_not_have(api_client):
    UserFactory(username="ann")

    response = api_client.post(
        "/api/v1/auth/token/",
        {"username": "ann", "password": PASSWORD, "expiry": "2099-01-01T00:00:00Z"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"expiry": ["This field does not exist."]}
    assert not AuthToken.objects.exists()
    token = login(api_client, "ann").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    refused = api_client.post("/api/v1/auth/logout/", {"all": True}, format="json")
    assert refused.status_code == 400
    assert refused.json() == {"all": ["This field does not exist."]}
    assert AuthToken.objects.count() == 1
    assert api_client.post("/api/v1/auth/logout/", {}, format="json").status_code == 204


def test_basic_auth_alone_does_not_log_in(api_client):
    UserFactory(username="ann")
    api_client.credentials(HTTP_AUTHORIZATION="Basic YW5uOmNvcnJlY3Q=")

    response = api_client.post("/api/v1/auth/token/", {})

    assert response.status_code == 400


def test_logout_revokes_only_the_token_used(api_client):
    UserFactory(username="ann")
    first = login(api_client, "ann").json()["token"]
    second = login(api_client, "ann").json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")

    assert api_client.post("/api/v1/auth/logout/").status_code == 204
    assert api_client.post("/api/v1/auth/logout/").status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api_client.post("/api/v1/auth/logout/").status_code == 204


def test_logout_without_a_token_is_401(api_client):
    response = api_client.post("/api/v1/auth/logout/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_expired_token_is_refused(api_client):
    user = UserFactory()
    instance, token = AuthToken.objects.create(user=user)
    instance.expiry = timezone.now() - datetime.timedelta(seconds=1)
    instance.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.post("/api/v1/auth/logout/")

    assert response.status_code == 401
    # knox deletes an expired token when it is shown, and the 401 keeps that.
    assert not AuthToken.objects.filter(pk=instance.pk).exists()


def test_an_expired_token_shown_on_a_read_is_deleted_too(api_client):
    instance, token = AuthToken.objects.create(user=UserFactory())
    AuthToken.objects.filter(pk=instance.pk).update(
        expiry=timezone.now() - datetime.timedelta(days=1)
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api_client.get("/api/v1/commitments/")

    assert response.status_code == 401
    assert not AuthToken.objects.exists()


def test_signing_in_deletes_the_users_expired_tokens(api_client):
    user = UserFactory(username="ann")
    expired, _ = AuthToken.objects.create(user=user)
    AuthToken.objects.filter(pk=expired.pk).update(
        expiry=timezone.now() - datetime.timedelta(days=1)
    )
    valid, _ = AuthToken.objects.create(user=user)
    someone_elses, _ = AuthToken.objects.create(user=UserFactory())
    AuthToken.objects.filter(pk=someone_elses.pk).update(
        expiry=timezone.now() - datetime.timedelta(days=1)
    )

    response = login(api_client, "ann")

    assert response.status_code == 200
    assert not AuthToken.objects.filter(pk=expired.pk).exists()
    assert AuthToken.objects.filter(pk=valid.pk).exists()
    # Another user's tokens wait for their own sign-in.
    assert AuthToken.objects.filter(pk=someone_elses.pk).exists()
    assert AuthToken.objects.filter(user=user).count() == 2


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token nonsense", "Token caf\u00e9", "Token \u00ff" * 3],
)
def test_malformed_token_is_401(api_client, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)

    response = api_client.get("/api/v1/commitments/")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_token_ttl_follows_settings(api_client, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": datetime.timedelta(days=2)}
    UserFactory(username="ann")

    expiry = login(api_client, "ann").json()["expiry"]

    expiry = datetime.datetime.fromisoformat(expiry.replace("Z", "+00:00"))
    assert expiry - timezone.now() <= datetime.timedelta(days=2)
