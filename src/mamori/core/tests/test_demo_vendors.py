"""The demo carries the seed's contractors (issue 5's "done when")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from mamori.accounts.models import User
from mamori.audit.models import AuditEvent
from mamori.consultations.models import Consultation
from mamori.core import demo_vendors, eras
from mamori.vendors import access, services
from mamori.vendors.models import (
    Certification,
    Clause,
    Contract,
    DocumentRequest,
    EntityKind,
    ProcurementMethod,
    ReturnErasure,
    SubcontractApproval,
    Vendor,
    VendorDocument,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings: Any) -> Iterator[None]:
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    yield


def contract(title: str) -> Contract:
    return Contract.objects.get(title=title)


def consultation(key: str) -> Consultation:
    fiscal_year, number = key.split("-")
    return Consultation.objects.get(fiscal_year=int(fiscal_year), number=int(number))


class TestTheVendors:
    def test_every_vendor_has_a_valid_corporate_number_and_a_contact(self, demo: None) -> None:
        vendors = list(Vendor.objects.prefetch_related("contacts"))
        assert len(vendors) == len(demo_vendors.VENDORS)
        for vendor in vendors:
            assert services.normalize_corporate_number(vendor.corporate_number)
            assert vendor.address
            assert len(vendor.contacts.all()) == 1

    def test_the_sub_contractor_is_a_small_limited_company_without_certification(
        self, demo: None
    ) -> None:
        hibari = Vendor.objects.get(legal_name=demo_vendors.HIBARI)
        assert hibari.entity_kind == EntityKind.YUGEN
        assert hibari.capital_yen == 3_000_000
        assert not hibari.certifications.exists()

    def test_one_certification_of_a_vendor_under_contract_expires_within_90_days(
        self, demo: None
    ) -> None:
        today = timezone.localdate()
        expiring = Certification.objects.expiring(today, 90).filter(
            vendor__in=Vendor.objects.under_live_contract(today)
        )
        assert [c.vendor.legal_name for c in expiring] == [demo_vendors.KEYAKINO]
        assert expiring[0].kind == Certification.Kind.PRIVACY_MARK

    def test_every_certification_was_confirmed_by_the_city(self, demo: None) -> None:
        assert Certification.objects.count() == Certification.objects.confirmed().count() > 0


class TestTheEmploymentSupportContract:
    def test_it_rests_on_the_answer_and_was_chosen_by_proposal(self, demo: None) -> None:
        found = contract(demo_vendors.TITLE_A)
        assert found.vendor.legal_name == demo_vendors.KEYAKINO
        assert found.vendor.entity_kind == EntityKind.SHAKAI_FUKUSHI
        assert found.procurement_method == ProcurementMethod.PROPOSAL
        assert found.is_live_on(timezone.localdate())
        (basis,) = found.bases.all()
        assert basis.consultation == consultation("2009-4")
        assert basis.decision is not None
        assert found.starts_on > basis.decision.decided_on

    def test_it_holds_the_seeds_clauses(self, demo: None) -> None:
        clauses = {c.kind: c for c in contract(demo_vendors.TITLE_A).clauses.all()}
        assert clauses[Clause.Kind.CONFIDENTIALITY].reference == "契約書約款第7条"
        assert clauses[Clause.Kind.RETURN_ERASURE].reference == "特約条項第12条"

    def test_a_clause_the_answered_record_promised_is_flagged_missing(self, demo: None) -> None:
        gaps = services.clause_gaps(contract(demo_vendors.TITLE_A))
        assert [gap.kind for gap in gaps] == [Clause.Kind.PENALTY]
        assert gaps[0].consultation == consultation("2009-4")

    def test_the_consultation_page_shows_the_gap(self, demo: None, client: Client) -> None:
        client.force_login(User.objects.get(username="shogai"))
        c4 = consultation("2009-4")
        response = client.get(
            reverse("consultations:consultation_detail", args=[c4.council.slug, c4.key])
        )
        assert response.status_code == 200
        rows = {row.contract.title: row for row in response.context["contracts"]}
        assert set(rows) == {demo_vendors.TITLE_A, demo_vendors.TITLE_D}
        with translation.override("ja"):
            assert rows[demo_vendors.TITLE_A].missing_clauses == [str(Clause.Kind.PENALTY.label)]
        assert rows[demo_vendors.TITLE_D].missing_clauses == []


class TestTheCentreAndItsSubContractor:
    def test_the_operator_is_a_school_corporation_with_isms(self, demo: None) -> None:
        found = contract(demo_vendors.TITLE_B)
        assert found.vendor.legal_name == demo_vendors.MIDORI
        assert found.vendor.entity_kind == EntityKind.GAKKO
        assert found.is_live_on(timezone.localdate())
        assert found.vendor.certifications.get().kind == Certification.Kind.ISMS

    def test_the_sub_contractor_is_approved_on_its_request(self, demo: None) -> None:
        found = contract(demo_vendors.TITLE_B)
        approval = SubcontractApproval.objects.get(contract=found)
        assert approval.subcontractor.legal_name == demo_vendors.HIBARI
        assert approval.consultation == consultation("2009-5")
        assert approval.approved_on is not None and approval.approved_on.year == 2009
        assert approval.approved_by is not None
        assert approval.approved_by.username == "kodomo"
        assert approval.request_document is not None
        assert approval.request_document.kind == VendorDocument.Kind.APPROVAL_REQUEST
        assert services.subcontract_flags(found) == []
        assert services.clause_gaps(found) == []

    def test_the_request_is_the_one_filed_with_the_consultation(self, demo: None) -> None:
        approval = SubcontractApproval.objects.get(contract=contract(demo_vendors.TITLE_B))
        attachment = consultation("2009-5").attachments.get(kind="approval_request")
        assert approval.request_document is not None
        assert approval.request_document.sha256 == attachment.sha256

    def test_the_contractor_is_asked_for_its_staff_list(self, demo: None) -> None:
        request = DocumentRequest.objects.get(contract=contract(demo_vendors.TITLE_B))
        assert request.status == DocumentRequest.Status.OPEN
        assert request.due_on is not None and request.due_on > timezone.localdate()


class TestTheContractNumbers:
    def test_they_are_written_with_the_fiscal_year_in_the_japanese_era(self, demo: None) -> None:
        today = timezone.localdate()
        this_year = eras.format_fiscal_year(eras.fiscal_year_of(today), on=today)
        assert contract(demo_vendors.TITLE_A).number == f"{this_year}障支委第4号"
        assert contract(demo_vendors.TITLE_B).number == f"{this_year}子総委第12号"
        assert contract(demo_vendors.TITLE_C).number == "平成20年度子総委第31号"
        assert contract(demo_vendors.TITLE_D).number.endswith("年度障支委第9号")
        assert contract(demo_vendors.TITLE_D).number.startswith(("令和", "平成"))


class TestTheEndsOfContracts:
    def test_the_allowance_system_work_ended_with_its_certificate_verified(
        self, demo: None
    ) -> None:
        found = contract(demo_vendors.TITLE_C)
        assert found.status == Contract.Status.ENDED
        assert found.ended_on == found.ends_on == dt.date(2009, 3, 31)
        assert found.bases.get().consultation.fiscal_year == 2008
        (task,) = found.return_erasures.all()
        assert task.status == ReturnErasure.Status.VERIFIED
        assert task.certificate is not None
        assert task.certificate.kind == VendorDocument.Kind.ERASURE_CERTIFICATE
        assert task.certificate.content_type == "application/pdf"

    def test_every_ended_contract_ended_on_its_last_day_by_today(self, demo: None) -> None:
        today = timezone.localdate()
        ended = Contract.objects.exclude(status=Contract.Status.LIVE)
        assert ended.count() == 2
        for found in ended:
            assert found.status == Contract.Status.ENDED
            assert found.ended_on == found.ends_on
            assert found.ended_on is not None and found.ended_on <= today

    def test_the_centres_data_is_named_for_what_it_is(self, demo: None) -> None:
        (holding,) = contract(demo_vendors.TITLE_B).holdings.all()
        assert holding.description.startswith("入退室管理システムの利用者データ")

    def test_exactly_one_erasure_is_overdue(self, demo: None) -> None:
        today = timezone.localdate()
        (task,) = ReturnErasure.objects.overdue(today)
        assert task.contract.title == demo_vendors.TITLE_D
        assert task.contract.department.name == "障害支援課"
        assert task.contract.ended_on is not None
        assert task.contract.ended_on < today


class TestTheContractorUser:
    def test_it_sees_only_its_own_vendors_contracts(self, demo: None) -> None:
        jutaku = User.objects.get(username="jutaku")
        assert access.vendor_of(jutaku) == Vendor.objects.get(legal_name=demo_vendors.MIDORI)
        titles = list(access.contracts_visible_to(jutaku).values_list("title", flat=True))
        assert titles == [demo_vendors.TITLE_B]
        assert Contract.objects.count() == 4


class TestTheAuditTrail:
    def test_every_vendor_row_was_written_through_an_audited_service(self, demo: None) -> None:
        for model in (Vendor, Contract, Certification, SubcontractApproval, ReturnErasure):
            created = AuditEvent.objects.filter(
                action=AuditEvent.Action.CREATE, object_type=model._meta.label_lower
            )
            assert created.count() == model._default_manager.count() > 0, model.__name__


class TestTheHomePage:
    def test_the_department_sees_its_warned_contract_and_the_expiring_certification(
        self, demo: None, client: Client
    ) -> None:
        client.force_login(User.objects.get(username="shogai"))
        response = client.get(reverse("core:home"))
        assert response.status_code == 200
        warned = [w.contract.title for w in response.context["contracts_warned"]]
        assert warned == [demo_vendors.TITLE_A]
        expiring = response.context["certifications_expiring"]
        assert [c.vendor.legal_name for c in expiring] == [demo_vendors.KEYAKINO]
