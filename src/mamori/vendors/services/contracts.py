"""Contracts: recording a contract on the consultations it rests on, its clauses and data
holdings, the clauses its answered records promise, and the flags shown on a consultation."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mamori.audit.writes import create_audited, delete_audited, update_audited
from mamori.consultations import handling
from mamori.consultations.models import Consultation, Decision, HandlingRecordVersion
from mamori.vendors import access
from mamori.vendors.models import (
    Clause,
    Contract,
    ContractBasis,
    DataHolding,
    Medium,
    ProcurementMethod,
    SubcontractApproval,
    Vendor,
)
from mamori.vendors.services._shared import (
    _check_choice,
    _check_live,
    _clean,
    _locked,
    _parsed,
    _require,
    _required_text,
    _wareki,
)
from mamori.vendors.services.subcontracts import SubcontractFlag, subcontract_flags

APPROVING_RESULTS = (Decision.Result.APPROVED, Decision.Result.CONDITIONALLY_APPROVED)
# How many of the record's data items name a proposed holding when the subjects are empty.
ITEMS_NAMED = 2

# What the HandlingRecord's safeguards promise, as the clause kind of a contract that keeps
# the promise. transport_protection, device_repair_disposal, periodic_report and
# purpose_limitation have no clause kind of their own among the nine the contract records,
# so they are left out rather than forced onto a kind that does not say the same thing.
SAFEGUARD_CLAUSES: dict[str, Clause.Kind] = {
    "confidentiality": Clause.Kind.CONFIDENTIALITY,
    "staff_confidentiality": Clause.Kind.CONFIDENTIALITY,
    "penalty_equal_to_staff": Clause.Kind.PENALTY,
    "breach_sanctions": Clause.Kind.PENALTY,
    "subcontracting_approval": Clause.Kind.SUBCONTRACTING,
    "copy_prohibition": Clause.Kind.COPY_CARRY_OUT,
    "carry_out_control": Clause.Kind.COPY_CARRY_OUT,
    "return_or_erasure_paper": Clause.Kind.RETURN_ERASURE,
    "return_or_erasure_electronic": Clause.Kind.RETURN_ERASURE,
    "erasure_certificate": Clause.Kind.RETURN_ERASURE,
    "handover_via_city": Clause.Kind.RETURN_ERASURE,
    "incident_reporting": Clause.Kind.INCIDENT_REPORT,
    "audit_rights": Clause.Kind.AUDIT,
    "staff_training": Clause.Kind.TRAINING,
    "staff_list": Clause.Kind.WORK_LOCATION,
}


@dataclass(frozen=True)
class ClauseGap:
    """A clause the answered record promised that the contract lacks."""

    kind: Clause.Kind
    consultation: Consultation
    # Titles (translated) of the record's safeguards that promised it.
    promised_by: tuple[str, ...]


def _promised_kinds(record: handling.HandlingRecord) -> dict[Clause.Kind, list[str]]:
    """The clause kinds the record promises, each with the titles of the promising safeguards."""
    promised: dict[Clause.Kind, list[str]] = {}
    for name, kind in SAFEGUARD_CLAUSES.items():
        if getattr(record.safeguards, name).present is True:
            title = handling.Safeguards.model_fields[name].title or name
            promised.setdefault(kind, []).append(_(title))
    return promised


def clause_gaps(contract: Contract) -> list[ClauseGap]:
    """Clauses promised (present=True) by the answered HandlingRecord of any consultation
    the contract rests on but absent (or not recorded) on the contract. The record's
    safeguards map to clause kinds in SAFEGUARD_CLAUSES."""
    present = {clause.kind for clause in contract.clauses.all() if clause.present}
    gaps = []
    for basis in contract.bases.all():
        record = _parsed(basis.answered_version)
        if record is None:
            continue
        promised = _promised_kinds(record)
        for kind in Clause.Kind:
            if kind in promised and kind not in present:
                gaps.append(ClauseGap(kind, basis.consultation, tuple(promised[kind])))
    return gaps


@dataclass(frozen=True)
class ContractFlags:
    contract: Contract
    clause_gaps: list[ClauseGap]
    subcontract_flags: list[SubcontractFlag]


def contract_flags_for_consultation(consultation: Consultation) -> list[ContractFlags]:
    """The contracts resting on a consultation, each with its clause gaps and unapproved
    sub-contractors, for the consultation's page."""
    contracts = (
        Contract.objects.filter(bases__consultation=consultation)
        .distinct()
        .select_related("vendor", "department")
        .prefetch_related(
            Prefetch(
                "bases",
                queryset=ContractBasis.objects.select_related("consultation", "answered_version"),
            ),
            "clauses",
            Prefetch(
                "subcontracts",
                queryset=SubcontractApproval.objects.select_related("subcontractor"),
            ),
        )
        .order_by("starts_on", "id")
    )
    return [
        ContractFlags(contract, clause_gaps(contract), subcontract_flags(contract))
        for contract in contracts
    ]


