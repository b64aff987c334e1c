"""Token authentication for the API: knox's hashed, expiring tokens."""

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.signals import token_expired
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's authentication, answering 401 rather than 500 to a token that could
    never be valid: knox decodes it as UTF-8 and queries with it before checking it,
    and PostgreSQL refuses NUL characters in a query.

    An expired token shown is deleted and refused, as knox does. knox also reads
    all the user's other tokens on every request to delete the expired ones; here
    that housekeeping happens when the user signs in instead (LoginView, through
    `delete_expired_tokens`), which saves a query on every authenticated request."""

    def authenticate_credentials(self, token):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token):
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(
                sender=self.__class__, username=username, source="auth_token"
            )
            return True
        return False


def delete_expired_tokens(user):
    """Delete the user's expired tokens (they can never authenticate again)."""
    user.auth_token_set.filter(expiry__lt=timezone.now()).delete()
