"""Token authentication for the API: knox's hashed, expiring tokens."""

import binascii
import functools
from hmac import compare_digest

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

from tracker.auth_backends import remember_permissions, with_permissions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's authentication, answering 401 rather than 500 to a token that could
    never be valid: knox decodes it as UTF-8 and queries with it before checking it,
    and PostgreSQL refuses NUL characters in a query.

    An expired token shown is deleted and refused, as knox does. knox also reads
    all the user's other tokens on every request to delete the expired ones; here
    that housekeeping happens when the user signs in instead (LoginView, through
    `delete_expired_tokens`), which saves a query on every authenticated request.

    The token is read with its user and the user's permissions
    (tracker.auth_backends.with_permissions), so that a write's permission check
    costs no query of its own. Otherwise this is knox's own loop."""

    def authenticate_credentials(self, token):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            raise exceptions.AuthenticationFailed("Invalid token.")
        tokens = tokens_with_permissions().filter(
            token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]
        )
        for auth_token in tokens:
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error) as error:
                raise exceptions.AuthenticationFailed("Invalid token.") from error
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                user, auth_token = self.validate_user(auth_token)
                remember_permissions(user, auth_token.permission_names)
                return user, auth_token
        raise exceptions.AuthenticationFailed("Invalid token.")

    def _cleanup_token(self, auth_token):
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(
                sender=self.__class__, username=username, source="auth_token"
            )
            return True
        return False


@functools.cache
def tokens_with_permissions():
    """Tokens with their users and the users' permissions, built once per
    process: building the permissions' subquery cost about a millisecond of CPU
    on every authenticated request. Each request filters a clone of it."""
    return with_permissions(get_token_model().objects.select_related("user"), "user")


def delete_expired_tokens(user):
    """Delete the user's expired tokens (they can never authenticate again)."""
    user.auth_token_set.filter(expiry__lt=timezone.now()).delete()
