"""Pages for the end of a contract: ending it, return or erasure tasks with their
certificates, handovers through the city, documents asked of the contractor, and downloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.forms import Form
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mamori.accounts.models import Role
from mamori.audit.models import AuditEvent
from mamori.core import eras
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest, stored_file_response
from mamori.vendors import access, services
from mamori.vendors.forms_endings import (
    CertificateForm,
    ContractEndForm,
    DirectTransferForm,
    DocumentRequestForm,
    ErasureFilterForm,
    ErasurePlanForm,
    HandoverForm,
    HandoverStepForm,
    RequestedDocumentForm,
    SendBackForm,
    VerifyForm,
)
from mamori.vendors.models import (
    Contract,
    DocumentRequest,
    Handover,
    Medium,
    ReturnErasure,
    ReturnErasureQuerySet,
    VendorUser,
)

PAGE_SIZE = 50
HISTORY_LIMIT = 20
# Codes of the upload check (consultations.attachments.check_file): errors about the file itself.
FILE_ERROR_CODES = {"empty", "too_large", "type"}
# Codes of refusals about the state of the contract or task, not about a field.
STATE_ERROR_CODES = {"not_live", "verified", "not_submitted", "state", "already_filed"}
# The step that follows each state of a handover; none once it is over.
NEXT_STEP = {
    Handover.Status.PENDING: "received",
    Handover.Status.RECEIVED: "checked",
    Handover.Status.CHECKED: "handed_over",
}
# What each use case of the audit trail did to a task, as its history tells it.
TASK_EVENTS = {
    "vendors.end_contract": gettext_lazy("The task was opened at the end of the contract"),
    "vendors.plan_return_erasure": gettext_lazy("The plan was changed"),
    "vendors.file_certificate": gettext_lazy("A certificate was filed"),
    "vendors.verify_return_erasure": gettext_lazy("The certificate was verified"),
    "vendors.send_back_certificate": gettext_lazy("The certificate was sent back"),
}


def _contract_url(contract: Contract | int, anchor: str = "") -> str:
    pk = contract if isinstance(contract, int) else contract.pk
    url = reverse("vendors:contract_detail", args=[pk])
    return f"{url}#{anchor}" if anchor else url


def _add_service_error(form: Form, error: ValidationError, field: str | None = None) -> None:
    """A service's refusal on the form: on the file field when it is about the file."""
    on_field = field if field and getattr(error, "code", None) in FILE_ERROR_CODES else None
    form.add_error(on_field, error)


def _add_error_by_code(
    form: Form, error: ValidationError, fields: dict[str, str], default: str | None
) -> None:
    """A service's refusal on the field it concerns: `fields` maps codes to fields; any other
    code goes to `default` (None: the form as a whole), except a contract that has ended."""
    code = getattr(error, "code", None) or ""
    field = fields[code] if code in fields else default
    if code in STATE_ERROR_CODES or (field is not None and field not in form.fields):
        field = None
    form.add_error(field, error)


# The contract's page ------------------------------------------------------------------------


def endings_context(user: Any, contract: Any) -> dict[str, Any]:
    """What contract_detail shows of the end of a contract (tasks, handovers, requests)."""
    may_edit = access.may_edit_contract(user, contract)
    own_vendor = access.vendor_of(user)
    is_contractor = own_vendor is not None and own_vendor.pk == contract.vendor_id
    return {
        "erasure_tasks": list(
            contract.return_erasures.select_related("certificate", "verified_by")
        ),
        "handovers_out": list(contract.handovers_out.select_related("new_contract__vendor")),
        "handovers_in": list(contract.handovers_in.select_related("old_contract__vendor")),
        "document_requests": list(
            contract.document_requests.select_related("document", "requested_by")
        ),
        "may_end_contract": may_edit and contract.status == Contract.Status.LIVE,
        "may_open_handover": may_edit,
        "may_request_document": may_edit,
        "may_file_documents": may_edit or is_contractor,
        "endings_today": timezone.localdate(),
    }


# Ending a contract --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedTask:
    """A task that ending the contract will open, shown before it is ended."""

    description: str
    medium: str
    location: str
    action: str


