"""Database triggers that make the audit event table append-only, per database vendor."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
MESSAGE = "audit events are append-only"

# Migration 0002 installs the same triggers; keep the two in step. On SQLite, a migration that
# alters audit_auditevent re-creates the table and so drops its triggers: re-install them there.
SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
]
SQLITE_NAMES = {f"{TABLE}_no_update", f"{TABLE}_no_delete"}

POSTGRESQL_CREATE = [
    f"CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $body$ "
    f"BEGIN RAISE EXCEPTION USING ERRCODE = 'restrict_violation', "
    f"MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused'; END $body$",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse()",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse()",
]
POSTGRESQL_NAMES = {f"{TABLE}_no_update_delete", f"{TABLE}_no_truncate"}


def _statements(connection: BaseDatabaseWrapper, *, create: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if connection.vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    return []


def install(connection: BaseDatabaseWrapper) -> None:
    """Make the database refuse to change or delete audit events."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, create=True):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    """Let the database change and delete audit events again (for flush and tests only)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, create=False):
            cursor.execute(statement)


def installed(connection: BaseDatabaseWrapper) -> bool:
    """Whether every append-only trigger is in place (True on databases without them)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
            expected = SQLITE_NAMES
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'",
                [TABLE],
            )
            expected = POSTGRESQL_NAMES
        else:
            return True
        return expected <= {row[0] for row in cursor.fetchall()}


def table_exists(connection: BaseDatabaseWrapper) -> bool:
    """Whether the audit event table has been created in this database."""
    with connection.cursor() as cursor:
        return TABLE in connection.introspection.table_names(cursor)
