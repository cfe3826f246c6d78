"""Registrants' use cases: registering a person (normalised, validated, unique number per file),
changing only what changed (the audit trail naming encrypted fields without their values),
refusing roles that may not see personal data, and the audit of every view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.models import PersonalInformationFile, Registrant
from mamori.ledger.services import create_registrant, record_view, update_registrant

pytestmark = pytest.mark.django_db

ENCRYPTED = AuditEvent.ENCRYPTED_VALUE


@pytest.fixture
def file(personas: Personas) -> PersonalInformationFile:
    return testing.make_ledger_file(personas.shogai)


def register(personas: Personas, file: PersonalInformationFile, **fields: Any) -> Registrant:
    values: dict[str, Any] = {
        "registration_number": "R0001",
        "name": "見本 一郎",
        "registered_on": dt.date(2009, 10, 1),
    }
    values.update(fields)
    return create_registrant(actor=personas.staff, file=file, **values)


def raw_column(registrant: Registrant, column: str) -> str:
    quoted = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quoted} FROM ledger_registrant WHERE id = %s", [registrant.pk])  # noqa: S608
        (value,) = cursor.fetchone()
    return str(value)


def messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


class TestRegistering:
    def test_staff_register_a_person_with_the_text_normalised(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(
            personas,
            file,
            registration_number=" Ｒ０００１ ",
            name="  見本　一郎 ",
            name_kana="ﾐﾎﾝ ｲﾁﾛｳ",
            phone="０４２－３９３－５１１１",
            birth_date=dt.date(1980, 4, 1),
        )

        registrant.refresh_from_db()
        assert registrant.registration_number == "R0001"
        assert registrant.name == "見本 一郎"
        assert registrant.name_kana == "ミホン イチロウ"
        assert registrant.phone == "042-393-5111"
        assert registrant.birth_date == dt.date(1980, 4, 1)

    def test_registering_is_audited_with_the_number_and_encrypted_marks_only(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file, address="東京都東村山市本町1-2-3")

        event = AuditEvent.objects.for_object(registrant).get()
        assert event.use_case == "ledger.create_registrant"
        assert event.actor == personas.staff
        assert event.object_repr == "R0001"
        assert event.changes["name"] == [None, ENCRYPTED]
        assert event.changes["address"] == [None, ENCRYPTED]
        assert "見本" not in str(event.changes) and "本町" not in str(event.changes)

    def test_a_number_already_in_the_file_is_refused_in_japanese(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        register(personas, file)

        with pytest.raises(ValidationError) as error:
            register(personas, file, registration_number="R0001", name="見本 二郎")

        assert messages(error) == gettext(
            "Registration number %(number)s is already used in this file."
        ) % {"number": "R0001"}
        assert Registrant.objects.count() == 1

    def test_the_same_number_in_another_file_is_accepted(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        register(personas, file)
        other = testing.make_ledger_file(personas.shogai)

        register(personas, other)

        assert Registrant.objects.filter(registration_number="R0001").count() == 2

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"name": "   "}, "required"),
            ({"registration_number": ""}, "required"),
            ({"registration_number": "R 1"}, "number_spaces"),
            ({"phone": "内線なし"}, "phone"),
            ({"name": "長" * 101}, "too_long"),
            ({"birth_date": dt.date(2999, 1, 1)}, "future"),
            ({"registered_on": None}, "required"),
        ],
    )
    def test_bad_input_is_refused_with_a_translated_message_and_nothing_saved(
        self,
        personas: Personas,
        file: PersonalInformationFile,
        fields: dict[str, Any],
        code: str,
    ) -> None:
        with pytest.raises(ValidationError) as error:
            register(personas, file, **fields)

        assert [e.code for e in error.value.error_list] == [code]
        if code in {"required", "too_long", "future"}:
            (field,) = fields
            assert str(Registrant._meta.get_field(field).verbose_name) in messages(error)
        assert not Registrant.objects.exists()
        assert not AuditEvent.objects.filter(use_case="ledger.create_registrant").exists()

    def test_a_refusal_never_repeats_the_value_typed(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        with pytest.raises(ValidationError) as error:
            register(personas, file, phone="見本一郎の携帯")

        assert "見本一郎" not in messages(error)

    @pytest.mark.parametrize(
        "who", ["other_staff", "secretariat", "member", "auditor", "contractor"]
    )
    def test_people_who_may_not_see_the_file_s_personal_data_cannot_register(
        self, personas: Personas, file: PersonalInformationFile, who: str
    ) -> None:
        with pytest.raises(PermissionDenied):
            create_registrant(
                actor=getattr(personas, who),
                file=file,
                registration_number="R0001",
                name="見本 一郎",
                registered_on=dt.date(2009, 10, 1),
            )
        assert not Registrant.objects.exists()

    def test_the_contractor_of_a_contract_in_force_registers_people(
        self, personas: Personas
    ) -> None:
        vendor = testing.make_vendor()
        testing.link_vendor_user(personas.contractor, vendor)
        today = timezone.localdate()
        contract = testing.make_contract(
            personas.shogai,
            vendor,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=30),
        )
        file = testing.make_ledger_file(personas.shogai, contracts=[contract])

        registrant = create_registrant(
            actor=personas.contractor,
            file=file,
            registration_number="K-1",
            name="見本 花子",
            registered_on=today,
        )

        assert AuditEvent.objects.for_object(registrant).get().actor == personas.contractor


class TestUpdating:
    def test_only_the_fields_whose_value_changed_are_written_and_audited(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file, address="東京都東村山市本町1-2-3", notes="メモ")
        name_token = raw_column(registrant, "name")
        notes_token = raw_column(registrant, "notes")

        update_registrant(
            actor=personas.staff,
            registrant=registrant,
            name="見本 一郎",  # the same name
            address="東京都東村山市久米川町4-5-6",
            notes="メモ",
        )

        assert raw_column(registrant, "name") == name_token
        assert raw_column(registrant, "notes") == notes_token
        event = AuditEvent.objects.filter(use_case="ledger.update_registrant").get()
        assert set(event.changes) - {"updated_at"} == {"address"}
        assert event.changes["address"] == [ENCRYPTED, ENCRYPTED]
        assert "久米川" not in str(event.changes)
        registrant.refresh_from_db()
        assert registrant.address == "東京都東村山市久米川町4-5-6"

    def test_an_update_that_changes_nothing_writes_no_event(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file)

        update_registrant(actor=personas.staff, registrant=registrant, name="見本　一郎")

        assert not AuditEvent.objects.filter(use_case="ledger.update_registrant").exists()

    def test_ending_a_registration_records_its_date(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file)

        update_registrant(actor=personas.staff, registrant=registrant, left_on=dt.date(2010, 3, 31))

        event = AuditEvent.objects.filter(use_case="ledger.update_registrant").get()
        assert event.changes["left_on"] == [None, "2010-03-31"]

    def test_a_registration_cannot_end_before_it_began(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file)

        with pytest.raises(ValidationError) as error:
            update_registrant(
                actor=personas.staff, registrant=registrant, left_on=dt.date(2009, 9, 1)
            )

        assert messages(error) == gettext("The registration cannot end before it began.")
        registrant.refresh_from_db()
        assert registrant.left_on is None

    def test_renumbering_onto_a_number_in_use_is_refused(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        register(personas, file)
        second = register(personas, file, registration_number="R0002", name="見本 二郎")

        with pytest.raises(ValidationError):
            update_registrant(actor=personas.staff, registrant=second, registration_number="R0001")

        second.refresh_from_db()
        assert second.registration_number == "R0002"

    def test_staff_of_another_department_cannot_update(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file)

        with pytest.raises(PermissionDenied):
            update_registrant(actor=personas.other_staff, registrant=registrant, name="別人")

        registrant.refresh_from_db()
        assert registrant.name == "見本 一郎"


class TestViews:
    def test_a_view_of_one_registrant_is_an_audit_event_with_who_why_and_the_number(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file)

        record_view(actor=personas.staff, purpose="就労先との面談準備", registrant=registrant)

        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.use_case == "ledger.view_registrant"
        assert event.actor == personas.staff
        assert event.object_repr == "R0001"
        assert event.changes == {"purpose": "就労先との面談準備", "shown": ["R0001"]}

    def test_a_view_of_a_list_records_the_numbers_shown(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        record_view(actor=personas.staff, purpose="月次の確認", file=file, shown=["R0001", "R0002"])

        event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
        assert event.use_case == "ledger.view_registrant_list"
        assert event.object_repr == "R0001, R0002"
        assert event.changes["shown"] == ["R0001", "R0002"]

    def test_a_view_needs_a_purpose(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file)

        with pytest.raises(ValidationError) as error:
            record_view(actor=personas.staff, purpose="  ", registrant=registrant)

        assert messages(error) == gettext("Enter why you are looking at this data.")
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).exists()

    def test_someone_who_may_not_see_the_data_cannot_record_a_view(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        registrant = register(personas, file)

        with pytest.raises(PermissionDenied):
            record_view(actor=personas.secretariat, purpose="確認", registrant=registrant)
