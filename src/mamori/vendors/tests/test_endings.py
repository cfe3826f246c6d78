"""The end of a contract, at the service level: return-or-erasure tasks with certificates,
handovers through the city, and documents asked of the contractor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.vendors import services
from mamori.vendors.models import (
    Contract,
    DataHolding,
    DocumentRequest,
    Handover,
    Medium,
    ReturnErasure,
    VendorDocument,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ENDS_ON = dt.date(2010, 3, 31)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS = 10
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def certificate(content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile("消去証明書.pdf", content, content_type="application/pdf")


@pytest.fixture
def contract(personas: Personas) -> Contract:
    """A contract of 障害支援課 holding paper and electronic data; its contractor user linked."""
    contract: Contract = testing.make_contract(personas.shogai, ends_on=ENDS_ON)
    DataHolding.objects.create(
        contract=contract, medium=Medium.PAPER, description="利用者台帳", location="書庫"
    )
    DataHolding.objects.create(
        contract=contract, medium=Medium.ELECTRONIC, description="利用者DB", location="サーバ"
    )
    testing.link_vendor_user(personas.contractor, contract.vendor)
    return contract


def end(personas: Personas, contract: Contract, **overrides: Any) -> list[ReturnErasure]:
    fields: dict[str, Any] = {"actor": personas.staff, "contract": contract, "ended_on": ENDS_ON}
    fields.update(overrides)
    return services.end_contract(**fields)


def erasure_task(personas: Personas, contract: Contract) -> ReturnErasure:
    return next(t for t in end(personas, contract) if t.action == ReturnErasure.Action.ERASE)


def filed(personas: Personas, task: ReturnErasure) -> ReturnErasure:
    return services.file_certificate(
        actor=personas.contractor, task=task, uploaded_file=certificate()
    )


class TestEndContract:
    def test_it_opens_a_task_per_kind_of_data_held(
        self, personas: Personas, contract: Contract
    ) -> None:
        tasks = end(personas, contract)
        assert [(t.medium, t.description, t.location, t.action) for t in tasks] == [
            (Medium.PAPER, "利用者台帳", "書庫", ReturnErasure.Action.RETURN),
            (Medium.ELECTRONIC, "利用者DB", "サーバ", ReturnErasure.Action.ERASE),
        ]
        assert all(t.status == ReturnErasure.Status.OPEN for t in tasks)
        assert all(t.holding is not None and t.contract == contract for t in tasks)

    def test_tasks_are_due_ten_business_days_after_the_end(
        self, personas: Personas, contract: Contract
    ) -> None:
        # 2010-03-31 (Wed): 4/1, 4/2, 4/5, 4/6, 4/7, 4/8, 4/9, 4/12, 4/13, 4/14.
        assert {t.due_on for t in end(personas, contract)} == {dt.date(2010, 4, 14)}

    def test_the_due_date_follows_the_setting(
        self, personas: Personas, contract: Contract, settings: Any
    ) -> None:
        settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS = 1
        assert {t.due_on for t in end(personas, contract)} == {dt.date(2010, 4, 1)}

    def test_the_contract_ends(self, personas: Personas, contract: Contract) -> None:
        end(personas, contract)
        contract.refresh_from_db()
        assert (contract.status, contract.ended_on, contract.end_reason) == (
            Contract.Status.ENDED,
            ENDS_ON,
            "",
        )

    def test_a_contract_holding_nothing_still_ends(self, personas: Personas) -> None:
        contract = testing.make_contract(personas.shogai)
        assert end(personas, contract, ended_on=contract.ends_on) == []
        contract.refresh_from_db()
        assert contract.status == Contract.Status.ENDED

    def test_an_early_end_is_terminated_with_its_reason(
        self, personas: Personas, contract: Contract
    ) -> None:
        end(personas, contract, ended_on=dt.date(2009, 12, 1), terminated=True, reason="事業廃止")
        contract.refresh_from_db()
        assert (contract.status, contract.end_reason) == (Contract.Status.TERMINATED, "事業廃止")

    def test_an_early_end_without_a_reason_is_refused(
        self, personas: Personas, contract: Contract
    ) -> None:
        with pytest.raises(ValidationError) as error:
            end(personas, contract, ended_on=dt.date(2009, 12, 1), terminated=True, reason=" ")
        assert error.value.code == "reason"
        contract.refresh_from_db()
        assert contract.status == Contract.Status.LIVE
        assert not ReturnErasure.objects.exists()

    def test_an_early_end_after_the_period_is_refused(
        self, personas: Personas, contract: Contract
    ) -> None:
        with pytest.raises(ValidationError) as error:
            end(personas, contract, ended_on=dt.date(2010, 4, 1), terminated=True, reason="解約")
        assert error.value.code == "ended_after_end"

    def test_an_end_before_the_start_is_refused(
        self, personas: Personas, contract: Contract
    ) -> None:
        with pytest.raises(ValidationError) as error:
            end(personas, contract, ended_on=dt.date(2009, 9, 30))
        assert error.value.code == "ended_before_start"
        assert not ReturnErasure.objects.exists()

    def test_a_contract_ends_once(self, personas: Personas, contract: Contract) -> None:
        end(personas, contract)
        with pytest.raises(ValidationError) as error:
            end(personas, contract)
        assert error.value.code == "not_live"
        assert ReturnErasure.objects.count() == 2

    def test_an_unverified_task_past_its_due_date_is_overdue(
        self, personas: Personas, contract: Contract
    ) -> None:
        end(personas, contract)
        assert ReturnErasure.objects.overdue(dt.date(2010, 4, 15)).count() == 2
        assert not ReturnErasure.objects.overdue(dt.date(2010, 4, 14)).exists()

    def test_a_terminated_end_on_the_last_day_is_refused(
        self, personas: Personas, contract: Contract
    ) -> None:
        with pytest.raises(ValidationError) as error:
            end(personas, contract, ended_on=ENDS_ON, terminated=True, reason="解約")
        assert error.value.code == "ended_after_end"
        contract.refresh_from_db()
        assert contract.status == Contract.Status.LIVE

    @pytest.mark.parametrize("ended_on", [dt.date(2009, 12, 1), dt.date(2010, 4, 1)])
    def test_an_end_off_the_last_day_must_be_an_early_termination(
        self, personas: Personas, contract: Contract, ended_on: dt.date
    ) -> None:
        with pytest.raises(ValidationError) as error:
            end(personas, contract, ended_on=ended_on)
        assert error.value.code == "not_period_end"
        contract.refresh_from_db()
        assert contract.status == Contract.Status.LIVE
        assert not ReturnErasure.objects.exists()

    def test_an_end_in_the_future_is_refused(self, personas: Personas) -> None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        contract = testing.make_contract(personas.shogai, ends_on=tomorrow)
        early: dict[str, Any] = {"terminated": True, "reason": "解約"}
        for fields in [{}, early]:
            with pytest.raises(ValidationError) as error:
                end(personas, contract, ended_on=tomorrow, **fields)
            assert error.value.code == "future"
        contract.refresh_from_db()
        assert contract.status == Contract.Status.LIVE

    def test_an_early_end_in_the_future_is_refused(self, personas: Personas) -> None:
        today = timezone.localdate()
        contract = testing.make_contract(personas.shogai, ends_on=today + dt.timedelta(days=60))
        with pytest.raises(ValidationError) as error:
            end(
                personas,
                contract,
                ended_on=today + dt.timedelta(days=30),
                terminated=True,
                reason="事業廃止",
            )
        assert error.value.code == "future"

    @pytest.mark.parametrize("day", [dt.date(9999, 12, 31), dt.date(9999, 12, 25)])
    def test_a_far_future_end_is_refused_with_a_message(
        self, personas: Personas, day: dt.date
    ) -> None:
        contract = testing.make_contract(personas.shogai, ends_on=day)
        with pytest.raises(ValidationError) as error:
            end(personas, contract, ended_on=day)
        assert error.value.code == "future"
        assert not ReturnErasure.objects.exists()

    def test_the_due_date_skips_the_new_year_closure_and_coming_of_age_day(
        self, personas: Personas
    ) -> None:
        # From Thursday 2025-12-25: 12/26 (1); 12/27–28 weekend; 12/29–1/3 closed; 1/4 a
        # Sunday; 1/5 (2) … 1/9 (6); 1/10–11 weekend; 1/12 成人の日 (second Monday of
        # January 2026); 1/13 (7), 1/14 (8), 1/15 (9), 1/16 (10).
        contract = testing.make_contract(
            personas.shogai, starts_on=dt.date(2025, 4, 1), ends_on=dt.date(2025, 12, 25)
        )
        DataHolding.objects.create(contract=contract, medium=Medium.PAPER, description="台帳")
        (task,) = end(personas, contract, ended_on=dt.date(2025, 12, 25))
        assert task.due_on == dt.date(2026, 1, 16)

    def test_the_due_date_skips_golden_week(self, personas: Personas) -> None:
        # From Thursday 2026-04-30: 5/1 (1); 5/2–5/6 closed (weekend, 憲法記念日 on Sunday,
        # みどりの日, こどもの日, 振替休日 on 5/6); 5/7 (2), 5/8 (3), 5/11 (4) … 5/15 (8),
        # 5/18 (9), 5/19 (10).
        contract = testing.make_contract(
            personas.shogai, starts_on=dt.date(2025, 5, 1), ends_on=dt.date(2026, 4, 30)
        )
        DataHolding.objects.create(contract=contract, medium=Medium.ELECTRONIC, description="DB")
        (task,) = end(personas, contract, ended_on=dt.date(2026, 4, 30))
        assert task.due_on == dt.date(2026, 5, 19)

    def test_a_due_date_beyond_the_holiday_table_is_refused_with_a_message(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.erasure_due_on(dt.date(2099, 12, 25))
        assert error.value.code == "out_of_range"
        with pytest.raises(ValidationError):
            services.erasure_due_on(dt.date.max)

    def test_the_contractor_cannot_end_its_contract(
        self, personas: Personas, contract: Contract
    ) -> None:
        with pytest.raises(PermissionDenied):
            end(personas, contract, actor=personas.contractor)


class TestPlanning:
    def test_the_department_sets_the_action_method_and_a_later_due_date(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = erasure_task(personas, contract)
        services.plan_return_erasure(
            actor=personas.staff,
            task=task,
            action=ReturnErasure.Action.RETURN,
            method="市職員立会いのもと返還",
            due_on=dt.date(2010, 4, 30),
            due_on_reason="返還先の書庫の整理に時間を要するため",
        )
        task.refresh_from_db()
        assert (task.action, task.method, task.due_on, task.due_on_reason) == (
            ReturnErasure.Action.RETURN,
            "市職員立会いのもと返還",
            dt.date(2010, 4, 30),
            "返還先の書庫の整理に時間を要するため",
        )

    def test_a_due_date_before_the_end_is_refused(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = erasure_task(personas, contract)
        with pytest.raises(ValidationError) as error:
            services.plan_return_erasure(
                actor=personas.staff,
                task=task,
                action=task.action,
                method="",
                due_on=dt.date(2010, 3, 1),
            )
        assert error.value.code == "due_before_end"

    def test_moving_the_due_date_needs_a_reason(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = erasure_task(personas, contract)
        with pytest.raises(ValidationError) as error:
            services.plan_return_erasure(
                actor=personas.staff,
                task=task,
                action=task.action,
                method="",
                due_on=dt.date(2010, 5, 31),
                due_on_reason="  ",
            )
        assert error.value.code == "due_on_reason"
        task.refresh_from_db()
        assert (task.due_on, task.due_on_reason) == (dt.date(2010, 4, 14), "")

    def test_the_history_keeps_the_due_dates_before_and_after_and_the_reason(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = erasure_task(personas, contract)
        services.plan_return_erasure(
            actor=personas.staff,
            task=task,
            action=task.action,
            method="",
            due_on=dt.date(2010, 5, 31),
            due_on_reason="受託者の事業所移転のため",
        )
        event = AuditEvent.objects.get(use_case="vendors.plan_return_erasure")
        assert event.changes["due_on"] == ["2010-04-14", "2010-05-31"]
        assert event.changes["due_on_reason"] == ["", "受託者の事業所移転のため"]

    def test_the_same_due_date_needs_no_reason(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = erasure_task(personas, contract)
        services.plan_return_erasure(
            actor=personas.staff,
            task=task,
            action=task.action,
            method="上書き消去",
            due_on=task.due_on,
        )
        task.refresh_from_db()
        assert (task.method, task.due_on_reason) == ("上書き消去", "")

    def test_the_plan_is_set_only_while_the_task_awaits_its_certificate(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = filed(personas, erasure_task(personas, contract))
        with pytest.raises(ValidationError) as error:
            services.plan_return_erasure(
                actor=personas.staff, task=task, action=ReturnErasure.Action.RETURN, method=""
            )
        assert error.value.code == "submitted"
        task.refresh_from_db()
        assert task.action == ReturnErasure.Action.ERASE

    def test_the_contractor_cannot_plan(self, personas: Personas, contract: Contract) -> None:
        task = erasure_task(personas, contract)
        with pytest.raises(PermissionDenied):
            services.plan_return_erasure(
                actor=personas.contractor, task=task, action=task.action, method="自己判断"
            )


class TestCertificates:
    def test_the_contractor_files_a_certificate_of_erasure(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = filed(personas, erasure_task(personas, contract))
        task.refresh_from_db()
        assert task.status == ReturnErasure.Status.SUBMITTED
        assert task.submitted_by == personas.contractor
        assert task.submitted_at is not None
        assert task.certificate is not None
        assert (task.certificate.kind, task.certificate.vendor, task.certificate.contract) == (
            VendorDocument.Kind.ERASURE_CERTIFICATE,
            contract.vendor,
            contract,
        )

    def test_a_return_is_proven_by_a_receipt(self, personas: Personas, contract: Contract) -> None:
        task = next(t for t in end(personas, contract) if t.action == ReturnErasure.Action.RETURN)
        task = services.file_certificate(
            actor=personas.staff, task=task, uploaded_file=certificate(), method="手渡し"
        )
        assert task.certificate is not None
        assert task.certificate.kind == VendorDocument.Kind.RETURN_RECEIPT
        assert task.method == "手渡し"

    def test_the_department_cannot_replace_a_certificate_awaiting_verification(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = filed(personas, erasure_task(personas, contract))
        contractors = task.certificate
        for actor in (personas.staff, personas.secretariat):
            with pytest.raises(ValidationError) as error:
                services.file_certificate(actor=actor, task=task, uploaded_file=certificate())
            assert error.value.code == "submitted"
        task.refresh_from_db()
        assert (task.certificate, task.submitted_by) == (contractors, personas.contractor)
        assert VendorDocument.objects.count() == 1

    def test_the_contractor_may_replace_its_certificate_awaiting_verification(
        self, personas: Personas, contract: Contract
    ) -> None:
        first = filed(personas, erasure_task(personas, contract)).certificate
        task = filed(personas, ReturnErasure.objects.get(certificate=first))
        assert task.status == ReturnErasure.Status.SUBMITTED
        assert task.certificate != first

    def test_another_vendors_user_cannot_file(self, personas: Personas, contract: Contract) -> None:
        task = erasure_task(personas, contract)
        stranger = testing.make_user("contractor")
        testing.link_vendor_user(stranger, testing.make_vendor())
        with pytest.raises(PermissionDenied):
            services.file_certificate(actor=stranger, task=task, uploaded_file=certificate())

    @pytest.mark.parametrize("role", ["auditor", "member", "other_staff"])
    def test_others_cannot_file(self, personas: Personas, contract: Contract, role: str) -> None:
        task = erasure_task(personas, contract)
        with pytest.raises(PermissionDenied):
            services.file_certificate(
                actor=getattr(personas, role), task=task, uploaded_file=certificate()
            )

    def test_a_file_of_the_wrong_type_is_refused_and_the_task_stays_open(
        self, personas: Personas, contract: Contract, media_root: Path
    ) -> None:
        task = erasure_task(personas, contract)
        with pytest.raises(ValidationError) as error:
            services.file_certificate(
                actor=personas.contractor, task=task, uploaded_file=certificate(b"hello")
            )
        assert error.value.code == "type"
        task.refresh_from_db()
        assert task.status == ReturnErasure.Status.OPEN
        assert not VendorDocument.objects.exists()
        assert stored_files(media_root) == []

    def test_the_department_verifies_and_the_task_closes(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = filed(personas, erasure_task(personas, contract))
        today = timezone.localdate()
        services.verify_return_erasure(actor=personas.staff, task=task, verified_on=today)
        task.refresh_from_db()
        assert (task.status, task.verified_on, task.verified_by) == (
            ReturnErasure.Status.VERIFIED,
            today,
            personas.staff,
        )
        assert not ReturnErasure.objects.open().filter(pk=task.pk).exists()

    def test_the_contractor_cannot_verify_its_own_certificate(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = filed(personas, erasure_task(personas, contract))
        with pytest.raises(PermissionDenied):
            services.verify_return_erasure(
                actor=personas.contractor, task=task, verified_on=timezone.localdate()
            )

    def test_a_task_without_a_certificate_cannot_be_verified(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = erasure_task(personas, contract)
        with pytest.raises(ValidationError) as error:
            services.verify_return_erasure(
                actor=personas.staff, task=task, verified_on=timezone.localdate()
            )
        assert error.value.code == "not_submitted"

    def test_a_verification_before_the_filing_or_in_the_future_is_refused(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = filed(personas, erasure_task(personas, contract))
        today = timezone.localdate()
        for day, code in [
            (today - dt.timedelta(days=1), "before_filed"),
            (today + dt.timedelta(days=1), "future"),
        ]:
            with pytest.raises(ValidationError) as error:
                services.verify_return_erasure(actor=personas.staff, task=task, verified_on=day)
            assert error.value.code == code
        task.refresh_from_db()
        assert task.status == ReturnErasure.Status.SUBMITTED

    def test_a_verified_task_takes_no_more_certificates(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = filed(personas, erasure_task(personas, contract))
        services.verify_return_erasure(
            actor=personas.staff, task=task, verified_on=timezone.localdate()
        )
        with pytest.raises(ValidationError) as error:
            filed(personas, task)
        assert error.value.code == "verified"
        assert VendorDocument.objects.count() == 1

    def test_a_certificate_sent_back_opens_the_task_again_with_the_reason(
        self, personas: Personas, contract: Contract
    ) -> None:
        task = filed(personas, erasure_task(personas, contract))
        services.send_back_certificate(actor=personas.staff, task=task, reason="押印がありません")
        task.refresh_from_db()
        assert (task.status, task.rejection_reason) == (
            ReturnErasure.Status.OPEN,
            "押印がありません",
        )
        task = filed(personas, task)
        task.refresh_from_db()
        assert (task.status, task.rejection_reason) == (ReturnErasure.Status.SUBMITTED, "")

    def test_sending_back_needs_a_reason(self, personas: Personas, contract: Contract) -> None:
        task = filed(personas, erasure_task(personas, contract))
        with pytest.raises(ValidationError) as error:
            services.send_back_certificate(actor=personas.staff, task=task, reason="  ")
        assert error.value.code == "reason"
        task.refresh_from_db()
        assert task.status == ReturnErasure.Status.SUBMITTED

    def test_every_step_is_audited(self, personas: Personas, contract: Contract) -> None:
        task = erasure_task(personas, contract)
        services.plan_return_erasure(
            actor=personas.staff, task=task, action=task.action, method="物理破壊"
        )
        task = filed(personas, task)
        services.send_back_certificate(actor=personas.staff, task=task, reason="不鮮明")
        task = filed(personas, task)
        services.verify_return_erasure(
            actor=personas.staff, task=task, verified_on=timezone.localdate()
        )
        events = AuditEvent.objects.filter(use_case__startswith="vendors.")
        assert events.filter(use_case="vendors.end_contract", object_type="vendors.contract")
        assert events.filter(use_case="vendors.end_contract").count() == 3  # contract + 2 tasks
        assert events.filter(use_case="vendors.file_certificate", actor=personas.contractor)
        assert events.filter(use_case="vendors.send_back_certificate", actor=personas.staff)
        assert events.filter(use_case="vendors.plan_return_erasure", actor=personas.staff)
        assert events.filter(use_case="vendors.verify_return_erasure", actor=personas.staff)


class TestHandover:
    @pytest.fixture
    def handover(self, personas: Personas, contract: Contract) -> Handover:
        successor = testing.make_contract(
            personas.shogai, starts_on=dt.date(2010, 4, 1), ends_on=dt.date(2011, 3, 31)
        )
        return services.open_handover(
            actor=personas.staff,
            old_contract=contract,
            new_contract=successor,
            description="利用者台帳",
        )

    def step(self, personas: Personas, handover: Handover, step: str, on: dt.date) -> Handover:
        return services.record_handover_step(
            actor=personas.staff, handover=handover, step=step, on=on
        )

    def test_received_checked_and_handed_over_in_order_complete_it(
        self, personas: Personas, handover: Handover
    ) -> None:
        self.step(personas, handover, "received", dt.date(2010, 3, 31))
        self.step(personas, handover, "checked", dt.date(2010, 3, 31))
        self.step(personas, handover, "handed_over", dt.date(2010, 4, 1))
        handover.refresh_from_db()
        assert handover.status == Handover.Status.HANDED_OVER
        assert handover.is_compliant
        assert (handover.received_by, handover.checked_by, handover.handed_over_by) == (
            personas.staff,
            personas.staff,
            personas.staff,
        )

    @pytest.mark.parametrize(
        ("done", "step", "missing"),
        [
            ([], "checked", Handover.Status.RECEIVED),
            ([], "handed_over", Handover.Status.RECEIVED),
            (["received"], "handed_over", Handover.Status.CHECKED),
        ],
    )
    def test_a_step_out_of_order_is_refused_naming_the_missing_step(
        self,
        personas: Personas,
        handover: Handover,
        done: list[str],
        step: str,
        missing: Handover.Status,
    ) -> None:
        for earlier in done:
            self.step(personas, handover, earlier, dt.date(2010, 3, 31))
        with pytest.raises(ValidationError) as error:
            self.step(personas, handover, step, dt.date(2010, 4, 1))
        assert error.value.code == "out_of_order"
        assert str(missing.label) in error.value.messages[0]
        handover.refresh_from_db()
        assert handover.status == (Handover.Status.RECEIVED if done else Handover.Status.PENDING)

    def test_a_step_is_recorded_once(self, personas: Personas, handover: Handover) -> None:
        self.step(personas, handover, "received", dt.date(2010, 3, 31))
        with pytest.raises(ValidationError) as error:
            self.step(personas, handover, "received", dt.date(2010, 4, 1))
        assert error.value.code == "done"

    def test_a_step_dated_before_the_previous_one_is_refused(
        self, personas: Personas, handover: Handover
    ) -> None:
        self.step(personas, handover, "received", dt.date(2010, 3, 31))
        with pytest.raises(ValidationError) as error:
            self.step(personas, handover, "checked", dt.date(2010, 3, 30))
        assert error.value.code == "date_order"

    def test_a_step_in_the_future_is_refused(self, personas: Personas, handover: Handover) -> None:
        with pytest.raises(ValidationError) as error:
            self.step(personas, handover, "received", timezone.localdate() + dt.timedelta(days=1))
        assert error.value.code == "future"

    def test_an_unknown_step_is_refused(self, personas: Personas, handover: Handover) -> None:
        with pytest.raises(ValidationError):
            self.step(personas, handover, "emailed", dt.date(2010, 3, 31))

    def test_a_direct_transfer_is_kept_but_never_compliant(
        self, personas: Personas, handover: Handover
    ) -> None:
        self.step(personas, handover, "received", dt.date(2010, 3, 31))
        services.record_direct_transfer(
            actor=personas.staff,
            handover=handover,
            on=dt.date(2010, 4, 1),
            note="旧受託者が新受託者へ直接USBメモリで渡した",
        )
        handover.refresh_from_db()
        assert handover.status == Handover.Status.DIRECT
        assert not handover.is_compliant
        for step in ("checked", "handed_over"):
            with pytest.raises(ValidationError) as error:
                self.step(personas, handover, step, dt.date(2010, 4, 2))
            assert error.value.code == "direct"
        handover.refresh_from_db()
        assert handover.handed_over_on is None

    def test_a_direct_transfer_needs_a_note(self, personas: Personas, handover: Handover) -> None:
        with pytest.raises(ValidationError):
            services.record_direct_transfer(
                actor=personas.staff, handover=handover, on=dt.date(2010, 4, 1), note=""
            )

    def test_a_completed_handover_cannot_become_direct(
        self, personas: Personas, handover: Handover
    ) -> None:
        for step in ("received", "checked", "handed_over"):
            self.step(personas, handover, step, dt.date(2010, 4, 1))
        with pytest.raises(ValidationError):
            services.record_direct_transfer(
                actor=personas.staff, handover=handover, on=dt.date(2010, 4, 2), note="直接"
            )

    def test_it_is_opened_between_two_contractors_of_one_department(
        self, personas: Personas, contract: Contract
    ) -> None:
        cases = [
            (contract, "same_contract"),
            (testing.make_contract(personas.kodomo), "department"),
            (testing.make_contract(personas.shogai, vendor=contract.vendor), "same_vendor"),
        ]
        for other, code in cases:
            with pytest.raises(ValidationError) as error:
                services.open_handover(
                    actor=personas.secretariat,
                    old_contract=contract,
                    new_contract=other,
                    description="台帳",
                )
            assert error.value.code == code
        assert not Handover.objects.exists()

    def test_the_data_is_not_received_before_the_old_contract_started(
        self, personas: Personas, handover: Handover
    ) -> None:
        with pytest.raises(ValidationError) as error:
            self.step(personas, handover, "received", dt.date(2009, 9, 30))
        assert error.value.code == "before_old_contract"
        self.step(personas, handover, "received", dt.date(2009, 10, 1))

    def test_the_data_is_not_handed_over_before_the_new_contract_starts(
        self, personas: Personas, handover: Handover
    ) -> None:
        self.step(personas, handover, "received", dt.date(2010, 3, 30))
        self.step(personas, handover, "checked", dt.date(2010, 3, 31))
        with pytest.raises(ValidationError) as error:
            self.step(personas, handover, "handed_over", dt.date(2010, 3, 31))
        assert error.value.code == "before_new_contract"
        handover.refresh_from_db()
        assert handover.status == Handover.Status.CHECKED
        self.step(personas, handover, "handed_over", dt.date(2010, 4, 1))

    @pytest.mark.parametrize("direct", [False, True])
    def test_a_second_handover_between_the_same_contracts_waits_for_the_first(
        self, personas: Personas, handover: Handover, direct: bool
    ) -> None:
        if direct:
            services.record_direct_transfer(
                actor=personas.staff, handover=handover, on=dt.date(2010, 4, 1), note="直接"
            )
        else:
            self.step(personas, handover, "received", dt.date(2010, 3, 31))
        with pytest.raises(ValidationError) as error:
            services.open_handover(
                actor=personas.staff,
                old_contract=handover.old_contract,
                new_contract=handover.new_contract,
                description="利用者DB",
            )
        assert error.value.code == "under_way"
        assert Handover.objects.count() == 1

    def test_another_kind_of_data_follows_a_completed_handover(
        self, personas: Personas, handover: Handover
    ) -> None:
        for step in ("received", "checked", "handed_over"):
            self.step(personas, handover, step, dt.date(2010, 4, 1))
        services.open_handover(
            actor=personas.staff,
            old_contract=handover.old_contract,
            new_contract=handover.new_contract,
            description="利用者DB",
        )
        assert Handover.objects.count() == 2

    def test_no_data_is_handed_to_a_contract_that_has_ended(
        self, personas: Personas, contract: Contract
    ) -> None:
        ended = testing.make_contract(
            personas.shogai,
            starts_on=dt.date(2010, 4, 1),
            ends_on=dt.date(2011, 3, 31),
            status=Contract.Status.ENDED,
            ended_on=dt.date(2011, 3, 31),
        )
        with pytest.raises(ValidationError) as error:
            services.open_handover(
                actor=personas.staff, old_contract=contract, new_contract=ended, description="台帳"
            )
        assert error.value.code == "new_contract_ended"
        assert not Handover.objects.exists()

    def test_the_contractor_cannot_record_a_step(
        self, personas: Personas, handover: Handover
    ) -> None:
        with pytest.raises(PermissionDenied):
            services.record_handover_step(
                actor=personas.contractor,
                handover=handover,
                step="received",
                on=dt.date(2010, 4, 1),
            )


class TestDocumentRequests:
    def test_the_contractor_files_the_document_asked_for(
        self, personas: Personas, contract: Contract
    ) -> None:
        request = services.request_document(
            actor=personas.staff,
            contract=contract,
            title="従事者名簿",
            description="業務に従事する者の氏名と所属",
            due_on=timezone.localdate(),
        )
        assert (request.status, request.requested_by) == (
            DocumentRequest.Status.OPEN,
            personas.staff,
        )
        services.file_requested_document(
            actor=personas.contractor, request=request, uploaded_file=certificate()
        )
        request.refresh_from_db()
        assert request.status == DocumentRequest.Status.SUBMITTED
        assert request.document is not None
        assert (request.document.kind, request.document.title) == (
            VendorDocument.Kind.REQUESTED,
            "従事者名簿",
        )

    def test_a_request_is_answered_once(self, personas: Personas, contract: Contract) -> None:
        request = services.request_document(actor=personas.staff, contract=contract, title="名簿")
        services.file_requested_document(
            actor=personas.contractor, request=request, uploaded_file=certificate()
        )
        with pytest.raises(ValidationError) as error:
            services.file_requested_document(
                actor=personas.contractor, request=request, uploaded_file=certificate()
            )
        assert error.value.code == "already_filed"
        assert VendorDocument.objects.count() == 1

    def test_a_due_date_already_past_is_refused(
        self, personas: Personas, contract: Contract
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.request_document(
                actor=personas.staff,
                contract=contract,
                title="従事者名簿",
                due_on=timezone.localdate() - dt.timedelta(days=1),
            )
        assert error.value.code == "due_in_past"
        assert not DocumentRequest.objects.exists()

    def test_the_system_credits_a_request_to_the_departments_staff_only(
        self, personas: Personas
    ) -> None:
        department = testing.make_department("福祉総務課", parent=personas.shogai.parent)
        contract = testing.make_contract(department)
        testing.make_user("contractor", department=department)
        testing.make_user("council_member", department=department)
        testing.make_user("department_staff", department=department, is_active=False)
        with pytest.raises(ValidationError) as error:
            services.request_document(actor=None, contract=contract, title="名簿")
        assert error.value.code == "no_person"
        staff = testing.make_user("department_staff", department=department)
        request = services.request_document(actor=None, contract=contract, title="名簿")
        assert request.requested_by == staff

    def test_a_request_needs_a_title(self, personas: Personas, contract: Contract) -> None:
        with pytest.raises(ValidationError):
            services.request_document(actor=personas.staff, contract=contract, title=" ")

    def test_the_contractor_cannot_ask_and_strangers_cannot_file(
        self, personas: Personas, contract: Contract
    ) -> None:
        with pytest.raises(PermissionDenied):
            services.request_document(actor=personas.contractor, contract=contract, title="名簿")
        request = services.request_document(actor=personas.staff, contract=contract, title="名簿")
        for stranger in (personas.other_staff, personas.auditor, personas.member):
            with pytest.raises(PermissionDenied):
                services.file_requested_document(
                    actor=stranger, request=request, uploaded_file=certificate()
                )
        request.refresh_from_db()
        assert request.status == DocumentRequest.Status.OPEN
