# Make the database itself refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit events.
# The SQL is frozen here on purpose; mamori.audit.triggers holds the current copy.

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]

POSTGRESQL_FORWARD = [
    "CREATE OR REPLACE FUNCTION audit_auditevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $body$ "
    "BEGIN RAISE EXCEPTION USING ERRCODE = 'restrict_violation', "
    "MESSAGE = 'audit events are append-only: ' || TG_OP || ' refused'; END $body$",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update_delete ON audit_auditevent",
    "CREATE TRIGGER audit_auditevent_no_update_delete BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse()",
    # pytest-django's transactional tests empty tables with TRUNCATE: the audit app's `flush`
    # command lifts these triggers for the length of a flush.
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse()",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update_delete ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse()",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD})


def reverse(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE})


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, reverse),
    ]
