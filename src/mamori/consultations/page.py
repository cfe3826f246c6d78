"""The consultation page: everything about one consultation in one place.

The header and the actions the user may take now, the "changed since the answer" banner, the
record (current and answered versions), the versions, attachments, the deliberation grouped
by meeting, decisions, follow-ups and the history from the audit trail. Everything is read in
a bounded number of queries, however many opinions, versions or events there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import CharField, F, Model, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from mamori.accounts.models import User
from mamori.audit.models import AuditEvent
from mamori.consultations import (
    access,
    anchors,
    attachments,
    handling,
    lifecycle,
    record_forms,
    views_record,
)
from mamori.consultations.models import (
    Attachment,
    AttachmentFact,
    ChangeAssessment,
    Consultation,
    ConsultationKind,
    Decision,
    FollowUp,
    HandlingRecordVersion,
    Opinion,
    Response,
)
from mamori.core.access import department_ids_of
from mamori.council.access import meetings_visible_to
from mamori.council.models import AgendaItem, Meeting
from mamori.review import pages as review_pages
from mamori.review.search import similar_consultations

Status = Consultation.Status
HISTORY_LIMIT = 200
# No opinion is taken on a consultation not (or no longer) before the council.
NO_OPINIONS = frozenset({Status.DRAFT, Status.RETURNED, Status.CLOSED, Status.WITHDRAWN})
# Events that only those who may see the draft hear of.
DRAFT_USE_CASES = ("consultations.save_record_draft",)

# What each use case of the audit trail did, as the history of a consultation tells it.
USE_CASE_LABELS = {
    "consultations.create_consultation": _("The consultation was opened"),
    "consultations.update_consultation": _("The particulars of the consultation were changed"),
    "consultations.save_record_draft": _("A draft of the handling record was saved"),
    "consultations.submit_consultation": _("The consultation was submitted to the council"),
    "consultations.return_consultation": _("The consultation was returned for correction"),
    "council.add_agenda_item": _("The consultation was placed on a meeting's agenda"),
    "council.update_agenda_item": _("The agenda item was changed"),
    "consultations.start_deliberation": _("The deliberation started"),
    "consultations.record_decision": _("The council's decision was recorded"),
    "consultations.follow_ups": _("The state of the follow-ups changed"),
    "consultations.close_consultation": _("The consultation was closed"),
    "consultations.withdraw_consultation": _("The consultation was withdrawn"),
    "consultations.file_version": _("A new version of the handling record was filed"),
    "consultations.assess_change": _("The change after the answer was assessed"),
    "consultations.record_opinion": _("An opinion was recorded"),
    "consultations.update_opinion": _("An opinion was changed"),
    "consultations.close_opinion": _("An opinion was closed"),
    "consultations.record_response": _("A response was recorded"),
    "consultations.promise_to_follow_up": _("A promise was turned into a follow-up"),
    "consultations.create_follow_up": _("A follow-up was recorded"),
    "consultations.complete_follow_up": _("A follow-up was marked as done"),
    "consultations.reopen_follow_up": _("A follow-up was reopened"),
    "consultations.upload_attachment": _("A document was attached"),
    "consultations.delete_attachment": _("An attached document was deleted"),
    "consultations.declare_fact": _("A fact stated by a document was declared"),
    "consultations.remove_fact": _("A fact stated by a document was removed"),
    "demo": _("Loaded with the demonstration data"),
}
ACTION_LABELS: dict[str, Any] = {
    AuditEvent.Action.CREATE: _("%(object)s was created"),
    AuditEvent.Action.UPDATE: _("%(object)s was changed"),
    AuditEvent.Action.DELETE: _("%(object)s was deleted"),
}


@dataclass(frozen=True)
class VersionRow:
    """A version of the record in the versions table."""

    version: HandlingRecordVersion
    assessment: ChangeAssessment | None
    answered: bool
    after_answer: bool

    @property
    def unassessed(self) -> bool:
        """Filed after the answer and not yet assessed: the consultation has changed."""
        return self.after_answer and self.version.is_submitted and self.assessment is None


@dataclass
class OpinionGroup:
    """The opinions raised at one meeting (or outside any meeting), each with its anchor."""

    meeting: Meeting | None
    entries: list[tuple[Opinion, str]] = field(default_factory=list)


@dataclass
class HistoryEntry:
    """One event of the audit trail, told in Japanese (or a run of the same event)."""

    at: dt.datetime
    actor: str
    description: str
    subject: str
    details: list[tuple[str, str]]
    # Saving a draft again and again is one line of history, not dozens.
    times: int = 1

    def repeats(self, other: HistoryEntry) -> bool:
        same = (self.actor, self.description, self.subject) == (
            other.actor,
            other.description,
            other.subject,
        )
        return same and not self.details and not other.details


def context(user: User, consultation: Consultation, *, editable: bool) -> dict[str, Any]:
    """Everything the consultation page shows; `editable` when its particulars may change."""
    mine = lifecycle.is_department_staff_of(user, consultation)
    agenda_items = _agenda_items(consultation)
    # The department writes the draft and the secretariat checks it; members read what is filed.
    drafts = access.may_see_drafts(user, consultation)
    versions = _version_rows(consultation, include_draft=drafts)
    opinions = list(_opinions(consultation))
    follow_ups = list(_follow_ups(consultation))
    events, truncated = history(consultation, drafts=drafts)
    records = _records(
        consultation, versions, editable=mine and lifecycle.may(consultation, "edit_record")
    )
    kinds = list(consultation.kinds.all())
    page_attachments = attachments.attachments_for_page(consultation)
    return {
        "consultation": consultation,
        "kinds": kinds,
        "agenda_items": agenda_items,
        "linked_meeting_ids": _linked_meeting_ids(user, agenda_items),
        "decisions": list(_decisions(consultation)),
        "opinion_groups": _opinion_groups(consultation, opinions, user=user),
        "follow_ups": follow_ups,
        "today": timezone.localdate(),
        "my_department_ids": department_ids_of(user),
        "versions": versions,
        "unassessed": [row for row in versions if row.unassessed],
        **records,
        "prereview": _prereview(
            user, consultation, records, kinds, page_attachments, agenda_items, mine=mine
        ),
        "attachments": page_attachments,
        "similar": similar_consultations(consultation, user),
        "contracts": _contracts(user, consultation),
        "history": events,
        "history_truncated": truncated,
        "history_limit": HISTORY_LIMIT,
        **_actions(
            user,
            consultation,
            mine=mine,
            editable=editable,
            on_agenda=bool(agenda_items),
            has_draft=any(not row.version.is_submitted for row in versions),
            open_follow_ups=any(f.status == FollowUp.Status.OPEN for f in follow_ups),
        ),
    }


def _prereview(
    user: User,
    consultation: Consultation,
    records: dict[str, Any],
    kinds: list[ConsultationKind],
    page_attachments: list[Attachment],
    agenda_items: list[AgendaItem],
    *,
    mine: bool,
) -> review_pages.PreReview:
    """The pre-review's findings on the record shown, from the rows the page has read."""
    record = records["current_record"]
    context = None
    if record is not None:
        context = review_pages.context_from(
            consultation,
            record,
            kinds=kinds,
            attachments=page_attachments,
            agenda_items=agenda_items,
        )
    return review_pages.prereview(
        user,
        consultation,
        version=records["current_version"],
        record=record,
        context=context,
        drafter=mine,
    )


