"""The home page's blocks about the end of contracts: overdue returns and erasures and
certificates awaiting verification for the city's staff, what to file for a contractor."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.accounts.models import Role, User
from mamori.conftest import Personas
from mamori.vendors import services
from mamori.vendors.models import Contract, DataHolding, Medium, ReturnErasure

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