@dataclass(frozen=True)
class _Answer:
    """What a contract rests on in one consultation."""

    consultation: Consultation
    decision: Decision
    version: HandlingRecordVersion


def _answer_of(consultation: Consultation, department_id: int) -> _Answer:
    """The consultation's latest answer, which must be 可 or 条件付き可 (a later 否 or 継続審議
    supersedes an earlier approval), and the version that answer was given on."""
    if consultation.department_id != department_id:
        raise ValidationError(
            _("%(consultation)s is not a consultation of the contract's department.")
            % {"consultation": consultation.label},
            code="department",
        )
    decision = (
        consultation.decisions.select_related("answered_version")
        .order_by("-decided_on", "-id")
        .first()
    )
    if decision is None:
        raise ValidationError(
            _("%(consultation)s has no answer of 可 or 条件付き可: a contract cannot rest on it.")
            % {"consultation": consultation.label},
            code="not_approved",
        )
    if decision.result not in APPROVING_RESULTS:
        raise ValidationError(
            _(
                "%(consultation)s was last answered “%(result)s”: a contract rests only on an "
                "answer of 可 or 条件付き可."
            )
            % {"consultation": consultation.label, "result": decision.get_result_display()},
            code="not_approved",
        )
    version = decision.answered_version or consultation.answered_version
    if version is None:
        raise ValidationError(
            _("%(consultation)s has no answered version of its handling record.")
            % {"consultation": consultation.label},
            code="no_answered_version",
        )
    return _Answer(consultation, decision, version)


def _check_period(starts_on: dt.date, ends_on: dt.date, answered_on: dt.date | None) -> None:
    if answered_on is not None and starts_on < answered_on:
        raise ValidationError(
            _("The contract period starts before the answer (%(date)s).")
            % {"date": _wareki(answered_on)},
            code="starts_before_answer",
        )
    if ends_on < starts_on:
        raise ValidationError(
            _("The contract period ends (%(end)s) before it starts (%(start)s).")
            % {"end": _wareki(ends_on), "start": _wareki(starts_on)},
            code="ends_before_start",
        )


def _check_contract_fields(
    fields: dict[str, Any], department_id: int, contract_id: int | None = None
) -> None:
    fields["title"] = _required_text(fields["title"], _("Enter the contract's title."), "title")
    fields["number"] = (fields.get("number") or "").strip()
    _check_number_unused(fields["number"], department_id, contract_id)
    _check_choice(
        fields["procurement_method"],
        ProcurementMethod.values,
        _("Choose the procurement method."),
        "procurement_method",
    )


def _check_number_unused(number: str, department_id: int, contract_id: int | None) -> None:
    """A contract number names one contract of its department."""
    if not number:
        return
    taken = Contract.objects.filter(department_id=department_id, number=number)
    if contract_id is not None:
        taken = taken.exclude(pk=contract_id)
    if taken.exists():
        raise ValidationError(
            {
                "number": ValidationError(
                    _("Another contract of the department already has the number %(number)s.")
                    % {"number": number},
                    code="duplicate_number",
                )
            }
        )


