"""The data version: a number that the database itself changes in every
transaction that writes anything a reader can see, whoever writes it (the API, the
admin, a management command, a bulk load, raw SQL). The response cache
(tracker.caching.ResponseCacheMiddleware) keys what it keeps by it, so that no read
answered after a write was acknowledged comes from before that write, on any
replica: they all read the same row.

The row is `commitments_dataversion` (one row, id 1). Triggers bump it on every
INSERT, UPDATE and DELETE of every table of the commitments app and of `auth_user`
(the API shows authors), except an UPDATE of `auth_user.last_login` alone, which
every sign-in writes and no reader sees (UNWATCHED_COLUMNS; migration 0016):

- PostgreSQL: a statement-level trigger per table notes that the transaction
  wrote (once per transaction, one call per statement however many rows it
  writes), and a constraint trigger deferred to the commit bumps the row. The row
  is locked only during the commit itself, so writers queue on it for an instant
  rather than for their whole transaction, and a writer holding it waits for
  nothing else (no deadlock with the row locks the writes take). The bump
  commits with the data: a reader sees both or neither.
- SQLite: a trigger per table and operation, bumping the row at once (SQLite
  lets one writer at a time anyway).

`install` is idempotent. Migration 0015 runs it, and so does every `migrate`
(post_migrate, commitments/apps.py), so tables that later migrations add are
covered too; tests/test_response_cache.py checks that every table is.
"""

import secrets

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

TABLE = "commitments_dataversion"
FUNCTION = "commitments_data_changed"
TRIGGER = "commitments_data_changed"

PENDING = "commitments_dataversion_pending"

# Each change draws a new version at random among 2**48, rather than adding one:
# a database restored from a dump (its row included) or rolled back must not come
# back to a number under which responses of other data were kept.
SPAN = 2**48
# The backends with triggers; on any other the cache is never used (`supported`).
VENDORS = ("postgresql", "sqlite")
# Columns no reader sees, whose UPDATE alone does not change the version: a
# sign-in writes last_login, and would otherwise empty the whole response cache.
UNWATCHED_COLUMNS = {"auth_user": {"last_login"}}
IGNORES_LAST_LOGIN = "0016_data_version_ignores_last_login"
BUMP = "commitments_data_version_bump"

