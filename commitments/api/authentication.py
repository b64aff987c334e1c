"""Token authentication for the API: knox's hashed, expiring tokens."""

from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's authentication, answering 401 rather than 500 to a token that could
    never be valid: knox decodes it as UTF-8 and queries with it before checking it,
    and PostgreSQL refuses NUL characters in a query."""

    def authenticate_credentials(self, token):
        try:
            text = token.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is None or "\x00" in text:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(token)