def _actions(
    user: User,
    consultation: Consultation,
    *,
    mine: bool,
    editable: bool,
    on_agenda: bool,
    has_draft: bool,
    open_follow_ups: bool,
) -> dict[str, bool]:
    """What the user may do now: the role allows it and the consultation's state too."""
    secretariat = user.is_secretariat

    def may(action: str) -> bool:
        return lifecycle.may(consultation, action)

    # A consultation put on an agenda before its status caught up is answered all the same.
    decidable = may("decide") or (on_agenda and consultation.status == Status.SUBMITTED)
    return {
        "may_edit": (secretariat or mine) and editable,
        "may_edit_record": mine and may("edit_record"),
        "may_submit": mine and may("submit"),
        "may_file_version": mine and may("file_version") and has_draft,
        "may_withdraw": (secretariat or mine) and may("withdraw"),
        "may_return": secretariat and may("return"),
        "may_accept": secretariat and may("accept"),
        "may_deliberate": secretariat and may("deliberate"),
        "may_decide": secretariat and decidable,
        "may_close": secretariat and may("close") and not open_follow_ups,
        "may_add_opinion": (secretariat or user.is_council_member)
        and accepts_opinions(consultation),
        "may_respond": access.may_respond(user, consultation),
        "may_add_follow_up": secretariat,
        "may_upload": attachments.may_upload(user, consultation),
    }


def accepts_opinions(consultation: Consultation) -> bool:
    """Whether opinions may be posted: the consultation is before the council, or answered."""
    return consultation.status not in NO_OPINIONS


# Meetings, decisions, follow-ups ------------------------------------------------------


def _agenda_items(consultation: Consultation) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(consultations=consultation)
        .select_related("meeting__council")
        .order_by("meeting__date", "meeting__number", "order")
    )


