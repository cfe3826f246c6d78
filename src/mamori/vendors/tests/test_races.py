"""Two pages loaded before one of them acted: every state change re-reads its row under a
lock, so the second page cannot move a contract, a task, a handover or a request again from
the state it no longer has. Each test passes two separately fetched copies of one row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.vendors import services
from mamori.vendors.models import (
    Clause,
    Contract,
    DataHolding,
    DocumentRequest,
    Handover,
    Medium,
    ReturnErasure,
)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ENDS_ON = dt.date(2010, 3, 31)


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def certificate() -> SimpleUploadedFile:
    return SimpleUploadedFile("消去証明書.pdf", PDF, content_type="application/pdf")


@pytest.fixture
def contract(personas: Personas) -> Contract:
    """A live contract of 障害支援課 holding one kind of electronic data."""
    contract: Contract = testing.make_contract(personas.shogai, ends_on=ENDS_ON)
    DataHolding.objects.create(contract=contract, medium=Medium.ELECTRONIC, description="利用者DB")
    testing.link_vendor_user(personas.contractor, contract.vendor)
    return contract


@pytest.fixture
def task(personas: Personas, contract: Contract) -> ReturnErasure:
    (task,) = services.end_contract(actor=personas.staff, contract=contract, ended_on=ENDS_ON)
    return task


def two_copies[M: models.Model](obj: M) -> tuple[M, M]:
    """The row as two pages loaded it, each `Model.objects.get(pk=…)` on its own."""
    manager = type(obj)._default_manager
    return manager.get(pk=obj.pk), manager.get(pk=obj.pk)


def file_on(personas: Personas, task: ReturnErasure) -> ReturnErasure:
    return services.file_certificate(
        actor=personas.contractor, task=task, uploaded_file=certificate()
    )


def verify(personas: Personas, task: ReturnErasure) -> ReturnErasure:
    return services.verify_return_erasure(
        actor=personas.staff, task=task, verified_on=timezone.localdate()
    )


def events(use_case: str) -> int:
    return AuditEvent.objects.filter(use_case=use_case).count()


class TestEndingAContract:
    def test_ending_it_twice_opens_its_tasks_once(
        self, personas: Personas, contract: Contract
    ) -> None:
        first, second = two_copies(contract)
        services.end_contract(actor=personas.staff, contract=first, ended_on=ENDS_ON)
        with pytest.raises(ValidationError) as error:
            services.end_contract(actor=personas.staff, contract=second, ended_on=ENDS_ON)
        assert error.value.code == "not_live"
        assert ReturnErasure.objects.filter(contract=contract).count() == 1
        assert second.status == Contract.Status.ENDED  # the caller's copy now reads the row

    def test_a_page_loaded_before_the_end_cannot_change_the_contract(
        self, personas: Personas, contract: Contract
    ) -> None:
        first, second = two_copies(contract)
        holding = DataHolding.objects.get(contract=contract)
        services.end_contract(actor=personas.staff, contract=first, ended_on=ENDS_ON)
        writes: list[Callable[[], object]] = [
            lambda: services.update_contract(actor=personas.staff, contract=second, title="新"),
            lambda: services.set_clauses(
                actor=personas.staff,
                contract=second,
                clauses={Clause.Kind.AUDIT: (True, "第9条")},
            ),
            lambda: services.add_holding(
                actor=personas.staff, contract=second, medium=Medium.PAPER, description="名簿"
            ),
            lambda: services.remove_holding(actor=personas.staff, holding=holding),
        ]
        for write in writes:
            with pytest.raises(ValidationError) as error:
                write()
            assert error.value.code == "not_live"
        assert DataHolding.objects.filter(contract=contract).count() == 1
        assert Contract.objects.get(pk=contract.pk).title == contract.title


class TestCertificates:
    def test_a_certificate_filed_from_a_page_loaded_before_the_verification_is_refused(
        self, personas: Personas, task: ReturnErasure
    ) -> None:
        file_on(personas, task)
        seen_by_department, seen_by_contractor = two_copies(task)
        verify(personas, seen_by_department)
        with pytest.raises(ValidationError) as error:
            file_on(personas, seen_by_contractor)
        assert error.value.code == "verified"
        task.refresh_from_db()
        assert task.status == ReturnErasure.Status.VERIFIED
        assert task.verified_on == timezone.localdate()
        assert events("vendors.file_certificate") == 1

    def test_verifying_twice_is_refused(self, personas: Personas, task: ReturnErasure) -> None:
        file_on(personas, task)
        first, second = two_copies(task)
        verify(personas, first)
        with pytest.raises(ValidationError) as error:
            verify(personas, second)
        assert error.value.code == "not_submitted"
        assert events("vendors.verify_return_erasure") == 1

    def test_a_certificate_verified_on_one_page_cannot_be_sent_back_on_another(
        self, personas: Personas, task: ReturnErasure
    ) -> None:
        file_on(personas, task)
        first, second = two_copies(task)
        verify(personas, first)
        with pytest.raises(ValidationError) as error:
            services.send_back_certificate(actor=personas.staff, task=second, reason="不鮮明")
        assert error.value.code == "not_submitted"
        task.refresh_from_db()
        assert (task.status, task.rejection_reason) == (ReturnErasure.Status.VERIFIED, "")

    def test_the_plan_cannot_change_from_a_page_loaded_before_the_certificate(
        self, personas: Personas, task: ReturnErasure
    ) -> None:
        first, second = two_copies(task)
        file_on(personas, first)
        with pytest.raises(ValidationError) as error:
            services.plan_return_erasure(
                actor=personas.staff,
                task=second,
                action=ReturnErasure.Action.RETURN,
                method="返還",
            )
        assert error.value.code == "submitted"
        task.refresh_from_db()
        assert task.action == ReturnErasure.Action.ERASE


class TestHandovers:
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

    def test_the_same_step_recorded_on_two_pages_is_recorded_once(
        self, personas: Personas, handover: Handover
    ) -> None:
        first, second = two_copies(handover)
        services.record_handover_step(
            actor=personas.staff, handover=first, step="received", on=dt.date(2010, 3, 31)
        )
        with pytest.raises(ValidationError) as error:
            services.record_handover_step(
                actor=personas.staff, handover=second, step="received", on=dt.date(2010, 4, 1)
            )
        assert error.value.code == "done"
        handover.refresh_from_db()
        assert handover.received_on == dt.date(2010, 3, 31)
        assert events("vendors.record_handover_step") == 1

    def test_the_next_step_follows_a_step_recorded_on_another_page(
        self, personas: Personas, handover: Handover
    ) -> None:
        first, second = two_copies(handover)
        services.record_handover_step(
            actor=personas.staff, handover=first, step="received", on=dt.date(2010, 3, 31)
        )
        services.record_handover_step(
            actor=personas.staff, handover=second, step="checked", on=dt.date(2010, 4, 1)
        )
        handover.refresh_from_db()
        assert (handover.status, handover.received_on, handover.checked_on) == (
            Handover.Status.CHECKED,
            dt.date(2010, 3, 31),
            dt.date(2010, 4, 1),
        )

    def test_a_step_cannot_follow_a_direct_transfer_recorded_on_another_page(
        self, personas: Personas, handover: Handover
    ) -> None:
        first, second = two_copies(handover)
        services.record_direct_transfer(
            actor=personas.staff, handover=first, on=dt.date(2010, 4, 1), note="直接渡した"
        )
        with pytest.raises(ValidationError) as error:
            services.record_handover_step(
                actor=personas.staff, handover=second, step="received", on=dt.date(2010, 4, 1)
            )
        assert error.value.code == "direct"
        handover.refresh_from_db()
        assert (handover.status, handover.received_on) == (Handover.Status.DIRECT, None)


class TestDocumentRequests:
    def test_a_document_filed_on_two_pages_is_filed_once(
        self, personas: Personas, contract: Contract
    ) -> None:
        request = services.request_document(actor=personas.staff, contract=contract, title="名簿")
        first, second = two_copies(request)
        services.file_requested_document(
            actor=personas.contractor, request=first, uploaded_file=certificate()
        )
        with pytest.raises(ValidationError) as error:
            services.file_requested_document(
                actor=personas.contractor, request=second, uploaded_file=certificate()
            )
        assert error.value.code == "already_filed"
        request.refresh_from_db()
        assert request.status == DocumentRequest.Status.SUBMITTED
        assert events("vendors.file_requested_document") == 1
