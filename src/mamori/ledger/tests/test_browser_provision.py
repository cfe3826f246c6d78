"""In a real browser: staff open a registrant who refused to have data given to 学校, give the
purpose of their access, try to record a provision to 学校 and are stopped with the reason.

Inputs are found by their names and ids, not by their Japanese labels, so the test does not
depend on when the catalogue is compiled.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.models import ConsentEvent, ConsentStatus, Provision


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(testing.PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("input[name=password]")).to_have_count(0)


@pytest.mark.browser
def test_staff_are_stopped_from_giving_data_to_a_school_the_registrant_refused(
    personas: Personas, live_server: Any, page: Page, screenshot_dir: Path
) -> None:
    file = testing.make_ledger_file(personas.shogai, name="利用登録者台帳")
    registrant = testing.make_registrant(
        file, name="山田 花子", name_kana="ヤマダ ハナコ", registration_number="R-0042"
    )
    school = file.recipients.get(name="学校")
    enrolment = file.purposes.get(name="在学状況の確認")
    for group in file.item_groups.all():
        ConsentEvent.objects.create(
            registrant=registrant,
            recipient=school,
            item_group=group,
            purpose=enrolment,
            status=ConsentStatus.REFUSED,
            effective_on=dt.date(2009, 10, 5),
            written_form_on_file=True,
            recorded_by=personas.staff,
            recorded_at=timezone.now(),
        )
    base = live_server.url
    detail = reverse("ledger:registrant_detail", args=[registrant.pk])

    # Opening the registrant first asks why; the answer leads back to the registrant.
    sign_in(page, base, "staff")
    page.goto(base + detail)
    purpose_url = reverse("ledger:access_purpose", args=[file.pk])
    expect(page).to_have_url(re.compile(re.escape(base + purpose_url) + r"\?next="))
    page.locator("input[name=purpose][value=provision]").check()
    page.locator("button[name=give_purpose]").click()
    expect(page).to_have_url(base + detail)
    expect(page.locator("h1")).to_contain_text("山田 花子")
    expect(page.locator("#consents td[data-state=refused]")).to_have_count(2)

    # The provision to 学校 is asked of Mamori, which refuses and says why.
    page.locator(f"a[href='{reverse('ledger:provision_create', args=[registrant.pk])}']").click()
    page.locator(f"input[name=recipient][value='{school.pk}']").check()
    page.locator(f"input[name=purpose][value='{enrolment.pk}']").check()
    for group in file.item_groups.all():
        page.locator(f"input[name=item_groups][value='{group.pk}']").check()
    page.locator("button[name=record_provision]").click()

    alert = page.locator("#provision-refused[role=alert]")
    expect(alert).to_be_visible()
    expect(alert.locator("#refusal-reason")).to_contain_text("学校")
    expect(alert.locator("#refusal-reason")).to_contain_text("障害の状況")
    expect(alert.locator("#refusal-reason")).to_contain_text("平成21年10月5日")
    expect(alert.locator("#override-link")).to_be_visible()
    # The form below is folded away, so the refused provision is not sent again by mistake;
    # the next step offered is recording the consent, filled in.
    expect(page.locator("button[name=record_provision]")).to_be_hidden()
    expect(alert.locator("#consent-link")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "provision-refused.png"), full_page=True)

    provision = Provision.objects.get(registrant=registrant)
    assert provision.outcome == Provision.Outcome.REFUSED
    assert provision.recipient == school
    assert "障害の状況" in provision.refusal_reason
    viewed = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, use_case="ledger.view_registrant", actor=personas.staff
    )
    assert viewed.exists()
    assert "山田" not in page.url and "山田" not in "".join(str(e.changes) for e in viewed)
    assert (screenshot_dir / "provision-refused.png").stat().st_size > 10_000

    # Following the link opens the consent form with the recipient and purpose chosen.
    alert.locator("#consent-link").click()
    expect(page.locator(f"input[name=recipient][value='{school.pk}']")).to_be_checked()
    expect(page.locator(f"input[name=purpose][value='{enrolment.pk}']")).to_be_checked()
