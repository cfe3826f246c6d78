"""Incidents (漏えい等): recorded, updated, and their reports and notifications dated."""

from __future__ import annotations

import copy
import datetime as dt
import enum
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mamori.accounts.models import Department
from mamori.audit.writes import create_audited, update_audited
from mamori.core import eras
from mamori.core.access import department_ids_of
from mamori.ledger import access, notify
from mamori.ledger.deadlines import incident_duties
from mamori.ledger.models import Incident, IncidentKind, PersonalInformationFile
from mamori.ledger.services.rooms import _person
from mamori.vendors.models import Contract

# What the report to the Commission states besides the description (all optional until the
# final report).
REPORT_ITEM_FIELDS = (
    "items_concerned",
    "cause",
    "secondary_harm",
    "publication",
    "prevention",
    "other_matters",
)
# The city's own decisions, which a contractor's report does not state.
CITY_ONLY_FIELDS = frozenset({"publication", "prevention", "other_matters"})
MAX_TEXT = 10_000
# What a department says about an incident; the report dates go through record_reports.
DESCRIPTION_FIELDS = frozenset(
    {
        "file",
        "contract",
        "title",
        "kind",
        "suspected",
        "what_happened",
        "occurred_on",
        "discovered_on",
        "people_count",
        "special_care",
        "financial_harm",
        "malicious",
        "ordinance_special_care",
        *REPORT_ITEM_FIELDS,
    }
)
MAX_PEOPLE = 100_000_000


def _require(actor: Any, allowed: bool) -> None:
    if actor is not None and not (getattr(actor, "is_authenticated", False) and allowed):
        raise PermissionDenied


def _today() -> dt.date:
    return timezone.localdate()


def _check_department(actor: Any, department: Department) -> None:
    """Staff record incidents of their departments; the secretariat of any department."""
    if actor is None or actor.is_secretariat:
        return
    if department.pk not in department_ids_of(actor):
        raise ValidationError(_("Choose one of your own departments."), code="department")


