"""`manage.py create_api_token USERNAME` prints a working token."""

import io

import pytest
from django.core.management import CommandError, call_command
from knox.models import AuthToken

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_prints_a_token_that_authenticates(api_client):
    user = UserFactory(username="ann")
    out = io.StringIO()

    call_command("create_api_token", "ann", stdout=out, stderr=io.StringIO())

    token = out.getvalue().strip()
    assert AuthToken.objects.get(user=user).expiry is not None
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.post("/api/v1/auth/logout/").status_code == 204


def test_unknown_user_is_an_error():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("create_api_token", "nobody")


def test_inactive_user_is_an_error():
    UserFactory(username="gone", is_active=False)

    with pytest.raises(CommandError, match="inactive"):
        call_command("create_api_token", "gone")
