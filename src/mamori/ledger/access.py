"""Who may see and change the ledger.

- Personal data (registrants, their consents and provisions): department staff of the file's
  department (and the departments under it), and users of a contractor whose contract for the
  file is in force. Nobody else sees a registrant, not the secretariat, not council members,
  not auditors (they read the audit trail of who saw whom).
- The file's description (the register) and its carry-outs: those people, plus the secretariat
  and auditors (reading). The public reads published files through the public register.
- Rooms and entry records: staff of the room's department, contractor users of a file kept in
  the room (recording entries), the secretariat and auditors (reading).
- Incidents: staff of the incident's department, the secretariat (every incident), auditors
  (reading). A contractor user reports an incident under one of its vendor's contracts in
  force (or ended with data not yet returned or erased); it reads the incidents linked to its
  vendor's contracts and changes none. Staff of the department acknowledge receipt of a
  contractor's report; a report keeps the contract it was made under.
- Provisions made under a legal exception: listed for the secretariat and auditors, with the
  registration number and ground only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mamori.core.access import department_ids_of, require
from mamori.ledger.models import (
    CarryOut,
    Incident,
    PersonalInformationFile,
    Provision,
    Registrant,
    Room,
)
from mamori.vendors.models import Contract, ReturnErasure


def _today() -> dt.date:
    return timezone.localdate()


def vendor_id_of(user: Any) -> int | None:
    """The vendor a contractor user works for, or None."""
    if not user.is_contractor:
        return None
    link = getattr(user, "vendor_link", None)
    return link.vendor_id if link is not None else None


def contract_in_force_q(day: dt.date, prefix: str = "") -> Q:
    """Contracts in force on a day (not ended early, the day within their period), as a filter
    on Contract (prefix "" ) or through a relation (prefix "contracts__")."""
    return Q(
        **{
            f"{prefix}status": "live",
            f"{prefix}starts_on__lte": day,
            f"{prefix}ends_on__gte": day,
        }
    )


def _contractor_files_q(user: Any) -> Q:
    """Files under a contract of the user's vendor that is in force today."""
    vendor_id = vendor_id_of(user)
    if vendor_id is None:
        return Q(pk__in=[])
    return Q(contracts__vendor_id=vendor_id) & contract_in_force_q(_today(), "contracts__")


# Files --------------------------------------------------------------------------------------


def may_read_ledger(user: Any) -> bool:
    return bool(
        user.is_secretariat or user.is_auditor or user.is_department_staff or user.is_contractor
    )


def files_visible_to(user: Any) -> QuerySet[PersonalInformationFile]:
    """The files a user may see described: all for the secretariat and auditors, the
    department's for staff, those under a live contract for a contractor."""
    require(may_read_ledger(user))
    files = PersonalInformationFile.objects.all()
    if user.is_secretariat or user.is_auditor:
        return files
    if user.is_department_staff:
        return files.of_departments(department_ids_of(user))
    ids = PersonalInformationFile.objects.filter(_contractor_files_q(user)).values("pk")
    return files.filter(pk__in=ids)


def get_file_for_user(user: Any, pk: int) -> PersonalInformationFile:
    file = get_object_or_404(PersonalInformationFile.objects.select_related("department"), pk=pk)
    require(files_visible_to(user).filter(pk=file.pk).exists())
    return file


def may_edit_file(user: Any, file: PersonalInformationFile | None = None) -> bool:
    """The secretariat (which keeps the register) and staff of the file's department."""
    if user.is_secretariat:
        return True
    if not user.is_department_staff:
        return False
    return file is None or file.department_id in department_ids_of(user)


def may_see_personal_data(user: Any, file: PersonalInformationFile) -> bool:
    """Staff of the file's department, and users of its contractor while the contract runs."""
    if user.is_department_staff:
        return file.department_id in department_ids_of(user)
    if user.is_contractor:
        return PersonalInformationFile.objects.filter(
            _contractor_files_q(user), pk=file.pk
        ).exists()
    return False


def require_personal_data(user: Any, file: PersonalInformationFile) -> None:
    require(may_see_personal_data(user, file))


def get_registrant_for_user(user: Any, pk: int) -> Registrant:
    registrant = get_object_or_404(
        Registrant.objects.select_related("file", "file__department"), pk=pk
    )
    require_personal_data(user, registrant.file)
    return registrant


def is_file_department_staff(user: Any, file: PersonalInformationFile) -> bool:
    return bool(user.is_department_staff and file.department_id in department_ids_of(user))


def may_approve_carry_out(user: Any, file: PersonalInformationFile) -> bool:
    """Staff of the file's department approve carry-outs and check returns; a contractor never
    approves its own."""
    return is_file_department_staff(user, file)


def may_override(user: Any, file: PersonalInformationFile) -> bool:
    """A provision under a legal exception is the city's decision: staff of the department."""
    return is_file_department_staff(user, file)