def _checked(department_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """The incident's description checked against its department and today."""
    unknown = set(fields) - DESCRIPTION_FIELDS
    if unknown:
        raise TypeError(f"unknown incident fields: {sorted(unknown)}")
    cleaned = dict(fields)
    for name, message in (
        ("title", _("Enter a title for the incident.")),
        ("what_happened", _("Describe what happened.")),
    ):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            if not cleaned[name]:
                raise ValidationError(message, code=name)
    for name in REPORT_ITEM_FIELDS:
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            limit = 500 if name == "items_concerned" else MAX_TEXT
            if len(cleaned[name]) > limit:
                raise ValidationError(
                    _("Enter at most %(limit)s characters.") % {"limit": limit}, code=name
                )
    if "title" in cleaned and len(cleaned["title"]) > 200:
        raise ValidationError(_("Enter at most %(limit)s characters.") % {"limit": 200}, "title")
    if "kind" in cleaned and cleaned["kind"] not in IncidentKind.values:
        raise ValidationError(_("Choose whether data leaked, was lost or damaged."), "kind")
    count = cleaned.get("people_count")
    if "people_count" in cleaned and (count is None or not 0 <= count <= MAX_PEOPLE):
        raise ValidationError(_("Enter the number of people concerned."), code="people_count")
    file: PersonalInformationFile | None = cleaned.get("file")
    if file is not None and file.department_id != department_id:
        raise ValidationError(_("Choose a file of the incident's department."), code="file")
    contract = cleaned.get("contract")
    if contract is not None and contract.department_id != department_id:
        raise ValidationError(_("Choose a contract of the incident's department."), code="contract")
    return cleaned


def _check_dates(occurred_on: dt.date | None, discovered_on: dt.date | None) -> None:
    if discovered_on is None:
        raise ValidationError(_("Enter the day the incident became known."), "discovered_on")
    if discovered_on > _today():
        raise ValidationError(
            _("The day it became known cannot be in the future."), code="discovered_on"
        )
    if occurred_on is not None and occurred_on > discovered_on:
        raise ValidationError(
            _("The day it occurred cannot be after the day it became known."),
            code="occurred_on",
        )


@transaction.atomic
def record_incident(*, actor: Any, department: Department, **fields: Any) -> Incident:
    """Record an incident of one of the actor's departments (the secretariat: any)."""
    _require(actor, access.may_record_incident(actor) if actor is not None else True)
    _check_department(actor, department)
    required = dict.fromkeys(("title", "what_happened", "kind", "people_count"))
    cleaned = _checked(department.pk, required | fields)
    _check_dates(cleaned.get("occurred_on"), cleaned.get("discovered_on"))
    return create_audited(
        Incident,
        actor=actor,
        use_case="ledger.record_incident",
        department=department,
        recorded_by=_person(actor, department.pk),
        recorded_at=timezone.now(),
        **cleaned,
    )


@transaction.atomic
def report_incident(
    *,
    actor: Any,
    contract: Contract,
    notify_department: bool = True,
    at: dt.datetime | None = None,
    **fields: Any,
) -> Incident:
    """A contractor user reports an incident under one of its vendor's contracts (in force, or
    ended with data still held); the incident belongs to the contract's department, which is
    mailed and acknowledges receipt. Loading past records (the demo), `at` dates the report and
    `notify_department` is off."""
    if actor is None or not actor.is_contractor:
        raise PermissionDenied
    if not access.contracts_reportable_by(actor).filter(pk=contract.pk).exists():
        raise ValidationError(
            _("Choose one of your contracts (in force, or with data not yet returned or erased)."),
            code="contract",
        )
    decided_by_the_city = CITY_ONLY_FIELDS & set(fields)
    if decided_by_the_city:
        raise TypeError(f"a contractor's report does not state {sorted(decided_by_the_city)}")
    file: PersonalInformationFile | None = fields.get("file")
    if file is not None and not file.contracts.filter(pk=contract.pk).exists():
        raise ValidationError(_("Choose a file kept under the chosen contract."), code="file")
    required = dict.fromkeys(("title", "what_happened", "kind", "people_count"))
    cleaned = _checked(contract.department_id, required | fields | {"contract": contract})
    _check_dates(cleaned.get("occurred_on"), cleaned.get("discovered_on"))
    incident = create_audited(
        Incident,
        actor=actor,
        use_case="ledger.report_incident",
        department_id=contract.department_id,
        recorded_by=actor,
        recorded_at=_past_moment(at, "recorded_at"),
        reported_by_contractor=True,
        **cleaned,
    )
    if notify_department:
        # The department hears of it at once, once the report is saved.
        transaction.on_commit(partial(notify.notify_contractor_report, incident.pk))
    return incident


def _past_moment(at: dt.datetime | None, label: str) -> dt.datetime:
    """Now, or a past moment given when loading past records (the demo)."""
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValueError(f"{label} cannot be in the future")
    return at


@transaction.atomic
def acknowledge_incident(*, actor: Any, incident: Incident, at: dt.datetime | None = None) -> bool:
    """The department acknowledges receipt of a contractor's report; False (and nothing
    written) when it was already acknowledged."""
    if actor is None or not access.may_acknowledge_incident(actor, incident):
        raise PermissionDenied
    _locked(incident)
    if incident.acknowledged_at is not None:
        return False
    update_audited(
        incident,
        actor=actor,
        use_case="ledger.acknowledge_incident",
        acknowledged_by=actor,
        acknowledged_at=_past_moment(at, "acknowledged_at"),
    )
    return True


def _locked(incident: Incident) -> Incident:
    """Re-read the row under a lock and put its values on the caller's instance."""
    fresh = Incident.objects.select_for_update().get(pk=incident.pk)
    for model_field in incident._meta.concrete_fields:
        setattr(incident, model_field.attname, getattr(fresh, model_field.attname))
    return incident


def _check_closable(incident: Incident) -> None:
    duties = incident_duties(incident, _today())
    if not duties.complete:
        raise ValidationError(
            _(
                "This incident cannot be closed yet: record the prompt and final reports "
                "and the notification of the people (or explain in the note why they could "
                "not be notified and what was done instead)."
            ),
            code="status",
        )


@transaction.atomic
def update_incident(*, actor: Any, incident: Incident, **fields: Any) -> None:
    """Change an incident's description, or close or reopen it (status)."""
    _require(actor, actor is not None and access.may_edit_incident(actor, incident))
    _locked(incident)
    status = fields.pop("status", None)
    if (
        incident.reported_by_contractor
        and "contract" in fields
        and getattr(fields["contract"], "pk", None) != incident.contract_id
    ):
        # The report stays with the contract it was made under (and readable by its author).
        raise ValidationError(
            _("A contractor's report keeps the contract it was made under."), code="contract"
        )
    cleaned = _checked(incident.department_id, fields)
    candidate = {
        "occurred_on": cleaned.get("occurred_on", incident.occurred_on),
        "discovered_on": cleaned.get("discovered_on", incident.discovered_on),
    }
    _check_dates(candidate["occurred_on"], candidate["discovered_on"])
    _check_report_dates(incident, candidate["discovered_on"])
    if status is not None:
        if status not in Incident.Status.values:
            raise ValidationError(_("Unknown status."), code="status")
        cleaned["status"] = status
    if cleaned.get("status") == Incident.Status.CLOSED:
        _check_closable(_probe(incident, cleaned))
    update_audited(incident, actor=actor, use_case="ledger.update_incident", **cleaned)


def _check_report_dates(incident: Incident, discovered_on: dt.date) -> None:
    """Dates already recorded must still follow the day the incident became known."""
    for day in (
        incident.prompt_reported_on,
        incident.final_reported_on,
        incident.people_notified_on,
    ):
        if day is not None and day < discovered_on:
            raise ValidationError(
                _(
                    "A report or notification is dated %(date)s, before the day the incident "
                    "became known: correct that date first."
                )
                % {"date": eras.format_date(day)},
                code="discovered_on",
            )


def _check_report_date(day: dt.date | None, incident: Incident, code: str) -> None:
    if day is None:
        return
    if day < incident.discovered_on:
        raise ValidationError(
            _("A report cannot be dated before the day the incident became known (%(date)s).")
            % {"date": eras.format_date(incident.discovered_on)},
            code=code,
        )
    if day > _today():
        raise ValidationError(_("A report cannot be dated in the future."), code=code)


class Unchanged(enum.Enum):
    """The value a report field keeps when the caller does not mention it (None clears it)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED
DateChange = dt.date | None | Unchanged


def _probe(incident: Incident, changes: dict[str, Any]) -> Incident:
    probe = copy.copy(incident)
    for name, value in changes.items():
        setattr(probe, name, value)
    return probe


@transaction.atomic
def record_reports(
    *,
    actor: Any,
    incident: Incident,
    prompt_reported_on: DateChange = UNCHANGED,
    final_reported_on: DateChange = UNCHANGED,
    people_notified_on: DateChange = UNCHANGED,
    notification_note: str | Unchanged = UNCHANGED,
) -> None:
    """Date the prompt and final reports and the notification of the people; a date given as
    None is cleared (a mistaken date must not hide a deadline), UNCHANGED keeps it. Audited."""
    _require(actor, actor is not None and access.may_edit_incident(actor, incident))
    _locked(incident)
    given = {
        "prompt_reported_on": prompt_reported_on,
        "final_reported_on": final_reported_on,
        "people_notified_on": people_notified_on,
    }
    changes: dict[str, Any] = {}
    for name, day in given.items():
        if isinstance(day, Unchanged):
            continue
        _check_report_date(day, incident, name)
        if day != getattr(incident, name):
            changes[name] = day
    if not isinstance(notification_note, Unchanged):
        note = notification_note.strip()
        if note != incident.notification_note:
            changes["notification_note"] = note
    if not changes:
        return
    if incident.status == Incident.Status.CLOSED:
        # A closed incident stays complete: clearing what closed it means reopening first.
        _check_closable(_probe(incident, changes))
    update_audited(incident, actor=actor, use_case="ledger.record_reports", **changes)


@transaction.atomic
def save_reports(
    *,
    actor: Any,
    incident: Incident,
    prompt_reported_on: dt.date | None,
    final_reported_on: dt.date | None,
    people_notified_on: dt.date | None,
    notification_note: str,
    close: bool,
) -> None:
    """The reports page as one use case: the dates and note as given (empty clears them), and
    the incident closed or reopened, together or not at all."""
    _require(actor, actor is not None and access.may_edit_incident(actor, incident))
    _locked(incident)
    status = Incident.Status.CLOSED if close else Incident.Status.OPEN
    if status == Incident.Status.OPEN and incident.status != status:
        update_incident(actor=actor, incident=incident, status=status)
    record_reports(
        actor=actor,
        incident=incident,
        prompt_reported_on=prompt_reported_on,
        final_reported_on=final_reported_on,
        people_notified_on=people_notified_on,
        notification_note=notification_note,
    )
    if status == Incident.Status.CLOSED and incident.status != status:
        update_incident(actor=actor, incident=incident, status=status)
