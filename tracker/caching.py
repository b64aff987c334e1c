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

- Anonymous API reads are kept in a response cache that every replica shares
  (ResponseCacheMiddleware), keyed by the data version, which the database changes
  in every transaction that writes (commitments/data_version.py): a read that
  starts after a write was acknowledged never gets what was kept before it.
"""

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends import db as db_cache
from django.db import DatabaseError, connections, router
from django.http import HttpResponse, JsonResponse
from django.middleware import http as middleware_http
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe, quote_etag

from tracker.errors import is_api_request

# Fresh for no one's private cache (a browser revalidates every time, cheaply, with
# If-None-Match), for 30 seconds in a shared cache, which may then serve it for 30
# seconds more while it revalidates in the background.
PUBLIC = "public, max-age=0, s-maxage=30, stale-while-revalidate=30"
PRIVATE = "private, no-store"
SAFE_METHODS = ("GET", "HEAD")


def code_version():
    """A digest of the code and templates this process serves: replicas running
    other code (a rolling deploy) never share kept responses."""
    digest = hashlib.sha256()
    for package in ("commitments", "tracker"):
        root = settings.BASE_DIR / package
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".json") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = code_version()


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
            etag = response["ETag"]
            last_modified = parse_http_date_safe(response.get("Last-Modified"))
            with ignoring_unmodified_since(request, response):
                response = get_conditional_response(
                    request, etag=etag, last_modified=last_modified, response=response
                )
            if response.status_code == 412:
                response = read_precondition_failed(request, etag)
        if response.status_code == 304:
            # RFC 9110 §8.6: a 304 may only carry the 200's length; none is simpler.
            del response["Content-Length"]
        return response


@contextlib.contextmanager
def ignoring_unmodified_since(request, response):
    """For a response without a modification date (Last-Modified), the request
    without If-Unmodified-Since while its preconditions are judged: RFC 9110
    §13.1.4 has the server ignore it then, where Django answers 412 whatever the
    date. Only the Atom feeds have one; every other response, an ETag alone."""
    if response.has_header("Last-Modified") or (
        "HTTP_IF_UNMODIFIED_SINCE" not in request.META
    ):
        yield
        return
    meta = request.META
    request.META = {
        name: value
        for name, value in meta.items()
        if name != "HTTP_IF_UNMODIFIED_SINCE"
    }
    try:
        yield
    finally:
        request.META = meta


class ConditionalGetMiddleware(middleware_http.ConditionalGetMiddleware):
    """Django's, for views (the site's conditional_get), judging
    If-Unmodified-Since as ignoring_unmodified_since says."""

    def process_response(self, request, response):
        with ignoring_unmodified_since(request, response):
            return super().process_response(request, response)


def read_precondition_failed(request, etag):
    """A GET or HEAD whose If-Match names none of the current ETags: 412 (RFC
    9110 §13.1.1), with the current ETag, and in JSON from the API, like its
    other errors (Django's answer is an empty page)."""
    detail = (
        f"If-Match does not name the current ETag, {etag}: read without If-Match "
        "to get the resource as it is now."
    )
    if is_api_request(request):
        response = JsonResponse({"detail": detail}, status=412)
    else:
        response = HttpResponse(detail, content_type="text/plain", status=412)
    response["ETag"] = etag
    response["Cache-Control"] = PRIVATE
    return response


class ResponseCacheMiddleware:
    """A cache of the API's anonymous reads, shared by every replica (the
    `responses` cache: the database's cache table unless RESPONSE_CACHE_URL names
    another shared backend), never stale after a write has been acknowledged.

    Only GET and HEAD of /api/ without Authorization and without any cookie are
    looked up; only a 200 that sets no cookie, streams nothing and is not marked
    private or no-store is kept. The key is the data version and today's date
    (overdue and days_remaining follow the date), the method, the absolute URL
    with its query string, and the Accept header (which decides the media type):
    see `key`. A hit costs two queries (the version, the entry) and none of the
    view's work.

    Freshness: the version is read before the view reads any data. A write bumps
    the version in the transaction that writes (at its commit on PostgreSQL), so
    a request that starts after the write was acknowledged reads the new version
    and so misses every entry kept before it, on any replica. An entry kept under
    an older version may hold newer data than that version (a read that raced a
    write); it is only ever served to requests that started before that write was
    acknowledged.

    With a read replica, an anonymous read reads the version and then its data on
    the replica, so the same holds of what the replica had committed: an entry is
    never newer in version than in data. How far the replica may lag behind an
    acknowledged write is the replica's setting (README "A read replica of
    PostgreSQL").

    Placed inside HttpCachingMiddleware, which adds ETag, Cache-Control and Vary to
    a hit exactly as to a miss (and answers If-None-Match from either), and
    outside the session, authentication and view layers that a hit skips."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cache = caches[RESPONSE_CACHE_ALIAS]
        try:
            key = self.key(request)
            kept = None if key is None else cache.get(key)
        except DatabaseError:
            # Unreachable or refusing: the view meets the same error and answers
            # it (503 from DatabaseUnavailableMiddleware).
            key = kept = None
        if key is not None:
            # For the access line (tracker.middleware.RequestLogMiddleware).
            request.response_cache = "miss" if kept is None else "hit"
        if kept is not None:
            return self.thaw(kept)
        response = self.get_response(request)
        if key is not None and self.keeps(response):
            # Not kept if the cache fails: the next request works it out again.
            with contextlib.suppress(DatabaseError):
                cache.set(key, self.freeze(response))
        return response

    @staticmethod
    def key(request):
        """The entry's key, or None when the request is not looked up."""
        if not settings.RESPONSE_CACHE or request.method not in SAFE_METHODS:
            return None
        if not request.path.startswith("/api/"):
            return None
        if "HTTP_AUTHORIZATION" in request.META or request.META.get("HTTP_COOKIE"):
            return None
        from commitments import data_version
        from commitments.models import DataVersion

        # Where the view's reads will go (a read replica, tracker/db_routers.py):
        # what a lagging replica answers is kept under the version it had, never
        # under the primary's newer one.
        version = data_version.current(using=router.db_for_read(DataVersion))
        if version is None:
            return None
        parts = (
            str(version),
            CODE_VERSION,
            timezone.localdate().isoformat(),
            "anonymous",
            request.method,
            request.build_absolute_uri(),
            request.META.get("HTTP_ACCEPT", ""),
        )
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return f"{version}:{digest}"

    @staticmethod
    def keeps(response):
        cache_control = response.get("Cache-Control", "")
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in cache_control
            and "no-store" not in cache_control
        )

    @staticmethod
    def freeze(response):
        return (response.status_code, list(response.items()), response.content)

    @staticmethod
    def thaw(kept):
        status, headers, content = kept
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response


RESPONSE_CACHE_ALIAS = "responses"


class DatabaseCache(db_cache.DatabaseCache):
    """Django's database cache, but when it holds too many entries it drops
    those set longest ago (the earliest to expire) rather than the first by key.
    A response's key begins with its data version, a random number, so Django's
    order would drop current entries as readily as dead ones (each then a miss);
    entries of the current version were set after every older one."""

    def _cull(self, db, cursor, now, num):
        if self._cull_frequency == 0:
            self.clear()
            return
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        expires = connection.ops.quote_name("expires")
        cursor.execute(
            f"DELETE FROM {table} WHERE {expires} < %s",
            [connection.ops.adapt_datetimefield_value(now)],
        )
        remaining = num - cursor.rowcount
        if remaining > self._max_entries:
            # A count of entries, not those before a time: many may share the
            # second their expiry is stored to, and entries kept for ever
            # (timeout None) are dropped in their turn.
            key = connection.ops.quote_name("cache_key")
            cursor.execute(
                f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM {table} "
                f"ORDER BY {expires}, {key} LIMIT %s)",
                [remaining // self._cull_frequency],
            )