def _data_named(record: handling.HandlingRecord, consultation: Consultation) -> str:
    """What the data is, in the record's words: whose personal data (the subjects), else the
    first items held, else (a record that names neither) the consultation's title."""
    subjects = " ".join((record.subjects.description.value or "").split())
    if subjects:
        return _("Personal data of %(subjects)s") % {"subjects": subjects[:150]}
    names = [item.name.strip() for item in record.items if item.name.strip()]
    if names:
        shown = pgettext("list of data items", ", ").join(names[:ITEMS_NAMED])
        if len(names) > ITEMS_NAMED:
            shown = _("%(items)s and others") % {"items": shown}
        return shown[:150]
    return consultation.title[:150]


def _proposed_holdings(answer: _Answer) -> list[dict[str, Any]]:
    """The data the contractor will hold, from the answered record's form and storage."""
    record = _parsed(answer.version)
    if record is None:
        return []
    medium = record.form.medium.value
    data = _data_named(record, answer.consultation)
    holdings: list[dict[str, Any]] = []
    if medium in (handling.Medium.PAPER, handling.Medium.BOTH):
        holdings.append(
            {
                "medium": Medium.PAPER,
                "description": (_("%(data)s (paper)") % {"data": data})[:200],
                "location": (record.form.paper.location.value or "")[:200],
            }
        )
    if medium in (handling.Medium.ELECTRONIC, handling.Medium.BOTH):
        location = (
            record.form.electronic.location.value
            or record.outsourcing.data_storage_location.value
            or ""
        )
        holdings.append(
            {
                "medium": Medium.ELECTRONIC,
                "description": (_("%(data)s (electronic data)") % {"data": data})[:200],
                "location": location[:200],
            }
        )
    return holdings


@transaction.atomic
def create_contract(
    *,
    actor: Any,
    department: Any,
    vendor: Vendor,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    procurement_method: str,
    consultations: list[Consultation],
    number: str = "",
    previous_contract: Contract | None = None,
) -> Contract:
    """Record a contract on the consultations it rests on. The latest answer of each must be
    可 or 条件付き可; the contract must not start before the latest answer's date nor end
    before it starts; its number, if any, is not another contract's of the department.
    ContractBasis rows keep the decision and the version it answered; DataHolding rows are
    proposed from the answered records (the data named by its subjects or items, paper /
    electronic with their storage location); a Clause row per kind, absent."""
    _require(actor, access.may_edit_contract, Contract(department=department))
    fields: dict[str, Any] = {
        "title": title,
        "number": number,
        "procurement_method": procurement_method,
    }
    _check_contract_fields(fields, department.pk)
    unique = list({consultation.pk: consultation for consultation in consultations}.values())
    if not unique:
        raise ValidationError(
            _("Choose the consultation(s) the contract rests on."), code="no_consultation"
        )
    answers = [_answer_of(consultation, department.pk) for consultation in unique]
    _check_period(starts_on, ends_on, max(answer.decision.decided_on for answer in answers))
    if previous_contract is not None and previous_contract.department_id != department.pk:
        raise ValidationError(
            _("The contract replaced must be a contract of the same department."),
            code="previous_contract",
        )
    fields |= {
        "department": department,
        "vendor": vendor,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "previous_contract": previous_contract,
    }
    _clean(Contract(**fields))
    use_case = "vendors.create_contract"
    contract = create_audited(Contract, actor=actor, use_case=use_case, **fields)
    for answer in answers:
        create_audited(
            ContractBasis,
            actor=actor,
            use_case=use_case,
            contract=contract,
            consultation=answer.consultation,
            decision=answer.decision,
            answered_version=answer.version,
        )
    for kind in Clause.Kind:
        create_audited(Clause, actor=actor, use_case=use_case, contract=contract, kind=kind)
    for answer in answers:
        for holding in _proposed_holdings(answer):
            create_audited(
                DataHolding, actor=actor, use_case=use_case, contract=contract, **holding
            )
    return contract


