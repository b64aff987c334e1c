"""Which database a query goes to, when a read replica is configured
(DATABASE_REPLICA_URL, settings.READ_REPLICA; README "A read replica of
PostgreSQL").

Only the reads of a request that shows nothing of its caller's own go to the
replica: a GET, HEAD or OPTIONS without an Authorization header and without a
session cookie, outside the admin (`reads_replica`). An editor signed in by token
or session reads the primary, so sees their own writes at once, however far the
replica lags. Every write goes to the primary, and once a request has written (or
asked where a write would go), its later reads go there too: a read never misses
what its own transaction wrote. Outside a request (management commands, migrate,
the shell) everything goes to the primary, and only the primary is migrated: the
replica gets its schema from the primary, as its data.

The decision is per request, in a context variable that ReadReplicaMiddleware
sets and resets. A raw query on `connections[...]` bypasses the router: it goes
where it names (the health check and the data version name theirs).
"""

import contextvars

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
ADMIN_PREFIX = "/admin/"

# Whether the reads of the request being served may go to the replica.
replica_reads = contextvars.ContextVar("replica_reads", default=False)


def reads_replica(request):
    """Whether a request's reads may go to the replica: it cannot have written,
    and shows nothing that depends on who asks."""
    return (
        settings.READ_REPLICA is not None
        and request.method in SAFE_METHODS
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path_info.startswith(ADMIN_PREFIX)
    )


class ReadReplicaMiddleware:
    """Decides, for the request it serves, where its reads go (`reads_replica`).

    Placed outside the response cache, whose key holds the data version read where
    the view's reads go (tracker/caching.py). The decision ends with the response:
    a streamed body (the CSV export), produced after, reads the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = replica_reads.set(reads_replica(request))
        try:
            return self.get_response(request)
        finally:
            replica_reads.reset(token)


class ReadReplicaRouter:
    """Without a replica (READ_REPLICA is None) it has no opinion but that only
    `default` is migrated, which changes nothing."""

    def db_for_read(self, model, **hints):
        if settings.READ_REPLICA is None:
            return None
        # Explicitly the primary otherwise, even for an object read from the
        # replica (Django would follow the object's database).
        return settings.READ_REPLICA if replica_reads.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        if settings.READ_REPLICA is None:
            return None
        # The request's later reads must see this write.
        replica_reads.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if settings.READ_REPLICA is None:
            return None
        # The same rows on both: an object read from the replica may be linked to
        # one from the primary (the write then goes to the primary).
        both = {DEFAULT_DB_ALIAS, settings.READ_REPLICA}
        return True if {obj1._state.db, obj2._state.db} <= both else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
