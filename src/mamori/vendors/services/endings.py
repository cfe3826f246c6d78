"""The end of a contract: ending it, the erasure due date, return/erasure tasks and their
certificates, handovers between contractors, and documents asked of the contractor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.audit.writes import create_audited, update_audited
from mamori.core import business_days
from mamori.vendors import access
from mamori.vendors.models import (
    Contract,
    DocumentRequest,
    Handover,
    Medium,
    ReturnErasure,
    VendorDocument,
)
from mamori.vendors.services._shared import (
    _check_choice,
    _check_live,
    _is_contractor_of,
    _locked,
    _not_in_future,
    _person,
    _removed_on_failure,
    _require,
    _required_text,
    _today,
    _wareki,
)
from mamori.vendors.services.vendors import store_document

HANDOVER_STEPS: dict[str, tuple[Handover.Status, Handover.Status]] = {
    # step: (status it needs, status it leads to)
    "received": (Handover.Status.PENDING, Handover.Status.RECEIVED),
    "checked": (Handover.Status.RECEIVED, Handover.Status.CHECKED),
    "handed_over": (Handover.Status.CHECKED, Handover.Status.HANDED_OVER),
}
HANDOVER_ORDER = list(HANDOVER_STEPS)


def erasure_due_on(ended_on: dt.date) -> dt.date:
    """The due date of a return or erasure: settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS
    business days (core.business_days) after the day the contract ended. ValidationError
    (code "out_of_range") when that falls beyond the years the holiday table covers."""
    try:
        return business_days.add_business_days(ended_on, settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS)
    except ValueError as error:
        raise ValidationError(
            _("No due date can be computed from %(date)s: enter a real end date.")
            % {"date": _wareki(ended_on)},
            code="out_of_range",
        ) from error


@transaction.atomic
def end_contract(
    *,
    actor: Any,
    contract: Contract,
    ended_on: dt.date,
    terminated: bool = False,
    reason: str = "",
) -> list[ReturnErasure]:
    """End a live contract and open a ReturnErasure task per DataHolding: paper → return,
    electronic → erase, due erasure_due_on(ended_on).

    The end date is not in the future. A contract not terminated ends on its period's last
    day (ends_on); one terminated early ends within its period, before that day, and gives
    the reason."""
    _require(actor, access.may_edit_contract, contract)
    _check_live(_locked(contract))
    if ended_on < contract.starts_on:
        raise ValidationError(
            _("The end date is before the contract started (%(date)s).")
            % {"date": _wareki(contract.starts_on)},
            code="ended_before_start",
        )
    _not_in_future(
        ended_on,
        _("The end date (%(date)s) is in the future: record the end once the contract has ended."),
    )
    reason = (reason or "").strip()
    if terminated:
        reason = _required_text(
            reason, _("Enter the reason for ending the contract early."), "reason"
        )
        if ended_on >= contract.ends_on:
            raise ValidationError(
                _(
                    "An early end falls before the last day of the contract period "
                    "(%(date)s). A contract ending on that day is not terminated early."
                )
                % {"date": _wareki(contract.ends_on)},
                code="ended_after_end",
            )
    elif ended_on != contract.ends_on:
        raise ValidationError(
            _(
                "The contract ends on the last day of its period (%(date)s). To end it "
                "earlier, mark it as terminated early and give the reason."
            )
            % {"date": _wareki(contract.ends_on)},
            code="not_period_end",
        )
    due_on = erasure_due_on(ended_on)
    use_case = "vendors.end_contract"
    update_audited(
        contract,
        actor=actor,
        use_case=use_case,
        status=Contract.Status.TERMINATED if terminated else Contract.Status.ENDED,
        ended_on=ended_on,
        end_reason=reason if terminated else "",
    )
    return [
        create_audited(
            ReturnErasure,
            actor=actor,
            use_case=use_case,
            contract=contract,
            holding=holding,
            medium=holding.medium,
            description=holding.description,
            location=holding.location,
            action=(
                ReturnErasure.Action.RETURN
                if holding.medium == Medium.PAPER
                else ReturnErasure.Action.ERASE
            ),
            due_on=due_on,
        )
        for holding in contract.holdings.order_by("id")
    ]


def _check_not_verified(task: ReturnErasure) -> None:
    if task.status == ReturnErasure.Status.VERIFIED:
        raise ValidationError(
            _("This return or erasure is already verified: it cannot be changed."),
            code="verified",
        )


def _check_open(task: ReturnErasure) -> None:
    _check_not_verified(task)
    if task.status != ReturnErasure.Status.OPEN:
        raise ValidationError(
            _(
                "A certificate awaits verification on this task: verify it or send it back "
                "before changing the plan."
            ),
            code="submitted",
        )


@transaction.atomic
def plan_return_erasure(
    *,
    actor: Any,
    task: ReturnErasure,
    action: str,
    method: str,
    due_on: dt.date | None = None,
    due_on_reason: str = "",
) -> ReturnErasure:
    """The department sets return or erasure and the method, while the task awaits its
    certificate (status open). It may move the due date, giving the reason (kept in
    due_on_reason; the audit event keeps the dates before and after)."""
    _require(actor, access.may_edit_contract, task.contract)
    _check_open(_locked(task))
    _check_choice(action, ReturnErasure.Action.values, _("Choose return or erasure."), "action")
    changes: dict[str, Any] = {"action": action, "method": (method or "").strip()[:200]}
    if due_on is not None and due_on != task.due_on:
        ended_on = task.contract.ended_on
        if ended_on is not None and due_on < ended_on:
            raise ValidationError(
                _("The due date is before the contract ended (%(date)s).")
                % {"date": _wareki(ended_on)},
                code="due_before_end",
            )
        changes["due_on"] = due_on
        changes["due_on_reason"] = _required_text(
            due_on_reason, _("Enter the reason for changing the due date."), "due_on_reason"
        )
    return update_audited(task, actor=actor, use_case="vendors.plan_return_erasure", **changes)


@transaction.atomic
def file_certificate(
    *,
    actor: Any,
    task: ReturnErasure,
    uploaded_file: File[Any],
    method: str = "",
    at: dt.datetime | None = None,
) -> ReturnErasure:
    """The contractor (or the department) files the 消去証明書 / 返還受領書: the task
    becomes "submitted" and any earlier send-back reason is cleared. While a certificate
    awaits verification only the contractor may replace it; the department files only while
    the task is open, so that it never verifies a file it put in place of the contractor's."""
    _require(actor, access.may_file_certificate, task)
    _check_not_verified(_locked(task))
    contract = task.contract
    if task.status == ReturnErasure.Status.SUBMITTED and not (
        actor is not None and _is_contractor_of(actor, contract)
    ):
        raise ValidationError(
            _(
                "A certificate already awaits verification: verify it or send it back "
                "rather than replacing it."
            ),
            code="submitted",
        )
    if task.action == ReturnErasure.Action.ERASE:
        kind, title = VendorDocument.Kind.ERASURE_CERTIFICATE, _("Certificate of erasure")
    else:
        kind, title = VendorDocument.Kind.RETURN_RECEIPT, _("Receipt of return")
    at = at or timezone.now()
    document = store_document(
        actor=actor,
        vendor=contract.vendor,
        contract=contract,
        kind=kind,
        title=(_("%(document)s: %(data)s") % {"document": title, "data": task.description})[:200],
        uploaded_file=uploaded_file,
        at=at,
    )
    changes: dict[str, Any] = {
        "status": ReturnErasure.Status.SUBMITTED,
        "certificate": document,
        "submitted_at": at,
        "submitted_by": _person(actor, contract.department_id),
        "rejection_reason": "",
    }
    if method.strip():
        changes["method"] = method.strip()[:200]
    with _removed_on_failure(document):
        return update_audited(task, actor=actor, use_case="vendors.file_certificate", **changes)


