"""Every address, as every role and signed out: allowed or denied, never a 500.

The table below is the access policy. A new URL fails the first test until it is added.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import attachments
from mamori.consultations.models import FollowUp, Report, Response
from mamori.council.models import AgendaItem, DisclosureGround, Minutes, StaffAttendee
from mamori.documents.models import MaterialDisclosure, PublishedMinutes, Redaction
from mamori.ledger.models import (
    CarryOut,
    Incident,
    IncidentKind,
    OverrideGround,
    Provision,
    Room,
    RoomAuthorization,
)
from mamori.ledger.models import Medium as LedgerMedium
from mamori.vendors.models import (
    Certification,
    Contract,
    DataHolding,
    DocumentRequest,
    Handover,
    Medium,
    ReturnErasure,
    SubcontractApproval,
    VendorContact,
    VendorDocument,
)

ANON = "anonymous"
SEC, STAFF, OTHER_STAFF = "secretariat", "staff", "other_staff"
MEMBER, CHAIR, OUTSIDER = "member", "chair", "outsider_member"
CONTRACTOR, AUDITOR = "contractor", "auditor"
# The world's contractor works for the vendor of the world's contracts; the other for another.
OTHER_CONTRACTOR = "other_contractor"
SIGNED_IN = {
    SEC,
    STAFF,
    OTHER_STAFF,
    MEMBER,
    CHAIR,
    OUTSIDER,
    CONTRACTOR,
    OTHER_CONTRACTOR,
    AUDITOR,
}
EVERYONE = SIGNED_IN | {ANON}
MEMBERS_SITTING = {MEMBER, CHAIR}
ALL_MEMBERS = {MEMBER, CHAIR, OUTSIDER}
ALL_STAFF = {STAFF, OTHER_STAFF}
ALL_CONTRACTORS = {CONTRACTOR, OTHER_CONTRACTOR}
# Who reads the world's contract of 障害支援課: overseers, its department, its contractor.
CONTRACT_READERS = {SEC, AUDITOR, STAFF, CONTRACTOR}
CONTRACT_EDITORS = {SEC, STAFF}
# The ledger's file of 障害支援課, kept by the world's contractor under a contract in force.
FILE_READERS = {SEC, AUDITOR, STAFF, CONTRACTOR}
PERSONAL_DATA = {STAFF, CONTRACTOR}


@dataclass(frozen=True)
class Rule:
    """Who may use an address, and how it is called."""

    allowed: frozenset[str]
    method: str = "get"
    # Signing out ends on the sign-in page: there a redirect to it is success, not refusal.
    ends_at_sign_in: bool = False
    # The JSON API answers a signed-out caller 401 instead of sending it to the sign-in page.
    api: bool = False


def rule(allowed: set[str], method: str = "get", *, ends_at_sign_in: bool = False) -> Rule:
    return Rule(frozenset(allowed), method, ends_at_sign_in)


def api_rule(allowed: set[str], method: str = "get") -> Rule:
    return Rule(frozenset(allowed), method, api=True)


POLICY: dict[str, Rule] = {
    "core:home": rule(SIGNED_IN),
    "accounts:login": rule(EVERYONE),
    "accounts:logout": rule(EVERYONE, "post", ends_at_sign_in=True),
    "audit:event_list": rule({AUDITOR}),
    "council:meeting_list": rule({SEC} | ALL_MEMBERS),
    "council:meeting_create": rule({SEC}),
    "council:meeting_detail": rule({SEC} | MEMBERS_SITTING),
    "council:meeting_edit": rule({SEC}),
    "council:meeting_attendance": rule({SEC}),
    "council:staff_add": rule({SEC}, "post"),
    "council:staff_remove": rule({SEC}, "post"),
    "council:agenda_item_create": rule({SEC}),
    "council:agenda_item_edit": rule({SEC}),
    "council:minutes_draft": rule({SEC} | MEMBERS_SITTING),
    "council:minutes_edit": rule({SEC}),
    "council:minutes_publish": rule({SEC}, "post"),
    "council:minutes_withdraw": rule({SEC}, "post"),
    "council:public_minutes_list": rule(EVERYONE),
    "council:public_minutes_detail": rule(EVERYONE),
    # Anyone may search; each sees only what they may read (the public: published minutes).
    "review_search:search": rule(EVERYONE),
    "review:section_findings": rule({STAFF}, "post"),
    "review:explain": rule({STAFF}, "post"),
    "review:finding_opinion": rule(MEMBERS_SITTING, "post"),
    "review:checklist": rule({SEC, STAFF} | MEMBERS_SITTING),
    "review:meeting_summary": rule({SEC}),
    "api:openapi-json": api_rule(EVERYONE),
    "api:handling_record_schema": api_rule(EVERYONE),
    "api:record": api_rule({SEC, STAFF} | MEMBERS_SITTING),
    "api:save_record": api_rule({STAFF}, "put"),
    "api:record_version": api_rule({SEC, STAFF} | MEMBERS_SITTING),
    "consultations:consultation_list": rule({SEC} | ALL_STAFF | ALL_MEMBERS),
    "consultations:consultation_create": rule({SEC} | ALL_STAFF),
    "consultations:report_create": rule({SEC}),
    "consultations:opinion_edit": rule({SEC, MEMBER}),
    "consultations:response_edit": rule({SEC, STAFF}),
    "consultations:followup_list": rule({SEC} | ALL_STAFF),
    "consultations:followup_update": rule({SEC, STAFF}),
    "consultations:consultation_detail": rule({SEC, STAFF} | MEMBERS_SITTING),
    "consultations:consultation_edit": rule({SEC, STAFF}),
    # The department submits its own consultation; the secretariat receives it.
    "consultations:consultation_submit": rule({STAFF}, "post"),
    "consultations:opinion_close": rule({SEC, MEMBER, CHAIR}, "post"),
    "consultations:opinion_follow_up": rule({SEC, STAFF}, "post"),
    "consultations:attachment_upload": rule({SEC, STAFF}),
    "consultations:attachment_download": rule({SEC, STAFF} | MEMBERS_SITTING),
    "consultations:attachment_facts": rule({SEC, STAFF} | MEMBERS_SITTING),
    "consultations:record_view": rule({SEC, STAFF} | MEMBERS_SITTING),
    "consultations:record_diff": rule({SEC, STAFF} | MEMBERS_SITTING),
    "consultations:record_edit": rule({STAFF}),
    "consultations:record_row": rule({STAFF}, "post"),
    "consultations:version_file": rule({STAFF}),
    "consultations:version_assess": rule({SEC}),
    "consultations:consultation_return": rule({SEC}),
    "consultations:consultation_accept": rule({SEC}),
    "consultations:consultation_deliberate": rule({SEC}, "post"),
    "consultations:consultation_withdraw": rule({SEC, STAFF}),
    "consultations:consultation_close": rule({SEC}, "post"),
    "consultations:opinion_create": rule({SEC} | MEMBERS_SITTING),
    "consultations:decision_create": rule({SEC}),
    "consultations:followup_create": rule({SEC}),
    # Vendors: every city reader sees the vendor list; a contractor its own vendor only.
    "vendors:vendor_list": rule({SEC, AUDITOR} | ALL_STAFF | ALL_CONTRACTORS),
    "vendors:vendor_create": rule({SEC} | ALL_STAFF),
    "vendors:vendor_detail": rule({SEC, AUDITOR, CONTRACTOR} | ALL_STAFF),
    # Another department may not change a vendor this department's contract relies on.
    "vendors:vendor_edit": rule({SEC, STAFF}),
    "vendors:contact_add": rule({SEC, STAFF}),
    "vendors:contact_delete": rule({SEC, STAFF}, "post"),
    # A contractor files its own certification's renewal.
    "vendors:certification_add": rule({SEC, STAFF, CONTRACTOR}),
    "vendors:certification_delete": rule({SEC, STAFF}, "post"),
    "vendors:certification_confirm": rule({SEC, STAFF}, "post"),
    "vendors:vendor_user_link": rule({SEC}),
    # Contracts: the department's own, all for the secretariat and auditors, a contractor its own.
    "vendors:contract_list": rule({SEC, AUDITOR} | ALL_STAFF | ALL_CONTRACTORS),
    "vendors:contract_create": rule({SEC} | ALL_STAFF),
    "vendors:contract_detail": rule(CONTRACT_READERS),
    "vendors:contract_edit": rule(CONTRACT_EDITORS),
    "vendors:contract_clauses": rule(CONTRACT_EDITORS),
    "vendors:holding_add": rule(CONTRACT_EDITORS),
    "vendors:holding_delete": rule(CONTRACT_EDITORS, "post"),
    # The contractor asks for a sub-contractor (its 承認願); the department approves.
    "vendors:subcontract_add": rule(CONTRACT_EDITORS | {CONTRACTOR}),
    "vendors:subcontract_approve": rule(CONTRACT_EDITORS),
    "vendors:subcontract_refuse": rule(CONTRACT_EDITORS),
    "vendors:contract_end": rule(CONTRACT_EDITORS),
    "vendors:erasure_list": rule({SEC, AUDITOR} | ALL_STAFF | ALL_CONTRACTORS),
    "vendors:erasure_detail": rule(CONTRACT_READERS),
    "vendors:erasure_plan": rule(CONTRACT_EDITORS, "post"),
    "vendors:erasure_certificate": rule(CONTRACT_EDITORS | {CONTRACTOR}, "post"),
    "vendors:erasure_verify": rule(CONTRACT_EDITORS, "post"),
    "vendors:erasure_send_back": rule(CONTRACT_EDITORS, "post"),
    "vendors:handover_create": rule(CONTRACT_EDITORS),
    "vendors:handover_detail": rule(CONTRACT_READERS),
    "vendors:handover_step": rule(CONTRACT_EDITORS, "post"),
    "vendors:handover_direct": rule(CONTRACT_EDITORS, "post"),
    "vendors:document_request_create": rule(CONTRACT_EDITORS),
    "vendors:document_request_file": rule(CONTRACT_EDITORS | {CONTRACTOR}),
    "vendors:document_download": rule(CONTRACT_READERS),
    # Official documents: whoever may read the records they come from.
    "documents:consultation_document": rule({SEC, STAFF} | MEMBERS_SITTING),
    "documents:answer_document": rule({SEC, STAFF}),
    "documents:minutes_document": rule({SEC} | MEMBERS_SITTING),
    "documents:redactions": rule({SEC}),
    "documents:redaction_delete": rule({SEC}, "post"),
    "documents:materials": rule({SEC}),
    # The public site: published minutes, their files, disclosed materials and the feed.
    "documents:public_feed": rule(EVERYONE),
    "documents:public_minutes_file": rule(EVERYONE),
    "documents:public_material": rule(EVERYONE),
    # The ledger. The public register is public; a file's description is read by overseers,
    # its department and its contractor (while the contract runs).
    "ledger:public_register": rule(EVERYONE),
    "ledger:public_file": rule(EVERYONE),
    "ledger:public_export": rule(EVERYONE),
    "ledger:file_list": rule({SEC, AUDITOR} | ALL_STAFF | ALL_CONTRACTORS),
    "ledger:file_create": rule({SEC} | ALL_STAFF),
    "ledger:file_detail": rule(FILE_READERS),
    "ledger:file_edit": rule({SEC, STAFF}),
    "ledger:file_setup": rule({SEC, STAFF}),
    "ledger:setup_delete": rule({SEC, STAFF}, "post"),
    # Residents' personal data: the file's department and its contractor only; not the
    # secretariat, not council members, not auditors.
    "ledger:registrant_list": rule(PERSONAL_DATA),
    "ledger:registrant_create": rule(PERSONAL_DATA),
    "ledger:access_purpose": rule(PERSONAL_DATA),
    "ledger:registrant_detail": rule(PERSONAL_DATA),
    "ledger:registrant_edit": rule(PERSONAL_DATA),
    "ledger:consent_create": rule(PERSONAL_DATA),
    "ledger:provision_create": rule(PERSONAL_DATA),
    # A provision under a legal exception is the city's decision, never the contractor's.
    "ledger:provision_override": rule({STAFF}),
    "ledger:override_list": rule({SEC, AUDITOR}),
    "ledger:carry_out_list": rule(FILE_READERS),
    "ledger:carry_out_create": rule(PERSONAL_DATA),
    "ledger:carry_out_detail": rule(FILE_READERS),
    "ledger:carry_out_approve": rule({STAFF}, "post"),
    "ledger:carry_out_refuse": rule({STAFF}, "post"),
    "ledger:carry_out_return": rule({STAFF}, "post"),
    "ledger:room_list": rule({SEC, AUDITOR} | ALL_STAFF | ALL_CONTRACTORS),
    "ledger:room_create": rule(ALL_STAFF),
    "ledger:room_detail": rule(FILE_READERS),
    "ledger:authorization_add": rule({STAFF}),
    "ledger:authorization_end": rule({STAFF}, "post"),
    "ledger:entry_create": rule(PERSONAL_DATA),
    "ledger:entries_import": rule(ALL_STAFF),
    # Contractors report incidents under their contracts in force and read those linked to
    # their vendor's contracts (the world's incident was reported by the world's contractor).
    "ledger:incident_list": rule({SEC, AUDITOR} | ALL_STAFF | ALL_CONTRACTORS),
    "ledger:incident_create": rule({SEC, CONTRACTOR} | ALL_STAFF),
    "ledger:incident_detail": rule({SEC, AUDITOR, STAFF, CONTRACTOR}),
    "ledger:incident_edit": rule({SEC, STAFF}),
    # Only the department says it has seen a contractor's report.
    "ledger:incident_acknowledge": rule({STAFF}, "post"),
    "ledger:incident_reports": rule({SEC, STAFF}),
}


def url_names(patterns: list[Any], namespace: str = "") -> set[str]:
    """The names of every URL pattern, with their namespaces (the admin site left out)."""
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name == "api-root":
            continue  # django-ninja's name for reversing the API's prefix: no view, a 404
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_the_policy_covers_every_address() -> None:
    assert url_names(get_resolver().url_patterns) == set(POLICY)


def build_world(personas: Personas) -> dict[str, dict[str, Any]]:
    """One of everything, and the URL arguments that reach it."""
    meeting = testing.make_meeting(personas.council, number=3)
    minutes = Minutes.objects.create(
        meeting=meeting,
        status=Minutes.Status.PUBLISHED,
        published_at="2009-09-01T10:00:00+09:00",
        materials_reason="理由",
    )
    consultation = testing.make_consultation(
        personas.council, personas.shogai, number=4, status="draft"
    )
    testing.put_on_agenda(meeting, consultation, order=1)
    submitted = testing.make_version(consultation, submitted=True, by=personas.staff)
    version = testing.make_version(consultation, by=personas.staff)
    attachment = attachments.upload_attachment(
        actor=personas.staff,
        consultation=consultation,
        kind="specification",
        title="仕様書",
        uploaded_file=SimpleUploadedFile("spec.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    opinion = testing.make_opinion(consultation, member=personas.member, meeting=meeting)
    Response.objects.create(opinion=opinion, department=personas.shogai, text="ない。")
    follow_up = FollowUp.objects.create(
        consultation=consultation, commitment="仕様書に明記する", owner=personas.shogai
    )
    Report.objects.create(council=personas.council, title="報告", department=personas.kodomo)
    staff = StaffAttendee.objects.create(
        meeting=meeting, capacity="secretariat", name="中川", title="情報公開係長"
    )
    assert AgendaItem.objects.filter(meeting=meeting, order=1).exists()
    vendors = build_vendors_world(personas)
    documents = build_documents_world(personas, minutes, attachment)
    ledger = build_ledger_world(personas)
    on_meeting = {"council": "kojin", "fiscal_year": 2009, "number": 3}
    on_consultation = {"council": "kojin", "key": "2009-4"}
    return (
        {
            "council:meeting_detail": on_meeting,
            "council:meeting_edit": on_meeting,
            "council:meeting_attendance": on_meeting,
            "council:staff_add": on_meeting,
            "council:staff_remove": on_meeting | {"pk": staff.pk},
            "council:agenda_item_create": on_meeting,
            "council:agenda_item_edit": on_meeting | {"order": 1},
            "council:minutes_draft": on_meeting,
            "council:minutes_edit": on_meeting,
            "council:minutes_publish": on_meeting,
            "council:minutes_withdraw": on_meeting,
            "council:public_minutes_detail": on_meeting,
            "consultations:opinion_edit": {"pk": opinion.pk},
            "consultations:response_edit": {"pk": opinion.pk},
            "consultations:followup_update": {"pk": follow_up.pk},
            "consultations:consultation_detail": on_consultation,
            "consultations:consultation_edit": on_consultation,
            "consultations:consultation_submit": on_consultation,
            "consultations:opinion_create": on_consultation,
            "consultations:decision_create": on_consultation,
            "consultations:followup_create": on_consultation,
            "consultations:opinion_close": {"pk": opinion.pk},
            "consultations:opinion_follow_up": {"pk": opinion.pk},
            "consultations:attachment_upload": on_consultation,
            "consultations:attachment_download": {"pk": attachment.pk},
            "consultations:attachment_facts": {"pk": attachment.pk},
            "consultations:record_view": on_consultation,
            "consultations:record_diff": on_consultation,
            "consultations:record_edit": on_consultation | {"section": "purpose"},
            "consultations:record_row": on_consultation | {"section": "items"},
            "consultations:version_file": on_consultation,
            "consultations:version_assess": on_consultation | {"number": version.number},
            "consultations:consultation_return": on_consultation,
            "consultations:consultation_accept": on_consultation,
            "consultations:consultation_deliberate": on_consultation,
            "consultations:consultation_withdraw": on_consultation,
            "consultations:consultation_close": on_consultation,
            "review:section_findings": on_consultation | {"section": "carry_out"},
            "review:explain": on_consultation,
            "review:finding_opinion": on_consultation,
            "review:checklist": on_consultation,
            "review:meeting_summary": on_meeting,
            "api:record": on_consultation,
            "api:save_record": on_consultation,
            "api:record_version": on_consultation | {"number": submitted.number},
        }
        | vendors
        | documents
        | ledger
    )


def build_ledger_world(personas: Personas) -> dict[str, dict[str, Any]]:
    """A published file of 障害支援課 under a contract in force with the world's contractor,
    with a registrant, a carry-out, a room with an authorization, an incident, an override."""
    today = timezone.localdate()
    contract = testing.make_contract(
        personas.shogai,
        personas.contractor.vendor_link.vendor,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    file = testing.make_ledger_file(personas.shogai, contracts=[contract], published=True)
    registrant = testing.make_registrant(file)
    recipient = file.recipients.first()
    now = timezone.now()
    provision = Provision.objects.create(
        registrant=registrant,
        recipient=recipient,
        purpose=file.purposes.first(),
        provided_on=today,
        outcome=Provision.Outcome.OVERRIDDEN,
        override_ground=OverrideGround.LIFE,
        override_explanation="救急搬送",
        recorded_by=personas.staff,
        recorded_at=now,
    )
    provision.item_groups.set(file.item_groups.all())
    carry_out = CarryOut.objects.create(
        file=file,
        medium=LedgerMedium.PAPER,
        description="台帳の写し",
        record_count=3,
        purpose="家庭訪問",
        destination="訪問先",
        carried_by=personas.staff,
        leaves_at=now,
        due_back_at=now + dt.timedelta(hours=4),
        recorded_by=personas.staff,
        recorded_at=now,
    )
    room = Room.objects.create(department=personas.shogai, name="記録保管室", code="R-101")
    room.files.set([file])
    authorization = RoomAuthorization.objects.create(
        room=room, user=personas.staff, valid_from=today
    )
    incident = Incident.objects.create(
        department=personas.shogai,
        file=file,
        title="台帳の誤送付",
        kind=IncidentKind.LEAK,
        what_happened="誤送付",
        discovered_on=today,
        people_count=1,
        contract=contract,
        recorded_by=personas.contractor,
        recorded_at=now,
        reported_by_contractor=True,
    )
    on_file = {"pk": file.pk}
    on_registrant = {"pk": registrant.pk}
    on_carry_out = {"pk": carry_out.pk}
    on_room = {"pk": room.pk}
    on_incident = {"pk": incident.pk}
    return {
        "ledger:public_file": on_file,
        "ledger:public_export": {"fmt": "csv"},
        "ledger:file_detail": on_file,
        "ledger:file_edit": on_file,
        "ledger:file_setup": on_file,
        "ledger:setup_delete": on_file | {"kind": "recipient", "item": recipient.pk},
        "ledger:registrant_list": on_file,
        "ledger:registrant_create": on_file,
        "ledger:access_purpose": on_file,
        "ledger:registrant_detail": on_registrant,
        "ledger:registrant_edit": on_registrant,
        "ledger:consent_create": on_registrant,
        "ledger:provision_create": on_registrant,
        "ledger:provision_override": on_registrant,
        "ledger:carry_out_list": on_file,
        "ledger:carry_out_create": on_file,
        "ledger:carry_out_detail": on_carry_out,
        "ledger:carry_out_approve": on_carry_out,
        "ledger:carry_out_refuse": on_carry_out,
        "ledger:carry_out_return": on_carry_out,
        "ledger:room_detail": on_room,
        "ledger:authorization_add": on_room,
        "ledger:authorization_end": {"pk": authorization.pk},
        "ledger:entry_create": on_room,
        "ledger:incident_detail": on_incident,
        "ledger:incident_edit": on_incident,
        "ledger:incident_acknowledge": on_incident,
        "ledger:incident_reports": on_incident,
    }


def build_documents_world(
    personas: Personas, minutes: Minutes, attachment: Any
) -> dict[str, dict[str, Any]]:
    """The published minutes' snapshot, a disclosed material, a withheld phrase, an answer."""
    ground = DisclosureGround.objects.create(article="情報公開条例第6条第2号", label="法人等情報")
    redaction = Redaction.objects.create(
        minutes=minutes,
        text="ひばり",
        ground=ground,
        created_by=personas.secretariat,
        created_at=timezone.now(),
    )
    MaterialDisclosure.objects.create(minutes=minutes, attachment=attachment, disclosed=True)
    PublishedMinutes.objects.create(
        minutes=minutes,
        materials=[
            {
                "attachment_id": attachment.pk,
                "title": "仕様書",
                "name": "spec.pdf",
                "disclosed": True,
                "ground": "",
                "consultation": "諮問第4号",
            }
        ],
        html="<p>会議録</p>",
        text="会議録",
        pdf=ContentFile(b"%PDF-1.4\n%%EOF\n", name="minutes.pdf"),
        docx=ContentFile(b"PK\x03\x04", name="minutes.docx"),
        published_at=timezone.now(),
    )
    answered = testing.make_answered_consultation(personas.council, personas.shogai)
    on_meeting = {"council": "kojin", "fiscal_year": 2009, "number": 3}
    on_answer = {"council": "kojin", "key": f"2009-{answered.number}"}
    return {
        "documents:consultation_document": {"council": "kojin", "key": "2009-4", "fmt": "html"},
        "documents:answer_document": on_answer | {"fmt": "html"},
        "documents:minutes_document": on_meeting | {"fmt": "html"},
        "documents:redactions": on_meeting,
        "documents:redaction_delete": {"pk": redaction.pk},
        "documents:materials": on_meeting,
        "documents:public_minutes_file": on_meeting | {"fmt": "pdf"},
        "documents:public_material": on_meeting | {"pk": attachment.pk},
    }


