"""The vendors app's use cases: contracts resting on answers, certifications, clause gaps,
refusals of bad input and of roles that may not write, and the audit trail of every write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext, pgettext
from pytest_django import DjangoAssertNumQueries

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.audit.writes import create_audited
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, Decision
from mamori.vendors import services
from mamori.vendors.models import (
    Certification,
    Clause,
    Contract,
    ContractBasis,
    DataHolding,
    EntityKind,
    Medium,
    ProcurementMethod,
    Vendor,
    VendorDocument,
    VendorUser,
)
from mamori.vendors.services import vendors as vendor_services

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ANSWERED_ON = dt.date(2009, 8, 6)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Each test stores its files in a folder of its own, so what was written can be seen."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def pdf_file(name: str = "証明書.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def answered(personas: Personas, **sections: Any) -> Consultation:
    """A consultation of 障害支援課 answered 可 on 平成21年8月6日, its record as given."""
    data = testing.record_data(**sections) if sections else None
    return testing.make_answered_consultation(personas.council, personas.shogai, data=data)


def new_contract(personas: Personas, consultations: list[Consultation], **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "actor": personas.staff,
        "department": personas.shogai,
        "vendor": testing.make_vendor(),
        "title": "障害者就労支援事業業務委託",
        "starts_on": dt.date(2009, 10, 1),
        "ends_on": dt.date(2010, 3, 31),
        "procurement_method": ProcurementMethod.PROPOSAL,
        "consultations": consultations,
    }
    fields.update(overrides)
    return services.create_contract(**fields)


class TestCreateContract:
    def test_it_rests_on_the_answer_and_the_version_answered(self, personas: Personas) -> None:
        consultation = answered(personas)
        contract = new_contract(personas, [consultation])
        basis = ContractBasis.objects.get(contract=contract)
        assert basis.consultation == consultation
        assert basis.decision == consultation.decisions.get()
        assert basis.answered_version == consultation.answered_version

    def test_it_records_every_clause_kind_as_absent(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas)])
        clauses = contract.clauses.all()
        assert sorted(c.kind for c in clauses) == sorted(Clause.Kind.values)
        assert not any(c.present for c in clauses)

    def test_it_proposes_the_data_held_from_the_answered_record(self, personas: Personas) -> None:
        form = {
            "medium": {"value": "both"},
            "paper": {"location": {"value": "障害支援課の施錠できる書庫"}},
            "electronic": {"location": {"value": "庁内サーバ"}},
        }
        contract = new_contract(personas, [answered(personas, form=form)])
        holdings = [(h.medium, h.location) for h in contract.holdings.order_by("id")]
        assert holdings == [
            (Medium.PAPER, "障害支援課の施錠できる書庫"),
            (Medium.ELECTRONIC, "庁内サーバ"),
        ]

    def test_the_data_held_is_named_by_the_records_subjects(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas)])
        data = gettext("Personal data of %(subjects)s") % {"subjects": "就労支援事業の利用登録者"}
        assert list(contract.holdings.order_by("id").values_list("description", flat=True)) == [
            gettext("%(data)s (paper)") % {"data": data},
            gettext("%(data)s (electronic data)") % {"data": data},
        ]

    def test_without_subjects_the_data_held_is_named_by_its_first_items(
        self, personas: Personas
    ) -> None:
        items = [
            {"row_id": f"item{n}", "name": name} for n, name in enumerate(["氏名", "住所", "電話"])
        ]
        consultation = answered(
            personas,
            subjects={"description": {"value": None}},
            items=items,
            form={"medium": {"value": "electronic"}},
        )
        contract = new_contract(personas, [consultation])
        named = gettext("%(items)s and others") % {
            "items": pgettext("list of data items", ", ").join(["氏名", "住所"])
        }
        assert contract.holdings.get().description == gettext("%(data)s (electronic data)") % {
            "data": named
        }

    def test_a_record_naming_no_data_falls_back_on_the_consultations_title(
        self, personas: Personas
    ) -> None:
        consultation = answered(
            personas,
            subjects={"description": {"value": None}},
            items=[],
            form={"medium": {"value": "paper"}},
        )
        contract = new_contract(personas, [consultation])
        assert contract.holdings.get().description == gettext("%(data)s (paper)") % {
            "data": consultation.title
        }

    def test_paper_only_records_propose_a_paper_holding_only(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas, form={"medium": {"value": "paper"}})])
        assert list(contract.holdings.values_list("medium", flat=True)) == [Medium.PAPER]

    def test_it_may_rest_on_two_consultations(self, personas: Personas) -> None:
        first, second = answered(personas), answered(personas)
        contract = new_contract(personas, [first, second])
        assert set(contract.bases.values_list("consultation", flat=True)) == {first.pk, second.pk}
        assert contract.holdings.count() == 4  # paper and electronic of each record

    def test_it_rests_on_the_latest_approving_decision(self, personas: Personas) -> None:
        consultation = answered(personas)
        later = Decision.objects.create(
            consultation=consultation,
            decided_on=dt.date(2009, 9, 3),
            result=Decision.Result.CONDITIONALLY_APPROVED,
            answered_version=consultation.answered_version,
        )
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [consultation], starts_on=dt.date(2009, 9, 1))
        assert error.value.code == "starts_before_answer"
        contract = new_contract(personas, [consultation], starts_on=dt.date(2009, 9, 3))
        assert contract.bases.get().decision == later

    @pytest.mark.parametrize("result", [Decision.Result.CONTINUED, Decision.Result.REJECTED])
    def test_a_later_answer_not_approving_supersedes_the_approval(
        self, personas: Personas, result: str
    ) -> None:
        consultation = answered(personas)
        Decision.objects.create(
            consultation=consultation,
            decided_on=dt.date(2009, 9, 3),
            result=result,
            answered_version=consultation.answered_version,
        )
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [consultation])
        assert error.value.code == "not_approved"
        assert not Contract.objects.exists()

    def test_it_keeps_the_version_the_decision_answered(self, personas: Personas) -> None:
        consultation = answered(personas)
        answered_then = consultation.answered_version
        later = testing.make_version(consultation, submitted=True)
        Consultation.objects.filter(pk=consultation.pk).update(answered_version=later)
        consultation.refresh_from_db()
        contract = new_contract(personas, [consultation])
        assert contract.bases.get().answered_version == answered_then

    def test_a_decision_without_its_version_falls_back_on_the_consultations(
        self, personas: Personas
    ) -> None:
        consultation = answered(personas)
        consultation.decisions.update(answered_version=None)
        contract = new_contract(personas, [consultation])
        assert contract.bases.get().answered_version == consultation.answered_version

    def test_a_number_names_one_contract_of_the_department(self, personas: Personas) -> None:
        number = "令和8年度障支委第12号"
        new_contract(personas, [answered(personas)], number=number)
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [answered(personas)], number=f" {number} ")
        assert [e.code for e in error.value.error_dict["number"]] == ["duplicate_number"]
        assert Contract.objects.count() == 1
        other = testing.make_contract(personas.kodomo, number=number)
        assert other.number == number  # another department may use the same number

    def test_an_update_may_not_take_another_contracts_number(self, personas: Personas) -> None:
        first = new_contract(personas, [answered(personas)], number="第1号")
        second = new_contract(personas, [answered(personas)], number="第2号")
        with pytest.raises(ValidationError) as error:
            services.update_contract(actor=personas.staff, contract=second, number="第1号")
        assert [e.code for e in error.value.error_dict["number"]] == ["duplicate_number"]
        services.update_contract(actor=personas.staff, contract=first, number="第1号", title="新")
        second.refresh_from_db()
        assert second.number == "第2号"

    def test_it_refuses_a_contract_starting_before_the_answer(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [answered(personas)], starts_on=dt.date(2009, 8, 5))
        assert error.value.code == "starts_before_answer"
        assert "平成21年8月6日" in error.value.messages[0]
        assert not Contract.objects.exists()

    def test_it_refuses_a_period_ending_before_it_starts(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [answered(personas)], ends_on=dt.date(2009, 9, 30))
        assert error.value.code == "ends_before_start"
        assert not Contract.objects.exists()

    def test_it_refuses_an_unanswered_consultation(self, personas: Personas) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [consultation])
        assert error.value.code == "not_approved"
        assert not Contract.objects.exists()

    @pytest.mark.parametrize("result", [Decision.Result.REJECTED, Decision.Result.CONTINUED])
    def test_it_refuses_a_consultation_not_approved(self, personas: Personas, result: str) -> None:
        consultation = answered(personas)
        consultation.decisions.update(result=result)
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [consultation])
        assert error.value.code == "not_approved"

    def test_it_refuses_an_answer_without_a_version(self, personas: Personas) -> None:
        consultation = answered(personas)
        consultation.decisions.update(answered_version=None)
        Consultation.objects.filter(pk=consultation.pk).update(answered_version=None)
        consultation.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [consultation])
        assert error.value.code == "no_answered_version"

    def test_it_refuses_no_consultation(self, personas: Personas) -> None:
        with pytest.raises(ValidationError):
            new_contract(personas, [])

    def test_the_secretariat_must_match_the_consultations_department(
        self, personas: Personas
    ) -> None:
        with pytest.raises(ValidationError) as error:
            new_contract(
                personas,
                [answered(personas)],
                actor=personas.secretariat,
                department=personas.kodomo,
            )
        assert error.value.code == "department"
        contract = new_contract(personas, [answered(personas)], actor=personas.secretariat)
        assert contract.department == personas.shogai

    def test_it_refuses_to_replace_a_contract_of_another_department(
        self, personas: Personas
    ) -> None:
        other = testing.make_contract(personas.kodomo)
        with pytest.raises(ValidationError) as error:
            new_contract(personas, [answered(personas)], previous_contract=other)
        assert error.value.code == "previous_contract"

    def test_it_refuses_an_empty_title_and_an_unknown_procurement(self, personas: Personas) -> None:
        with pytest.raises(ValidationError):
            new_contract(personas, [answered(personas)], title="  ")
        with pytest.raises(ValidationError):
            new_contract(personas, [answered(personas)], procurement_method="lottery")
        assert not Contract.objects.exists()


class TestUpdateContract:
    def test_it_changes_the_period_with_the_same_checks(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas)])
        services.update_contract(
            actor=personas.staff, contract=contract, ends_on=dt.date(2011, 3, 31)
        )
        contract.refresh_from_db()
        assert contract.ends_on == dt.date(2011, 3, 31)
        with pytest.raises(ValidationError) as error:
            services.update_contract(
                actor=personas.staff, contract=contract, starts_on=dt.date(2009, 7, 1)
            )
        assert error.value.code == "starts_before_answer"

    def test_it_refuses_to_change_an_ended_contract(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas)])
        services.end_contract(actor=personas.staff, contract=contract, ended_on=contract.ends_on)
        with pytest.raises(ValidationError) as error:
            services.update_contract(actor=personas.staff, contract=contract, title="新しい件名")
        assert error.value.code == "not_live"


class TestAnEndedContract:
    @pytest.fixture
    def ended(self, personas: Personas) -> Contract:
        contract: Contract = new_contract(personas, [answered(personas)])
        services.end_contract(actor=personas.staff, contract=contract, ended_on=contract.ends_on)
        return contract

    def test_its_clauses_are_not_changed(self, personas: Personas, ended: Contract) -> None:
        with pytest.raises(ValidationError) as error:
            services.set_clauses(
                actor=personas.staff, contract=ended, clauses={Clause.Kind.AUDIT: (True, "第9条")}
            )
        assert error.value.code == "not_live"
        assert not ended.clauses.get(kind=Clause.Kind.AUDIT).present

    def test_no_data_is_added_or_removed(self, personas: Personas, ended: Contract) -> None:
        with pytest.raises(ValidationError) as error:
            services.add_holding(
                actor=personas.staff, contract=ended, medium=Medium.PAPER, description="名簿"
            )
        assert error.value.code == "not_live"
        holding = ended.holdings.first()
        assert holding is not None
        with pytest.raises(ValidationError) as error:
            services.remove_holding(actor=personas.staff, holding=holding)
        assert error.value.code == "not_live"
        assert ended.holdings.count() == ended.return_erasures.count() == 2


class TestClauseGaps:
    PROMISES = {
        "confidentiality": {"present": True, "reference": "契約書約款第7条"},
        "return_or_erasure_paper": {"present": True, "reference": "特約条項第12条"},
        "incident_reporting": {"present": False},
    }

    def test_a_promised_clause_missing_from_the_contract_is_a_gap(self, personas: Personas) -> None:
        consultation = answered(personas, safeguards=self.PROMISES)
        contract = new_contract(personas, [consultation])
        services.set_clauses(
            actor=personas.staff,
            contract=contract,
            clauses={Clause.Kind.CONFIDENTIALITY: (True, "第7条")},
        )
        gaps = services.clause_gaps(contract)
        assert [(gap.kind, gap.consultation) for gap in gaps] == [
            (Clause.Kind.RETURN_ERASURE, consultation)
        ]
        assert gaps[0].promised_by == (gettext("Return or erasure at the end: paper"),)

    def test_the_gap_closes_when_the_clause_is_recorded(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas, safeguards=self.PROMISES)])
        services.set_clauses(
            actor=personas.staff,
            contract=contract,
            clauses={
                Clause.Kind.CONFIDENTIALITY: (True, "第7条"),
                Clause.Kind.RETURN_ERASURE: (True, "特約条項第12条"),
            },
        )
        assert services.clause_gaps(contract) == []

    def test_a_clause_not_recorded_at_all_is_a_gap(self, personas: Personas) -> None:
        consultation = answered(personas, safeguards=self.PROMISES)
        contract = testing.make_contract(personas.shogai, consultation=consultation)
        kinds = {gap.kind for gap in services.clause_gaps(contract)}
        assert kinds == {Clause.Kind.CONFIDENTIALITY, Clause.Kind.RETURN_ERASURE}

    def test_a_record_promising_nothing_leaves_no_gap(self, personas: Personas) -> None:
        assert services.clause_gaps(new_contract(personas, [answered(personas)])) == []

    def test_two_safeguards_of_one_kind_make_one_gap_naming_both(self, personas: Personas) -> None:
        safeguards = {
            "confidentiality": {"present": True},
            "staff_confidentiality": {"present": True},
        }
        contract = new_contract(personas, [answered(personas, safeguards=safeguards)])
        gaps = services.clause_gaps(contract)
        assert [gap.kind for gap in gaps] == [Clause.Kind.CONFIDENTIALITY]
        assert len(gaps[0].promised_by) == 2

    def test_each_consultation_of_a_contract_is_checked(self, personas: Personas) -> None:
        first = answered(personas, safeguards={"confidentiality": {"present": True}})
        second = answered(personas, safeguards={"audit_rights": {"present": True}})
        contract = new_contract(personas, [first, second])
        services.set_clauses(
            actor=personas.staff,
            contract=contract,
            clauses={Clause.Kind.CONFIDENTIALITY: (True, "第7条")},
        )
        gaps = services.clause_gaps(contract)
        assert [(gap.kind, gap.consultation) for gap in gaps] == [(Clause.Kind.AUDIT, second)]

    def test_a_present_clause_needs_its_article(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas)])
        with pytest.raises(ValidationError) as error:
            services.set_clauses(
                actor=personas.staff, contract=contract, clauses={Clause.Kind.AUDIT: (True, " ")}
            )
        assert error.value.code == "reference"
        assert not contract.clauses.get(kind=Clause.Kind.AUDIT).present

    def test_an_unknown_clause_kind_is_refused(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas)])
        with pytest.raises(ValidationError):
            services.set_clauses(
                actor=personas.staff, contract=contract, clauses={"secrecy": (True, "第1条")}
            )

    def test_the_consultations_flags_are_read_in_a_flat_number_of_queries(
        self, personas: Personas, django_assert_max_num_queries: DjangoAssertNumQueries
    ) -> None:
        consultation = answered(
            personas,
            safeguards=self.PROMISES,
            outsourcing={
                "outsourced": True,
                "subcontractors": [{"row_id": "sub1", "name": "有限会社ミドリ"}],
            },
        )
        for _ in range(5):
            contract = new_contract(personas, [consultation])
            services.add_subcontract(
                actor=personas.staff,
                contract=contract,
                subcontractor=testing.make_vendor(),
                scope="保守",
            )
        with django_assert_max_num_queries(4):
            flags = services.contract_flags_for_consultation(consultation)
        assert len(flags) == 5
        assert all(len(f.clause_gaps) == 2 for f in flags)
        reasons = {flag.reason for f in flags for flag in f.subcontract_flags}
        assert reasons == {"not_approved", "no_request", "not_in_contract"}


class TestCertifications:
    def test_a_certification_is_recorded_with_its_evidence(
        self, personas: Personas, media_root: Path
    ) -> None:
        vendor = testing.make_vendor()
        certification = services.add_certification(
            actor=personas.staff,
            vendor=vendor,
            kind=Certification.Kind.PRIVACY_MARK,
            number="10820001(05)",
            valid_from=dt.date(2024, 4, 1),
            expires_on=dt.date(2026, 3, 31),
            evidence_file=pdf_file("登録証.pdf"),
        )
        evidence = certification.evidence
        assert evidence is not None
        assert (evidence.kind, evidence.vendor, evidence.original_name) == (
            VendorDocument.Kind.CERTIFICATION_EVIDENCE,
            vendor,
            "登録証.pdf",
        )
        assert "登録証" not in str(evidence.file.name)  # stored under a random name
        assert len(stored_files(media_root)) == 1

    def test_an_expiry_before_the_start_is_refused_and_nothing_is_saved(
        self, personas: Personas, media_root: Path
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.add_certification(
                actor=personas.staff,
                vendor=testing.make_vendor(),
                kind=Certification.Kind.ISMS,
                valid_from=dt.date(2024, 4, 1),
                expires_on=dt.date(2024, 3, 31),
                evidence_file=pdf_file(),
            )
        assert error.value.code == "expiry_before_start"
        assert not Certification.objects.exists()
        assert not VendorDocument.objects.exists()
        assert stored_files(media_root) == []

    def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_saved(
        self, personas: Personas, media_root: Path
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.add_certification(
                actor=personas.staff,
                vendor=testing.make_vendor(),
                kind=Certification.Kind.ISMS,
                valid_from=dt.date(2024, 4, 1),
                expires_on=dt.date(2027, 3, 31),
                evidence_file=SimpleUploadedFile("x.pdf", b"hello", "application/pdf"),
            )
        assert error.value.code == "type"
        assert not Certification.objects.exists()
        assert stored_files(media_root) == []

    def test_a_file_too_large_is_refused_and_nothing_is_saved(
        self, personas: Personas, media_root: Path, settings: Any
    ) -> None:
        settings.MAMORI_MAX_UPLOAD_BYTES = len(PDF) - 1
        with pytest.raises(ValidationError) as error:
            services.add_certification(
                actor=personas.staff,
                vendor=testing.make_vendor(),
                kind=Certification.Kind.ISMS,
                valid_from=dt.date(2024, 4, 1),
                expires_on=dt.date(2027, 3, 31),
                evidence_file=pdf_file(),
            )
        assert error.value.code == "too_large"
        assert not Certification.objects.exists()
        assert stored_files(media_root) == []

    def test_a_stored_file_is_removed_when_a_later_step_fails(
        self, personas: Personas, media_root: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:

        def failing(model: Any, **fields: Any) -> Any:
            if model is Certification:
                raise RuntimeError("the database went away")
            return create_audited(model, **fields)

        # add_certification looks create_audited up in the module that defines it.
        monkeypatch.setattr(vendor_services, "create_audited", failing)
        with pytest.raises(RuntimeError):
            services.add_certification(
                actor=personas.staff,
                vendor=testing.make_vendor(),
                kind=Certification.Kind.ISMS,
                valid_from=dt.date(2024, 4, 1),
                expires_on=dt.date(2027, 3, 31),
                evidence_file=pdf_file(),
            )
        assert not VendorDocument.objects.exists()
        assert stored_files(media_root) == []

    def test_another_certification_needs_its_name(self, personas: Personas) -> None:
        with pytest.raises(ValidationError) as error:
            services.add_certification(
                actor=personas.staff,
                vendor=testing.make_vendor(),
                kind=Certification.Kind.OTHER,
                valid_from=dt.date(2024, 4, 1),
                expires_on=dt.date(2027, 3, 31),
            )
        assert error.value.code == "name"

    def test_a_contractor_files_its_own_renewal_but_not_anothers(self, personas: Personas) -> None:
        own, other = testing.make_vendor(), testing.make_vendor()
        testing.link_vendor_user(personas.contractor, own)
        dates: dict[str, Any] = {
            "valid_from": dt.date(2026, 4, 1),
            "expires_on": dt.date(2028, 3, 31),
        }
        services.add_certification(
            actor=personas.contractor,
            vendor=own,
            kind=Certification.Kind.ISMS,
            evidence_file=pdf_file(),
            **dates,
        )
        with pytest.raises(PermissionDenied):
            services.add_certification(
                actor=personas.contractor,
                vendor=other,
                kind=Certification.Kind.ISMS,
                evidence_file=pdf_file(),
                **dates,
            )
        assert Certification.objects.count() == 1


class TestVendorsAndUsers:
    def test_a_vendor_needs_a_name_and_a_known_kind(self, personas: Personas) -> None:
        with pytest.raises(ValidationError):
            services.create_vendor(actor=personas.staff, legal_name=" ", entity_kind="kabushiki")
        with pytest.raises(ValidationError):
            services.create_vendor(actor=personas.staff, legal_name="某社", entity_kind="guild")
        assert not Vendor.objects.exists()

    def test_a_contact_with_a_bad_email_is_refused(self, personas: Personas) -> None:
        vendor = testing.make_vendor()
        with pytest.raises(ValidationError):
            services.add_contact(actor=personas.staff, vendor=vendor, name="山田", email="yamada@")
        assert not vendor.contacts.exists()

    def test_the_secretariat_links_a_contractor_user_once(self, personas: Personas) -> None:
        vendor = testing.make_vendor()
        services.link_contractor_user(
            actor=personas.secretariat, user=personas.contractor, vendor=vendor
        )
        with pytest.raises(ValidationError) as error:
            services.link_contractor_user(
                actor=personas.secretariat, user=personas.contractor, vendor=testing.make_vendor()
            )
        assert error.value.code == "already_linked"
        assert VendorUser.objects.get().vendor == vendor

    def test_only_a_contractor_user_can_be_linked(self, personas: Personas) -> None:
        with pytest.raises(ValidationError):
            services.link_contractor_user(
                actor=personas.secretariat, user=personas.staff, vendor=testing.make_vendor()
            )

    def test_department_staff_cannot_link_users(self, personas: Personas) -> None:
        with pytest.raises(PermissionDenied):
            services.link_contractor_user(
                actor=personas.staff, user=personas.contractor, vendor=testing.make_vendor()
            )


class TestRolesThatMayNotWrite:
    @pytest.mark.parametrize("role", ["member", "chair", "auditor", "contractor"])
    def test_they_cannot_add_a_vendor(self, personas: Personas, role: str) -> None:
        with pytest.raises(PermissionDenied):
            services.create_vendor(
                actor=getattr(personas, role), legal_name="某社", entity_kind=EntityKind.KABUSHIKI
            )
        assert not Vendor.objects.exists()

    @pytest.mark.parametrize("role", ["member", "auditor", "contractor", "other_staff"])
    def test_they_cannot_record_a_contract(self, personas: Personas, role: str) -> None:
        with pytest.raises(PermissionDenied):
            new_contract(personas, [answered(personas)], actor=getattr(personas, role))
        assert not Contract.objects.exists()

    @pytest.mark.parametrize("role", ["member", "auditor", "contractor", "other_staff"])
    def test_they_cannot_change_a_contract(self, personas: Personas, role: str) -> None:
        contract = testing.make_contract(personas.shogai)
        testing.link_vendor_user(personas.contractor, contract.vendor)
        actor = getattr(personas, role)
        with pytest.raises(PermissionDenied):
            services.set_clauses(
                actor=actor, contract=contract, clauses={Clause.Kind.AUDIT: (True, "第9条")}
            )
        with pytest.raises(PermissionDenied):
            services.add_holding(
                actor=actor, contract=contract, medium=Medium.PAPER, description="名簿"
            )
        with pytest.raises(PermissionDenied):
            services.end_contract(actor=actor, contract=contract, ended_on=contract.ends_on)
        with pytest.raises(PermissionDenied):
            services.request_document(actor=actor, contract=contract, title="従事者名簿")
        contract.refresh_from_db()
        assert contract.status == Contract.Status.LIVE
        assert not DataHolding.objects.exists()

    @pytest.mark.parametrize("role", ["member", "auditor"])
    def test_they_cannot_add_a_certification(self, personas: Personas, role: str) -> None:
        with pytest.raises(PermissionDenied):
            services.add_certification(
                actor=getattr(personas, role),
                vendor=testing.make_vendor(),
                kind=Certification.Kind.ISMS,
                valid_from=dt.date(2024, 4, 1),
                expires_on=dt.date(2027, 3, 31),
            )


class TestEveryWriteIsAudited:
    def test_each_use_case_leaves_an_event_by_its_actor(self, personas: Personas) -> None:
        staff = personas.staff
        vendor = services.create_vendor(
            actor=staff, legal_name="株式会社ひまわり", entity_kind=EntityKind.KABUSHIKI
        )
        services.update_vendor(actor=staff, vendor=vendor, address="東京都")
        contact = services.add_contact(actor=staff, vendor=vendor, name="山田太郎")
        services.remove_contact(actor=staff, contact=contact)
        services.link_contractor_user(
            actor=personas.secretariat, user=personas.contractor, vendor=vendor
        )
        certification = services.add_certification(
            actor=staff,
            vendor=vendor,
            kind=Certification.Kind.ISMS,
            valid_from=dt.date(2024, 4, 1),
            expires_on=dt.date(2027, 3, 31),
            evidence_file=pdf_file(),
        )
        services.remove_certification(actor=staff, certification=certification)
        contract = new_contract(personas, [answered(personas)], vendor=vendor)
        services.update_contract(actor=staff, contract=contract, number="第12号")
        services.set_clauses(
            actor=staff, contract=contract, clauses={Clause.Kind.AUDIT: (True, "第9条")}
        )
        holding = services.add_holding(
            actor=staff, contract=contract, medium=Medium.PAPER, description="名簿"
        )
        services.remove_holding(actor=staff, holding=holding)
        request = services.request_document(actor=staff, contract=contract, title="従事者名簿")
        services.file_requested_document(
            actor=personas.contractor, request=request, uploaded_file=pdf_file()
        )
        expected = {
            "vendors.create_vendor": staff,
            "vendors.update_vendor": staff,
            "vendors.add_contact": staff,
            "vendors.remove_contact": staff,
            "vendors.link_contractor_user": personas.secretariat,
            "vendors.store_document": personas.contractor,
            "vendors.add_certification": staff,
            "vendors.remove_certification": staff,
            "vendors.create_contract": staff,
            "vendors.update_contract": staff,
            "vendors.set_clauses": staff,
            "vendors.add_holding": staff,
            "vendors.remove_holding": staff,
            "vendors.request_document": staff,
            "vendors.file_requested_document": personas.contractor,
        }
        for use_case, actor in expected.items():
            events = AuditEvent.objects.filter(use_case=use_case)
            assert events.filter(actor=actor).exists(), use_case

    def test_creating_a_contract_audits_each_row_it_writes(self, personas: Personas) -> None:
        contract = new_contract(personas, [answered(personas)])
        types = list(
            AuditEvent.objects.filter(use_case="vendors.create_contract").values_list(
                "object_type", flat=True
            )
        )
        assert types.count("vendors.contract") == 1
        assert types.count("vendors.contractbasis") == 1
        assert types.count("vendors.clause") == 9
        assert types.count("vendors.dataholding") == contract.holdings.count() == 2

    def test_a_refused_write_leaves_no_event(self, personas: Personas) -> None:
        with pytest.raises(ValidationError):
            new_contract(personas, [answered(personas)], ends_on=dt.date(2009, 1, 1))
        assert not AuditEvent.objects.filter(use_case__startswith="vendors.").exists()