def _check_submitted(task: ReturnErasure) -> None:
    if task.status != ReturnErasure.Status.SUBMITTED:
        raise ValidationError(
            _("No certificate awaits verification on this task."), code="not_submitted"
        )


@transaction.atomic
def verify_return_erasure(
    *, actor: Any, task: ReturnErasure, verified_on: dt.date
) -> ReturnErasure:
    """The department checks the certificate and closes the task."""
    _require(actor, access.may_verify, task)
    _check_submitted(_locked(task))
    _not_in_future(verified_on, _("The verification date (%(date)s) is in the future."))
    filed_on = timezone.localdate(task.submitted_at) if task.submitted_at else None
    if filed_on is not None and verified_on < filed_on:
        raise ValidationError(
            _("The verification date is before the certificate was filed (%(date)s).")
            % {"date": _wareki(filed_on)},
            code="before_filed",
        )
    return update_audited(
        task,
        actor=actor,
        use_case="vendors.verify_return_erasure",
        status=ReturnErasure.Status.VERIFIED,
        verified_on=verified_on,
        verified_by=_person(actor, task.contract.department_id),
    )


@transaction.atomic
def send_back_certificate(*, actor: Any, task: ReturnErasure, reason: str) -> ReturnErasure:
    """The department refuses a certificate with a reason: the task is open again."""
    _require(actor, access.may_verify, task)
    _check_submitted(_locked(task))
    reason = _required_text(
        reason, _("Enter the reason for sending the certificate back."), "reason"
    )
    # The certificate sent back stays linked, so that both sides see what was refused.
    return update_audited(
        task,
        actor=actor,
        use_case="vendors.send_back_certificate",
        status=ReturnErasure.Status.OPEN,
        rejection_reason=reason,
    )