def may_change_file_contracts(user: Any, file: PersonalInformationFile | None) -> bool:
    """Which contractors see a file's personal data is the department's decision, never the
    secretariat's (which itself never sees it)."""
    if not user.is_department_staff:
        return False
    return file is None or file.department_id in department_ids_of(user)


def get_carry_out_for_user(user: Any, pk: int) -> CarryOut:
    carry_out = get_object_or_404(
        CarryOut.objects.select_related("file", "file__department", "contract"), pk=pk
    )
    get_file_for_user(user, carry_out.file_id)
    return carry_out


def may_record_carry_out(user: Any, file: PersonalInformationFile) -> bool:
    return may_see_personal_data(user, file)


# Rooms ---------------------------------------------------------------------------------------


def rooms_visible_to(user: Any) -> QuerySet[Room]:
    require(may_read_ledger(user))
    rooms = Room.objects.select_related("department", "parent")
    if user.is_secretariat or user.is_auditor:
        return rooms
    if user.is_department_staff:
        return rooms.filter(department_id__in=department_ids_of(user))
    file_ids = PersonalInformationFile.objects.filter(_contractor_files_q(user)).values("pk")
    return rooms.filter(files__in=file_ids).distinct()


def get_room_for_user(user: Any, pk: int) -> Room:
    room = get_object_or_404(Room.objects.select_related("department"), pk=pk)
    require(rooms_visible_to(user).filter(pk=room.pk).exists())
    return room


def may_manage_room(user: Any, room: Room | None = None) -> bool:
    """Staff of the room's department set rooms up, authorize people and import entries."""
    if not user.is_department_staff:
        return False
    return room is None or room.department_id in department_ids_of(user)


def may_record_entry(user: Any, room: Room) -> bool:
    """Staff of the room's department, and contractor users of a file kept there."""
    if user.is_department_staff:
        return room.department_id in department_ids_of(user)
    if user.is_contractor:
        return rooms_visible_to(user).filter(pk=room.pk).exists()
    return False


# Incidents ------------------------------------------------------------------------------------


def incidents_visible_to(user: Any) -> QuerySet[Incident]:
    require(
        user.is_secretariat or user.is_auditor or user.is_department_staff or user.is_contractor
    )
    incidents = Incident.objects.select_related("department", "file", "contract__vendor")
    if user.is_secretariat or user.is_auditor:
        return incidents
    if user.is_contractor:
        vendor_id = vendor_id_of(user)
        if vendor_id is None:
            return incidents.none()
        return incidents.filter(contract__vendor_id=vendor_id)
    return incidents.filter(department_id__in=department_ids_of(user))


def get_incident_for_user(user: Any, pk: int) -> Incident:
    incident = get_object_or_404(Incident, pk=pk)
    require(incidents_visible_to(user).filter(pk=incident.pk).exists())
    return incident


def may_record_incident(user: Any) -> bool:
    return bool(user.is_secretariat or user.is_department_staff)


def contracts_reportable_by(user: Any) -> QuerySet[Contract]:
    """The contracts under which a contractor user may report an incident: its vendor's
    contracts in force today, and those ended whose data is not yet proven returned or erased
    (a vendor still holding data may still leak it)."""
    vendor_id = vendor_id_of(user)
    if vendor_id is None:
        return Contract.objects.none()
    data_still_held = Q(
        return_erasures__status__in=[ReturnErasure.Status.OPEN, ReturnErasure.Status.SUBMITTED]
    )
    return Contract.objects.filter(
        contract_in_force_q(_today()) | data_still_held, vendor_id=vendor_id
    ).distinct()


def may_report_incident(user: Any) -> bool:
    """A contractor user whose vendor has a contract to report under."""
    return bool(user.is_contractor and contracts_reportable_by(user).exists())


def may_acknowledge_incident(user: Any, incident: Incident) -> bool:
    """Staff of the incident's department acknowledge a contractor's report, once: the
    acknowledgement says the department has seen it, so nobody else gives it."""
    return bool(
        incident.reported_by_contractor
        and user.is_department_staff
        and incident.department_id in department_ids_of(user)
    )


def may_edit_incident(user: Any, incident: Incident) -> bool:
    if user.is_secretariat:
        return True
    return bool(user.is_department_staff and incident.department_id in department_ids_of(user))


# Overrides ------------------------------------------------------------------------------------


def overrides_visible_to(user: Any) -> QuerySet[Provision]:
    """Provisions made under a legal exception, for the secretariat and auditors."""
    require(user.is_secretariat or user.is_auditor)
    # Never load (and so never decrypt) the person's data for these readers.
    return (
        Provision.objects.filter(outcome=Provision.Outcome.OVERRIDDEN)
        .select_related(
            "registrant",
            "registrant__file",
            "registrant__file__department",
            "recipient",
            "recorded_by",
        )
        .defer(
            "override_explanation",
            "late_reason",
            "registrant__name",
            "registrant__name_kana",
            "registrant__address",
            "registrant__birth_date",
            "registrant__phone",
            "registrant__notes",
        )
    )