def build_vendors_world(personas: Personas) -> dict[str, dict[str, Any]]:
    """A vendor with a contract of 障害支援課 (live), an ended one with its return-or-erasure
    task, a handover between them, and one of each thing hanging off them."""
    vendor = testing.make_vendor(legal_name="社会福祉法人みどり学園")
    testing.link_vendor_user(personas.contractor, vendor)
    testing.link_vendor_user(personas.other_contractor, testing.make_vendor())
    consultation = testing.make_answered_consultation(personas.council, personas.shogai)
    old = testing.make_contract(
        personas.shogai,
        vendor,
        consultation=consultation,
        status=Contract.Status.ENDED,
        ended_on=dt.date(2010, 3, 31),
    )
    contract = testing.make_contract(
        personas.shogai,
        vendor,
        consultation=consultation,
        starts_on=dt.date(2010, 4, 1),
        ends_on=dt.date(2011, 3, 31),
    )
    holding = DataHolding.objects.create(
        contract=contract, medium=Medium.PAPER, description="利用登録者台帳"
    )
    now = timezone.now()
    document = VendorDocument.objects.create(
        vendor=vendor,
        contract=contract,
        kind=VendorDocument.Kind.APPROVAL_REQUEST,
        title="承認願",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="request.pdf"),
        original_name="承認願.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=personas.contractor,
        uploaded_at=now,
    )
    approval = SubcontractApproval.objects.create(
        contract=contract,
        subcontractor=testing.make_vendor(legal_name="有限会社ひばりシステム"),
        scope="保守",
        request_document=document,
    )
    task = ReturnErasure.objects.create(
        contract=old,
        medium=Medium.ELECTRONIC,
        description="利用者データ",
        action=ReturnErasure.Action.ERASE,
        due_on=dt.date(2010, 4, 14),
        status=ReturnErasure.Status.SUBMITTED,
        certificate=document,
    )
    handover = Handover.objects.create(old_contract=old, new_contract=contract, description="台帳")
    request = DocumentRequest.objects.create(
        contract=contract, title="従事者名簿", requested_by=personas.staff, requested_at=now
    )
    contact = VendorContact.objects.create(vendor=vendor, name="緑川")
    certification = Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.PRIVACY_MARK,
        valid_from=dt.date(2009, 4, 1),
        expires_on=dt.date(2011, 3, 31),
    )
    on_vendor = {"pk": vendor.pk}
    on_contract = {"pk": contract.pk}
    return {
        "vendors:vendor_detail": on_vendor,
        "vendors:vendor_edit": on_vendor,
        "vendors:contact_add": on_vendor,
        "vendors:contact_delete": {"pk": contact.pk},
        "vendors:certification_add": on_vendor,
        "vendors:certification_delete": {"pk": certification.pk},
        "vendors:certification_confirm": {"pk": certification.pk},
        "vendors:vendor_user_link": on_vendor,
        "vendors:contract_detail": on_contract,
        "vendors:contract_edit": on_contract,
        "vendors:contract_clauses": on_contract,
        "vendors:holding_add": on_contract,
        "vendors:holding_delete": {"pk": holding.pk},
        "vendors:subcontract_add": on_contract,
        "vendors:subcontract_approve": {"pk": approval.pk},
        "vendors:subcontract_refuse": {"pk": approval.pk},
        "vendors:contract_end": on_contract,
        "vendors:erasure_detail": {"pk": task.pk},
        "vendors:erasure_plan": {"pk": task.pk},
        "vendors:erasure_certificate": {"pk": task.pk},
        "vendors:erasure_verify": {"pk": task.pk},
        "vendors:erasure_send_back": {"pk": task.pk},
        "vendors:handover_create": {"pk": old.pk},
        "vendors:handover_detail": {"pk": handover.pk},
        "vendors:handover_step": {"pk": handover.pk},
        "vendors:handover_direct": {"pk": handover.pk},
        "vendors:document_request_create": on_contract,
        "vendors:document_request_file": {"pk": request.pk},
        "vendors:document_download": {"pk": document.pk},
    }


CASES = [(name, role) for name in sorted(POLICY) for role in sorted(EVERYONE)]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_each_role_is_allowed_or_denied_as_the_policy_says(
    client: Client, personas: Personas, name: str, role: str
) -> None:
    kwargs = build_world(personas).get(name, {})
    if role != ANON:
        client.force_login(getattr(personas, role))
    url = reverse(name, kwargs=kwargs)
    if POLICY[name].method == "put":
        body = json.dumps(testing.record_data())
        response = client.put(url, data=body, content_type="application/json")
    else:
        response = getattr(client, POLICY[name].method)(url)
    sign_in = reverse("accounts:login")
    if role in POLICY[name].allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302 and role != ANON and not POLICY[name].ends_at_sign_in:
            assert not response["Location"].startswith(sign_in)
    elif role == ANON and POLICY[name].api:
        assert response.status_code == 401
    elif role == ANON:
        assert response.status_code == 302
        assert response["Location"].startswith(sign_in)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", sorted(SIGNED_IN))
def test_the_admin_site_is_closed_to_every_role(
    client: Client, personas: Personas, role: str
) -> None:
    client.force_login(getattr(personas, role))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
