"""The contract pages: the list, a contract's page, its clauses, data held and sub-outsourcing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations.models import Consultation
from mamori.vendors.models import (
    Clause,
    Contract,
    ContractBasis,
    DataHolding,
    EntityKind,
    Handover,
    Medium,
    SubcontractApproval,
    Vendor,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
ANSWERED_ON = dt.date(2009, 8, 6)
READERS = ["secretariat", "staff", "auditor", "contractor"]
# A record promising confidentiality (契約書約款第7条) and return or erasure of paper.
PROMISING_RECORD = testing.record_data(
    safeguards={
        "confidentiality": {"present": True, "reference": "契約書約款第7条"},
        "return_or_erasure_paper": {"present": True, "reference": "特約条項第12条"},
    }
)


@pytest.fixture
def vendor(personas: Personas) -> Vendor:
    vendor = testing.make_vendor(
        legal_name="社会福祉法人ひまわり会", entity_kind=EntityKind.SHAKAI_FUKUSHI
    )
    testing.link_vendor_user(personas.contractor, vendor)
    return vendor


@pytest.fixture
def consultation(personas: Personas) -> Consultation:
    """諮問第4号 of 障害支援課, answered 可 on 平成21年8月6日."""
    return testing.make_answered_consultation(
        personas.council, personas.shogai, decided_on=ANSWERED_ON, data=PROMISING_RECORD
    )


@pytest.fixture
def contract(personas: Personas, vendor: Vendor, consultation: Consultation) -> Contract:
    return testing.make_contract(
        personas.shogai, vendor, consultation=consultation, title="障害者就労支援事業業務委託"
    )


def url(name: str, *args: Any) -> str:
    return reverse(f"vendors:{name}", args=args or None)


def signed_in(client: Client, personas: Personas, role: str) -> Client:
    client.force_login(getattr(personas, role))
    return client


def sends_to_sign_in(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def form_errors(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def contract_data(consultation: Consultation, vendor: Vendor, **overrides: Any) -> dict[str, Any]:
    data = {
        "department": consultation.department_id,
        "vendor": vendor.pk,
        "title": "障害者就労支援事業業務委託",
        "number": "障支第12号",
        "starts_on": "平成21年10月1日",
        "ends_on": "H22.3.31",
        "procurement_method": "proposal",
        "consultations": [consultation.pk],
    }
    return data | overrides


def gap_kinds(response: Any) -> set[str]:
    return {str(gap.kind) for gap in response.context["clause_gaps"]}


# Who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_the_list_and_the_contract_page_show_to_every_role_that_may_see_the_contract(
    client: Client, personas: Personas, contract: Contract, role: str
) -> None:
    signed_in(client, personas, role)
    listing = client.get(url("contract_list"))
    assert [row.contract for row in listing.context["rows"]] == [contract]
    page = client.get(url("contract_detail", contract.pk))
    assert page.status_code == 200
    assert contract.title in page.content.decode()


def test_staff_of_another_department_neither_list_nor_open_the_contract(
    client: Client, personas: Personas, contract: Contract
) -> None:
    signed_in(client, personas, "other_staff")
    assert client.get(url("contract_list")).context["rows"] == []
    assert client.get(url("contract_detail", contract.pk)).status_code == 403


def test_a_contractor_may_not_open_another_vendors_contract(
    client: Client, personas: Personas, contract: Contract
) -> None:
    testing.link_vendor_user(personas.other_contractor, testing.make_vendor())
    signed_in(client, personas, "other_contractor")
    assert client.get(url("contract_list")).context["rows"] == []
    assert client.get(url("contract_detail", contract.pk)).status_code == 403


def test_a_contractor_without_a_link_sees_no_contract(
    client: Client, personas: Personas, contract: Contract
) -> None:
    signed_in(client, personas, "other_contractor")
    assert client.get(url("contract_list")).context["rows"] == []
    assert client.get(url("contract_detail", contract.pk)).status_code == 403


def test_council_members_are_refused_every_contract_page(
    client: Client, personas: Personas, contract: Contract
) -> None:
    signed_in(client, personas, "member")
    for page in ("contract_list", "contract_create"):
        assert client.get(url(page)).status_code == 403
    for page in ("contract_detail", "contract_edit", "contract_clauses", "holding_add"):
        assert client.get(url(page, contract.pk)).status_code == 403


def test_the_signed_out_are_sent_to_sign_in(client: Client, contract: Contract) -> None:
    assert sends_to_sign_in(client.get(url("contract_list")))
    assert sends_to_sign_in(client.get(url("contract_detail", contract.pk)))
    assert sends_to_sign_in(client.get(url("contract_create")))


@pytest.mark.parametrize("role", ["auditor", "contractor", "other_staff"])
def test_the_write_pages_refuse_those_who_may_not_change_the_contract(
    client: Client, personas: Personas, contract: Contract, role: str
) -> None:
    approval = SubcontractApproval.objects.create(
        contract=contract, subcontractor=testing.make_vendor(), scope="保守"
    )
    signed_in(client, personas, role)
    for page in ("contract_edit", "contract_clauses", "holding_add"):
        assert client.get(url(page, contract.pk)).status_code == 403
    assert client.get(url("subcontract_approve", approval.pk)).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "contractor"])
def test_readers_may_not_record_a_contract(client: Client, personas: Personas, role: str) -> None:
    assert signed_in(client, personas, role).get(url("contract_create")).status_code == 403


def test_a_contract_page_shows_its_basis_with_the_decision_and_the_version_answered(
    client: Client, personas: Personas, contract: Contract, consultation: Consultation
) -> None:
    page = signed_in(client, personas, "staff").get(url("contract_detail", contract.pk))
    body = page.content.decode()
    consultation_page = reverse(
        "consultations:consultation_detail",
        kwargs={"council": consultation.council.slug, "key": consultation.key},
    )
    assert consultation_page in body
    assert "平成21年8月6日" in body
    (basis,) = page.context["bases"]
    assert basis.answered_version.number == 1


def test_the_contractor_sees_the_basis_without_a_link_to_the_consultation(
    client: Client, personas: Personas, contract: Contract, consultation: Consultation
) -> None:
    body = signed_in(client, personas, "contractor").get(url("contract_detail", contract.pk))
    assert consultation.title in body.content.decode()
    assert reverse("consultations:consultation_list") + "kojin/" not in body.content.decode()


def test_a_vendor_named_like_a_script_is_shown_escaped_on_contract_pages(
    client: Client, personas: Personas
) -> None:
    vendor = testing.make_vendor(legal_name="<script>alert(1)</script>")
    contract = testing.make_contract(personas.shogai, vendor, title="<img src=x onerror=1>")
    SubcontractApproval.objects.create(contract=contract, subcontractor=vendor, scope="<i>保守</i>")
    signed_in(client, personas, "staff")
    for page in (url("contract_list"), url("contract_detail", contract.pk)):
        body = client.get(page).content.decode()
        assert "<script>alert(1)" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;alert(1)" in body


# Recording and changing a contract -----------------------------------------------------------


def test_staff_record_a_contract_on_an_answered_consultation(
    client: Client, personas: Personas, vendor: Vendor, consultation: Consultation
) -> None:
    page = signed_in(client, personas, "staff").get(url("contract_create"))
    assert list(page.context["form"].fields["consultations"].queryset) == [consultation]
    label = page.context["form"].fields["consultations"].label_from_instance(consultation)
    assert (
        label
        == f"諮問第{consultation.number}号（{consultation.fiscal_year_label}）{consultation.title}"
    )
    response = client.post(url("contract_create"), contract_data(consultation, vendor))
    contract = Contract.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("contract_detail", contract.pk)
    assert (contract.starts_on, contract.ends_on) == (dt.date(2009, 10, 1), dt.date(2010, 3, 31))
    assert ContractBasis.objects.get(contract=contract).consultation == consultation


def test_staff_choose_only_their_own_departments_and_consultations(
    client: Client, personas: Personas, consultation: Consultation
) -> None:
    other = testing.make_answered_consultation(personas.council, personas.kodomo)
    form = signed_in(client, personas, "staff").get(url("contract_create")).context["form"]
    assert personas.kodomo not in form.fields["department"].queryset
    assert other not in form.fields["consultations"].queryset


def test_it_refuses_a_contract_starting_before_the_answer_and_saves_nothing(
    client: Client, personas: Personas, vendor: Vendor, consultation: Consultation
) -> None:
    data = contract_data(consultation, vendor, starts_on="平成21年8月1日")
    response = signed_in(client, personas, "staff").post(url("contract_create"), data)
    assert response.status_code == 200
    assert form_errors(response, "starts_on")
    assert 'value="障支第12号"' in response.content.decode()
    assert not Contract.objects.exists()
    assert not ContractBasis.objects.exists()


def test_it_refuses_a_consultation_that_is_not_answered(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    draft = testing.make_consultation(personas.council, personas.shogai)
    data = contract_data(draft, vendor)
    response = signed_in(client, personas, "staff").post(url("contract_create"), data)
    assert form_errors(response, "consultations")
    assert not Contract.objects.exists()


def test_staff_change_the_period_of_their_contract(
    client: Client, personas: Personas, contract: Contract
) -> None:
    data = {
        "title": contract.title,
        "starts_on": "2009-10-01",
        "ends_on": "2011-03-31",
        "procurement_method": "proposal",
    }
    response = signed_in(client, personas, "staff").post(url("contract_edit", contract.pk), data)
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.ends_on == dt.date(2011, 3, 31)


def test_it_refuses_a_change_that_moves_the_start_before_the_answer(
    client: Client, personas: Personas, contract: Contract
) -> None:
    data = {
        "title": contract.title,
        "starts_on": "2009-04-01",
        "ends_on": "2010-03-31",
        "procurement_method": "proposal",
    }
    response = signed_in(client, personas, "staff").post(url("contract_edit", contract.pk), data)
    assert form_errors(response, "starts_on")
    contract.refresh_from_db()
    assert contract.starts_on == dt.date(2009, 10, 1)


# Clauses -------------------------------------------------------------------------------------


def test_recording_a_promised_clause_makes_its_gap_disappear(
    client: Client, personas: Personas, contract: Contract
) -> None:
    signed_in(client, personas, "staff")
    before = client.get(url("contract_detail", contract.pk))
    assert gap_kinds(before) == {"confidentiality", "return_erasure"}
    assert 'data-clause-gap="confidentiality"' in before.content.decode()
    data = {"confidentiality-present": "on", "confidentiality-reference": "契約書約款第7条"}
    response = client.post(url("contract_clauses", contract.pk), data)
    assert response.status_code == 302
    clause = Clause.objects.get(contract=contract, kind=Clause.Kind.CONFIDENTIALITY)
    assert (clause.present, clause.reference) == (True, "契約書約款第7条")
    after = client.get(url("contract_detail", contract.pk))
    assert gap_kinds(after) == {"return_erasure"}
    assert 'data-clause-gap="confidentiality"' not in after.content.decode()


def test_a_clause_in_the_contract_needs_its_article(
    client: Client, personas: Personas, contract: Contract
) -> None:
    data = {"confidentiality-present": "on", "penalty-present": "on", "penalty-reference": "第9条"}
    response = signed_in(client, personas, "staff").post(url("contract_clauses", contract.pk), data)
    assert response.status_code == 200
    assert form_errors(response, "confidentiality-reference")
    assert not Clause.objects.filter(contract=contract, present=True).exists()


def test_the_clauses_form_shows_what_is_recorded(
    client: Client, personas: Personas, contract: Contract
) -> None:
    Clause.objects.create(
        contract=contract, kind=Clause.Kind.AUDIT, present=True, reference="特約条項第15条"
    )
    page = signed_in(client, personas, "staff").get(url("contract_clauses", contract.pk))
    assert len(page.context["form"].rows()) == 9
    assert 'value="特約条項第15条"' in page.content.decode()


# Data held -----------------------------------------------------------------------------------


def test_staff_add_and_remove_data_held(
    client: Client, personas: Personas, contract: Contract
) -> None:
    signed_in(client, personas, "staff")
    data = {"medium": Medium.PAPER, "description": "利用者台帳", "location": "事業所の施錠書庫"}
    assert client.post(url("holding_add", contract.pk), data).status_code == 302
    holding = DataHolding.objects.get(contract=contract, description="利用者台帳")
    assert client.get(url("holding_delete", holding.pk)).status_code == 405
    assert client.post(url("holding_delete", holding.pk)).status_code == 302
    assert not DataHolding.objects.filter(pk=holding.pk).exists()


def test_the_contractor_may_not_remove_data_held(
    client: Client, personas: Personas, contract: Contract
) -> None:
    holding = DataHolding.objects.create(contract=contract, medium=Medium.PAPER, description="台帳")
    response = signed_in(client, personas, "contractor").post(url("holding_delete", holding.pk))
    assert response.status_code == 403
    assert DataHolding.objects.filter(pk=holding.pk).exists()


# Sub-outsourcing -----------------------------------------------------------------------------


def test_the_contractor_asks_for_a_sub_contractor_and_the_department_approves_it(
    client: Client, personas: Personas, contract: Contract
) -> None:
    request_file = SimpleUploadedFile("承認願.pdf", PDF, content_type="application/pdf")
    response = signed_in(client, personas, "contractor").post(
        url("subcontract_add", contract.pk),
        {
            "subcontractor": "new",
            "new_legal_name": "有限会社いろは",
            "new_entity_kind": EntityKind.YUGEN,
            "new_corporate_number": testing.CORPORATE_NUMBERS[1],
            "scope": "入退室管理システムの保守",
            "request_file": request_file,
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        gettext("The request for approval of the sub-outsourcing was sent.")
    ]
    approval = SubcontractApproval.objects.get(contract=contract)
    assert approval.subcontractor.legal_name == "有限会社いろは"
    assert approval.subcontractor.corporate_number == testing.CORPORATE_NUMBERS[1]
    assert AuditEvent.objects.filter(
        use_case="vendors.propose_subcontractor", object_id=str(approval.subcontractor_id)
    ).exists()
    assert approval.request_document is not None
    assert not approval.is_approved
    # The contractor sees its request waiting, not a warning meant for the city.
    page = client.get(url("contract_detail", contract.pk))
    assert page.context["subcontract_flags"] == []
    assert 'data-state="pending"' in page.content.decode()
    assert client.post(url("subcontract_approve", approval.pk)).status_code == 403

    signed_in(client, personas, "staff")
    page = client.get(url("contract_detail", contract.pk))
    assert [flag.reason for flag in page.context["subcontract_flags"]] == ["not_approved"]
    assert client.get(url("subcontract_approve", approval.pk)).status_code == 200
    response = client.post(url("subcontract_approve", approval.pk), {"approved_on": "R1.5.7"})
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.approved_on == dt.date(2019, 5, 7)
    assert approval.approved_by == personas.staff
    assert client.get(url("contract_detail", contract.pk)).context["subcontract_flags"] == []


def record_naming(personas: Personas, *names: str) -> Consultation:
    """An answered consultation whose record names these sub-contractors."""
    return testing.make_answered_consultation(
        personas.council,
        personas.shogai,
        decided_on=ANSWERED_ON,
        data=testing.record_data(
            outsourcing={
                "outsourced": True,
                "subcontractors": [{"row_id": f"s{i}", "name": n} for i, n in enumerate(names)],
            }
        ),
    )


def test_a_contractor_chooses_only_among_the_chain_and_the_companies_the_record_names(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    contract = testing.make_contract(
        personas.shogai, vendor, consultation=record_naming(personas, "有限会社　ミドリ設備")
    )
    named = testing.make_vendor(legal_name="有限会社ミドリ設備")
    in_chain = testing.make_vendor(legal_name="学校法人白梅学園")
    SubcontractApproval.objects.create(contract=contract, subcontractor=in_chain, scope="運営")
    testing.make_vendor(legal_name="株式会社きょうそう相手")
    page = signed_in(client, personas, "contractor").get(url("subcontract_add", contract.pk))
    body = page.content.decode()
    assert "株式会社きょうそう相手" not in body
    assert named.legal_name in body
    assert in_chain.legal_name in body
    # The city's staff still choose from every vendor.
    staff_page = signed_in(Client(), personas, "staff").get(url("subcontract_add", contract.pk))
    assert "株式会社きょうそう相手" in staff_page.content.decode()


def test_a_contractor_cannot_post_a_vendor_it_was_not_offered(
    client: Client, personas: Personas, contract: Contract
) -> None:
    hidden = testing.make_vendor(legal_name="株式会社きょうそう相手")
    response = signed_in(client, personas, "contractor").post(
        url("subcontract_add", contract.pk), {"subcontractor": hidden.pk, "scope": "保守"}
    )
    assert response.status_code == 200
    assert form_errors(response, "subcontractor")
    assert not SubcontractApproval.objects.exists()


def test_a_proposed_company_with_a_known_number_is_the_vendor_already_registered(
    client: Client, personas: Personas, contract: Contract
) -> None:
    known = testing.make_vendor(
        legal_name="株式会社くぬぎ情報サービス", corporate_number=testing.CORPORATE_NUMBERS[2]
    )
    response = signed_in(client, personas, "contractor").post(
        url("subcontract_add", contract.pk),
        {
            "subcontractor": "new",
            "new_legal_name": "くぬぎ情報",
            "new_entity_kind": EntityKind.KABUSHIKI,
            "new_corporate_number": testing.CORPORATE_NUMBERS[2],
            "scope": "保守",
        },
    )
    assert response.status_code == 302
    assert SubcontractApproval.objects.get(contract=contract).subcontractor == known
    assert Vendor.objects.filter(legal_name="くぬぎ情報").count() == 0


def test_a_new_company_needs_its_name_and_kind_and_a_valid_number_all_at_once(
    client: Client, personas: Personas, contract: Contract
) -> None:
    before = Vendor.objects.count()
    response = signed_in(client, personas, "contractor").post(
        url("subcontract_add", contract.pk),
        {"subcontractor": "new", "new_corporate_number": "1" + testing.CORPORATE_NUMBERS[0][1:]},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "new_legal_name",
        "new_entity_kind",
        "new_corporate_number",
        "scope",
    }
    assert Vendor.objects.count() == before
    assert not SubcontractApproval.objects.exists()


def pending(contract: Contract, **fields: Any) -> SubcontractApproval:
    return SubcontractApproval.objects.create(
        contract=contract, subcontractor=testing.make_vendor(), scope="保守", **fields
    )


def test_the_department_refuses_a_request_with_its_reason(
    client: Client, personas: Personas, contract: Contract
) -> None:
    approval = pending(contract)
    child = pending(contract, parent=approval)
    signed_in(client, personas, "staff")
    assert client.get(url("subcontract_refuse", approval.pk)).status_code == 200
    empty = client.post(url("subcontract_refuse", approval.pk), {"refused_on": "R1.5.7"})
    assert form_errors(empty, "reason") == [gettext("Enter the reason for the refusal.")]
    response = client.post(
        url("subcontract_refuse", approval.pk),
        {"refused_on": "R1.5.7", "reason": "個人情報の管理体制が確認できないため"},
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert (approval.refused_on, approval.refused_by) == (dt.date(2019, 5, 7), personas.staff)
    page = client.get(url("contract_detail", contract.pk))
    body = page.content.decode()
    assert 'data-state="refused"' in body
    assert "個人情報の管理体制が確認できないため" in body
    # Neither the refused entry nor the tier under it works: no warning, no approval.
    assert page.context["subcontract_flags"] == []
    assert url("subcontract_approve", approval.pk) not in body
    again = client.post(url("subcontract_approve", approval.pk), {"approved_on": "R1.5.8"})
    assert again.status_code == 200
    child_page = client.post(url("subcontract_approve", child.pk), {"approved_on": "R1.5.8"})
    assert child_page.status_code == 200
    assert child_page.context["form"].errors
    child.refresh_from_db()
    approval.refresh_from_db()
    assert not child.is_approved
    assert not approval.is_approved


def test_the_contractor_sees_the_refusal_and_its_reason(
    client: Client, personas: Personas, contract: Contract
) -> None:
    pending(
        contract,
        refused_on=dt.date(2019, 5, 7),
        refused_by=personas.staff,
        refusal_reason="体制が不十分",
    )
    body = signed_in(client, personas, "contractor").get(url("contract_detail", contract.pk))
    assert "体制が不十分" in body.content.decode()


def test_the_approval_page_shows_the_request_and_links_the_consultation(
    client: Client, personas: Personas, contract: Contract, consultation: Consultation
) -> None:
    from mamori.vendors import services

    approval = services.add_subcontract(
        actor=personas.staff,
        contract=contract,
        subcontractor=testing.make_vendor(),
        scope="保守",
        request_file=SimpleUploadedFile("承認願.pdf", PDF, content_type="application/pdf"),
    )
    signed_in(client, personas, "staff")
    page = client.get(url("subcontract_approve", approval.pk)).content.decode()
    assert url("document_download", approval.request_document_id) in page
    assert url("subcontract_refuse", approval.pk) in page
    response = client.post(
        url("subcontract_approve", approval.pk),
        {"approved_on": "R1.5.7", "consultation": consultation.pk},
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.consultation == consultation


def test_a_chain_is_shown_as_nested_lists(
    client: Client, personas: Personas, contract: Contract
) -> None:
    first = SubcontractApproval.objects.create(
        contract=contract,
        subcontractor=testing.make_vendor(legal_name="学校法人白梅学園"),
        scope="運営",
    )
    SubcontractApproval.objects.create(
        contract=contract,
        parent=first,
        subcontractor=testing.make_vendor(legal_name="有限会社いろは"),
        scope="保守",
    )
    body = signed_in(client, personas, "staff").get(url("contract_detail", contract.pk)).content
    text = body.decode()
    assert text.count('class="subcontract-tree"') == 2
    assert text.index("学校法人白梅学園") < text.index("有限会社いろは")
    assert 'data-depth="1"' in text


def test_the_department_places_a_sub_contractor_under_another_tier(
    client: Client, personas: Personas, contract: Contract
) -> None:
    first = SubcontractApproval.objects.create(
        contract=contract, subcontractor=testing.make_vendor(), scope="運営"
    )
    sub = testing.make_vendor()
    response = signed_in(client, personas, "staff").post(
        url("subcontract_add", contract.pk),
        {"subcontractor": sub.pk, "parent": first.pk, "scope": "保守"},
    )
    assert response.status_code == 302
    assert SubcontractApproval.objects.get(subcontractor=sub).parent == first


def test_it_refuses_approval_without_a_request_on_file(
    client: Client, personas: Personas, contract: Contract
) -> None:
    approval = SubcontractApproval.objects.create(
        contract=contract, subcontractor=testing.make_vendor(), scope="保守"
    )
    response = signed_in(client, personas, "staff").post(
        url("subcontract_approve", approval.pk), {"approved_on": "2009-10-05"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    approval.refresh_from_db()
    assert not approval.is_approved


def test_a_contractor_may_not_add_a_sub_contractor_to_another_vendors_contract(
    client: Client, personas: Personas, contract: Contract
) -> None:
    testing.link_vendor_user(personas.other_contractor, testing.make_vendor())
    response = signed_in(client, personas, "other_contractor").post(
        url("subcontract_add", contract.pk),
        {"subcontractor": testing.make_vendor().pk, "scope": "保守"},
    )
    assert response.status_code == 403
    assert not SubcontractApproval.objects.exists()


# The list's filters and its cost -------------------------------------------------------------


def test_the_flagged_filter_keeps_only_contracts_with_warnings(
    client: Client, personas: Personas, vendor: Vendor, contract: Contract
) -> None:
    for kind in Clause.Kind:
        Clause.objects.create(contract=contract, kind=kind, present=True, reference="第1条")
    quiet = testing.make_contract(personas.shogai, vendor)
    unapproved = testing.make_contract(personas.shogai, vendor)
    SubcontractApproval.objects.create(
        contract=unapproved, subcontractor=testing.make_vendor(), scope="保守"
    )
    signed_in(client, personas, "staff")
    every = client.get(url("contract_list")).context["rows"]
    assert {row.contract for row in every} == {contract, quiet, unapproved}
    flagged = client.get(url("contract_list"), {"flagged": "on"}).context["rows"]
    assert [(row.contract, row.flag_count) for row in flagged] == [(unapproved, 2)]


def test_the_flagged_filter_keeps_a_missing_named_sub_contractor_and_a_direct_handover(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    named = testing.make_contract(
        personas.shogai, vendor, consultation=record_naming(personas, "有限会社ミドリ設備")
    )
    old = testing.make_contract(personas.shogai, vendor)
    new = testing.make_contract(personas.shogai, testing.make_vendor(), previous_contract=old)
    Handover.objects.create(
        old_contract=old, new_contract=new, description="台帳", status=Handover.Status.DIRECT
    )
    testing.make_contract(personas.shogai, vendor)  # nothing to warn about
    rows = signed_in(client, personas, "staff").get(url("contract_list"), {"flagged": "on"})
    counts = {row.contract: row.flag_count for row in rows.context["rows"]}
    assert counts == {named: 1, old: 1, new: 1}


def test_a_refused_sub_contractor_is_no_warning_in_the_list(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    contract = testing.make_contract(personas.shogai, vendor)
    pending(
        contract, refused_on=dt.date(2009, 11, 1), refused_by=personas.staff, refusal_reason="否"
    )
    rows = signed_in(client, personas, "staff").get(url("contract_list"), {"flagged": "on"})
    assert rows.context["rows"] == []


def test_the_list_filters_by_status_and_contractor(
    client: Client, personas: Personas, vendor: Vendor, contract: Contract
) -> None:
    ended = testing.make_contract(
        personas.shogai, status=Contract.Status.ENDED, ended_on=dt.date(2010, 3, 31)
    )
    signed_in(client, personas, "secretariat")
    by_status = client.get(url("contract_list"), {"status": "ended"}).context["rows"]
    assert [row.contract for row in by_status] == [ended]
    by_vendor = client.get(url("contract_list"), {"vendor": vendor.pk}).context["rows"]
    assert [row.contract for row in by_vendor] == [contract]


def test_the_list_costs_the_same_queries_for_few_contracts_as_for_many(
    client: Client, personas: Personas, vendor: Vendor, consultation: Consultation
) -> None:
    signed_in(client, personas, "secretariat")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("contract_list")).status_code == 200
        return len(captured)

    def add_contracts(count: int) -> None:
        for _ in range(count):
            contract = testing.make_contract(personas.shogai, vendor, consultation=consultation)
            SubcontractApproval.objects.create(
                contract=contract, subcontractor=testing.make_vendor(), scope="保守"
            )

    add_contracts(1)
    few = queries()
    add_contracts(6)
    assert queries() == few


# Shown status, lengths, wording ---------------------------------------------------------------


def test_a_live_contract_past_its_period_asks_for_its_end(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    today = timezone.localdate()
    over = testing.make_contract(
        personas.shogai, vendor, starts_on=dt.date(2009, 8, 6), ends_on=dt.date(2010, 3, 31)
    )
    future = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today + dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=400),
    )
    signed_in(client, personas, "staff")
    rows = client.get(url("contract_list")).context["rows"]
    assert {row.contract: row.status.code for row in rows} == {
        over: "expired",
        future: "not_started",
    }
    page = client.get(url("contract_detail", over.pk))
    assert page.context["shown_status"].needs_ending
    assert 'id="period-over"' in page.content.decode()
    assert url("contract_end", over.pk) in page.content.decode()
    calm = client.get(url("contract_detail", future.pk)).content.decode()
    assert 'id="period-over"' not in calm


def test_a_title_longer_than_the_model_keeps_is_refused(
    client: Client, personas: Personas, vendor: Vendor, consultation: Consultation
) -> None:
    data = contract_data(consultation, vendor, title="あ" * 600)
    response = signed_in(client, personas, "staff").post(url("contract_create"), data)
    assert response.status_code == 200
    assert form_errors(response, "title") == [
        gettext("Enter at most %(limit_value)d characters (%(show_value)d were entered).")
        % {"limit_value": 300, "show_value": 600}
    ]
    assert not Contract.objects.exists()


def test_an_empty_contract_form_says_what_each_field_needs(
    client: Client, personas: Personas
) -> None:
    response = signed_in(client, personas, "staff").post(url("contract_create"), {"title": ""})
    errors = response.context["form"].errors
    assert errors["vendor"] == [gettext("Choose the contractor.")]
    assert errors["title"] == [gettext("Enter the contract's title.")]
    assert errors["starts_on"] == [gettext("Enter the first day of the contract.")]
    assert "None" not in response.content.decode()


def test_an_article_typed_for_a_clause_not_ticked_is_an_error_naming_the_clause(
    client: Client, personas: Personas, contract: Contract
) -> None:
    data = {"training-reference": "第99条", "penalty-present": "on"}
    response = signed_in(client, personas, "staff").post(url("contract_clauses", contract.pk), data)
    assert response.status_code == 200
    assert form_errors(response, "training-reference")
    assert form_errors(response, "penalty-reference") == [
        gettext("Enter where the contract provides for “%(clause)s”.")
        % {"clause": Clause.Kind.PENALTY.label}
    ]
    assert not Clause.objects.filter(contract=contract, present=True).exists()


def test_an_ended_contract_offers_no_adding_or_removing(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    ended = testing.make_contract(
        personas.shogai, vendor, status=Contract.Status.ENDED, ended_on=dt.date(2010, 3, 31)
    )
    holding = DataHolding.objects.create(contract=ended, medium=Medium.PAPER, description="台帳")
    approval = pending(ended)
    body = signed_in(client, personas, "staff").get(url("contract_detail", ended.pk))
    text = body.content.decode()
    for hidden in (
        url("holding_add", ended.pk),
        url("holding_delete", holding.pk),
        url("subcontract_add", ended.pk),
        url("subcontract_approve", approval.pk),
        url("subcontract_refuse", approval.pk),
        url("contract_clauses", ended.pk),
    ):
        assert hidden not in text
