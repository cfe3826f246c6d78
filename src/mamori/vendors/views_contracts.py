"""Pages for contracts: the list, a contract's page, clauses, data held and sub-outsourcing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.consultations.access import consultations_visible_to
from mamori.consultations.models import Consultation
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.vendors import access, display, services, views_endings
from mamori.vendors.forms import (
    ApproveForm,
    ClausesForm,
    ContractFilterForm,
    ContractForm,
    HoldingForm,
    RefuseForm,
    SubcontractForm,
    add_service_errors,
    answered_consultations,
    departments_for,
)
from mamori.vendors.models import (
    Clause,
    Contract,
    ContractBasis,
    DataHolding,
    Handover,
    SubcontractApproval,
)

PAGE_SIZE = 50
# Contracts whose warnings are counted together (a bounded id list per query).
FLAG_CHUNK = 200


def contract_url(contract: Contract, anchor: str = "") -> str:
    url = reverse("vendors:contract_detail", kwargs={"pk": contract.pk})
    return f"{url}#{anchor}" if anchor else url


def _may_create_contract(user: Any) -> bool:
    return bool(user.is_secretariat or user.is_department_staff)


# The list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractRow:
    contract: Contract
    flag_count: int
    status: display.ShownStatus


@login_required
def contract_list(request: AuthenticatedRequest) -> HttpResponse:
    """The contracts the user may see, narrowed by department, contractor, status or warnings."""
    user = request.user
    visible = access.contracts_visible_to(user)
    filters = ContractFilterForm(
        request.GET or None,
        departments=departments_for(user) if user.is_secretariat or user.is_auditor else None,
        vendors=access.vendors_visible_to(user),
    )
    chosen = _filtered(visible, filters.valid_filters())
    ids = list(chosen.values_list("pk", flat=True))
    counts: dict[int, int] = {}
    if filters.valid_filters().get("flagged"):
        # Only the contracts that can have a warning at all are examined, a chunk at a time.
        for start in range(0, len(ids), FLAG_CHUNK):
            counts |= _flag_counts(ids[start : start + FLAG_CHUNK])
        ids = [pk for pk in ids if counts.get(pk)]
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page_ids = list(page.object_list)
    if not counts:
        counts = _flag_counts(page_ids)
    today = timezone.localdate()
    by_id = {
        c.pk: c
        for c in Contract.objects.filter(pk__in=page_ids).select_related(
            "vendor", "department__parent__parent"
        )
    }
    return render(
        request,
        "vendors/contract_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "rows": [
                ContractRow(by_id[pk], counts.get(pk, 0), display.contract_status(by_id[pk], today))
                for pk in page_ids
            ],
            "may_create": _may_create_contract(user),
        },
    )


def _filtered(contracts: QuerySet[Contract], filters: dict[str, Any]) -> QuerySet[Contract]:
    if "department" in filters:
        contracts = contracts.filter(department_id__in=filters["department"].subtree_ids())
    if "vendor" in filters:
        contracts = contracts.filter(vendor=filters["vendor"])
    if "status" in filters:
        contracts = contracts.filter(status=filters["status"])
    if "flagged" in filters:
        contracts = contracts.filter(_may_be_flagged())
    return contracts.order_by("-starts_on", "id")


def _may_be_flagged() -> Q:
    """Contracts that can have a warning at all: a sub-contractor without an approval or a
    承認願 (not refused), a basis with an answered record (a clause it promised may be missing,
    or a sub-contractor it names), or a handover passed directly between contractors. Only
    these are examined one by one."""
    unapproved = SubcontractApproval.objects.filter(
        contract=OuterRef("pk"), refused_on__isnull=True
    ).filter(Q(approved_on__isnull=True) | Q(request_document__isnull=True))
    with_record = ContractBasis.objects.filter(
        contract=OuterRef("pk"), answered_version__isnull=False
    )
    direct = Handover.objects.filter(status=Handover.Status.DIRECT).filter(
        Q(old_contract=OuterRef("pk")) | Q(new_contract=OuterRef("pk"))
    )
    return Q(Exists(unapproved)) | Q(Exists(with_record)) | Q(Exists(direct))


def _flag_counts(ids: list[int]) -> dict[int, int]:
    """The number of warnings of each contract: clause gaps, sub-contractors without an
    approval (or missing though the record names them), and handovers passed directly
    between contractors (not through the city)."""
    contracts = Contract.objects.filter(pk__in=ids).prefetch_related(
        "clauses", "bases__answered_version", "bases__consultation", "subcontracts__subcontractor"
    )
    direct = _direct_handovers(ids)
    return {
        contract.pk: len(services.clause_gaps(contract))
        + len(services.subcontract_flags(contract))
        + direct.get(contract.pk, 0)
        for contract in contracts
    }


def _direct_handovers(ids: list[int]) -> dict[int, int]:
    """The number of handovers each contract passed or received directly (not compliant)."""
    counts: dict[int, int] = {}
    direct = Handover.objects.filter(status=Handover.Status.DIRECT)
    for side in ("old_contract", "new_contract"):
        rows = (
            direct.filter(**{f"{side}__in": ids})
            .values(side)
            .annotate(n=Count("pk"))
            .values_list(side, "n")
        )
        for pk, n in rows:
            counts[pk] = counts.get(pk, 0) + n
    return counts


# Adding and changing -------------------------------------------------------------------------


def _consultations_for(user: Any) -> QuerySet[Consultation]:
    """The answered consultations the user may see, to rest a contract on."""
    return answered_consultations(consultations_visible_to(user)).select_related(
        "council", "department"
    )


@login_required
def contract_create(request: AuthenticatedRequest) -> HttpResponse:
    """Record a contract of the user's department on the consultations it rests on."""
    user = request.user
    require(_may_create_contract(user))
    form = ContractForm(
        request.POST or None,
        departments=departments_for(user),
        vendors=access.vendors_visible_to(user),
        consultations=_consultations_for(user),
        previous=access.contracts_visible_to(user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.create_contract(actor=user, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error, ContractForm.ERROR_FIELDS)
        else:
            messages.success(
                request, _("The contract 「%(title)s」 was recorded.") % {"title": contract.title}
            )
            return redirect(contract_url(contract))
    return render(request, "vendors/contract_form.html", {"form": form})


@login_required
def contract_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Change the title, number, period or procurement of a contract."""
    user = request.user
    contract = access.get_contract_for_user(user, pk, write=True)
    form = ContractForm(
        request.POST or None,
        initial=ContractForm.initial_of(contract),
        answered_on=_latest_answer_date(contract),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contract(actor=user, contract=contract, **form.service_fields())
        except ValidationError as error:
            add_service_errors(form, error, ContractForm.ERROR_FIELDS)
            contract.refresh_from_db()
        else:
            messages.success(request, _("The contract was updated."))
            return redirect(contract_url(contract))
    return render(request, "vendors/contract_form.html", {"form": form, "contract": contract})


def _latest_answer_date(contract: Contract) -> dt.date | None:
    """The day of the latest answer the contract rests on: it may not start before."""
    dates = contract.bases.filter(decision__isnull=False).values_list(
        "decision__decided_on", flat=True
    )
    return max(dates, default=None)


# The contract's page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseLine:
    kind: str
    label: str
    clause: Clause | None


@login_required
def contract_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Everything about a contract: its bases, clauses and their gaps, the data held, the
    sub-outsourcing chain, and what follows its end."""
    user = request.user
    contract = access.get_contract_for_user(user, pk)
    # Read again with the department's whole path (a 係's full name names its 課 and 部).
    contract = Contract.objects.select_related(
        "vendor", "department__parent__parent", "previous_contract"
    ).get(pk=contract.pk)
    may_edit = access.may_edit_contract(user, contract)
    own = access.vendor_of(user)
    is_contractor = own is not None and own.pk == contract.vendor_id
    # Once ended, nothing is added to or removed from the contract (the services refuse too).
    is_live = contract.status == Contract.Status.LIVE
    clauses = {clause.kind: clause for clause in contract.clauses.all()}
    flags = services.subcontract_flags(contract)
    if not may_edit:
        # A request waiting for the city is no warning for the contractor who made it: its
        # entry reads 「承認待ち」.
        flags = [flag for flag in flags if flag.reason == "not_in_contract"]
    context: dict[str, Any] = {
        **views_endings.endings_context(user, contract),
        "contract": contract,
        "shown_status": display.contract_status(contract, timezone.localdate()),
        "may_edit": may_edit,
        "may_change": may_edit and is_live,
        "may_add_subcontract": (may_edit or is_contractor) and is_live,
        "may_see_consultations": bool(user.is_secretariat or user.is_department_staff),
        # A contractor user sees its own vendor's page only.
        "own_vendor_id": own.pk if own is not None else None,
        "sees_all_vendors": not user.is_contractor,
        "bases": list(
            contract.bases.select_related(
                "consultation__council", "decision", "answered_version"
            ).order_by("id")
        ),
        "clause_lines": [
            ClauseLine(kind.value, str(kind.label), clauses.get(kind.value)) for kind in Clause.Kind
        ],
        "clause_gaps": services.clause_gaps(contract),
        "holdings": list(contract.holdings.all()),
        "tree": services.subcontract_tree(contract),
        "subcontract_flags": flags,
    }
    return render(request, "vendors/contract_detail.html", context)


@login_required
def contract_clauses(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record, for each of the nine clause kinds, whether the contract has it and where."""
    user = request.user
    contract = access.get_contract_for_user(user, pk, write=True)
    form = ClausesForm(request.POST or None, clauses=list(contract.clauses.all()))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_clauses(actor=user, contract=contract, clauses=form.clauses())
        except ValidationError as error:
            codes = {kind.value: f"{kind.value}-reference" for kind in Clause.Kind}
            add_service_errors(form, _clause_errors(error), codes)
        else:
            messages.success(request, _("The clauses of the contract were saved."))
            return redirect(contract_url(contract, "clauses"))
    return render(request, "vendors/contract_clauses.html", {"form": form, "contract": contract})


def _clause_errors(error: ValidationError) -> ValidationError:
    """Errors keyed by a clause kind belong to that kind's article input."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            (f"{name}-reference" if name in Clause.Kind.values else name): errors
            for name, errors in error.error_dict.items()
        }
    )


# Data held -----------------------------------------------------------------------------------


@login_required
def holding_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a kind of personal data the contractor holds, and where."""
    user = request.user
    contract = access.get_contract_for_user(user, pk, write=True)
    form = HoldingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_holding(actor=user, contract=contract, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error, {})
        else:
            messages.success(request, _("The data held was recorded."))
            return redirect(contract_url(contract, "holdings"))
    return render(request, "vendors/holding_form.html", {"form": form, "contract": contract})


@login_required
@require_POST
def holding_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Remove a kind of data held recorded in error."""
    user = request.user
    holding = DataHolding.objects.filter(pk=pk).first()
    if holding is None:
        require(access.may_read_vendors(user))
        raise Http404
    contract = access.get_contract_for_user(user, holding.contract_id, write=True)
    try:
        services.remove_holding(actor=user, holding=holding)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The data held was removed."))
    return redirect(contract_url(contract, "holdings"))


# Sub-outsourcing -----------------------------------------------------------------------------


@login_required
def subcontract_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a sub-contractor and its 承認願: the department, or the contractor asking for
    approval. The contractor does not see the city's list of vendors: it chooses among those
    already in the chain or named in the answered record, or proposes a new company."""
    user = request.user
    contract = access.get_contract_for_user(user, pk)
    own = access.vendor_of(user)
    may_edit = access.may_edit_contract(user, contract)
    require(may_edit or (own is not None and own.pk == contract.vendor_id))
    consultations = None
    if may_edit:
        consultations = _consultations_for(user).filter(department_id=contract.department_id)
    form = SubcontractForm(
        request.POST or None,
        request.FILES or None,
        contract=contract,
        consultations=consultations,
        proposable=None if may_edit else services.proposable_subcontractors(contract),
    )
    if request.method == "POST" and form.is_valid():
        try:
            _record_subcontract(user, contract, form)
        except ValidationError as error:
            add_service_errors(form, error, SubcontractForm.ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("The sub-contractor was recorded.")
                if may_edit
                else _("The request for approval of the sub-outsourcing was sent."),
            )
            return redirect(contract_url(contract, "subcontracts"))
    return render(
        request,
        "vendors/subcontract_form.html",
        {"form": form, "contract": contract, "proposing": not may_edit},
    )


def _record_subcontract(user: Any, contract: Contract, form: SubcontractForm) -> None:
    fields = form.cleaned_data
    common = {
        "actor": user,
        "contract": contract,
        "scope": fields["scope"],
        "parent": fields.get("parent"),
        "request_file": fields.get("request_file"),
    }
    if form.is_new_company():
        services.propose_subcontractor(
            legal_name=fields["new_legal_name"],
            entity_kind=fields["new_entity_kind"],
            corporate_number=fields.get("new_corporate_number", ""),
            **common,
        )
    else:
        services.add_subcontract(
            subcontractor=fields["subcontractor"],
            consultation=fields.get("consultation"),
            **common,
        )


def _subcontract_context(approval: SubcontractApproval) -> dict[str, Any]:
    return {
        "approval": approval,
        "contract": approval.contract,
        "works_under": (
            approval.parent.subcontractor.legal_name
            if approval.parent is not None
            else approval.contract.vendor.legal_name
        ),
    }


def _pending_subcontract(user: Any, pk: int) -> SubcontractApproval:
    """An entry of a contract the user may change, read with what its pages show."""
    approval = access.get_subcontract_for_user(user, pk, write=True)
    return SubcontractApproval.objects.select_related(
        "contract__vendor",
        "contract__department",
        "parent__subcontractor",
        "subcontractor",
        "consultation",
        "request_document",
        "approved_by",
        "refused_by",
    ).get(pk=approval.pk)


@login_required
def subcontract_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department records the day it approved a sub-contractor (and the consultation on
    the sub-outsourcing, if the council was consulted)."""
    user = request.user
    approval = _pending_subcontract(user, pk)
    contract = approval.contract
    consultations = _consultations_for(user).filter(department_id=contract.department_id)
    initial = {"approved_on": timezone.localdate(), "consultation": approval.consultation_id}
    form = ApproveForm(request.POST or None, consultations=consultations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_subcontract(
                actor=user,
                approval=approval,
                approved_on=form.cleaned_data["approved_on"],
                consultation=form.cleaned_data.get("consultation"),
            )
        except ValidationError as error:
            add_service_errors(form, error, ApproveForm.ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("The sub-outsourcing to %(name)s was approved.")
                % {"name": approval.subcontractor.legal_name},
            )
            return redirect(contract_url(contract, "subcontracts"))
    return render(
        request,
        "vendors/subcontract_approve.html",
        {"form": form, **_subcontract_context(approval)},
    )


@login_required
def subcontract_refuse(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department refuses a sub-outsourcing request, with its reason."""
    user = request.user
    approval = _pending_subcontract(user, pk)
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.refuse_subcontract(
                actor=user,
                approval=approval,
                refused_on=form.cleaned_data["refused_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error, RefuseForm.ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("The sub-outsourcing to %(name)s was refused.")
                % {"name": approval.subcontractor.legal_name},
            )
            return redirect(contract_url(approval.contract, "subcontracts"))
    return render(
        request, "vendors/subcontract_refuse.html", {"form": form, **_subcontract_context(approval)}
    )
