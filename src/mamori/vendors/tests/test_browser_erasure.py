"""In a real browser: the department ends a contract, the contractor signs in and files its
certificate of erasure, the department verifies it, and the task closes.

Buttons and inputs are found by their names, ids and addresses, not by their Japanese labels,
so the test does not depend on when the catalogue is compiled.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from mamori import testing
from mamori.conftest import Personas
from mamori.vendors.models import DataHolding, Medium, ReturnErasure

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(testing.PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def sign_out(page: Page) -> None:
    page.locator(".account button[type=submit]").click()
    expect(page.locator(".account")).to_have_count(0)


@pytest.mark.browser
def test_a_contract_ends_the_contractor_files_the_certificate_and_the_department_verifies(
    personas: Personas, live_server: Any, page: Page, screenshot_dir: Path
) -> None:
    vendor = testing.make_vendor(legal_name="株式会社ひまわり")
    testing.link_vendor_user(personas.contractor, vendor)
    contract = testing.make_contract(personas.shogai, vendor, title="就労支援システム運用業務")
    DataHolding.objects.create(
        contract=contract,
        medium=Medium.ELECTRONIC,
        description="支援記録データ",
        location="受託者サーバ",
    )
    base = live_server.url
    contract_url = reverse("vendors:contract_detail", args=[contract.pk])

    # The department ends the contract on its page; the form defaults to the end date.
    sign_in(page, base, "staff")
    page.goto(base + contract_url)
    page.locator(
        f"#endings a[href='{reverse('vendors:contract_end', args=[contract.pk])}']"
    ).click()
    expect(page.locator("input[name=ended_on]")).not_to_have_value("")
    page.locator("input[name=confirm]").check()
    page.locator("button[name=end]").click()
    expect(page).to_have_url(f"{base}{contract_url}#endings")
    task = ReturnErasure.objects.get(contract=contract)
    task_url = reverse("vendors:erasure_detail", args=[task.pk])
    expect(page.locator(f"#endings a[href='{task_url}']")).to_be_visible()
    sign_out(page)

    # The contractor finds the task on its home page and files the certificate.
    sign_in(page, base, "contractor")
    page.locator(f"#certificates-to-file a[href='{task_url}']").click()
    expect(page).to_have_url(base + task_url)
    page.locator("input[name='certificate-file']").set_input_files(
        files=[{"name": "消去証明書.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.locator("input[name='certificate-method']").fill("専用ソフトによる上書き消去")
    page.locator(
        f"form[action='{reverse('vendors:erasure_certificate', args=[task.pk])}'] "
        "button[type=submit]"
    ).click()
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("#task-status")).to_have_attribute("data-status", "submitted")
    expect(page.locator("button[name=verify]")).to_have_count(0)
    sign_out(page)

    # The department verifies it from its home page; the task is closed.
    sign_in(page, base, "staff")
    page.locator(f"#erasures-overdue a[href='{task_url}']").click()
    page.locator("button[name=verify]").click()
    expect(page.locator("#task-status")).to_have_attribute("data-status", "verified")
    task.refresh_from_db()
    assert task.status == ReturnErasure.Status.VERIFIED

    page.goto(base + contract_url)
    row = page.locator("#endings tr", has=page.locator(f"a[href='{task_url}']"))
    expect(row.locator(".erasure-status--verified")).to_be_visible()
    page.goto(base + reverse("vendors:erasure_list"))
    expect(page.locator(f"a[href='{task_url}']")).to_have_count(0)
    page.goto(base + contract_url)
    page.screenshot(path=str(screenshot_dir / "erasure-verified.png"), full_page=True)
    assert (screenshot_dir / "erasure-verified.png").stat().st_size > 10_000