@transaction.atomic
def open_handover(
    *, actor: Any, old_contract: Contract, new_contract: Contract, description: str
) -> Handover:
    """Start a handover of one kind of data from the old contractor to the new, through the
    city; the two contracts belong to the same department and differ in contractor, the new
    one has not ended, and no other handover between the two is under way (pending, received
    or checked) or was passed directly."""
    _require(actor, access.may_edit_contract, old_contract)
    _require(actor, access.may_edit_contract, new_contract)
    if old_contract.pk == new_contract.pk:
        raise ValidationError(
            _("Choose a different contract to hand the data over to."), code="same_contract"
        )
    if old_contract.department_id != new_contract.department_id:
        raise ValidationError(
            _("A handover is between two contracts of the same department."), code="department"
        )
    if old_contract.vendor_id == new_contract.vendor_id:
        raise ValidationError(
            _("The two contracts have the same contractor: there is nothing to hand over."),
            code="same_vendor",
        )
    _locked(old_contract)
    if new_contract.status != Contract.Status.LIVE:
        raise ValidationError(
            _("The new contract has already ended: no data can be handed over to it."),
            code="new_contract_ended",
        )
    under_way = Handover.objects.filter(
        old_contract=old_contract, new_contract=new_contract
    ).exclude(status=Handover.Status.HANDED_OVER)
    if under_way.exists():
        raise ValidationError(
            _(
                "A handover between these two contracts is under way or was passed directly: "
                "record on that handover rather than opening another."
            ),
            code="under_way",
        )
    description = _required_text(description, _("Describe the data handed over."), "description")
    return create_audited(
        Handover,
        actor=actor,
        use_case="vendors.open_handover",
        old_contract=old_contract,
        new_contract=new_contract,
        description=description[:200],
    )


def _step_label(step: str) -> str:
    return str(HANDOVER_STEPS[step][1].label)


def _check_direct(handover: Handover) -> None:
    if handover.status == Handover.Status.DIRECT:
        raise ValidationError(
            _(
                "The data passed directly between the contractors: no step through the city "
                "can be recorded on this handover."
            ),
            code="direct",
        )


@transaction.atomic
def record_handover_step(*, actor: Any, handover: Handover, step: str, on: dt.date) -> Handover:
    """Record "received" (old contractor → city), then "checked" (by the city), then
    "handed_over" (city → new contractor), in that order and on non-decreasing dates;
    anything else is refused with a Japanese message naming the missing step. The data is
    received from the old contractor no earlier than its contract started, and handed over
    to the new contractor no earlier than the new contract starts; no date is in the
    future."""
    _require(actor, access.may_edit_contract, handover.old_contract)
    _check_direct(_locked(handover))
    _check_choice(step, HANDOVER_STEPS, _("Choose the step of the handover."), "step")
    needs, leads_to = HANDOVER_STEPS[step]
    done = HANDOVER_ORDER.index(step) < _steps_done(handover)
    if done:
        raise ValidationError(
            _("“%(step)s” is already recorded.") % {"step": _step_label(step)}, code="done"
        )
    if handover.status != needs:
        missing = HANDOVER_ORDER[_steps_done(handover)]
        raise ValidationError(
            _("Record “%(missing)s” first.") % {"missing": _step_label(missing)},
            code="out_of_order",
        )
    _not_in_future(on, _("The date (%(date)s) is in the future."))
    previous = {"checked": handover.received_on, "handed_over": handover.checked_on}.get(step)
    if previous is not None and on < previous:
        raise ValidationError(
            _("The date is before the previous step (%(date)s).") % {"date": _wareki(previous)},
            code="date_order",
        )
    _check_within_contract(handover, step, on)
    person = _person(actor, handover.old_contract.department_id)
    return update_audited(
        handover,
        actor=actor,
        use_case="vendors.record_handover_step",
        status=leads_to,
        **{f"{step}_on": on, f"{step}_by": person},
    )


