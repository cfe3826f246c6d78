"""The file register inside Mamori: creating and editing a file's description, its setup
(recipients, item groups, purposes), the list, and a file's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger import services
from mamori.ledger.models import (
    CarryOut,
    ConsentEvent,
    ItemGroup,
    Medium,
    PersonalInformationFile,
    ProvisionPurpose,
    Recipient,
)

FIELDS: dict[str, Any] = {
    "name": "利用登録者台帳",
    "purpose": "障害者の就労支援のため",
    "items": "氏名\n住所",
    "data_subjects": "就労支援事業の利用登録者",
    "sources": "本人からの申請書",
    "form": "paper",
    "retention": "5年",
}


def create(personas: Personas, **overrides: Any) -> PersonalInformationFile:
    actor = overrides.pop("actor", personas.staff)
    department = overrides.pop("department", personas.shogai)
    return services.create_file(actor=actor, department=department, **(FIELDS | overrides))


class TestCreatingAFile:
    def test_it_is_created_with_its_contracts_and_audited(self, personas: Personas) -> None:
        contract = testing.make_contract(personas.shogai)
        file = create(personas, contracts=[contract])
        assert list(file.contracts.all()) == [contract]
        event = AuditEvent.objects.get(use_case="ledger.create_file")
        assert event.object_repr == "利用登録者台帳"
        assert "contracts" in event.changes

    def test_the_name_is_unique_within_the_department(self, personas: Personas) -> None:
        create(personas)
        with pytest.raises(ValidationError) as error:
            create(personas)
        assert "name" in error.value.message_dict
        create(personas, actor=personas.secretariat, department=personas.kodomo)

    def test_a_contract_of_another_department_is_refused(self, personas: Personas) -> None:
        contract = testing.make_contract(personas.kodomo)
        with pytest.raises(ValidationError) as error:
            create(personas, contracts=[contract])
        assert "contracts" in error.value.message_dict
        assert not PersonalInformationFile.objects.exists()

    def test_the_consultation_must_be_the_departments(self, personas: Personas) -> None:
        consultation = testing.make_answered_consultation(personas.council, personas.kodomo)
        with pytest.raises(ValidationError) as error:
            create(personas, consultation=consultation)
        assert "consultation" in error.value.message_dict

    def test_the_answer_must_be_one_given_to_the_consultation(self, personas: Personas) -> None:
        ours = testing.make_answered_consultation(personas.council, personas.shogai)
        other = testing.make_answered_consultation(personas.council, personas.shogai)
        with pytest.raises(ValidationError) as error:
            create(personas, consultation=ours, decision=other.decisions.get())
        assert "decision" in error.value.message_dict
        with pytest.raises(ValidationError):
            create(personas, decision=other.decisions.get())
        file = create(personas, consultation=ours, decision=ours.decisions.get())
        assert file.decision == ours.decisions.get()

    def test_required_fields_and_choices_are_checked(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as error:
            create(personas, purpose="", form="floppy")
        assert {"purpose", "form"} <= set(error.value.message_dict)

    def test_staff_create_only_for_their_department_and_contractors_not_at_all(
        self, personas: Personas
    ) -> None:
        with pytest.raises(PermissionDenied):
            create(personas, department=personas.kodomo)
        with pytest.raises(PermissionDenied):
            create(personas, actor=personas.contractor)


class TestUpdatingAFile:
    def test_the_changes_are_saved_and_audited(self, personas: Personas) -> None:
        file = create(personas)
        contract = testing.make_contract(personas.shogai)
        services.update_file(
            actor=personas.staff, file=file, retention="10年", published=True, contracts=[contract]
        )
        file.refresh_from_db()
        assert (file.retention, file.published) == ("10年", True)
        assert list(file.contracts.all()) == [contract]
        event = AuditEvent.objects.get(use_case="ledger.update_file")
        assert event.changes["retention"] == ["5年", "10年"]

    def test_renaming_onto_another_file_is_refused(self, personas: Personas) -> None:
        create(personas)
        second = create(personas, name="相談記録")
        with pytest.raises(ValidationError):
            services.update_file(actor=personas.staff, file=second, name="利用登録者台帳")
        second.refresh_from_db()
        assert second.name == "相談記録"

    def test_other_departments_may_not_edit(self, personas: Personas) -> None:
        file = create(personas)
        with pytest.raises(PermissionDenied):
            services.update_file(actor=personas.other_staff, file=file, retention="1年")


class TestSetup:
    def test_items_are_added_once_per_file_and_audited(self, personas: Personas) -> None:
        file = testing.make_ledger_file(personas.shogai)
        services.add_recipient(actor=personas.staff, file=file, name="作業所")
        services.add_item_group(actor=personas.staff, file=file, name="就労に関する希望")
        services.add_purpose(actor=personas.staff, file=file, name="職場実習の調整")
        with pytest.raises(ValidationError):
            services.add_recipient(actor=personas.staff, file=file, name=" 作業所 ")
        with pytest.raises(ValidationError):
            services.add_purpose(actor=personas.staff, file=file, name="")
        assert file.recipients.filter(name="作業所").count() == 1
        assert AuditEvent.objects.filter(use_case__startswith="ledger.add_").count() == 3

    def test_an_unused_item_is_deleted(self, personas: Personas) -> None:
        file = testing.make_ledger_file(personas.shogai)
        recipient = file.recipients.first()
        services.delete_setup_item(actor=personas.staff, item=recipient)
        assert not Recipient.objects.filter(pk=recipient.pk).exists()
        assert AuditEvent.objects.filter(use_case="ledger.delete_recipient").count() == 1

    def test_an_item_a_consent_refers_to_cannot_be_deleted(self, personas: Personas) -> None:
        file = testing.make_ledger_file(personas.shogai)
        registrant = testing.make_registrant(file)
        recipient, group, purpose = (
            file.recipients.first(),
            file.item_groups.first(),
            file.purposes.first(),
        )
        ConsentEvent.objects.create(
            registrant=registrant,
            recipient=recipient,
            item_group=group,
            purpose=purpose,
            status="given",
            effective_on=dt.date(2009, 10, 1),
            recorded_by=personas.staff,
            recorded_at=timezone.now(),
        )
        for item in (recipient, group, purpose):
            with pytest.raises(services.SetupItemInUse):
                services.delete_setup_item(actor=personas.staff, item=item)
        assert Recipient.objects.filter(pk=recipient.pk).exists()
        assert ItemGroup.objects.filter(pk=group.pk).exists()
        assert ProvisionPurpose.objects.filter(pk=purpose.pk).exists()


def post_data(**overrides: Any) -> dict[str, Any]:
    data = {**FIELDS, "department": "", "expected_subjects": "", "consultation": "", "decision": ""}
    data.update(overrides)
    return data


class TestPages:
    def test_staff_add_a_file_on_their_answered_consultation(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = testing.make_answered_consultation(personas.council, personas.shogai)
        decision = consultation.decisions.get()
        client.force_login(personas.staff)
        response = client.post(
            reverse("ledger:file_create"),
            post_data(
                department=str(personas.shogai.pk),
                consultation=str(consultation.pk),
                decision=str(decision.pk),
                expected_subjects="40",
            ),
        )
        file = PersonalInformationFile.objects.get()
        assert response["Location"] == reverse("ledger:file_detail", kwargs={"pk": file.pk})
        assert (file.department, file.decision, file.expected_subjects) == (
            personas.shogai,
            decision,
            40,
        )

    def test_the_form_lists_the_register_fields_in_the_statutory_order(
        self, client: Client, personas: Personas
    ) -> None:
        client.force_login(personas.staff)
        form = client.get(reverse("ledger:file_create")).context["form"]
        names = list(form.fields)
        statutory = [
            "name",
            "agency_name",
            "department",
            "purpose",
            "items",
            "data_subjects",
            "sources",
            "contains_special_care",
            "regular_recipients",
            "request_office",
            "special_procedures",
            "form",
            "anonymized_information",
        ]
        assert names[: len(statutory)] == statutory
        assert names.index("form") < names.index("remarks") < names.index("consultation")

    def test_another_departments_consultation_is_not_offered(
        self, client: Client, personas: Personas
    ) -> None:
        theirs = testing.make_answered_consultation(personas.council, personas.kodomo)
        client.force_login(personas.staff)
        response = client.post(
            reverse("ledger:file_create"),
            post_data(department=str(personas.shogai.pk), consultation=str(theirs.pk)),
        )
        assert "consultation" in response.context["form"].errors
        assert not PersonalInformationFile.objects.exists()

    @pytest.mark.parametrize(
        "overrides",
        [
            {"name": ""},
            {"form": "floppy"},
            {"expected_subjects": "-3"},
            {"expected_subjects": "千"},
            {"department": "999999"},
            {"name": "x" * 201},
        ],
    )
    def test_bad_input_is_shown_and_nothing_saved(
        self, client: Client, personas: Personas, overrides: dict[str, str]
    ) -> None:
        client.force_login(personas.staff)
        data = post_data(department=str(personas.shogai.pk)) | overrides
        response = client.post(reverse("ledger:file_create"), data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not PersonalInformationFile.objects.exists()

    def test_a_duplicate_name_is_shown_on_the_name(
        self, client: Client, personas: Personas
    ) -> None:
        testing.make_ledger_file(personas.shogai, name="利用登録者台帳")
        client.force_login(personas.staff)
        response = client.post(
            reverse("ledger:file_create"), post_data(department=str(personas.shogai.pk))
        )
        assert "name" in response.context["form"].errors
        assert PersonalInformationFile.objects.count() == 1

    def test_editing_saves_the_description(self, client: Client, personas: Personas) -> None:
        file = testing.make_ledger_file(personas.shogai)
        client.force_login(personas.staff)
        url = reverse("ledger:file_edit", kwargs={"pk": file.pk})
        response = client.post(url, post_data(name=file.name, retention="10年", published="on"))
        assert response.status_code == 302
        file.refresh_from_db()
        assert (file.retention, file.published) == ("10年", True)

    def test_the_list_counts_registrants_and_carry_outs_out_and_overdue(
        self, client: Client, personas: Personas
    ) -> None:
        file = testing.make_ledger_file(personas.shogai)
        testing.make_registrant(file)
        testing.make_registrant(file)
        now = timezone.now()
        for due in (now - dt.timedelta(hours=2), now + dt.timedelta(hours=2)):
            CarryOut.objects.create(
                file=file,
                medium=Medium.PAPER,
                description="写し",
                record_count=1,
                purpose="訪問",
                destination="訪問先",
                carried_by=personas.staff,
                leaves_at=now - dt.timedelta(hours=3),
                due_back_at=due,
                status=CarryOut.Status.OUT,
                recorded_by=personas.staff,
                recorded_at=now,
            )
        client.force_login(personas.staff)
        (row,) = client.get(reverse("ledger:file_list")).context["files"]
        assert (row.registrant_count, row.outstanding_count, row.overdue_count) == (2, 2, 1)

    def test_the_secretariat_filters_the_list_by_department(
        self, client: Client, personas: Personas
    ) -> None:
        ours = testing.make_ledger_file(personas.shogai)
        testing.make_ledger_file(personas.kodomo)
        client.force_login(personas.secretariat)
        assert len(client.get(reverse("ledger:file_list")).context["files"]) == 2
        response = client.get(reverse("ledger:file_list"), {"department": personas.shogai.pk})
        assert response.context["files"] == [ours]

    def test_staff_see_only_their_departments_files(
        self, client: Client, personas: Personas
    ) -> None:
        testing.make_ledger_file(personas.kodomo)
        client.force_login(personas.staff)
        assert client.get(reverse("ledger:file_list")).context["files"] == []

    def test_a_large_unpublished_file_carries_the_register_notice(
        self, client: Client, personas: Personas
    ) -> None:
        big = testing.make_ledger_file(personas.shogai, expected_subjects=1200)
        small = testing.make_ledger_file(personas.shogai, expected_subjects=1000)
        published = testing.make_ledger_file(
            personas.shogai, expected_subjects=5000, published=True
        )
        client.force_login(personas.staff)

        def notice(file: PersonalInformationFile) -> bool:
            page = client.get(reverse("ledger:file_detail", kwargs={"pk": file.pk}))
            return 'id="register-notice"' in page.content.decode()

        assert (notice(big), notice(small), notice(published)) == (True, False, False)

    def test_the_registrants_link_is_shown_only_to_those_who_may_see_personal_data(
        self, client: Client, personas: Personas
    ) -> None:
        file = testing.make_ledger_file(personas.shogai)
        link = reverse("ledger:registrant_list", kwargs={"pk": file.pk})
        url = reverse("ledger:file_detail", kwargs={"pk": file.pk})
        client.force_login(personas.staff)
        assert link in client.get(url).content.decode()
        client.force_login(personas.secretariat)
        assert link not in client.get(url).content.decode()

    def test_text_typed_into_a_file_is_escaped(self, client: Client, personas: Personas) -> None:
        file = testing.make_ledger_file(personas.shogai, purpose="<script>alert(1)</script>")
        client.force_login(personas.staff)
        body = client.get(reverse("ledger:file_detail", kwargs={"pk": file.pk})).content.decode()
        assert "<script>alert(1)" not in body
        assert "&lt;script&gt;alert(1)" in body

    def test_setup_adds_and_refuses_a_duplicate(self, client: Client, personas: Personas) -> None:
        file = testing.make_ledger_file(personas.shogai)
        client.force_login(personas.staff)
        url = reverse("ledger:file_setup", kwargs={"pk": file.pk})
        client.post(url, {"kind": "recipient", "recipient-name": "作業所"})
        duplicate = client.post(url, {"kind": "recipient", "recipient-name": "作業所"})
        assert duplicate.status_code == 200
        assert "name" in duplicate.context["forms"]["recipient"].errors
        empty = client.post(url, {"kind": "purpose", "purpose-name": ""})
        assert empty.context["forms"]["purpose"].errors
        assert file.recipients.filter(name="作業所").count() == 1

    def test_deleting_a_used_item_is_refused_with_a_message(
        self, client: Client, personas: Personas
    ) -> None:
        file = testing.make_ledger_file(personas.shogai)
        registrant = testing.make_registrant(file)
        recipient = file.recipients.first()
        ConsentEvent.objects.create(
            registrant=registrant,
            recipient=recipient,
            item_group=file.item_groups.first(),
            purpose=file.purposes.first(),
            status="refused",
            effective_on=dt.date(2009, 10, 1),
            recorded_by=personas.staff,
            recorded_at=timezone.now(),
        )
        client.force_login(personas.staff)
        url = reverse(
            "ledger:setup_delete", kwargs={"pk": file.pk, "kind": "recipient", "item": recipient.pk}
        )
        response = client.post(url, follow=True)
        assert len(list(response.context["messages"])) == 1
        assert Recipient.objects.filter(pk=recipient.pk).exists()

    def test_an_unknown_kind_or_another_files_item_is_not_found(
        self, client: Client, personas: Personas
    ) -> None:
        file = testing.make_ledger_file(personas.shogai)
        other = testing.make_ledger_file(personas.shogai)
        client.force_login(personas.staff)
        item = other.recipients.first().pk
        for kind in ("recipient", "registrant"):
            url = reverse("ledger:setup_delete", kwargs={"pk": file.pk, "kind": kind, "item": item})
            assert client.post(url).status_code == 404
        assert Recipient.objects.filter(pk=item).exists()

    def test_other_departments_and_auditors_may_not_change_the_file(
        self, client: Client, personas: Personas
    ) -> None:
        file = testing.make_ledger_file(personas.shogai)
        for persona in (personas.other_staff, personas.auditor, personas.contractor):
            client.force_login(persona)
            for name in ("ledger:file_edit", "ledger:file_setup"):
                assert client.get(reverse(name, kwargs={"pk": file.pk})).status_code == 403
