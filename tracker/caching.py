"""HTTP caching for every response the application makes (RFC 9110 §8.8 and §13,
RFC 9111): validators, conditional GET and HEAD, and Cache-Control per audience.

- Every successful GET or HEAD gets a strong ETag, the hash of its bytes, unless the
  view set one: so it changes whenever the representation does (a renamed agency
  embedded in a commitment, the date on which days_remaining depends) and differs
  between media types (JSON, the browsable HTML, CSV). A matching If-None-Match is
  answered 304 with the 200's ETag, Cache-Control and Vary and no Content-Length.
- Anonymous reads may be kept by a shared cache (a CDN) for a short while; anything
  that depends on who asks, every write and every error is `private, no-store`.
  README "Caching" describes the window.

Writes are the API's business (commitments.api.conditional): they evaluate If-Match
against the same hash, computed by `strong_etag`.
"""

import hashlib

from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import quote_etag

# Fresh for no one's private cache (a browser revalidates every time, cheaply, with
# If-None-Match), for 30 seconds in a shared cache, which may then serve it for 30
# seconds more while it revalidates in the background.
PUBLIC = "public, max-age=0, s-maxage=30, stale-while-revalidate=30"
PRIVATE = "private, no-store"
SAFE_METHODS = ("GET", "HEAD")


def strong_etag(content):
    """The ETag of a representation: a hash of its bytes (as Django's
    ConditionalGetMiddleware computes it, so both agree)."""
    return quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())


def is_public(request, response):
    """A response that every anonymous reader would get alike."""
    user = getattr(request, "user", None)
    return (
        request.method in SAFE_METHODS
        and 200 <= response.status_code < 400
        and "Authorization" not in request.headers
        and not (user is not None and user.is_authenticated)
        and not response.cookies
    )


class HttpCachingMiddleware:
    """Placed inside WhiteNoise (static files carry their own headers) and outside
    the session, common and authentication middleware, so that it sees the final
    Vary, Content-Length and user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in SAFE_METHODS
            and response.status_code == 200
            and not response.streaming
            and not response.has_header("ETag")
        ):
            response["ETag"] = strong_etag(response.content)
        if not response.has_header("Cache-Control"):
            if is_public(request, response):
                response["Cache-Control"] = PUBLIC
                # A shared cache must not answer a request that carries
                # credentials with what an anonymous reader got.
                patch_vary_headers(response, ["Authorization"])
            else:
                response["Cache-Control"] = PRIVATE
        if request.method in SAFE_METHODS and response.has_header("ETag"):
            response = get_conditional_response(
                request, etag=response["ETag"], response=response
            )
        if response.status_code == 304:
            # RFC 9110 §8.6: a 304 may only carry the 200's length; none is simpler.
            del response["Content-Length"]
        return response
