"""The home page's blocks about the end of contracts: overdue returns and erasures and
certificates awaiting verification for the city's staff, what to file for a contractor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.accounts.models import Role, User
from mamori.conftest import Personas
from mamori.consultations.models import Consultation
from mamori.vendors import services
from mamori.vendors.models import (
    Certification,
    Contract,
    DataHolding,
    Medium,
    ReturnErasure,
    SubcontractApproval,
    VendorDocument,
)

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
HOME = reverse("core:home")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def contract(personas: Personas) -> Contract:
    """An ended contract of 障害支援課 whose tasks fell due in 平成22年: overdue."""
    vendor = testing.make_vendor(legal_name="株式会社ひまわり")
    testing.link_vendor_user(personas.contractor, vendor)
    contract = testing.make_contract(personas.shogai, vendor)
    for medium, description in [(Medium.PAPER, "登録者台帳"), (Medium.ELECTRONIC, "支援記録")]:
        DataHolding.objects.create(contract=contract, medium=medium, description=description)
    services.end_contract(actor=personas.staff, contract=contract, ended_on=dt.date(2010, 3, 31))
    return contract


def first_task(contract: Contract) -> ReturnErasure:
    task = contract.return_erasures.order_by("id").first()
    assert task is not None
    return task


def home_of(client: Client, user: User) -> Any:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response


def task_url(task: ReturnErasure) -> str:
    return reverse("vendors:erasure_detail", args=[task.pk])


def test_an_overdue_task_shows_for_its_department_and_the_secretariat(
    client: Client, personas: Personas, contract: Contract
) -> None:
    task = first_task(contract)
    for user in (personas.staff, personas.secretariat):
        response = home_of(client, user)
        assert task in response.context["erasures_overdue"]
        assert response.context["erasures_overdue_count"] == 2
        content = response.content.decode()
        assert task_url(task) in content
        assert reverse("vendors:erasure_list") + "?status=overdue" in content


def test_an_overdue_task_does_not_show_for_another_department(
    client: Client, personas: Personas, contract: Contract
) -> None:
    response = home_of(client, personas.other_staff)
    assert response.context["erasures_overdue_count"] == 0
    assert task_url(first_task(contract)) not in response.content.decode()


def test_a_filed_certificate_awaits_verification_and_is_no_longer_overdue(
    client: Client, personas: Personas, contract: Contract
) -> None:
    task = first_task(contract)
    services.file_certificate(
        actor=personas.contractor,
        task=task,
        uploaded_file=SimpleUploadedFile("証明書.pdf", PDF, content_type="application/pdf"),
    )
    response = home_of(client, personas.staff)
    assert response.context["erasures_submitted"] == [task]
    assert response.context["erasures_overdue_count"] == 1
    assert task not in response.context["erasures_overdue"]


def test_the_list_on_home_is_bounded(
    client: Client, personas: Personas, contract: Contract
) -> None:
    for number in range(12):
        DataHolding.objects.create(
            contract=contract, medium=Medium.PAPER, description=f"台帳{number}"
        )
    more = testing.make_contract(personas.shogai, contract.vendor)
    for number in range(12):
        DataHolding.objects.create(contract=more, medium=Medium.PAPER, description=f"帳票{number}")
    services.end_contract(actor=personas.staff, contract=more, ended_on=dt.date(2010, 3, 31))
    response = home_of(client, personas.staff)
    assert response.context["erasures_overdue_count"] == 14
    assert len(response.context["erasures_overdue"]) == 10


def test_the_contractor_sees_its_certificates_and_documents_to_file(
    client: Client, personas: Personas, contract: Contract
) -> None:
    asked = services.request_document(actor=personas.staff, contract=contract, title="従事者名簿")
    response = home_of(client, personas.contractor)
    content = response.content.decode()
    assert task_url(first_task(contract)) in content
    assert reverse("vendors:document_request_file", args=[asked.pk]) in content
    assert "erasures_overdue" not in response.context


def test_a_contractor_of_another_vendor_sees_nothing_of_it(
    client: Client, personas: Personas, contract: Contract
) -> None:
    services.request_document(actor=personas.staff, contract=contract, title="従事者名簿")
    stranger = testing.make_user(Role.CONTRACTOR, username="stranger")
    testing.link_vendor_user(stranger, testing.make_vendor())
    response = home_of(client, stranger)
    assert response.context["certificates_to_file"] == []
    assert response.context["documents_to_file"] == []
    unlinked = home_of(client, testing.make_user(Role.CONTRACTOR, username="unlinked"))
    assert unlinked.context["certificates_to_file"] == []


@pytest.mark.parametrize("role", ["member", "auditor"])
def test_members_and_auditors_get_no_vendor_blocks(
    client: Client, personas: Personas, contract: Contract, role: str
) -> None:
    response = home_of(client, getattr(personas, role))
    assert "erasures_overdue" not in response.context
    assert "certificates_to_file" not in response.context
    assert task_url(first_task(contract)) not in response.content.decode()


# What the contractors did or lack, for the city's staff ---------------------------------------

PROMISES = {"confidentiality": {"present": True, "reference": "契約書約款第7条"}}
DAY = dt.timedelta(days=1)


def running(department: Any, vendor: Any = None, **overrides: Any) -> Contract:
    """A contract of the department running today."""
    today = timezone.localdate()
    fields: dict[str, Any] = {"starts_on": today - 100 * DAY, "ends_on": today + 200 * DAY}
    fields.update(overrides)
    contract: Contract = testing.make_contract(department, vendor, **fields)
    return contract


def with_clause_gap(personas: Personas, department: Any) -> Contract:
    """A running contract resting on an answer that promised confidentiality, lacking it."""
    consultation = testing.make_answered_consultation(
        personas.council, department, data=testing.record_data(safeguards=PROMISES)
    )
    return running(department, consultation=consultation)


def pending_subcontract(contract: Contract, **fields: Any) -> SubcontractApproval:
    approval: SubcontractApproval = SubcontractApproval.objects.create(
        contract=contract, subcontractor=testing.make_vendor(), scope="保守", **fields
    )
    return approval


def confirmed_certification(vendor: Any, user: User, expires_on: dt.date) -> Certification:
    certification: Certification = Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.PRIVACY_MARK,
        number="10820001(05)",
        valid_from=expires_on - 730 * DAY,
        expires_on=expires_on,
        confirmed_on=timezone.localdate() - 300 * DAY,
        confirmed_by=user,
    )
    return certification


def test_the_consultations_block_lists_only_those_not_yet_answered(
    client: Client, personas: Personas
) -> None:
    Status = Consultation.Status
    made = {
        status: testing.make_consultation(personas.council, personas.shogai, status=status)
        for status in (Status.ON_AGENDA, Status.CONTINUED, Status.ANSWERED, Status.FOLLOW_UP)
    }
    listed = set(home_of(client, personas.staff).context["consultations"])
    assert listed == {made[Status.ON_AGENDA], made[Status.CONTINUED]}


def test_a_sub_outsourcing_awaiting_approval_shows_for_its_department_only(
    client: Client, personas: Personas
) -> None:
    contract = running(personas.shogai)
    waiting = pending_subcontract(contract)
    pending_subcontract(contract, approved_on=dt.date(2025, 4, 1), approved_by=personas.staff)
    pending_subcontract(contract, refused_on=dt.date(2025, 4, 1), refused_by=personas.staff)
    for user in (personas.staff, personas.secretariat):
        response = home_of(client, user)
        assert response.context["subcontracts_pending"] == [waiting]
        assert response.context["subcontracts_pending_count"] == 1
        assert reverse("vendors:subcontract_approve", args=[waiting.pk]) in (
            response.content.decode()
        )
    assert home_of(client, personas.other_staff).context["subcontracts_pending"] == []


def test_a_document_filed_lately_shows_and_an_old_one_does_not(
    client: Client, personas: Personas
) -> None:
    contract = running(personas.shogai)
    recent = services.request_document(actor=personas.staff, contract=contract, title="名簿")
    old = services.request_document(actor=personas.staff, contract=contract, title="報告書")
    services.request_document(actor=personas.staff, contract=contract, title="未提出")
    for asked in (recent, old):
        services.file_requested_document(
            actor=personas.staff,
            request=asked,
            uploaded_file=SimpleUploadedFile("名簿.pdf", PDF, content_type="application/pdf"),
        )
    old.refresh_from_db()
    assert old.document is not None
    VendorDocument.objects.filter(pk=old.document.pk).update(uploaded_at=timezone.now() - 31 * DAY)
    response = home_of(client, personas.staff)
    assert response.context["documents_submitted"] == [recent]
    assert reverse("vendors:document_request_file", args=[recent.pk]) in (response.content.decode())
    assert home_of(client, personas.other_staff).context["documents_submitted"] == []


def test_a_contract_lacking_a_promised_clause_is_warned_to_its_department(
    client: Client, personas: Personas
) -> None:
    gap = with_clause_gap(personas, personas.shogai)
    running(personas.shogai)  # no record: nothing to warn
    response = home_of(client, personas.staff)
    (warning,) = response.context["contracts_warned"]
    assert warning.contract == gap
    assert warning.missing_clauses and not warning.direct_transfer
    assert reverse("vendors:contract_detail", args=[gap.pk]) in response.content.decode()
    assert home_of(client, personas.other_staff).context["contracts_warned"] == []
    assert home_of(client, personas.secretariat).context["contracts_warned_count"] == 1


def test_a_direct_transfer_is_warned_on_both_contracts(client: Client, personas: Personas) -> None:
    old = running(personas.shogai)
    new = running(personas.shogai)
    handover = services.open_handover(
        actor=personas.staff, old_contract=old, new_contract=new, description="登録者台帳"
    )
    services.record_direct_transfer(
        actor=personas.staff, handover=handover, on=timezone.localdate(), note="直接送付"
    )
    warned = home_of(client, personas.staff).context["contracts_warned"]
    assert {w.contract for w in warned} == {old, new}
    assert all(w.direct_transfer for w in warned)


def test_the_warnings_are_read_in_a_bounded_number_of_queries(
    client: Client, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    with_clause_gap(personas, personas.shogai)
    client.force_login(personas.staff)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for _number in range(12):
        with_clause_gap(personas, personas.shogai)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(HOME)
    assert response.context["contracts_warned_count"] == 13
    assert len(response.context["contracts_warned"]) == 10


def test_an_expiring_confirmed_certification_of_a_vendor_under_contract_shows(
    client: Client, personas: Personas, settings: Any
) -> None:
    settings.MAMORI_CERTIFICATION_WARNING_DAYS = 90
    today = timezone.localdate()
    vendor = testing.make_vendor()
    running(personas.shogai, vendor)
    expiring = confirmed_certification(vendor, personas.secretariat, today + 60 * DAY)
    unconfirmed = testing.make_vendor()
    running(personas.shogai, unconfirmed)
    Certification.objects.create(
        vendor=unconfirmed,
        kind=Certification.Kind.ISMS,
        valid_from=today - 300 * DAY,
        expires_on=today + 30 * DAY,
    )
    renewed = testing.make_vendor()
    running(personas.shogai, renewed)
    confirmed_certification(renewed, personas.secretariat, today + 30 * DAY)
    confirmed_certification(renewed, personas.secretariat, today + 760 * DAY)
    response = home_of(client, personas.staff)
    assert response.context["certifications_expiring"] == [expiring]
    assert reverse("vendors:vendor_detail", args=[vendor.pk]) in response.content.decode()
    assert home_of(client, personas.other_staff).context["certifications_expiring"] == []
