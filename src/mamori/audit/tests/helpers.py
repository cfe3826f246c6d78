"""Test helpers that reach past the app into the database, as someone tampering would."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER audit_auditevent_no_update",
        "DROP TRIGGER audit_auditevent_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER audit_auditevent_no_update_delete ON audit_auditevent",
        "DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent",
    ],
}


def drop_triggers() -> None:
    """Remove the append-only triggers; the test's transaction brings them back on rollback."""
    with connection.cursor() as cursor:
        for statement in DROP_TRIGGERS[connection.vendor]:
            cursor.execute(statement)


def edit_event(seq: int, **fields: Any) -> None:
    """Change stored columns of one event with raw SQL, leaving its hash as it was."""
    assignments = []
    values: list[Any] = []
    for name, value in fields.items():
        if name == "changes":
            cast = "::jsonb" if connection.vendor == "postgresql" else ""
            assignments.append(f"changes = %s{cast}")
            values.append(json.dumps(value))
        else:
            assignments.append(f"{connection.ops.quote_name(name)} = %s")
            values.append(value)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_auditevent SET {', '.join(assignments)} WHERE seq = %s",  # noqa: S608
            [*values, seq],
        )
        assert cursor.rowcount == 1


def delete_event(seq: int) -> None:
    """Delete one event with raw SQL."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [seq])
        assert cursor.rowcount == 1
