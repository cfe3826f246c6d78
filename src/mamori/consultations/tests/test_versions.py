"""A submitted HandlingRecord version never changes: the model refuses, and so does the database.

The database's own triggers (migration 0005, consultations/triggers.py) catch what bypasses the
model: QuerySet.update() and raw SQL. The audit check is not needed for this: the write fails.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import HandlingRecordVersion, SubmittedVersionError


@pytest.fixture
def submitted(personas: Personas) -> HandlingRecordVersion:
    consultation = testing.make_consultation(personas.council, personas.shogai)
    return testing.make_version(consultation, submitted=True, by=personas.staff)


@pytest.fixture
def draft(personas: Personas) -> HandlingRecordVersion:
    consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
    return testing.make_version(consultation, by=personas.staff)


def stored_purpose(version: HandlingRecordVersion) -> str:
    version = HandlingRecordVersion.objects.get(pk=version.pk)
    return str(version.data["purpose"]["purpose"]["value"])


class TestTheModel:
    def test_saving_a_submitted_version_raises(self, submitted: HandlingRecordVersion) -> None:
        submitted.data = {"purpose": {"purpose": {"value": "書き換え"}}}
        with pytest.raises(SubmittedVersionError):
            submitted.save()
        assert stored_purpose(submitted) == "障害者の就労支援のため"

    def test_a_submitted_version_read_again_still_refuses(
        self, submitted: HandlingRecordVersion
    ) -> None:
        again = HandlingRecordVersion.objects.get(pk=submitted.pk)
        again.note = "後から変更"
        with pytest.raises(SubmittedVersionError):
            again.save(update_fields=["note"])

    def test_deleting_a_submitted_version_raises(self, submitted: HandlingRecordVersion) -> None:
        with pytest.raises(SubmittedVersionError):
            submitted.delete()

    def test_a_draft_may_change(self, draft: HandlingRecordVersion) -> None:
        draft.data = testing.record_data(purpose={"purpose": {"value": "新しい目的"}})
        draft.save()
        assert stored_purpose(draft) == "新しい目的"


class TestTheDatabase:
    def test_a_queryset_update_of_a_submitted_version_is_refused(
        self, submitted: HandlingRecordVersion
    ) -> None:
        with pytest.raises(DatabaseError), transaction.atomic():
            HandlingRecordVersion.objects.filter(pk=submitted.pk).update(data={})
        assert stored_purpose(submitted) == "障害者の就労支援のため"

    def test_a_raw_sql_update_is_refused(self, submitted: HandlingRecordVersion) -> None:
        table = HandlingRecordVersion._meta.db_table
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET note = %s WHERE id = %s", ["改ざん", submitted.pk])  # noqa: S608
        assert HandlingRecordVersion.objects.get(pk=submitted.pk).note == ""

    def test_a_raw_sql_delete_is_refused(self, submitted: HandlingRecordVersion) -> None:
        table = HandlingRecordVersion._meta.db_table
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [submitted.pk])  # noqa: S608
        assert HandlingRecordVersion.objects.filter(pk=submitted.pk).exists()

    def test_un_submitting_is_refused_too(self, submitted: HandlingRecordVersion) -> None:
        with pytest.raises(DatabaseError), transaction.atomic():
            HandlingRecordVersion.objects.filter(pk=submitted.pk).update(
                submitted_at=None, submitted_by=None
            )

    def test_a_draft_may_be_updated_by_sql(self, draft: HandlingRecordVersion) -> None:
        HandlingRecordVersion.objects.filter(pk=draft.pk).update(note="下書きの注記")
        assert HandlingRecordVersion.objects.get(pk=draft.pk).note == "下書きの注記"

    def test_only_one_draft_per_consultation(self, draft: HandlingRecordVersion) -> None:
        from django.db import IntegrityError

        with pytest.raises(IntegrityError), transaction.atomic():
            testing.make_version(draft.consultation, by=draft.created_by)


@pytest.mark.django_db(transaction=True)
def test_the_database_can_still_be_emptied_with_submitted_versions_in_it(
    personas: Personas,
) -> None:
    from django.core.management import call_command

    consultation = testing.make_consultation(personas.council, personas.shogai)
    testing.make_version(consultation, submitted=True, by=personas.staff)
    call_command("flush", interactive=False, verbosity=0)
    assert not HandlingRecordVersion.objects.exists()
    # The triggers are back afterwards.
    consultation = testing.make_consultation(
        testing.make_council(), testing.make_department("障害支援課")
    )
    version = testing.make_version(consultation, submitted=True)
    with pytest.raises(DatabaseError), transaction.atomic():
        HandlingRecordVersion.objects.filter(pk=version.pk).update(note="x")