def _planned_tasks(contract: Contract) -> list[PlannedTask]:
    actions = {
        Medium.PAPER: ReturnErasure.Action.RETURN.label,
        Medium.ELECTRONIC: ReturnErasure.Action.ERASE.label,
    }
    return [
        PlannedTask(
            description=holding.description,
            medium=holding.get_medium_display(),
            location=holding.location,
            action=str(actions.get(Medium(holding.medium), "")),
        )
        for holding in contract.holdings.all()
    ]


def _due_on(ended_on: dt.date | None) -> dt.date | None:
    """The due date a preview shows; none for a date too far out to count business days in
    (ending on it is refused anyway)."""
    if ended_on is None:
        return None
    try:
        return services.erasure_due_on(ended_on)
    except ValidationError:
        return None


@login_required
def contract_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """End a live contract: one return-or-erasure task opens per kind of data held."""
    contract = access.get_contract_for_user(request.user, pk, write=True)
    if contract.status != Contract.Status.LIVE:
        messages.error(request, _("This contract has already ended."))
        return redirect(_contract_url(contract))
    posted = request.method == "POST"
    preview = "preview" in request.POST
    form = ContractEndForm(request.POST if posted else None, contract=contract, preview=preview)
    if posted and not preview and form.is_valid():
        data = form.cleaned_data
        try:
            tasks = services.end_contract(
                actor=request.user,
                contract=contract,
                ended_on=data["ended_on"],
                terminated=data["terminated"],
                reason=data["reason"].strip() if data["terminated"] else "",
            )
        except ValidationError as error:
            _add_error_by_code(form, error, {"reason": "reason"}, "ended_on")
        else:
            message = ngettext(
                "The contract was ended; %(count)s return and erasure case was opened.",
                "The contract was ended; %(count)s return and erasure cases were opened.",
                len(tasks),
            )
            messages.success(request, message % {"count": len(tasks)})
            return redirect(_contract_url(contract, "endings"))
    return render(
        request,
        "vendors/contract_end.html",
        {
            "contract": contract,
            "form": form,
            "planned_tasks": _planned_tasks(contract),
            "due_on": _due_on(form.preview_date()),
            "business_days": settings.MAMORI_ERASURE_DUE_BUSINESS_DAYS,
        },
    )


# Return or erasure --------------------------------------------------------------------------


def _in_state(visible: QuerySet[ReturnErasure], state: str, today: dt.date) -> Any:
    tasks = cast(ReturnErasureQuerySet, visible)
    if state == "overdue":
        return tasks.overdue(today)
    if state in ReturnErasure.Status.values:
        return tasks.filter(status=state)
    if state == "all":
        return tasks
    return tasks.open()


def _status_counts(tasks: QuerySet[ReturnErasure], today: dt.date) -> dict[str, int]:
    Status = ReturnErasure.Status
    counts: dict[str, int] = tasks.aggregate(
        overdue=Count("pk", filter=Q(status=Status.OPEN, due_on__lt=today)),
        open=Count("pk", filter=Q(status=Status.OPEN)),
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
        verified=Count("pk", filter=Q(status=Status.VERIFIED)),
    )
    return counts


