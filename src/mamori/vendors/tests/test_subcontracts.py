"""Sub-outsourcing: chains of any depth, approvals in order, and unapproved tiers flagged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.vendors import services
from mamori.vendors.models import Contract, SubcontractApproval, Vendor, VendorDocument

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
APPROVED_ON = dt.date(2009, 10, 5)
Chain = tuple[SubcontractApproval, SubcontractApproval, SubcontractApproval]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def request_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("承認願.pdf", PDF, content_type="application/pdf")


def sub(
    personas: Personas,
    contract: Contract,
    name: str,
    parent: SubcontractApproval | None = None,
    *,
    with_request: bool = True,
) -> SubcontractApproval:
    return services.add_subcontract(
        actor=personas.staff,
        contract=contract,
        subcontractor=testing.make_vendor(legal_name=name),
        scope="入退室管理システムの保守",
        parent=parent,
        request_file=request_file() if with_request else None,
    )


def approve(personas: Personas, approval: SubcontractApproval) -> SubcontractApproval:
    return services.approve_subcontract(
        actor=personas.staff, approval=approval, approved_on=APPROVED_ON
    )


@pytest.fixture
def contract(personas: Personas) -> Contract:
    contract: Contract = testing.make_contract(personas.shogai)
    return contract


@pytest.fixture
def chain(personas: Personas, contract: Contract) -> Chain:
    """A under the contractor, B under A, C under B."""
    a = sub(personas, contract, "株式会社A")
    b = sub(personas, contract, "株式会社B", a)
    c = sub(personas, contract, "株式会社C", b)
    return a, b, c


class TestTree:
    def test_a_chain_of_depth_three_is_a_tree(self, contract: Contract, chain: Chain) -> None:
        a, b, c = chain
        roots = services.subcontract_tree(contract)
        assert [node.approval for node in roots] == [a]
        assert roots[0].depth == 0
        (node_b,) = roots[0].children
        assert (node_b.approval, node_b.depth) == (b, 1)
        (node_c,) = node_b.children
        assert (node_c.approval, node_c.depth, node_c.children) == (c, 2, [])

    def test_siblings_come_in_the_order_they_were_recorded(
        self, personas: Personas, contract: Contract, chain: Chain
    ) -> None:
        a = chain[0]
        d = sub(personas, contract, "株式会社D", a)
        e = sub(personas, contract, "株式会社E")
        roots = services.subcontract_tree(contract)
        assert [node.approval for node in roots] == [a, e]
        assert [node.approval for node in roots[0].children] == [chain[1], d]

    def test_the_tree_is_read_in_one_query(
        self,
        contract: Contract,
        chain: Chain,
        django_assert_num_queries: DjangoAssertNumQueries,
    ) -> None:
        with django_assert_num_queries(1):
            nodes = list(services.walk(services.subcontract_tree(contract)))
            names = [node.approval.subcontractor.legal_name for node in nodes]
        assert names == ["株式会社A", "株式会社B", "株式会社C"]


class TestApproval:
    def test_an_unapproved_tier_is_flagged(
        self, personas: Personas, contract: Contract, chain: Chain
    ) -> None:
        a, b, c = chain
        approve(personas, a)
        approve(personas, b)
        flags = services.subcontract_flags(contract)
        assert [(flag.approval, flag.reason) for flag in flags] == [(c, "not_approved")]

    def test_a_tier_cannot_be_approved_before_the_one_above(
        self, personas: Personas, chain: Chain
    ) -> None:
        a, _b, c = chain
        approve(personas, a)
        with pytest.raises(ValidationError) as error:
            approve(personas, c)
        assert error.value.code == "parent_not_approved"
        c.refresh_from_db()
        assert c.approved_on is None

    def test_an_approval_needs_the_request_on_file(
        self, personas: Personas, contract: Contract
    ) -> None:
        a = sub(personas, contract, "株式会社A", with_request=False)
        assert [flag.reason for flag in services.subcontract_flags(contract)] == [
            "not_approved",
            "no_request",
        ]
        with pytest.raises(ValidationError) as error:
            approve(personas, a)
        assert error.value.code == "no_request"
        a.refresh_from_db()
        assert not a.is_approved

    def test_the_flags_disappear_once_every_tier_is_approved(
        self, personas: Personas, contract: Contract, chain: Chain
    ) -> None:
        for approval in chain:
            approve(personas, approval)
        assert services.subcontract_flags(contract) == []
        assert all(a.approved_by == personas.staff for a in SubcontractApproval.objects.all())

    def test_an_approval_cannot_be_dated_in_the_future(
        self, personas: Personas, chain: Chain
    ) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        with pytest.raises(ValidationError) as error:
            services.approve_subcontract(
                actor=personas.staff, approval=chain[0], approved_on=tomorrow
            )
        assert error.value.code == "future"

    def test_an_approval_cannot_precede_the_one_above(
        self, personas: Personas, chain: Chain
    ) -> None:
        approve(personas, chain[0])
        with pytest.raises(ValidationError) as error:
            services.approve_subcontract(
                actor=personas.staff, approval=chain[1], approved_on=dt.date(2009, 10, 4)
            )
        assert error.value.code == "before_parent"

    def test_an_approval_is_given_once(self, personas: Personas, chain: Chain) -> None:
        approve(personas, chain[0])
        with pytest.raises(ValidationError):
            approve(personas, chain[0])

    def test_the_contractor_cannot_approve(
        self, personas: Personas, contract: Contract, chain: Chain
    ) -> None:
        testing.link_vendor_user(personas.contractor, contract.vendor)
        with pytest.raises(PermissionDenied):
            services.approve_subcontract(
                actor=personas.contractor, approval=chain[0], approved_on=APPROVED_ON
            )

    def test_the_secretariat_may_approve(self, personas: Personas, chain: Chain) -> None:
        approval = services.approve_subcontract(
            actor=personas.secretariat, approval=chain[0], approved_on=APPROVED_ON
        )
        assert approval.approved_by == personas.secretariat

    def test_adding_and_approving_are_audited(self, personas: Personas, chain: Chain) -> None:
        approve(personas, chain[0])
        assert AuditEvent.objects.filter(use_case="vendors.add_subcontract").count() == 3
        assert AuditEvent.objects.for_object(chain[0]).filter(
            use_case="vendors.approve_subcontract", actor=personas.staff
        )


class TestRecordedSubcontractors:
    def record(self, personas: Personas, *names: str) -> Contract:
        consultation = testing.make_answered_consultation(
            personas.council,
            personas.shogai,
            data=testing.record_data(
                outsourcing={
                    "outsourced": True,
                    "subcontractors": [
                        {"row_id": f"s{i}", "name": name} for i, name in enumerate(names)
                    ],
                }
            ),
        )
        contract: Contract = testing.make_contract(personas.shogai, consultation=consultation)
        return contract

    def test_a_subcontractor_named_in_the_record_but_missing_is_flagged(
        self, personas: Personas
    ) -> None:
        contract = self.record(personas, "有限会社ミドリ設備")
        flags = services.subcontract_flags(contract)
        assert [(f.name, f.approval, f.reason) for f in flags] == [
            ("有限会社ミドリ設備", None, "not_in_contract")
        ]

    def test_a_recorded_subcontractor_is_found_whatever_its_spacing_and_width(
        self, personas: Personas
    ) -> None:
        contract = self.record(personas, "有限会社　ミドリ設備", "ＡＢＣ")
        a = sub(personas, contract, "有限会社ミドリ設備")
        b = sub(personas, contract, "株式会社ABC")
        approve(personas, a)
        approve(personas, b)
        assert services.subcontract_flags(contract) == []


class TestRefusals:
    def test_a_tier_of_another_contract_cannot_be_the_parent(
        self, personas: Personas, contract: Contract
    ) -> None:
        elsewhere = sub(personas, testing.make_contract(personas.shogai), "株式会社X")
        with pytest.raises(ValidationError) as error:
            sub(personas, contract, "株式会社Y", elsewhere)
        assert error.value.code == "parent"

    def test_the_contractor_cannot_be_its_own_subcontractor(
        self, personas: Personas, contract: Contract
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.add_subcontract(
                actor=personas.staff, contract=contract, subcontractor=contract.vendor, scope="保守"
            )
        assert error.value.code == "cycle"

    @pytest.mark.parametrize("above", [0, 1])
    def test_a_tier_cannot_sub_contract_to_one_above_it(
        self, personas: Personas, contract: Contract, chain: Chain, above: int
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.add_subcontract(
                actor=personas.staff,
                contract=contract,
                subcontractor=chain[above].subcontractor,
                parent=chain[1],
                scope="保守",
            )
        assert error.value.code == "cycle"
        assert SubcontractApproval.objects.count() == 3

    def test_a_scope_is_required(self, personas: Personas, contract: Contract) -> None:
        with pytest.raises(ValidationError):
            services.add_subcontract(
                actor=personas.staff,
                contract=contract,
                subcontractor=testing.make_vendor(),
                scope=" ",
                request_file=request_file(),
            )
        assert not VendorDocument.objects.exists()


class TestContractorRequests:
    def test_the_contractor_records_its_request_with_the_approval_request(
        self, personas: Personas, contract: Contract
    ) -> None:
        testing.link_vendor_user(personas.contractor, contract.vendor)
        approval = services.add_subcontract(
            actor=personas.contractor,
            contract=contract,
            subcontractor=testing.make_vendor(),
            scope="保守",
            request_file=request_file(),
        )
        document = approval.request_document
        assert document is not None
        assert (document.kind, document.vendor, document.contract) == (
            VendorDocument.Kind.APPROVAL_REQUEST,
            contract.vendor,
            contract,
        )
        assert document.uploaded_by == personas.contractor
        assert not approval.is_approved

    def test_another_vendors_user_cannot_add_a_subcontractor(
        self, personas: Personas, contract: Contract
    ) -> None:
        testing.link_vendor_user(personas.contractor, testing.make_vendor())
        with pytest.raises(PermissionDenied):
            services.add_subcontract(
                actor=personas.contractor,
                contract=contract,
                subcontractor=testing.make_vendor(),
                scope="保守",
            )
        assert not SubcontractApproval.objects.exists()


def refuse(personas: Personas, approval: SubcontractApproval, reason: str = "体制が不十分") -> Any:
    return services.refuse_subcontract(
        actor=personas.staff, approval=approval, refused_on=APPROVED_ON, reason=reason
    )


class TestRefusal:
    def test_a_refused_entry_and_those_under_it_are_not_flagged(
        self, personas: Personas, contract: Contract, chain: Chain
    ) -> None:
        a, b, _c = chain
        approve(personas, a)
        refused = refuse(personas, b)
        assert (refused.refused_on, refused.refused_by) == (APPROVED_ON, personas.staff)
        assert refused.refusal_reason == "体制が不十分"
        assert services.subcontract_flags(contract) == []
        assert AuditEvent.objects.for_object(b).filter(use_case="vendors.refuse_subcontract")

    def test_nothing_under_a_refused_entry_can_be_approved(
        self, personas: Personas, chain: Chain
    ) -> None:
        a, b, _c = chain
        refuse(personas, a)
        with pytest.raises(ValidationError) as error:
            approve(personas, b)
        assert error.value.code == "parent_refused"

    def test_a_refusal_needs_its_reason(self, personas: Personas, chain: Chain) -> None:
        with pytest.raises(ValidationError) as error:
            refuse(personas, chain[0], reason="  ")
        assert error.value.code == "reason"
        chain[0].refresh_from_db()
        assert not chain[0].is_refused

    def test_only_a_pending_entry_is_refused_or_approved(
        self, personas: Personas, chain: Chain
    ) -> None:
        approve(personas, chain[0])
        with pytest.raises(ValidationError) as error:
            refuse(personas, chain[0])
        assert error.value.code == "approved"
        refuse(personas, chain[1])
        with pytest.raises(ValidationError) as error:
            approve(personas, chain[1])
        assert error.value.code == "refused"

    def test_two_stale_copies_decide_once(self, personas: Personas, chain: Chain) -> None:
        first = SubcontractApproval.objects.get(pk=chain[0].pk)
        second = SubcontractApproval.objects.get(pk=chain[0].pk)
        approve(personas, first)
        with pytest.raises(ValidationError) as error:
            refuse(personas, second)
        assert error.value.code == "approved"
        third = SubcontractApproval.objects.get(pk=chain[1].pk)
        fourth = SubcontractApproval.objects.get(pk=chain[1].pk)
        approve(personas, third)
        with pytest.raises(ValidationError):
            approve(personas, fourth)
        assert AuditEvent.objects.filter(use_case="vendors.approve_subcontract").count() == 2

    def test_the_contractor_cannot_refuse(
        self, personas: Personas, contract: Contract, chain: Chain
    ) -> None:
        testing.link_vendor_user(personas.contractor, contract.vendor)
        with pytest.raises(PermissionDenied):
            services.refuse_subcontract(
                actor=personas.contractor, approval=chain[0], refused_on=APPROVED_ON, reason="否"
            )

    def test_nothing_is_added_to_or_decided_on_an_ended_contract(
        self, personas: Personas, contract: Contract, chain: Chain
    ) -> None:
        Contract.objects.filter(pk=contract.pk).update(
            status=Contract.Status.ENDED, ended_on=dt.date(2010, 3, 31)
        )
        contract.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            sub(personas, contract, "株式会社D")
        assert error.value.code == "not_live"
        for decide in (approve, refuse):
            with pytest.raises(ValidationError) as error:
                decide(personas, chain[0])
            assert error.value.code == "not_live"


class TestProposals:
    def propose(self, personas: Personas, contract: Contract, **fields: Any) -> Any:
        testing.link_vendor_user(personas.contractor, contract.vendor)
        return services.propose_subcontractor(
            actor=personas.contractor,
            contract=contract,
            request_file=request_file(),
            **({"legal_name": "有限会社いろは", "entity_kind": "yugen", "scope": "保守"} | fields),
        )

    def test_a_new_company_is_registered_and_asked_for(
        self, personas: Personas, contract: Contract
    ) -> None:
        approval = self.propose(personas, contract, corporate_number="２０２１００１０５２５９６")
        vendor = approval.subcontractor
        assert (vendor.legal_name, vendor.corporate_number) == ("有限会社いろは", "2021001052596")
        assert AuditEvent.objects.for_object(vendor).filter(
            use_case="vendors.propose_subcontractor", actor=personas.contractor
        )
        assert not approval.is_approved

    def test_a_known_number_finds_the_vendor(self, personas: Personas, contract: Contract) -> None:
        known = testing.make_vendor(corporate_number=testing.CORPORATE_NUMBERS[1])
        approval = self.propose(personas, contract, corporate_number=testing.CORPORATE_NUMBERS[1])
        assert approval.subcontractor == known

    def test_a_failed_request_registers_no_company(
        self, personas: Personas, contract: Contract
    ) -> None:
        before = set(Vendor.objects.values_list("pk", flat=True))
        with pytest.raises(ValidationError):
            self.propose(personas, contract, legal_name=contract.vendor.legal_name, scope=" ")
        assert set(Vendor.objects.values_list("pk", flat=True)) == before
        assert not VendorDocument.objects.exists()

    def test_a_wrong_check_digit_is_refused(self, personas: Personas, contract: Contract) -> None:
        with pytest.raises(ValidationError) as error:
            self.propose(personas, contract, corporate_number="7000012050003")
        assert error.value.code == "corporate_number_check_digit"

    def test_another_vendors_user_cannot_propose(
        self, personas: Personas, contract: Contract
    ) -> None:
        testing.link_vendor_user(personas.other_contractor, testing.make_vendor())
        with pytest.raises(PermissionDenied):
            services.propose_subcontractor(
                actor=personas.other_contractor,
                contract=contract,
                legal_name="有限会社いろは",
                entity_kind="yugen",
                scope="保守",
            )
