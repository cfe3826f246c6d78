"""The end of a contract, through its pages: ending it, return-or-erasure tasks and their
certificates, handovers through the city, documents asked of the contractor, downloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext

from mamori import testing
from mamori.accounts.models import Role, User
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.core import eras
from mamori.vendors import services
from mamori.vendors.models import (
    Contract,
    DataHolding,
    DocumentRequest,
    Handover,
    Medium,
    ReturnErasure,
    Vendor,
    VendorDocument,
)
from mamori.vendors.views_endings import endings_context

ENDED_ON = dt.date(2010, 3, 31)


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def pdf(name: str = "消去証明書.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@dataclass
class Setting:
    """A contract of 障害支援課 with paper and electronic data, its contractor's user, and a
    contractor user of another vendor."""

    vendor: Vendor
    contract: Contract
    contractor: User
    stranger: User


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def setting(personas: Personas, media: Path) -> Setting:
    vendor = testing.make_vendor(legal_name="株式会社ひまわり")
    contract = testing.make_contract(personas.shogai, vendor, title="障害者就労支援事業業務委託")
    DataHolding.objects.create(
        contract=contract, medium=Medium.PAPER, description="登録者台帳", location="事業所書庫"
    )
    DataHolding.objects.create(
        contract=contract, medium=Medium.ELECTRONIC, description="支援記録データ", location="PC"
    )
    testing.link_vendor_user(personas.contractor, vendor)
    stranger = testing.make_user(Role.CONTRACTOR, username="stranger")
    testing.link_vendor_user(stranger, testing.make_vendor(legal_name="有限会社よそ"))
    return Setting(
        vendor=vendor, contract=contract, contractor=personas.contractor, stranger=stranger
    )


def end(setting: Setting, personas: Personas) -> list[ReturnErasure]:
    return services.end_contract(actor=personas.staff, contract=setting.contract, ended_on=ENDED_ON)


def task_of(tasks: list[ReturnErasure], medium: str) -> ReturnErasure:
    return next(task for task in tasks if task.medium == medium)


def as_user(client: Client, user: User | None) -> Client:
    if user is not None:
        client.force_login(user)
    return client


def url(name: str, pk: int) -> str:
    return reverse(f"vendors:{name}", args=[pk])


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def upload(client: Client, task: ReturnErasure, file: Any, method: str = "") -> Any:
    return client.post(
        url("erasure_certificate", task.pk),
        {"certificate-file": file, "certificate-method": method},
    )


# Ending a contract --------------------------------------------------------------------------


def test_the_end_form_shows_the_tasks_and_due_date_before_anything_is_ended(
    client: Client, personas: Personas, setting: Setting
) -> None:
    response = as_user(client, personas.staff).get(url("contract_end", setting.contract.pk))
    assert response.status_code == 200
    due = services.erasure_due_on(setting.contract.ends_on)
    assert eras.format_date(due) in response.content.decode()
    assert [task.description for task in response.context["planned_tasks"]] == [
        "登録者台帳",
        "支援記録データ",
    ]
    assert not ReturnErasure.objects.exists()


def test_ending_a_contract_opens_one_task_per_holding_with_the_due_date(
    client: Client, personas: Personas, setting: Setting
) -> None:
    response = as_user(client, personas.staff).post(
        url("contract_end", setting.contract.pk),
        {"ended_on": "平成22年3月31日", "confirm": "on", "end": "1"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(url("contract_detail", setting.contract.pk))
    setting.contract.refresh_from_db()
    assert setting.contract.status == Contract.Status.ENDED
    assert setting.contract.ended_on == ENDED_ON
    tasks = list(setting.contract.return_erasures.order_by("id"))
    assert [(t.description, t.action) for t in tasks] == [
        ("登録者台帳", ReturnErasure.Action.RETURN),
        ("支援記録データ", ReturnErasure.Action.ERASE),
    ]
    assert {t.due_on for t in tasks} == {services.erasure_due_on(ENDED_ON)}


def test_an_early_termination_needs_a_reason(
    client: Client, personas: Personas, setting: Setting
) -> None:
    response = as_user(client, personas.staff).post(
        url("contract_end", setting.contract.pk),
        {"ended_on": "2010-01-15", "terminated": "on", "confirm": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    setting.contract.refresh_from_db()
    assert setting.contract.status == Contract.Status.LIVE
    assert not ReturnErasure.objects.exists()


def test_an_early_termination_with_a_reason_is_recorded(
    client: Client, personas: Personas, setting: Setting
) -> None:
    as_user(client, personas.staff).post(
        url("contract_end", setting.contract.pk),
        {"ended_on": "2010-01-15", "terminated": "on", "reason": "事業廃止", "confirm": "on"},
    )
    setting.contract.refresh_from_db()
    assert setting.contract.status == Contract.Status.TERMINATED
    assert setting.contract.end_reason == "事業廃止"
    assert setting.contract.return_erasures.count() == 2


def test_ending_needs_the_confirmation_and_the_preview_button_ends_nothing(
    client: Client, personas: Personas, setting: Setting
) -> None:
    as_user(client, personas.staff)
    target = url("contract_end", setting.contract.pk)
    unconfirmed = client.post(target, {"ended_on": "2010-03-31", "end": "1"})
    assert unconfirmed.status_code == 200
    assert unconfirmed.context["form"].errors["confirm"]
    preview = client.post(target, {"ended_on": "2010-02-26", "confirm": "on", "preview": "1"})
    assert preview.status_code == 200
    assert preview.context["due_on"] == services.erasure_due_on(dt.date(2010, 2, 26))
    setting.contract.refresh_from_db()
    assert setting.contract.status == Contract.Status.LIVE
    assert not ReturnErasure.objects.exists()


def test_the_preview_does_not_ask_for_the_confirmation(
    client: Client, personas: Personas, setting: Setting
) -> None:
    response = as_user(client, personas.staff).post(
        url("contract_end", setting.contract.pk), {"ended_on": "2010-03-31", "preview": "1"}
    )
    assert response.status_code == 200
    assert response.context["due_on"] == services.erasure_due_on(ENDED_ON)
    assert not response.context["form"].errors
    assert 'class="form-errors"' not in response.content.decode()


def test_a_preview_of_a_date_too_far_out_shows_no_due_date_rather_than_failing(
    client: Client, personas: Personas, setting: Setting
) -> None:
    response = as_user(client, personas.staff).post(
        url("contract_end", setting.contract.pk), {"ended_on": "9999-12-31", "preview": "1"}
    )
    assert response.status_code == 200
    assert response.context["due_on"] is None
    assert not ReturnErasure.objects.exists()


def test_the_end_date_defaults_to_the_contracts_last_day_and_says_how_to_end_earlier(
    client: Client, personas: Personas, setting: Setting
) -> None:
    response = as_user(client, personas.staff).get(url("contract_end", setting.contract.pk))
    field = response.context["form"]["ended_on"]
    assert field.value() == setting.contract.ends_on
    assert eras.format_date(setting.contract.ends_on) in str(field.help_text)


def test_an_end_before_the_last_day_without_terminating_is_refused_on_the_date(
    client: Client, personas: Personas, setting: Setting
) -> None:
    response = as_user(client, personas.staff).post(
        url("contract_end", setting.contract.pk),
        {"ended_on": "2010-01-15", "confirm": "on", "end": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ended_on"]
    setting.contract.refresh_from_db()
    assert setting.contract.status == Contract.Status.LIVE
    assert not ReturnErasure.objects.exists()


def test_an_end_date_after_today_is_refused_on_the_date(
    client: Client, personas: Personas, media: Path
) -> None:
    today = timezone.localdate()
    contract = testing.make_contract(
        personas.shogai,
        starts_on=today - dt.timedelta(days=100),
        ends_on=today + dt.timedelta(days=30),
    )
    response = as_user(client, personas.staff).post(
        url("contract_end", contract.pk),
        {"ended_on": contract.ends_on.isoformat(), "confirm": "on", "end": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ended_on"]
    contract.refresh_from_db()
    assert contract.status == Contract.Status.LIVE


@pytest.mark.parametrize("role", ["other_staff", "contractor", "auditor", "member"])
def test_only_the_department_or_the_secretariat_ends_a_contract(
    client: Client, personas: Personas, setting: Setting, role: str
) -> None:
    as_user(client, getattr(personas, role))
    target = url("contract_end", setting.contract.pk)
    assert client.get(target).status_code == 403
    assert client.post(target, {"ended_on": "2010-03-31", "confirm": "on"}).status_code == 403
    setting.contract.refresh_from_db()
    assert setting.contract.status == Contract.Status.LIVE


def test_an_ended_contract_cannot_be_ended_again(
    client: Client, personas: Personas, setting: Setting
) -> None:
    end(setting, personas)
    response = as_user(client, personas.secretariat).post(
        url("contract_end", setting.contract.pk), {"ended_on": "2010-03-31", "confirm": "on"}
    )
    assert response.status_code == 302
    assert setting.contract.return_erasures.count() == 2


# The contract's page part -------------------------------------------------------------------


def test_the_contract_part_lists_tasks_and_offers_what_the_user_may_do(
    personas: Personas, setting: Setting, django_assert_max_num_queries: Any
) -> None:
    live = endings_context(personas.staff, setting.contract)
    assert live["may_end_contract"] and live["may_request_document"]
    assert not endings_context(personas.contractor, setting.contract)["may_end_contract"]
    tasks = end(setting, personas)
    setting.contract.refresh_from_db()
    with django_assert_max_num_queries(5):
        context = endings_context(personas.staff, setting.contract)
    assert [t.pk for t in context["erasure_tasks"]] == [t.pk for t in tasks]
    assert not context["may_end_contract"]
    html = render_to_string(
        "vendors/_contract_endings.html", {"contract": setting.contract, **context}
    )
    assert url("erasure_detail", tasks[0].pk) in html
    assert url("contract_end", setting.contract.pk) not in html
    assert "flag--error" in html  # due in 平成22年: overdue today


# Return or erasure: certificates and verification -------------------------------------------


def test_a_contractor_of_another_vendor_is_refused_the_task(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    as_user(client, setting.stranger)
    assert client.get(url("erasure_detail", task.pk)).status_code == 403
    assert upload(client, task, pdf()).status_code == 403
    task.refresh_from_db()
    assert task.status == ReturnErasure.Status.OPEN


def test_the_linked_contractor_files_a_pdf_certificate(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = task_of(end(setting, personas), Medium.ELECTRONIC)
    as_user(client, setting.contractor)
    page = client.get(url("erasure_detail", task.pk))
    assert page.status_code == 200
    assert page.context["certificate_form"] is not None
    assert "verify_form" not in page.context
    response = upload(client, task, pdf(), method="専用ソフトで上書き消去")
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == ReturnErasure.Status.SUBMITTED
    assert task.method == "専用ソフトで上書き消去"
    assert task.certificate is not None
    assert task.certificate.original_name == "消去証明書.pdf"
    assert task.certificate.kind == VendorDocument.Kind.ERASURE_CERTIFICATE
    assert task.submitted_by == setting.contractor


def test_the_contractor_cannot_verify_or_send_back(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    services.file_certificate(actor=setting.contractor, task=task, uploaded_file=pdf())
    as_user(client, setting.contractor)
    today = timezone.localdate().isoformat()
    assert (
        client.post(url("erasure_verify", task.pk), {"verify-verified_on": today}).status_code
        == 403
    )
    assert (
        client.post(url("erasure_send_back", task.pk), {"send_back-reason": "x"}).status_code == 403
    )
    assert client.post(url("erasure_plan", task.pk), {"plan-action": "erase"}).status_code == 403
    task.refresh_from_db()
    assert task.status == ReturnErasure.Status.SUBMITTED


def test_the_department_verifies_and_the_task_leaves_the_open_and_overdue_lists(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    as_user(client, personas.staff)
    overdue = client.get(reverse("vendors:erasure_list"), {"status": "overdue"})
    assert task in overdue.context["tasks"]
    assert overdue.context["counts"]["overdue"] == 2
    services.file_certificate(actor=setting.contractor, task=task, uploaded_file=pdf())
    page = client.get(url("erasure_detail", task.pk))
    assert page.context["verify_form"] is not None
    response = client.post(
        url("erasure_verify", task.pk), {"verify-verified_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == ReturnErasure.Status.VERIFIED
    assert task.verified_by == personas.staff
    assert task.verified_on == timezone.localdate()
    for status in ("overdue", ""):
        listed = client.get(reverse("vendors:erasure_list"), {"status": status})
        assert task not in listed.context["tasks"]
    verified = client.get(reverse("vendors:erasure_list"), {"status": "verified"})
    assert list(verified.context["tasks"]) == [task]


def test_a_verification_date_in_the_future_is_refused(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    services.file_certificate(actor=setting.contractor, task=task, uploaded_file=pdf())
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = as_user(client, personas.staff).post(
        url("erasure_verify", task.pk), {"verify-verified_on": tomorrow.isoformat()}
    )
    assert response.status_code == 200
    assert response.context["verify_form"].errors
    task.refresh_from_db()
    assert task.status == ReturnErasure.Status.SUBMITTED


def test_a_certificate_sent_back_opens_the_task_with_the_reason_for_the_contractor(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    services.file_certificate(actor=setting.contractor, task=task, uploaded_file=pdf())
    as_user(client, personas.staff)
    refused = client.post(url("erasure_send_back", task.pk), {"send_back-reason": " "})
    assert refused.status_code == 200
    assert refused.context["send_back_form"].errors["reason"]
    reason = "消去した媒体の一覧がありません。"
    response = client.post(url("erasure_send_back", task.pk), {"send_back-reason": reason})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == ReturnErasure.Status.OPEN
    assert task.rejection_reason == reason
    page = as_user(client, setting.contractor).get(url("erasure_detail", task.pk))
    assert reason in page.content.decode()
    assert page.context["certificate_form"] is not None


@pytest.mark.parametrize(
    ("name", "content"),
    [("証明書.pdf", b"just some text, not a PDF"), ("証明書.exe", b"MZ\x90\x00" + b"\x00" * 60)],
)
def test_a_file_of_the_wrong_type_is_refused_and_nothing_saved(
    client: Client, personas: Personas, setting: Setting, media: Path, name: str, content: bytes
) -> None:
    task = end(setting, personas)[0]
    response = upload(as_user(client, setting.contractor), task, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["certificate_form"].errors["file"]
    task.refresh_from_db()
    assert task.status == ReturnErasure.Status.OPEN
    assert not VendorDocument.objects.exists()
    assert stored_files(media) == []


def test_a_file_too_large_is_refused_and_nothing_saved(
    client: Client, personas: Personas, setting: Setting, media: Path, settings: Any
) -> None:
    settings.MAMORI_MAX_UPLOAD_BYTES = 100
    task = end(setting, personas)[0]
    response = upload(as_user(client, setting.contractor), task, pdf())
    assert response.status_code == 200
    assert response.context["certificate_form"].errors["file"]
    assert not VendorDocument.objects.exists()
    assert stored_files(media) == []


def plan(client: Client, task: ReturnErasure, **fields: str) -> Any:
    data = {"plan-action": task.action, "plan-method": task.method}
    data.update({f"plan-{name}": value for name, value in fields.items()})
    return client.post(url("erasure_plan", task.pk), data)


def test_the_department_plans_the_task(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = task_of(end(setting, personas), Medium.PAPER)
    response = plan(
        as_user(client, personas.staff),
        task,
        action="erase",
        method="溶解処理",
        due_on=task.due_on.isoformat(),
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.action, task.method) == ("erase", "溶解処理")


def test_moving_the_due_date_needs_a_reason(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = task_of(end(setting, personas), Medium.PAPER)
    due_on = task.due_on
    later = due_on + dt.timedelta(days=7)
    response = plan(as_user(client, personas.staff), task, due_on=later.isoformat())
    assert response.status_code == 200
    assert response.context["plan_form"].errors["due_on_reason"]
    task.refresh_from_db()
    assert task.due_on == due_on


def test_a_moved_due_date_shows_in_the_history_with_both_dates_and_the_reason(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = task_of(end(setting, personas), Medium.PAPER)
    before = task.due_on
    later = before + dt.timedelta(days=7)
    reason = "受託者の事業所が災害で閉鎖されたため"
    as_user(client, personas.staff)
    response = plan(client, task, due_on=later.isoformat(), due_on_reason=reason)
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.due_on, task.due_on_reason) == (later, reason)
    page = client.get(url("erasure_detail", task.pk))
    (moved,) = [event for event in page.context["history"] if event.due_after is not None]
    assert (moved.due_before, moved.due_after, moved.due_reason) == (before, later, reason)
    content = page.content.decode()
    assert eras.format_date(before) in content and eras.format_date(later) in content
    assert reason in content


def test_the_history_names_the_day_the_contract_ended(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    page = as_user(client, personas.staff).get(url("erasure_detail", task.pk))
    (opened,) = page.context["history"]
    assert eras.format_date(ENDED_ON) in opened.description


def test_a_get_on_a_form_address_goes_back_to_the_task(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    as_user(client, personas.staff)
    for name in ("erasure_plan", "erasure_certificate", "erasure_verify", "erasure_send_back"):
        response = client.get(url(name, task.pk))
        assert response.status_code == 302, name
        assert response["Location"] == url("erasure_detail", task.pk), name
    assert AuditEvent.objects.for_object(task).count() == 1


def test_the_auditor_reads_a_task_but_changes_nothing(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    as_user(client, personas.auditor)
    page = client.get(url("erasure_detail", task.pk))
    assert page.status_code == 200
    assert not any(key in page.context for key in ("plan_form", "certificate_form", "verify_form"))
    assert upload(client, task, pdf()).status_code == 403


def test_the_list_shows_each_role_its_own_tasks(
    client: Client, personas: Personas, setting: Setting
) -> None:
    tasks = end(setting, personas)
    others = testing.make_contract(personas.kodomo, title="子育て応援特別手当システム")
    DataHolding.objects.create(contract=others, medium=Medium.ELECTRONIC, description="支給台帳")
    other_task = services.end_contract(
        actor=personas.secretariat, contract=others, ended_on=ENDED_ON
    )[0]

    def listed(user: User) -> set[int]:
        response = as_user(client, user).get(reverse("vendors:erasure_list"), {"status": "all"})
        return {task.pk for task in response.context["tasks"]}

    ours = {task.pk for task in tasks}
    assert listed(personas.secretariat) == ours | {other_task.pk}
    assert listed(personas.auditor) == ours | {other_task.pk}
    assert listed(personas.staff) == ours
    assert listed(personas.other_staff) == {other_task.pk}
    assert listed(setting.contractor) == ours
    assert listed(setting.stranger) == set()


# Handovers ----------------------------------------------------------------------------------


@pytest.fixture
def handover(personas: Personas, setting: Setting) -> Handover:
    successor = testing.make_contract(
        personas.shogai,
        testing.make_vendor(legal_name="社会福祉法人さくら"),
        starts_on=dt.date(2010, 4, 1),
        ends_on=dt.date(2011, 3, 31),
        previous_contract=setting.contract,
    )
    return services.open_handover(
        actor=personas.staff,
        old_contract=setting.contract,
        new_contract=successor,
        description="登録者台帳",
    )


def step(client: Client, handover: Handover, name: str, on: str) -> Any:
    return client.post(url("handover_step", handover.pk), {"step-step": name, "step-on": on})


def test_a_handover_is_opened_from_the_old_contract_to_a_successor(
    client: Client, personas: Personas, setting: Setting
) -> None:
    successor = testing.make_contract(personas.shogai, title="後継契約")
    same_vendor = testing.make_contract(personas.shogai, setting.vendor, title="同じ受託者")
    testing.make_contract(personas.kodomo, title="他課の契約")
    as_user(client, personas.staff)
    page = client.get(url("handover_create", setting.contract.pk))
    assert list(page.context["form"].fields["new_contract"].queryset) == [successor]
    refused = client.post(
        url("handover_create", setting.contract.pk),
        {"new_contract": same_vendor.pk, "description": "台帳"},
    )
    assert refused.status_code == 200
    assert not Handover.objects.exists()
    response = client.post(
        url("handover_create", setting.contract.pk),
        {"new_contract": successor.pk, "description": "登録者台帳"},
    )
    handover = Handover.objects.get()
    assert response["Location"] == url("handover_detail", handover.pk)
    assert (handover.old_contract, handover.new_contract) == (setting.contract, successor)


def test_handover_steps_are_recorded_in_order(
    client: Client, personas: Personas, handover: Handover
) -> None:
    as_user(client, personas.staff)
    assert client.get(url("handover_detail", handover.pk)).context["next_step"] == "received"
    for name, on in [
        ("received", "2010-04-01"),
        ("checked", "平成22年4月2日"),
        ("handed_over", "2010-04-05"),
    ]:
        response = step(client, handover, name, on)
        assert response.status_code == 302
        message = list(get_messages(response.wsgi_request))[-1]
        assert message.level == SUCCESS
        assert str(services.HANDOVER_STEPS[name][1].label) in str(message)
    handover.refresh_from_db()
    assert handover.status == Handover.Status.HANDED_OVER
    assert (handover.received_on, handover.checked_on, handover.handed_over_on) == (
        dt.date(2010, 4, 1),
        dt.date(2010, 4, 2),
        dt.date(2010, 4, 5),
    )
    assert handover.is_compliant
    page = client.get(url("handover_detail", handover.pk))
    assert "step_form" not in page.context and "direct_form" not in page.context


def test_a_handover_step_out_of_order_is_refused(
    client: Client, personas: Personas, handover: Handover
) -> None:
    as_user(client, personas.staff)
    skipped = step(client, handover, "handed_over", "2010-04-05")
    assert skipped.status_code == 200
    assert skipped.context["step_form"].non_field_errors()
    step(client, handover, "received", "2010-04-05")
    earlier = step(client, handover, "checked", "2010-04-01")
    assert earlier.status_code == 200
    assert earlier.context["step_form"].errors["on"]
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    assert step(client, handover, "checked", future).status_code == 200
    handover.refresh_from_db()
    assert handover.status == Handover.Status.RECEIVED
    assert handover.checked_on is None and handover.handed_over_on is None


def test_a_direct_transfer_is_recorded_and_shown_as_not_compliant(
    client: Client, personas: Personas, handover: Handover
) -> None:
    as_user(client, personas.staff)
    target = url("handover_direct", handover.pk)
    missing_note = client.post(target, {"direct-on": "2010-04-01", "direct-note": ""})
    assert missing_note.status_code == 200
    assert missing_note.context["direct_form"].errors["note"]
    response = client.post(
        target, {"direct-on": "2010-04-01", "direct-note": "旧受託者が新受託者へ直接送付した。"}
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == Handover.Status.DIRECT
    assert not handover.is_compliant
    page = client.get(url("handover_detail", handover.pk))
    assert 'id="not-compliant"' in page.content.decode()
    assert "旧受託者が新受託者へ直接送付した。" in page.content.decode()
    contract_page = client.get(url("contract_detail", handover.old_contract.pk))
    assert "flag--error" in contract_page.content.decode()


def test_a_get_on_a_handover_form_address_goes_back_to_the_handover(
    client: Client, personas: Personas, handover: Handover
) -> None:
    as_user(client, personas.staff)
    for name in ("handover_step", "handover_direct"):
        response = client.get(url(name, handover.pk))
        assert response.status_code == 302, name
        assert response["Location"] == url("handover_detail", handover.pk), name
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PENDING


def test_the_step_date_is_labelled_as_the_day_it_was_done(
    client: Client, personas: Personas, handover: Handover
) -> None:
    page = as_user(client, personas.staff).get(url("handover_detail", handover.pk))
    assert page.context["step_form"].fields["on"].label == pgettext("handover", "Date")
    assert page.context["direct_form"].fields["on"].label == pgettext("handover", "Date")


@pytest.mark.parametrize("role", ["other_staff", "contractor", "auditor"])
def test_only_the_department_or_the_secretariat_records_handover_steps(
    client: Client, personas: Personas, handover: Handover, role: str
) -> None:
    as_user(client, getattr(personas, role))
    assert step(client, handover, "received", "2010-04-01").status_code == 403
    direct = {"direct-on": "2010-04-01", "direct-note": "直接"}
    assert client.post(url("handover_direct", handover.pk), direct).status_code == 403
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PENDING


# Documents asked of the contractor, and downloads --------------------------------------------


def test_the_department_requests_a_document_and_the_contractor_files_it(
    client: Client, personas: Personas, setting: Setting
) -> None:
    as_user(client, personas.staff)
    due_on = timezone.localdate() + dt.timedelta(days=14)
    refused = client.post(url("document_request_create", setting.contract.pk), {"title": ""})
    assert refused.status_code == 200
    assert not DocumentRequest.objects.exists()
    created = client.post(
        url("document_request_create", setting.contract.pk),
        {"title": "従事者名簿", "description": "令和の様式で", "due_on": due_on.isoformat()},
    )
    assert created.status_code == 302
    asked = DocumentRequest.objects.get()
    assert (asked.title, asked.due_on) == ("従事者名簿", due_on)

    as_user(client, setting.contractor)
    page = client.get(url("document_request_file", asked.pk))
    assert page.status_code == 200
    assert "令和の様式で" in page.content.decode()
    wrong = client.post(
        url("document_request_file", asked.pk), {"file": SimpleUploadedFile("a.pdf", b"text")}
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["file"]
    response = client.post(url("document_request_file", asked.pk), {"file": pdf("名簿.pdf")})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.status == DocumentRequest.Status.SUBMITTED
    assert asked.document is not None and asked.document.original_name == "名簿.pdf"


def test_the_request_form_warns_when_no_user_of_the_vendor_can_log_in(
    client: Client, personas: Personas, setting: Setting
) -> None:
    as_user(client, personas.staff)
    linked = client.get(url("document_request_create", setting.contract.pk))
    assert not linked.context["no_contractor_user"]
    assert 'id="no-contractor-user"' not in linked.content.decode()
    User.objects.filter(pk=setting.contractor.pk).update(is_active=False)
    unlinked = client.get(url("document_request_create", setting.contract.pk))
    assert unlinked.context["no_contractor_user"]
    assert 'id="no-contractor-user"' in unlinked.content.decode()
    # A warning, not a refusal: the request is still recorded.
    created = client.post(url("document_request_create", setting.contract.pk), {"title": "名簿"})
    assert created.status_code == 302
    assert DocumentRequest.objects.filter(title="名簿").exists()


def test_a_request_due_in_the_past_is_refused_on_the_date(
    client: Client, personas: Personas, setting: Setting
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = as_user(client, personas.staff).post(
        url("document_request_create", setting.contract.pk),
        {"title": "従事者名簿", "due_on": yesterday.isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"]
    assert not DocumentRequest.objects.exists()


@pytest.mark.parametrize("role", ["other_staff", "auditor"])
def test_others_may_not_request_or_file_documents(
    client: Client, personas: Personas, setting: Setting, role: str
) -> None:
    asked = services.request_document(
        actor=personas.staff, contract=setting.contract, title="従事者名簿"
    )
    as_user(client, getattr(personas, role))
    create = url("document_request_create", setting.contract.pk)
    assert client.post(create, {"title": "作業報告書"}).status_code == 403
    assert client.post(url("document_request_file", asked.pk), {"file": pdf()}).status_code == 403
    assert DocumentRequest.objects.count() == 1


def test_a_stranger_contractor_may_not_file_a_requested_document(
    client: Client, personas: Personas, setting: Setting
) -> None:
    asked = services.request_document(
        actor=personas.staff, contract=setting.contract, title="従事者名簿"
    )
    as_user(client, setting.stranger)
    assert client.get(url("document_request_file", asked.pk)).status_code == 403
    assert client.post(url("document_request_file", asked.pk), {"file": pdf()}).status_code == 403


def test_a_download_is_sent_as_an_attachment_not_to_be_sniffed_or_cached(
    client: Client, personas: Personas, setting: Setting
) -> None:
    task = end(setting, personas)[0]
    task = services.file_certificate(actor=setting.contractor, task=task, uploaded_file=pdf())
    assert task.certificate is not None
    target = url("document_download", task.certificate.pk)
    for user in (personas.staff, setting.contractor, personas.auditor):
        response = as_user(client, user).get(target)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == pdf_bytes()  # type: ignore[attr-defined]
    for user in (setting.stranger, personas.other_staff, personas.member):
        assert as_user(client, user).get(target).status_code == 403


# Every page refuses council members and signs out strangers ---------------------------------


@pytest.fixture
def every_url(personas: Personas, setting: Setting, handover: Handover) -> list[str]:
    task = end(setting, personas)[0]
    task = services.file_certificate(actor=setting.contractor, task=task, uploaded_file=pdf())
    asked = services.request_document(
        actor=personas.staff, contract=setting.contract, title="従事者名簿"
    )
    assert task.certificate is not None
    return [
        url("contract_end", setting.contract.pk),
        reverse("vendors:erasure_list"),
        url("erasure_detail", task.pk),
        url("erasure_plan", task.pk),
        url("erasure_certificate", task.pk),
        url("erasure_verify", task.pk),
        url("erasure_send_back", task.pk),
        url("handover_create", setting.contract.pk),
        url("handover_detail", handover.pk),
        url("handover_step", handover.pk),
        url("handover_direct", handover.pk),
        url("document_request_create", setting.contract.pk),
        url("document_request_file", asked.pk),
        url("document_download", task.certificate.pk),
    ]


@pytest.mark.parametrize("role", ["member", "chair", "outsider_member"])
def test_council_members_are_refused_every_page(
    client: Client, personas: Personas, every_url: list[str], role: str
) -> None:
    as_user(client, getattr(personas, role))
    for address in every_url:
        assert client.get(address).status_code == 403, address
        assert client.post(address, {}).status_code == 403, address


def test_signed_out_visitors_are_sent_to_sign_in(client: Client, every_url: list[str]) -> None:
    for address in every_url:
        for response in (client.get(address), client.post(address, {})):
            assert response.status_code == 302, address
            assert response["Location"].startswith(reverse("accounts:login")), address