# On PostgreSQL, a statement-level trigger on each watched table notes, once per
# transaction, that it wrote (a row in PENDING, keyed by the transaction); a
# constraint trigger on PENDING, deferred to the COMMIT, bumps the version then.
# So a statement costs one trigger call however many rows it writes (a COPY of a
# million rows, one), and the version's row is locked only during the commit.
POSTGRESQL_FUNCTIONS = [
    f"""
CREATE TABLE IF NOT EXISTS {PENDING} (txid bigint PRIMARY KEY)
""",
    f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('commitments.data_version_pending', true)
            IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config(
            'commitments.data_version_pending', txid_current()::text, true
        );
        INSERT INTO {PENDING} (txid) VALUES (txid_current())
            ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$
""",
    f"""
CREATE OR REPLACE FUNCTION {BUMP}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {TABLE} SET version = floor(random() * {SPAN})::bigint WHERE id = 1;
    DELETE FROM {PENDING} WHERE txid = NEW.txid;
    RETURN NULL;
END
$$
""",
]


def watched_tables(connection):
    """The tables whose writes change what readers see."""
    tables = connection.introspection.table_names()
    return sorted(
        table
        for table in tables
        if (table.startswith("commitments_") and table not in (TABLE, PENDING))
        or table == "auth_user"
    )


def update_event(connection, table, unwatched):
    """The trigger's UPDATE event: of every column but the `unwatched` ones of
    this table (a dict as UNWATCHED_COLUMNS), where it has some."""
    skipped = unwatched.get(table)
    if not skipped:
        return "UPDATE"
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    columns = [
        connection.ops.quote_name(column.name)
        for column in description
        if column.name not in skipped
    ]
    return f"UPDATE OF {', '.join(columns)}"


def unwatched_columns(connection):
    """UNWATCHED_COLUMNS once migration 0016 is applied, none before."""
    applied = MigrationRecorder(connection).applied_migrations()
    if ("commitments", IGNORES_LAST_LOGIN) in applied:
        return UNWATCHED_COLUMNS
    return {}


def install(connection, unwatched=None):
    """Create the row (at a random version, so that a re-created row cannot
    meet responses cached under an old one) and the triggers, where missing
    (and those of tables with unwatched columns, always).
    Columns left unwatched: `unwatched` (a dict as UNWATCHED_COLUMNS), by default
    as the applied migrations say (unwatched_columns)."""
    if unwatched is None:
        unwatched = unwatched_columns(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE id = 1")
        if cursor.fetchone()[0] == 0:
            cursor.execute(
                f"INSERT INTO {TABLE} (id, version) VALUES (1, %s)",
                [secrets.randbits(48)],
            )
    if connection.vendor not in VENDORS:
        return
    # A table with unwatched columns has triggers that name the others: made
    # afresh every time (every migrate), so a column added since (a Django
    # upgrade, a new field) is watched too.
    present = set(watched_tables(connection))
    for table in UNWATCHED_COLUMNS:
        if table in present:
            drop_triggers(connection, table)
    missing = tables_without_triggers(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRESQL_FUNCTIONS:
                cursor.execute(statement)
            cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = %s", [BUMP])
            if cursor.fetchone() is None:
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {BUMP} AFTER INSERT ON {PENDING} "
                    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    f"EXECUTE FUNCTION {BUMP}()"
                )
            for table in missing:
                update = update_event(connection, table, unwatched)
                cursor.execute(
                    f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR {update} OR DELETE OR "
                    f'TRUNCATE ON "{table}" FOR EACH STATEMENT '
                    f"EXECUTE FUNCTION {FUNCTION}()"
                )
        else:
            for table in missing:
                for operation in ("INSERT", "UPDATE", "DELETE"):
                    event = operation
                    if operation == "UPDATE":
                        event = update_event(connection, table, unwatched)
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS "{TRIGGER}_{table}_'
                        f'{operation.lower()}" AFTER {event} ON "{table}" '
                        f"BEGIN UPDATE {TABLE} SET version = abs(random()) % {SPAN} "
                        "WHERE id = 1; END"
                    )


def drop_triggers(connection, table):
    """Drop one table's triggers (`install` makes them again)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"')
        elif connection.vendor == "sqlite":
            for operation in ("insert", "update", "delete"):
                cursor.execute(
                    f'DROP TRIGGER IF EXISTS "{TRIGGER}_{table}_{operation}"'
                )


def bump(connection):
    """Change the version without a write: after a migrate, which every deploy
    runs (bin/start), so that responses the previous code cached are not served
    by the new code."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET version = %s WHERE id = 1", [secrets.randbits(48)]
        )


def uninstall(connection):
    """Drop the triggers (and, on PostgreSQL, the functions and the pending
    table), before the row's table is dropped: migrating back past 0015."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}() CASCADE")
            cursor.execute(f"DROP TABLE IF EXISTS {PENDING}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {BUMP}() CASCADE")
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s",
                [f"{TRIGGER}_%"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def tables_without_triggers(connection):
    """The watched tables a write to which would not change the version."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c "
                "ON c.oid = t.tgrelid WHERE t.tgname = %s",
                [TRIGGER],
            )
            covered = {row[0] for row in cursor.fetchall()}
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE %s GROUP BY tbl_name HAVING COUNT(*) = 3",
                [f"{TRIGGER}_%"],
            )
            covered = {row[0] for row in cursor.fetchall()}
    return [table for table in watched_tables(connection) if table not in covered]


def current(using="default"):
    """The data version as this connection sees it now, or None when there is no
    row (a database flushed and not migrated since) or no trigger to change it (a
    backend other than PostgreSQL and SQLite)."""
    if connections[using].vendor not in VENDORS:
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None
