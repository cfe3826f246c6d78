"""Database triggers that refuse any change to a submitted HandlingRecord version.

Migration 0005 installs the same SQL (frozen there); keep the two in step. The audit app's
`flush` command lifts these too, since emptying the tables deletes submitted versions.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "consultations_handlingrecordversion"
MESSAGE = "a submitted handling record version cannot change"

SQLITE_CREATE = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_frozen_update BEFORE UPDATE ON {TABLE} "
    f"WHEN OLD.submitted_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_frozen_delete BEFORE DELETE ON {TABLE} "
    f"WHEN OLD.submitted_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_frozen_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_frozen_delete",
]

POSTGRESQL_CREATE = [
    f"CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $body$ "
    f"BEGIN IF OLD.submitted_at IS NOT NULL THEN RAISE EXCEPTION USING "
    f"ERRCODE = 'restrict_violation', MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused'; END IF; "
    f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $body$",
    f"DROP TRIGGER IF EXISTS {TABLE}_frozen ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_frozen ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_refuse()",
]


def _statements(connection: BaseDatabaseWrapper, *, create: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if connection.vendor == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    return []


def install(connection: BaseDatabaseWrapper) -> None:
    """Make the database refuse to change or delete submitted versions."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, create=True):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    """Lift the triggers (for flush only)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, create=False):
            cursor.execute(statement)


def table_exists(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return TABLE in connection.introspection.table_names(cursor)
