"""Pages for contracts: the list, a contract's page, clauses, data held and sub-outsourcing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mamori.consultations.access import consultations_visible_to
from mamori.consultations.models import Consultation
from mamori.core.access import require
from mamori.core.http import AuthenticatedRequest
from mamori.vendors import access, services, views_endings
from mamori.vendors.forms import (
    ApproveForm,
    ClausesForm,
    ContractFilterForm,
    ContractForm,
    HoldingForm,
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
    SubcontractApproval,
)

PAGE_SIZE = 50


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
    if filters.valid_filters().get("flagged"):
        ids = [pk for pk, count in _flag_counts(ids).items() if count]
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    page_ids = list(page.object_list)
    counts = _flag_counts(page_ids)
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
            "rows": [ContractRow(by_id[pk], counts.get(pk, 0)) for pk in page_ids],
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
    承認願, or a basis with an answered record and a clause not recorded as present. Only
    these are examined one by one."""
    unapproved = SubcontractApproval.objects.filter(contract=OuterRef("pk")).filter(
        Q(approved_on__isnull=True) | Q(request_document__isnull=True)
    )
    with_record = ContractBasis.objects.filter(
        contract=OuterRef("pk"), answered_version__isnull=False
    )
    present = Clause.objects.filter(contract=OuterRef("pk"), present=True)
    all_present = Q(*[Exists(present.filter(kind=kind)) for kind in Clause.Kind])
    return Exists(unapproved) | Exists(with_record) & ~all_present


def _flag_counts(ids: list[int]) -> dict[int, int]:
    """The number of warnings of each contract: clause gaps and unapproved sub-contractors."""
    contracts = Contract.objects.filter(pk__in=ids).prefetch_related(
        "clauses", "bases__answered_version", "bases__consultation", "subcontracts__subcontractor"
    )
    return {
        contract.pk: len(services.clause_gaps(contract)) + len(services.subcontract_flags(contract))
        for contract in contracts
    }


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
    form = ContractForm(request.POST or None, initial=ContractForm.initial_of(contract))
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
    may_edit = access.may_edit_contract(user, contract)
    own = access.vendor_of(user)
    clauses = {clause.kind: clause for clause in contract.clauses.all()}
    context: dict[str, Any] = {
        **views_endings.endings_context(user, contract),
        "contract": contract,
        "may_edit": may_edit,
        "may_add_subcontract": may_edit or (own is not None and own.pk == contract.vendor_id),
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
        "subcontract_flags": services.subcontract_flags(contract),
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
    """Record a sub-contractor and its 承認願: the department, or the contractor asking."""
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
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            services.add_subcontract(
                actor=user,
                contract=contract,
                subcontractor=fields["subcontractor"],
                scope=fields["scope"],
                parent=fields.get("parent"),
                consultation=fields.get("consultation"),
                request_file=fields.get("request_file"),
            )
        except ValidationError as error:
            add_service_errors(form, error, SubcontractForm.ERROR_FIELDS)
        else:
            messages.success(request, _("The sub-contractor was recorded."))
            return redirect(contract_url(contract, "subcontracts"))
    return render(request, "vendors/subcontract_form.html", {"form": form, "contract": contract})


@login_required
def subcontract_approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The department records the day it approved a sub-contractor."""
    user = request.user
    approval = access.get_subcontract_for_user(user, pk, write=True)
    contract = approval.contract
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_subcontract(
                actor=user, approval=approval, approved_on=form.cleaned_data["approved_on"]
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
        {"form": form, "approval": approval, "contract": contract},
    )


def subcontract_refuse(request: Any, pk: int) -> HttpResponse:
    """Stub: the department refuses a sub-outsourcing request with a reason (to be written)."""
    raise NotImplementedError