@login_required
def erasure_list(request: AuthenticatedRequest) -> HttpResponse:
    """Return-or-erasure tasks the user may see, overdue first, with counts per status."""
    today = timezone.localdate()
    visible = access.erasures_visible_to(request.user)
    filters = ErasureFilterForm(request.GET or None)
    state = filters.cleaned_data["status"] if filters.is_valid() else ""
    overdue_first = Case(
        When(status=ReturnErasure.Status.OPEN, due_on__lt=today, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    tasks = (
        _in_state(visible, state, today)
        .select_related("contract__department__parent__parent")
        .order_by(overdue_first, "due_on", "id")
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "vendors/erasure_list.html",
        {
            "filters": filters,
            "state": state,
            "counts": _status_counts(visible, today),
            "page_obj": page,
            "tasks": page.object_list,
            "today": today,
        },
    )


@dataclass(frozen=True)
class TaskEvent:
    """One line of a task's history; a moved due date with its dates before and after."""

    at: dt.datetime
    actor: str
    description: str
    due_before: dt.date | None = None
    due_after: dt.date | None = None
    due_reason: str = ""


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _task_event(event: AuditEvent, task: ReturnErasure) -> TaskEvent:
    description = str(TASK_EVENTS.get(event.use_case, event.get_action_display()))
    ended_on = task.contract.ended_on
    if event.use_case == "vendors.end_contract" and ended_on is not None:
        # Recorded when the end was entered, which may be days after the contract ended.
        description = _("The task was opened at the end of the contract (ended on %(date)s)") % {
            "date": eras.format_date(ended_on)
        }
    moved: dict[str, Any] = {}
    if event.use_case == "vendors.plan_return_erasure":
        changes = event.changes if isinstance(event.changes, dict) else {}
        due = changes.get("due_on")
        if isinstance(due, list) and len(due) == 2:
            reason = changes.get("due_on_reason")
            moved = {
                "due_before": _day(due[0]),
                "due_after": _day(due[1]),
                "due_reason": str(reason[1] or "") if isinstance(reason, list) else "",
            }
    return TaskEvent(
        at=event.created_at,
        actor=str(event.actor) if event.actor is not None else event.actor_label,
        description=description,
        **moved,
    )


def _history(task: ReturnErasure) -> list[TaskEvent]:
    events = (AuditEvent.objects.for_object(task).select_related("actor").order_by("-seq"))[
        :HISTORY_LIMIT
    ]
    return [_task_event(event, task) for event in events]


def _render_task(
    request: AuthenticatedRequest, task: ReturnErasure, **forms: Form | None
) -> HttpResponse:
    """The task's page, with each form the user may use (bound ones kept with their errors)."""
    user = request.user
    Status = ReturnErasure.Status
    if access.may_edit_contract(user, task.contract) and task.status == Status.OPEN:
        forms.setdefault("plan_form", ErasurePlanForm(task=task))
    # The contractor may replace a certificate awaiting verification; the department, which
    # verifies it, files one (received on paper) only while the task is open.
    replaceable = task.status == Status.OPEN or (
        task.status == Status.SUBMITTED and not access.may_verify(user, task)
    )
    if access.may_file_certificate(user, task) and replaceable:
        forms.setdefault("certificate_form", CertificateForm())
    if access.may_verify(user, task) and task.status == Status.SUBMITTED:
        forms.setdefault("verify_form", VerifyForm())
        forms.setdefault("send_back_form", SendBackForm())
    return render(
        request,
        "vendors/erasure_detail.html",
        {
            "task": task,
            "contract": task.contract,
            "today": timezone.localdate(),
            "history": _history(task),
            **forms,
        },
    )


def _task(request: AuthenticatedRequest, pk: int) -> ReturnErasure:
    task = access.get_erasure_for_user(request.user, pk)
    # The certificate and the verifier are shown on the page.
    return (
        ReturnErasure.objects.select_related(
            "contract__vendor",
            "contract__department__parent",
            "certificate",
            "submitted_by",
            "verified_by",
        )
        .filter(pk=task.pk)
        .get()
    )


def _task_url(task: ReturnErasure) -> str:
    return reverse("vendors:erasure_detail", args=[task.pk])


@login_required
def erasure_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One return-or-erasure task: its plan, certificate and verification."""
    return _render_task(request, _task(request, pk))


def _back_to_task(request: AuthenticatedRequest, pk: int) -> HttpResponse | None:
    """A GET on an address that only takes a form: back to the task's page."""
    if request.method == "POST":
        return None
    return redirect(_task_url(_task(request, pk)))


@login_required
def erasure_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department sets return or erasure, the method and the due date (a moved due date
    with its reason)."""
    if (back := _back_to_task(request, pk)) is not None:
        return back
    task = _task(request, pk)
    require(access.may_edit_contract(request.user, task.contract))
    form = ErasurePlanForm(request.POST, task=task)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_return_erasure(
                actor=request.user,
                task=task,
                action=data["action"],
                method=data["method"],
                due_on=data["due_on"],
                due_on_reason=data["due_on_reason"] if form.due_on_changed() else "",
            )
        except ValidationError as error:
            _add_error_by_code(
                form,
                error,
                {"action": "action", "due_on_reason": "due_on_reason", "reason": "due_on_reason"},
                "due_on",
            )
        else:
            messages.success(request, _("The plan was saved."))
            return redirect(_task_url(task))
    return _render_task(request, task, plan_form=form)


@login_required
def erasure_certificate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The contractor (or the department) files the certificate of erasure or return."""
    if (back := _back_to_task(request, pk)) is not None:
        return back
    task = _task(request, pk)
    require(access.may_file_certificate(request.user, task))
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_certificate(
                actor=request.user,
                task=task,
                uploaded_file=form.cleaned_data["file"],
                method=form.cleaned_data["method"],
            )
        except ValidationError as error:
            _add_service_error(form, error, "file")
        else:
            messages.success(request, _("The certificate was filed."))
            return redirect(_task_url(task))
    return _render_task(request, task, certificate_form=form)


@login_required
def erasure_verify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department confirms the certificate: the task is closed."""
    if (back := _back_to_task(request, pk)) is not None:
        return back
    task = _task(request, pk)
    require(access.may_verify(request.user, task))
    form = VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.verify_return_erasure(
                actor=request.user, task=task, verified_on=form.cleaned_data["verified_on"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The certificate was verified and the task closed."))
            return redirect(_task_url(task))
    return _render_task(request, task, verify_form=form)


@login_required
def erasure_send_back(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department refuses the certificate with a reason: the task is open again."""
    if (back := _back_to_task(request, pk)) is not None:
        return back
    task = _task(request, pk)
    require(access.may_verify(request.user, task))
    form = SendBackForm(request.POST)
    if form.is_valid():
        try:
            services.send_back_certificate(
                actor=request.user, task=task, reason=form.cleaned_data["reason"].strip()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The certificate was sent back to the contractor."))
            return redirect(_task_url(task))
    return _render_task(request, task, send_back_form=form)


# Handovers ----------------------------------------------------------------------------------


def _successors(user: Any, contract: Contract) -> QuerySet[Contract]:
    """Contracts that may take over: same department, another contractor."""
    return (
        access.contracts_visible_to(user)
        .filter(department_id=contract.department_id)
        .exclude(vendor_id=contract.vendor_id)
        .exclude(pk=contract.pk)
        .order_by("-starts_on", "id")
    )


@login_required
def handover_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Start a handover from this contract's contractor to its successor, through the city."""
    contract = access.get_contract_for_user(request.user, pk, write=True)
    posted = request.method == "POST"
    form = HandoverForm(
        request.POST if posted else None, successors=_successors(request.user, contract)
    )
    if posted and form.is_valid():
        try:
            handover = services.open_handover(
                actor=request.user,
                old_contract=contract,
                new_contract=form.cleaned_data["new_contract"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The handover was opened."))
            return redirect("vendors:handover_detail", pk=handover.pk)
    return render(request, "vendors/handover_form.html", {"contract": contract, "form": form})


def _render_handover(
    request: AuthenticatedRequest, handover: Handover, **forms: Form | None
) -> HttpResponse:
    next_step = NEXT_STEP.get(Handover.Status(handover.status))
    may_record = access.may_edit_contract(request.user, handover.old_contract)
    if may_record and next_step is not None:
        forms.setdefault("step_form", HandoverStepForm(initial={"step": next_step}))
        forms.setdefault("direct_form", DirectTransferForm())
    return render(
        request,
        "vendors/handover_detail.html",
        {"handover": handover, "next_step": next_step, **forms},
    )


def _handover(request: AuthenticatedRequest, pk: int, *, write: bool = False) -> Handover:
    handover = access.get_handover_for_user(request.user, pk, write=write)
    return (
        Handover.objects.select_related(
            "old_contract__vendor",
            "old_contract__department__parent",
            "new_contract__vendor",
            "received_by",
            "checked_by",
            "handed_over_by",
        )
        .filter(pk=handover.pk)
        .get()
    )


@login_required
def handover_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A handover's three steps, and a form for the next one."""
    return _render_handover(request, _handover(request, pk))


def _back_to_handover(request: AuthenticatedRequest, pk: int) -> HttpResponse | None:
    """A GET on an address that only takes a form: back to the handover's page."""
    if request.method == "POST":
        return None
    return redirect("vendors:handover_detail", pk=_handover(request, pk).pk)


@login_required
def handover_step(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record the next step of a handover; out of order or on a bad date it is refused."""
    if (back := _back_to_handover(request, pk)) is not None:
        return back
    handover = _handover(request, pk, write=True)
    form = HandoverStepForm(request.POST)
    if form.is_valid():
        step = form.cleaned_data["step"]
        try:
            services.record_handover_step(
                actor=request.user, handover=handover, step=step, on=form.cleaned_data["on"]
            )
        except ValidationError as error:
            _add_error_by_code(form, error, {"future": "on", "date_order": "on"}, None)
        else:
            label = services.HANDOVER_STEPS[step][1].label
            messages.success(request, _("“%(step)s” was recorded.") % {"step": label})
            return redirect("vendors:handover_detail", pk=handover.pk)
    return _render_handover(request, handover, step_form=form)


@login_required
def handover_direct(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record that the data passed directly between the contractors: not compliant."""
    if (back := _back_to_handover(request, pk)) is not None:
        return back
    handover = _handover(request, pk, write=True)
    form = DirectTransferForm(request.POST)
    if form.is_valid():
        try:
            services.record_direct_transfer(
                actor=request.user,
                handover=handover,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"].strip(),
            )
        except ValidationError as error:
            _add_error_by_code(form, error, {"note": "note", "future": "on"}, None)
        else:
            messages.warning(request, _("The direct transfer was recorded as not compliant."))
            return redirect("vendors:handover_detail", pk=handover.pk)
    return _render_handover(request, handover, direct_form=form)


# Documents asked of the contractor ----------------------------------------------------------


@login_required
def document_request_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department asks its contractor for a document."""
    contract = access.get_contract_for_user(request.user, pk, write=True)
    posted = request.method == "POST"
    form = DocumentRequestForm(request.POST if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_document(
                actor=request.user,
                contract=contract,
                title=data["title"],
                description=data["description"],
                due_on=data["due_on"],
            )
        except ValidationError as error:
            _add_error_by_code(form, error, {"title": "title"}, "due_on")
        else:
            messages.success(request, _("The document was requested."))
            return redirect(_contract_url(contract, "document-requests"))
    # Without a contractor user who may log in, nobody sees the request on screen.
    reachable = VendorUser.objects.filter(
        vendor_id=contract.vendor_id, user__is_active=True, user__role=Role.CONTRACTOR
    ).exists()
    return render(
        request,
        "vendors/document_request_form.html",
        {"contract": contract, "form": form, "no_contractor_user": not reachable},
    )


@login_required
def document_request_file(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The contractor (or the department) files the document asked for."""
    asked: DocumentRequest = access.get_document_request_for_user(request.user, pk)
    require(access.may_file_requested_document(request.user, asked))
    posted = request.method == "POST"
    form = RequestedDocumentForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if posted and form.is_valid():
        try:
            services.file_requested_document(
                actor=request.user, request=asked, uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            _add_service_error(form, error, "file")
        else:
            messages.success(request, _("The document was filed."))
            return redirect(_contract_url(asked.contract_id, "document-requests"))
    asked = (
        DocumentRequest.objects.select_related("contract__vendor", "document", "requested_by")
        .filter(pk=asked.pk)
        .get()
    )
    return render(
        request,
        "vendors/document_request_file.html",
        {"asked": asked, "contract": asked.contract, "form": form},
    )


@login_required
def document_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A stored file, as a download, to those who may see its contract (or vendor); each
    download is recorded in the audit trail."""
    document = access.get_document_for_user(request.user, pk)
    return stored_file_response(
        actor=request.user,
        obj=document,
        use_case="vendors.download_document",
        file=document.file,
        filename=document.original_name,
        content_type=document.content_type,
    )