def _check_within_contract(handover: Handover, step: str, on: dt.date) -> None:
    """The city receives the data no earlier than the old contract started, and hands it to
    the new contractor no earlier than the new contract starts."""
    if step == "received" and on < handover.old_contract.starts_on:
        raise ValidationError(
            _("The data cannot be received before the old contract started (%(date)s).")
            % {"date": _wareki(handover.old_contract.starts_on)},
            code="before_old_contract",
        )
    if step == "handed_over" and on < handover.new_contract.starts_on:
        raise ValidationError(
            _(
                "The data cannot be handed to the new contractor before its contract "
                "starts (%(date)s)."
            )
            % {"date": _wareki(handover.new_contract.starts_on)},
            code="before_new_contract",
        )


def _steps_done(handover: Handover) -> int:
    statuses = [Handover.Status.PENDING, *(after for _before, after in HANDOVER_STEPS.values())]
    return statuses.index(Handover.Status(handover.status))


@transaction.atomic
def record_direct_transfer(*, actor: Any, handover: Handover, on: dt.date, note: str) -> Handover:
    """Record that data passed directly old → new: kept as a fact, marked not compliant;
    it never counts as a completed handover."""
    _require(actor, access.may_edit_contract, handover.old_contract)
    _check_direct(_locked(handover))
    if handover.status == Handover.Status.HANDED_OVER:
        raise ValidationError(
            _("This handover is already complete through the city."), code="handed_over"
        )
    note = _required_text(note, _("Describe how the data passed directly."), "note")
    _not_in_future(on, _("The date (%(date)s) is in the future."))
    return update_audited(
        handover,
        actor=actor,
        use_case="vendors.record_direct_transfer",
        status=Handover.Status.DIRECT,
        direct_transfer_on=on,
        note=note,
    )


@transaction.atomic
def request_document(
    *,
    actor: Any,
    contract: Contract,
    title: str,
    description: str = "",
    due_on: dt.date | None = None,
) -> DocumentRequest:
    """The department asks the contractor for a document, due today or later if at all."""
    _require(actor, access.may_edit_contract, contract)
    title = _required_text(title, _("Enter the document asked for."), "title")
    if due_on is not None and due_on < _today():
        raise ValidationError(
            _("The due date (%(date)s) has already passed: enter today or a later date.")
            % {"date": _wareki(due_on)},
            code="due_in_past",
        )
    return create_audited(
        DocumentRequest,
        actor=actor,
        use_case="vendors.request_document",
        contract=contract,
        title=title[:200],
        description=(description or "").strip(),
        due_on=due_on,
        requested_by=_person(actor, contract.department_id),
        requested_at=timezone.now(),
    )


@transaction.atomic
def file_requested_document(
    *, actor: Any, request: DocumentRequest, uploaded_file: File[Any]
) -> DocumentRequest:
    """The contractor (or the department) files the document asked for."""
    _require(actor, access.may_file_requested_document, request)
    if _locked(request).status != DocumentRequest.Status.OPEN:
        raise ValidationError(_("This document has already been filed."), code="already_filed")
    contract = request.contract
    document = store_document(
        actor=actor,
        vendor=contract.vendor,
        contract=contract,
        kind=VendorDocument.Kind.REQUESTED,
        title=request.title,
        uploaded_file=uploaded_file,
    )
    with _removed_on_failure(document):
        return update_audited(
            request,
            actor=actor,
            use_case="vendors.file_requested_document",
            status=DocumentRequest.Status.SUBMITTED,
            document=document,
        )