def _linked_meeting_ids(user: User, agenda_items: list[AgendaItem]) -> set[int]:
    """The meetings on the page that the user may open."""
    if not (user.is_secretariat or user.is_council_member):
        return set()
    ids = {item.meeting_id for item in agenda_items}
    return set(meetings_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def _decisions(consultation: Consultation) -> QuerySet[Decision]:
    return consultation.decisions.select_related("meeting__council", "answered_version").defer(
        "answered_version__data"
    )


def _follow_ups(consultation: Consultation) -> QuerySet[FollowUp]:
    return consultation.follow_ups.select_related(
        "owner__parent__parent", "opinion", "meeting__council"
    ).order_by(F("due_on").asc(nulls_last=True), "id")


# Contracts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContractRow:
    """A contract resting on the consultation, with what it lacks."""

    contract: Any
    # Labels of the clause kinds this consultation's answered record promised.
    missing_clauses: list[str]
    # Sub-contractors working without an approval on file, each with why.
    unapproved: list[str]

    @property
    def missing_text(self) -> str:
        return pgettext("list separator", ", ").join(self.missing_clauses)

    @property
    def unapproved_text(self) -> str:
        return pgettext("list separator", ", ").join(self.unapproved)


SUBCONTRACT_REASONS = {
    "not_approved": _("not approved"),
    "no_request": _("no approval request (承認願) on file"),
    "not_in_contract": _("named in the answered record, not recorded on the contract"),
}


def _contracts(user: User, consultation: Consultation) -> list[ContractRow] | None:
    """The contracts resting on the consultation that the user may read, with their flags;
    None for those who see no contracts (council members, the contractor's own users)."""
    # Imported here: the vendors app builds on the consultations app.
    from mamori.vendors import access as vendor_access
    from mamori.vendors import services as vendor_services
    from mamori.vendors.models import Clause

    if user.is_council_member or user.is_contractor or not vendor_access.may_read_vendors(user):
        return None
    visible = set(
        vendor_access.contracts_visible_to(user)
        .filter(bases__consultation=consultation)
        .values_list("pk", flat=True)
    )
    if not visible:
        return []
    return [
        ContractRow(
            contract=flags.contract,
            missing_clauses=list(
                dict.fromkeys(
                    str(Clause.Kind(gap.kind).label)
                    for gap in flags.clause_gaps
                    if gap.consultation.pk == consultation.pk
                )
            ),
            unapproved=[
                gettext("%(name)s (%(reason)s)")
                % {"name": flag.name, "reason": SUBCONTRACT_REASONS.get(flag.reason, flag.reason)}
                for flag in flags.subcontract_flags
            ],
        )
        for flags in vendor_services.contract_flags_for_consultation(consultation)
        if flags.contract.pk in visible
    ]


# The deliberation ---------------------------------------------------------------------


def _opinions(consultation: Consultation) -> QuerySet[Opinion]:
    """Through the related manager, so each opinion knows its consultation without a query."""
    return (
        consultation.opinions.select_related(
            "member", "meeting__council", "closed_by", "response__department"
        )
        .prefetch_related("follow_ups")
        .order_by(F("meeting__date").asc(nulls_first=True), "meeting__number", "order", "id")
    )


def _opinion_groups(
    consultation: Consultation, opinions: list[Opinion], *, user: User
) -> list[OpinionGroup]:
    """Opinions by meeting, those outside any meeting first, each with its anchor's label."""
    labels = anchors.anchor_labels(consultation, opinions, user=user)
    groups: list[OpinionGroup] = []
    for opinion in opinions:
        if not groups or groups[-1].meeting != opinion.meeting:
            groups.append(OpinionGroup(opinion.meeting))
        groups[-1].entries.append((opinion, labels.get(opinion.pk, "")))
    return groups


# The record and its versions ----------------------------------------------------------


def _version_rows(consultation: Consultation, *, include_draft: bool) -> list[VersionRow]:
    """The versions, oldest first; the draft only for the department that writes it."""
    versions = (
        consultation.record_versions.select_related(
            "created_by", "submitted_by", "assessment__assessed_by"
        )
        .defer("data")
        .order_by("number")
    )
    if not include_draft:
        versions = versions.submitted()
    answered = next((v for v in versions if v.pk == consultation.answered_version_id), None)
    return [
        VersionRow(
            version=version,
            assessment=getattr(version, "assessment", None),
            answered=answered is not None and version.pk == answered.pk,
            after_answer=answered is not None and version.number > answered.number,
        )
        for version in versions
    ]


def _records(
    consultation: Consultation, versions: list[VersionRow], *, editable: bool
) -> dict[str, Any]:
    """The record as it stands (the draft, for its department) and the answered version."""
    current = versions[-1].version if versions else None
    answered = next((row.version for row in versions if row.answered), None)
    wanted = {v.pk for v in (current, answered) if v is not None}
    data = dict(
        HandlingRecordVersion.objects.filter(pk__in=wanted).values_list("pk", "data")
        if wanted
        else []
    )
    # Opinions are shown once, in the deliberation, each saying what it is about: beside the
    # record as well, the page would hold two cards (and two ids) for one opinion. The record's
    # own page (record_view) shows them beside the fields.
    current_sections = _sections(data.get(current.pk) if current else None)
    if current_sections and editable and current is not None and not current.is_submitted:
        for section in current_sections:
            section.edit_url = views_record.section_url(consultation, section.key)
    return {
        "current_version": current,
        "current_record": _record(data.get(current.pk) if current else None),
        "current_sections": current_sections,
        "answered_number": answered.number if answered else None,
        "answered_version": answered if answered != current else None,
        "answered_sections": (
            _sections(data.get(answered.pk)) if answered and answered != current else None
        ),
    }


def _record(data: Any) -> handling.HandlingRecord | None:
    if data is None:
        return None
    try:
        return handling.parse(data)
    except handling.ValidationError:
        return None


def _sections(data: Any) -> list[record_forms.ShownSection] | None:
    record = _record(data)
    return None if record is None else record_forms.record_sections(record)


# History ------------------------------------------------------------------------------


def _ids(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The rows' ids as text, as the audit trail records them."""
    ids: QuerySet[Any] = queryset.annotate(audit_id=Cast("pk", CharField())).values("audit_id")
    return ids


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def _about(consultation: Consultation) -> Q:
    """Audit events about the consultation and the rows that belong to it."""
    related: list[tuple[type[Model], QuerySet[Any]]] = [
        (HandlingRecordVersion, HandlingRecordVersion.objects.filter(consultation=consultation)),
        (ChangeAssessment, ChangeAssessment.objects.filter(version__consultation=consultation)),
        (Opinion, Opinion.objects.filter(consultation=consultation)),
        (Response, Response.objects.filter(opinion__consultation=consultation)),
        (Decision, Decision.objects.filter(consultation=consultation)),
        (FollowUp, FollowUp.objects.filter(consultation=consultation)),
        (Attachment, Attachment.objects.filter(consultation=consultation)),
        (AttachmentFact, AttachmentFact.objects.filter(attachment__consultation=consultation)),
        (AgendaItem, AgendaItem.objects.filter(consultations=consultation)),
    ]
    condition = Q(object_type=_label(Consultation), object_id=str(consultation.pk))
    for model, rows in related:
        condition |= Q(object_type=_label(model), object_id__in=_ids(rows))
    return condition


def history(consultation: Consultation, *, drafts: bool) -> tuple[list[HistoryEntry], bool]:
    """The newest events about the consultation, told in Japanese, newest first; and whether
    older ones were left out. Without `drafts`, saves of the unsubmitted draft are left out."""
    events_about = AuditEvent.objects.filter(_about(consultation))
    if not drafts:
        events_about = events_about.exclude(use_case__in=DRAFT_USE_CASES)
    events = list(events_about.select_related("actor").order_by("-seq")[: HISTORY_LIMIT + 1])
    entries: list[HistoryEntry] = []
    for event in events[:HISTORY_LIMIT]:
        entry = _entry(event)
        if entries and entries[-1].repeats(entry):
            entries[-1].times += 1
        else:
            entries.append(entry)
    return entries, len(events) > HISTORY_LIMIT


def _entry(event: AuditEvent) -> HistoryEntry:
    return HistoryEntry(
        at=event.created_at,
        actor=str(event.actor) if event.actor else event.actor_label or gettext("The system"),
        description=describe(event),
        subject="" if event.object_type == _label(Consultation) else event.object_repr,
        details=_details(event),
    )


def describe(event: AuditEvent) -> str:
    """What happened, in Japanese: by its use case, or else by its action and object."""
    label = USE_CASE_LABELS.get(event.use_case)
    if label is not None:
        return str(label)
    try:
        model = apps.get_model(event.object_type) if event.object_type else None
    except (LookupError, ValueError):
        model = None
    name = str(model._meta.verbose_name) if model is not None else event.object_repr
    template = ACTION_LABELS.get(event.action)
    return str(template) % {"object": name} if template else event.get_action_display()


def _details(event: AuditEvent) -> list[tuple[str, str]]:
    """The change of status and the reason given, when the event is about the consultation."""
    if event.object_type != _label(Consultation):
        return []
    details: list[tuple[str, str]] = []
    status = event.changes.get("status")
    if isinstance(status, list) and len(status) == 2 and status[1] in Status.values:
        details.append((gettext("Status"), str(Status(status[1]).label)))
    reason = event.changes.get("status_reason")
    if isinstance(reason, list) and len(reason) == 2 and reason[1]:
        details.append((gettext("Reason"), str(reason[1])))
    return details