CONTRACT_FIELDS = frozenset({"title", "number", "starts_on", "ends_on", "procurement_method"})


def _latest_answer_date(contract: Contract) -> dt.date | None:
    dates = [
        basis.decision.decided_on
        for basis in contract.bases.select_related("decision")
        if basis.decision is not None
    ]
    return max(dates, default=None)


@transaction.atomic
def update_contract(*, actor: Any, contract: Contract, **fields: Any) -> Contract:
    """Change title, number, period or procurement of a live contract, with the same checks."""
    _require(actor, access.may_edit_contract, contract)
    unknown = set(fields) - CONTRACT_FIELDS
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    _check_live(_locked(contract))
    merged = {name: getattr(contract, name) for name in CONTRACT_FIELDS} | fields
    _check_contract_fields(merged, contract.department_id, contract.pk)
    _check_period(merged["starts_on"], merged["ends_on"], _latest_answer_date(contract))
    candidate = copy.copy(contract)
    for name, value in merged.items():
        setattr(candidate, name, value)
    _clean(candidate)
    changes = {name: merged[name] for name in fields}
    return update_audited(contract, actor=actor, use_case="vendors.update_contract", **changes)


@transaction.atomic
def set_clauses(
    *, actor: Any, contract: Contract, clauses: dict[str, tuple[bool, str]]
) -> list[Clause]:
    """Record each clause kind of a live contract as present (with its article, required) or
    absent."""
    _require(actor, access.may_edit_contract, contract)
    _check_live(_locked(contract))
    existing = {clause.kind: clause for clause in contract.clauses.all()}
    use_case = "vendors.set_clauses"
    for kind, (present, reference) in clauses.items():
        _check_choice(kind, Clause.Kind.values, _("Choose a kind of clause."), "clause_kind")
        reference = (reference or "").strip()[:100] if present else ""
        if present and not reference:
            raise ValidationError(
                _("Enter the article of the clause “%(clause)s”.")
                % {"clause": Clause.Kind(kind).label},
                code="reference",
            )
        clause = existing.get(kind)
        if clause is None:
            existing[kind] = create_audited(
                Clause,
                actor=actor,
                use_case=use_case,
                contract=contract,
                kind=kind,
                present=bool(present),
                reference=reference,
            )
        else:
            update_audited(
                clause, actor=actor, use_case=use_case, present=bool(present), reference=reference
            )
    order = list(Clause.Kind.values)
    return sorted(existing.values(), key=lambda clause: order.index(clause.kind))


@transaction.atomic
def add_holding(
    *, actor: Any, contract: Contract, medium: str, description: str, location: str = ""
) -> DataHolding:
    """Record a kind of personal data the contractor of a live contract holds, and where (an
    ended contract's tasks were opened from the holdings it had)."""
    _require(actor, access.may_edit_contract, contract)
    _check_live(_locked(contract))
    _check_choice(medium, Medium.values, _("Choose paper or electronic data."), "medium")
    fields: dict[str, Any] = {
        "contract": contract,
        "medium": medium,
        "description": _required_text(
            description, _("Describe the data the contractor holds."), "description"
        ),
        "location": (location or "").strip(),
    }
    _clean(DataHolding(**fields))
    return create_audited(DataHolding, actor=actor, use_case="vendors.add_holding", **fields)


@transaction.atomic
def remove_holding(*, actor: Any, holding: DataHolding) -> None:
    """Remove a kind of data recorded in error from a live contract."""
    _require(actor, access.may_edit_contract, holding.contract)
    _check_live(_locked(holding.contract))
    delete_audited(holding, actor=actor, use_case="vendors.remove_holding")
