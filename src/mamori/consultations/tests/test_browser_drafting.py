"""In a real browser: the department drafts and submits a record; the secretariat returns it
with a reason, the department corrects it, and the secretariat accepts it onto an agenda.

Buttons and inputs of the drafting pages are found by their names and values, not by their
Japanese labels, so the test does not depend on when the catalogue is compiled.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation
from mamori.consultations.tests.helpers import url_of

REASON = "データ項目に「障害の種別」がありません。要配慮個人情報として記載してください。"


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(testing.PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def sign_out(page: Page) -> None:
    page.locator(".account button[type=submit]").click()


def save(page: Page, *, then: str = "save") -> None:
    page.locator(f".record-form .actions button[value={then}]").click()


def add_row(page: Page, list_name: str, position: int) -> None:
    """Add a row with htmx; its first input takes the focus once htmx has settled it."""
    page.locator(f"button[name=add][value='{list_name}']").click()
    expect(page.locator(f"[name='{list_name}.{position}.name']")).to_be_focused()


@pytest.mark.browser
def test_department_drafts_and_submits_and_the_secretariat_returns_then_accepts(
    personas: Personas, live_server: Any, page: Page, screenshot_dir: Path
) -> None:
    consultation = testing.make_consultation(
        personas.council, personas.shogai, status="draft", title="障害者就労支援事業業務委託"
    )
    meeting = testing.make_meeting(personas.council, date=dt.date(2009, 8, 6))
    base = live_server.url

    # The department opens its draft and writes the first sections.
    sign_in(page, base, "staff")
    page.goto(base + url_of("consultation_detail", consultation))
    page.locator(f"a[href='{url_of('record_view', consultation)}']").first.click()
    page.locator(
        f"a[href='{url_of('record_edit', consultation, section='purpose')}']"
    ).first.click()
    page.locator("[name='purpose.purpose.value']").fill("障害者の一般就労を支援するため")
    page.locator("[name='purpose.legal_basis.value']").fill("障害者総合支援法")
    page.locator("[name='purpose.special_care_reason.value']").fill(
        "障害の程度に応じた支援のため、障害者手帳の等級を扱う"
    )
    save(page, then="next")
    expect(page).to_have_url(base + url_of("record_edit", consultation, section="subjects"))
    page.locator("[name='subjects.description.value']").fill("就労支援事業の利用登録者")
    page.locator("[name='subjects.expected_number.value']").fill("40")
    page.locator("[name='subjects.expected_number.certainty']").select_option("planned")
    save(page, then="next")

    # Two data items and a recipient, added in place by htmx, then saved.
    expect(page).to_have_url(base + url_of("record_edit", consultation, section="items"))
    add_row(page, "items", 0)
    add_row(page, "items", 1)
    page.locator("[name='items.0.name']").fill("氏名")
    page.locator("[name='items.1.name']").fill("障害者手帳の等級")
    page.locator("[name='items.1.special_care']").check()
    save(page)
    expect(page.locator(".message--success")).to_be_visible()
    expect(page.locator("[name='items.1.name']")).to_have_value("障害者手帳の等級")
    page.goto(base + url_of("record_edit", consultation, section="recipients"))
    add_row(page, "recipients", 0)
    page.locator("[name='recipients.0.name']").fill("ハローワーク")
    page.locator("[name='recipients.0.items']").fill("氏名、障害者手帳の等級")
    page.locator("[name='recipients.0.purpose']").fill("職業紹介のため")
    page.locator("[name='recipients.0.written_consent']").select_option("true")
    page.locator("[name='recipients.0.explanation_given']").select_option("true")
    page.locator("[name='recipients.0.refusal_honoured']").select_option("true")
    save(page)
    expect(page.locator(".message--success")).to_be_visible()

    # Submitting too early lists what is missing, each linked to where it is written.
    page.goto(base + url_of("record_view", consultation))
    page.locator("form[action$='/submit/'] button").click()
    missing = page.locator(".record-missing-list a")
    expect(missing).to_have_count(4)
    missing.first.click()
    expect(page).to_have_url(
        base + url_of("record_edit", consultation, section="form") + "#f-form-medium-value"
    )
    page.locator("[name='form.medium.value']").select_option("both")
    save(page, then="next")
    page.locator("[name='carry_out.paper.allowed.value']").select_option("true")
    page.locator("[name='carry_out.electronic.allowed.value']").select_option("false")
    save(page)
    page.goto(base + url_of("record_edit", consultation, section="retention"))
    page.locator("[name='retention.period.value']").fill("事業終了後5年")
    save(page, then="next")
    expect(page).to_have_url(base + url_of("record_view", consultation))
    expect(page.locator(".record-missing")).to_have_count(0)
    expect(page.locator("#record-items")).to_contain_text("障害者手帳の等級")
    page.locator("form[action$='/submit/'] button").click()
    expect(page).to_have_url(base + url_of("consultation_detail", consultation))
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.SUBMITTED
    sign_out(page)

    # The secretariat returns it, saying why.
    sign_in(page, base, "secretariat")
    page.goto(base + url_of("consultation_detail", consultation))
    page.locator(f"a[href='{url_of('consultation_return', consultation)}']").click()
    page.locator("[name=reason]").fill(REASON)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.RETURNED
    sign_out(page)

    # The department reads the reason, corrects the record and submits it again.
    sign_in(page, base, "staff")
    page.goto(base + url_of("consultation_detail", consultation))
    expect(page.get_by_text(REASON).first).to_be_visible()
    page.goto(base + url_of("record_edit", consultation, section="items"))
    expect(page.locator(".record-returned")).to_contain_text(REASON)
    add_row(page, "items", 2)
    page.locator("[name='items.2.name']").fill("障害の種別")
    page.locator("[name='items.2.special_care']").check()
    save(page)
    expect(page.locator("[name='items.2.name']")).to_have_value("障害の種別")
    page.goto(base + url_of("record_view", consultation))
    page.locator("form[action$='/submit/'] button").click()
    expect(page).to_have_url(base + url_of("consultation_detail", consultation))
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.SUBMITTED
    assert consultation.record_versions.filter(submitted_at__isnull=False).count() == 2
    sign_out(page)

    # The secretariat accepts it onto the meeting's agenda.
    sign_in(page, base, "secretariat")
    page.goto(base + url_of("consultation_detail", consultation))
    page.locator(f"a[href='{url_of('consultation_accept', consultation)}']").click()
    page.locator("[name=meeting]").select_option(str(meeting.pk))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.ON_AGENDA
    assert meeting.agenda_items.filter(consultations=consultation).exists()

    page.goto(base + url_of("record_view", consultation))
    expect(page.locator("#record-items")).to_contain_text("障害の種別")
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot_dir / "record-drafting.png"), full_page=True)
    assert (screenshot_dir / "record-drafting.png").stat().st_size > 10_000
