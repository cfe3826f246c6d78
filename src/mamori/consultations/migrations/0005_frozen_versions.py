# The database refuses UPDATE and DELETE of a submitted HandlingRecord version. The SQL is
# frozen here on purpose; mamori.consultations.triggers holds the current copy. Opinions that
# already have a response become "answered".

from django.db import migrations

TABLE = "consultations_handlingrecordversion"
MESSAGE = "a submitted handling record version cannot change"

FORWARD = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_frozen_update BEFORE UPDATE ON {TABLE} "
        f"WHEN OLD.submitted_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_frozen_delete BEFORE DELETE ON {TABLE} "
        f"WHEN OLD.submitted_at IS NOT NULL BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ],
    "postgresql": [
        f"CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $body$ "
        f"BEGIN IF OLD.submitted_at IS NOT NULL THEN RAISE EXCEPTION USING "
        f"ERRCODE = 'restrict_violation', MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused'; END IF; "
        f"IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $body$",
        f"DROP TRIGGER IF EXISTS {TABLE}_frozen ON {TABLE}",
        f"CREATE TRIGGER {TABLE}_frozen BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()",
    ],
}
REVERSE = {
    "sqlite": [
        f"DROP TRIGGER IF EXISTS {TABLE}_frozen_update",
        f"DROP TRIGGER IF EXISTS {TABLE}_frozen_delete",
    ],
    "postgresql": [
        f"DROP TRIGGER IF EXISTS {TABLE}_frozen ON {TABLE}",
        f"DROP FUNCTION IF EXISTS {TABLE}_refuse()",
    ],
}


def _run(schema_editor, statements):
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)
    Opinion = apps.get_model("consultations", "Opinion")
    Opinion.objects.filter(response__isnull=False).update(state="answered")


def reverse(apps, schema_editor):
    _run(schema_editor, REVERSE)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0004_handling_records")]

    operations = [migrations.RunPython(forward, reverse)]
