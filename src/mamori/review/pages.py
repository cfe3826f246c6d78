"""What the pre-review pages show: each finding with its severity, the department's explanation
and where to fix it; the checklist and its answers; the pre-review of a meeting's agenda.

A checklist answer that is not the expected one, or lacks the explanation its question asks
for, is shown among the findings as an item "CHK-<question id>" to explain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mamori.audit.writes import create_audited, update_audited
from mamori.consultations import access, anchors, handling, lifecycle, record_forms
from mamori.consultations.models import (
    Attachment,
    Consultation,
    ConsultationKind,
    Decision,
    HandlingRecordVersion,
)
from mamori.council.access import meetings_visible_to
from mamori.council.models import AgendaItem, Meeting
from mamori.review import services
from mamori.review.models import ChecklistAnswer, ChecklistQuestion, Explanation
from mamori.review.rules import (
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    Context,
    Finding,
    Severity,
    evaluate,
)
from mamori.review.rules.meeting import meeting_findings

CHECKLIST = "checklist"  # the "section" of the checklist's items
CHECKLIST_PREFIX = "CHK-"
NOT_EXPECTED = gettext_noop(
    "Checklist: “%(question)s” is answered “%(answer)s”, which needs an explanation."
)
NOT_ANSWERED = gettext_noop("Checklist: “%(question)s” is not answered yet.")
NOT_EXPLAINED = gettext_noop("Checklist: “%(question)s” asks for an explanation.")


@dataclass
class Item:
    """A finding (or a checklist item) as shown: severity, text, explanation, where to act."""

    finding: Finding
    explanation: str = ""
    explained_by: Any = None
    explained_at: dt.datetime | None = None
    fix_url: str = ""  # where the department fixes it
    read_url: str = ""  # where the field is read on the record page
    anchor: str = ""  # the opinion anchor it becomes, or ""
    error: str = ""  # the explanation form's error, after a refused save

    @property
    def rule(self) -> str:
        return self.finding.rule

    @property
    def key(self) -> str:
        return self.finding.key

    @property
    def path(self) -> str:
        return self.finding.path

    @property
    def section(self) -> str:
        return CHECKLIST if self.is_checklist else self.finding.section

    @property
    def severity(self) -> str:
        return self.finding.severity.value

    @property
    def severity_label(self) -> str:
        return _(SEVERITY_LABELS[self.finding.severity])

    @property
    def text(self) -> str:
        return self.finding.text()

    @property
    def precedent(self) -> str:
        return _(self.finding.precedent) if self.finding.precedent else ""

    @property
    def is_checklist(self) -> bool:
        return self.finding.rule.startswith(CHECKLIST_PREFIX)

    @property
    def about_the_record(self) -> bool:
        """About a field of the record or the checklist (else the consultation or a meeting)."""
        return self.is_checklist or self.finding.section in handling.SECTIONS

    @property
    def explained(self) -> bool:
        return bool(self.explanation.strip())

    @property
    def blocks_submission(self) -> bool:
        return self.finding.severity == Severity.MUST_FIX and not self.explained

    @property
    def html_id(self) -> str:
        digest = self.finding.key.rsplit(":", 1)[-1]
        readable = re.sub(r"[^a-z0-9_]+", "-", f"{self.rule}-{self.path}".lower()).strip("-")
        return f"finding-{readable}-{digest}"


# The checklist -------------------------------------------------------------------------


def questions_for(consultation: Consultation) -> QuerySet[ChecklistQuestion]:
    """The questions in use asked of the consultation: for every kind, or one of its kinds."""
    kinds = consultation.kinds.values("pk")
    return (
        ChecklistQuestion.objects.filter(active=True)
        .filter(Q(kinds__isnull=True) | Q(kinds__in=kinds))
        .distinct()
        .order_by("order", "id")
    )


def answers_of(consultation: Consultation) -> dict[int, ChecklistAnswer]:
    """The department's answers, by question id."""
    return {a.question_id: a for a in consultation.checklist_answers.select_related("answered_by")}


def asks_explanation(question: ChecklistQuestion) -> bool:
    return question.answer_kind != ChecklistQuestion.AnswerKind.YES_NO


def asks_yes_no(question: ChecklistQuestion) -> bool:
    return question.answer_kind != ChecklistQuestion.AnswerKind.EXPLAIN


def answer_label(answer: bool | None) -> str:
    if answer is None:
        return _("Not answered")
    return _("Yes") if answer else _("No")


def checklist_finding(
    question: ChecklistQuestion, answer: ChecklistAnswer | None
) -> Finding | None:
    """The item a question raises: an unexpected or missing answer, or a missing explanation."""
    value = answer.answer if answer is not None else None
    explained = answer is not None and bool(answer.explanation.strip())
    if asks_yes_no(question) and question.expected_answer is not None:
        if value is None:
            message = NOT_ANSWERED
        elif value != question.expected_answer:
            message = NOT_EXPECTED
        else:
            message = ""
        if message:
            return _checklist_item(question, message, value)
    if asks_explanation(question) and not explained:
        return _checklist_item(question, NOT_EXPLAINED, value)
    return None


def _checklist_item(question: ChecklistQuestion, message: str, value: bool | None) -> Finding:
    return Finding(
        f"{CHECKLIST_PREFIX}{question.pk}",
        Severity.EXPLAIN,
        CHECKLIST,
        message,
        (("question", question.text), ("answer", answer_label(value))),
    )


def checklist_items(
    consultation: Consultation,
    *,
    questions: Iterable[ChecklistQuestion] | None = None,
    answers: dict[int, ChecklistAnswer] | None = None,
) -> list[Item]:
    """The checklist's items to explain, each with the explanation given with its answer
    (`questions` and `answers` spare the queries when a page has loaded them already)."""
    answers = answers_of(consultation) if answers is None else answers
    url = checklist_url(consultation)
    items = []
    for question in questions_for(consultation) if questions is None else questions:
        answer = answers.get(question.pk)
        finding = checklist_finding(question, answer)
        if finding is None:
            continue
        item = Item(finding, fix_url=f"{url}#question-{question.pk}", read_url=url)
        if answer is not None and answer.answer is not None and answer.explanation.strip():
            # An unexpected answer with its reason is explained; an unanswered one is not.
            item.explanation = answer.explanation
            item.explained_by, item.explained_at = answer.answered_by, answer.answered_at
        items.append(item)
    return items


@dataclass(frozen=True)
class ChecklistEntry:
    """A question with the department's answer, for the checklist page."""

    question: ChecklistQuestion
    answer: ChecklistAnswer | None

    @property
    def answer_text(self) -> str:
        return answer_label(self.answer.answer if self.answer else None)

    @property
    def asks_yes_no(self) -> bool:
        return asks_yes_no(self.question)

    @property
    def answer_field(self) -> str:
        return f"q{self.question.pk}_answer"

    @property
    def explanation_field(self) -> str:
        return f"q{self.question.pk}_explanation"


def checklist_entries(consultation: Consultation) -> list[ChecklistEntry]:
    answers = answers_of(consultation)
    return [ChecklistEntry(q, answers.get(q.pk)) for q in questions_for(consultation)]


@transaction.atomic
def answer_checklist(
    *,
    actor: Any,
    consultation: Consultation,
    answers: dict[int, tuple[bool | None, str]],
) -> int:
    """Record the department's answers (question id → answer, explanation); returns how many
    changed. Only questions asked of the consultation are answered."""
    asked = {q.pk: q for q in questions_for(consultation)}
    existing = answers_of(consultation)
    changed = 0
    now = timezone.now()
    for question_id, (answer, explanation) in answers.items():
        question = asked.get(question_id)
        if question is None:
            continue
        if not asks_yes_no(question):
            answer = None
        stored = existing.get(question_id)
        if stored is not None:
            if (stored.answer, stored.explanation) == (answer, explanation):
                continue
            update_audited(
                stored,
                actor=actor,
                use_case="review.answer_checklist",
                answer=answer,
                explanation=explanation,
                answered_by=actor,
                answered_at=now,
            )
        elif answer is not None or explanation:
            create_audited(
                ChecklistAnswer,
                actor=actor,
                use_case="review.answer_checklist",
                consultation=consultation,
                question=question,
                answer=answer,
                explanation=explanation,
                answered_by=actor,
                answered_at=now,
            )
        else:
            continue
        changed += 1
    return changed


# Findings ------------------------------------------------------------------------------


def _url(name: str, consultation: Consultation, **kwargs: Any) -> str:
    return reverse(
        name, kwargs={"council": consultation.council.slug, "key": consultation.key, **kwargs}
    )


def checklist_url(consultation: Consultation) -> str:
    return _url("review:checklist", consultation)


def input_target(
    record: handling.HandlingRecord, path: str, *, dumped: dict[str, Any] | None = None
) -> str:
    """The id of the input a path is written in on its section's form ("" when unknown);
    `dumped` is `handling.dump(record)` when the caller has it already."""
    document: Any = handling.dump(record) if dumped is None else dumped
    names: list[str] = []
    for part, row_id in re.findall(r"([a-z_]+)(?:\[([a-z0-9]+)\])?", path):
        names.append(part)
        document = document.get(part) if isinstance(document, dict) else None
        if row_id:
            rows = document if isinstance(document, list) else []
            position = next((n for n, r in enumerate(rows) if r.get("row_id") == row_id), None)
            if position is None:
                return ""
            names.append(str(position))
            document = rows[position]
    name = ".".join(names)
    spec = record_forms.spec_at(name)
    if spec is None:
        return ""
    if spec.kind == "fact":
        name += ".value"
    return record_forms.input_id(name)


def valid_anchors(record: handling.HandlingRecord) -> set[str]:
    """The paths an opinion on the record may be anchored to."""
    return {anchor.path for anchor in anchors.anchors_of(record)}


def anchor_for(record: handling.HandlingRecord, path: str, *, valid: set[str] | None = None) -> str:
    """The opinion anchor of a finding: its path, else the row it is in, else none
    (`valid` is `valid_anchors(record)` when the caller has it already)."""
    valid = valid_anchors(record) if valid is None else valid
    if path in valid:
        return path
    row = path.split("]", 1)[0] + "]" if "[" in path else ""
    return row if row in valid else ""


def items_of(
    consultation: Consultation,
    record: handling.HandlingRecord,
    *,
    version: HandlingRecordVersion | None = None,
    findings: list[Finding] | None = None,
    checklist: bool = True,
    explanations: dict[str, Explanation] | None = None,
    checklist_entries: list[Item] | None = None,
) -> list[Item]:
    """The findings on a record with the department's explanations standing on its version
    (by default the one being drafted, else the latest submitted), and the checklist's items,
    most serious first.

    `explanations` and `checklist_entries` spare the queries when the caller has loaded them.
    """
    findings = services.review(consultation, record=record) if findings is None else findings
    if explanations is None:
        if version is None:
            version = services.current_version(consultation)
        explanations = services.explanations_of(consultation, version)
    dumped: dict[str, Any] | None = None
    valid: set[str] | None = None
    items = []
    for finding in findings:
        item = Item(finding)
        explanation = services.explanation_for(explanations, finding)
        if explanation is not None:
            item.explanation = explanation.text
            item.explained_by, item.explained_at = explanation.written_by, explanation.written_at
        if finding.section in handling.SECTIONS:
            if dumped is None:
                dumped = handling.dump(record)
            target = input_target(record, finding.path, dumped=dumped)
            edit = _url("consultations:record_edit", consultation, section=finding.section)
            item.fix_url = f"{edit}#{target}" if target else edit
            view = _url("consultations:record_view", consultation)
            item.read_url = f"{view}#{record_forms.html_id(finding.section)}"
        else:
            # About the consultation or its meetings, not a field: explained on its page.
            detail = _url("consultations:consultation_detail", consultation)
            item.fix_url = f"{detail}#{item.html_id}"
        if valid is None:
            valid = valid_anchors(record)
        item.anchor = anchor_for(record, finding.path, valid=valid)
        items.append(item)
    if checklist:
        items.extend(
            checklist_items(consultation) if checklist_entries is None else checklist_entries
        )
    return sorted(items, key=lambda i: SEVERITY_ORDER[i.finding.severity])


def item_of(items: Iterable[Item], key: str) -> Item | None:
    """The item of a finding, by the finding's key."""
    return next((i for i in items if i.key == key), None)


def blocking(items: Iterable[Item]) -> list[Item]:
    """The must-fix items with no explanation: they stand in the way of submission."""
    return [item for item in items if item.blocks_submission]


@dataclass(frozen=True)
class NavSection:
    """A section of the drafting navigation, with its open must-fix findings."""

    key: str
    title: str
    missing: int
    current: bool
    must_fix: int


@dataclass
class Drafting:
    """The findings beside a section's form, as the department writes it."""

    consultation: Consultation
    section: str
    items: list[Item]  # the section's findings
    must_fix: dict[str, int]  # open must-fix findings by section
    checklist_open: int
    stale: bool = False  # the section has input errors: findings are those of the last save

    def nav(self, links: Iterable[record_forms.SectionLink]) -> list[NavSection]:
        return [
            NavSection(
                link.key, link.title, link.missing, link.current, self.must_fix.get(link.key, 0)
            )
            for link in links
        ]

    @property
    def findings_url(self) -> str:
        return _url("review:section_findings", self.consultation, section=self.section)

    @property
    def checklist_url(self) -> str:
        return checklist_url(self.consultation)


def drafting(
    consultation: Consultation,
    record: handling.HandlingRecord,
    section: str,
    *,
    stale: bool = False,
) -> Drafting:
    """The findings of the record (the draft, or the section as typed) for one section's page."""
    items = items_of(consultation, record)
    must_fix = Counter(item.section for item in blocking(items))
    return Drafting(
        consultation=consultation,
        section=section,
        items=[item for item in items if item.section == section],
        must_fix=dict(must_fix),
        checklist_open=sum(1 for i in items if i.is_checklist and not i.explained),
        stale=stale,
    )


# The council's view --------------------------------------------------------------------


def version_for(user: Any, consultation: Consultation) -> Any:
    """The version whose findings the user reads: the draft for those who see drafts (or the
    latest submitted), else the latest submitted version; None before any."""
    if access.may_see_drafts(user, consultation):
        draft = lifecycle.draft_version(consultation)
        if draft is not None:
            return draft
    return lifecycle.latest_submitted_version(consultation)


def record_of(version: Any) -> handling.HandlingRecord | None:
    """A version's record, or None when there is no version or it cannot be read."""
    if version is None:
        return None
    try:
        record: handling.HandlingRecord = version.record()
    except handling.ValidationError:
        return None
    return record


def sitting_meeting(user: Any, consultation: Consultation) -> Meeting | None:
    """The latest meeting the member sits on that has the consultation on its agenda."""
    if not (user.is_authenticated and user.is_council_member):
        return None
    return (
        meetings_visible_to(user)
        .filter(agenda_items__consultations=consultation)
        .order_by("-date", "-number")
        .first()
    )


def may_raise_opinions(user: Any, consultation: Consultation) -> bool:
    """A member on a meeting with the consultation on its agenda, while it takes opinions."""
    from mamori.consultations.page import accepts_opinions  # the page imports this module

    return accepts_opinions(consultation) and sitting_meeting(user, consultation) is not None


def may_explain(user: Any, consultation: Consultation) -> bool:
    """The department explains findings while it may change the record."""
    return lifecycle.is_department_staff_of(user, consultation) and lifecycle.may(
        consultation, "edit_record"
    )


@dataclass
class PreReview:
    """The pre-review section of the consultation page and of the record page."""

    consultation: Consultation
    version: Any
    items: list[Item] = field(default_factory=list)
    may_raise: bool = False
    may_explain: bool = False

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return severity_counts(self.items)

    @property
    def checklist_url(self) -> str:
        return checklist_url(self.consultation)


def severity_counts(items: Iterable[Item]) -> list[tuple[str, str, int]]:
    """(severity, label, how many) of the items, every severity listed."""
    counts = Counter(item.finding.severity for item in items)
    return [(s.value, _(SEVERITY_LABELS[s]), counts.get(s, 0)) for s in Severity]


def prereview(
    user: Any,
    consultation: Consultation,
    *,
    version: Any,
    record: handling.HandlingRecord | None,
    context: Context | None = None,
    drafter: bool | None = None,
) -> PreReview:
    """The findings on the version the user reads, with the explanations beside them.

    `context` and `drafter` (whether the user is staff of the department) spare queries when
    the page has read what they need already.
    """
    if version is None or record is None:
        return PreReview(consultation, None)
    if drafter is None:
        drafter = lifecycle.is_department_staff_of(user, consultation)
    findings = evaluate(replace(context, record=record)) if context is not None else None
    return PreReview(
        consultation,
        version,
        items=items_of(consultation, record, version=version, findings=findings),
        may_raise=version.is_submitted and may_raise_opinions(user, consultation),
        may_explain=drafter
        and lifecycle.may(consultation, "edit_record")
        and not version.is_submitted,
    )


def context_from(
    consultation: Consultation,
    record: handling.HandlingRecord,
    *,
    kinds: Iterable[ConsultationKind],
    attachments: Iterable[Attachment],
    agenda_items: Iterable[AgendaItem],
) -> Context:
    """What `services.context_for` reads, from rows the consultation page has loaded already."""
    return services.context_of(
        consultation,
        record,
        kind_codes=(kind.code for kind in kinds),
        facts=(fact for attachment in attachments for fact in attachment.facts.all()),
        meeting_dates=(item.meeting.date for item in agenda_items),
    )


# A meeting's pre-review ----------------------------------------------------------------


@dataclass
class AgendaReview:
    """A consultation on a meeting's agenda, with its open findings."""

    consultation: Consultation
    version: Any
    open_items: list[Item]
    explanations: int

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        return severity_counts(self.open_items)

    @property
    def detail_url(self) -> str:
        return _url("consultations:consultation_detail", self.consultation)


def _version_before(meeting: Meeting, consultation: Consultation) -> HandlingRecordVersion | None:
    """The version the meeting had before it: the one it answered, if it answered one there;
    otherwise the latest submitted (a version filed after the answer is not the meeting's).

    Reads what `meeting_review` prefetched: `meeting_decisions` and `submitted_versions`.
    """
    decisions: list[Decision] = getattr(consultation, "meeting_decisions", [])
    if decisions:
        return decisions[0].answered_version
    submitted: list[HandlingRecordVersion] = getattr(consultation, "submitted_versions", [])
    return submitted[0] if submitted else None


def _questions_asked(
    questions: list[ChecklistQuestion], kinds: Iterable[ConsultationKind]
) -> list[ChecklistQuestion]:
    """`questions_for` over questions loaded once with their kinds."""
    wanted = {kind.pk for kind in kinds}
    return [
        question
        for question in questions
        if not question.kinds.all() or any(k.pk in wanted for k in question.kinds.all())
    ]


def meeting_review(meeting: Meeting) -> list[AgendaReview]:
    """Every consultation on the meeting's agenda, in agenda order, with its open findings on
    the version submitted to the council. The queries do not grow with the agenda: versions,
    facts, kinds, explanations and checklist answers are loaded for all consultations at once.
    """
    consultations = (
        Consultation.objects.filter(agenda_items__meeting=meeting)
        .select_related("council", "department")
        .prefetch_related(
            "kinds",
            Prefetch(
                "record_versions",
                queryset=HandlingRecordVersion.objects.submitted().order_by("-number"),
                to_attr="submitted_versions",
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(
                    meeting=meeting, answered_version__isnull=False
                ).select_related("answered_version"),
                to_attr="meeting_decisions",
            ),
            Prefetch("attachments", queryset=Attachment.objects.prefetch_related("facts")),
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("meeting")),
            Prefetch(
                "finding_explanations",
                queryset=Explanation.objects.select_related("version", "written_by"),
            ),
            Prefetch(
                "checklist_answers", queryset=ChecklistAnswer.objects.select_related("answered_by")
            ),
        )
        .order_by("agenda_items__order", "fiscal_year", "number")
    )
    questions = list(
        ChecklistQuestion.objects.filter(active=True)
        .prefetch_related("kinds")
        .order_by("order", "id")
    )
    rows: list[AgendaReview] = []
    seen: set[int] = set()
    for consultation in consultations:
        if consultation.pk in seen:
            continue
        seen.add(consultation.pk)
        version = _version_before(meeting, consultation)
        record = record_of(version)
        items: list[Item] = []
        if record is not None:
            kinds = list(consultation.kinds.all())
            context = context_from(
                consultation,
                record,
                kinds=kinds,
                attachments=consultation.attachments.all(),
                agenda_items=consultation.agenda_items.all(),
            )
            items = items_of(
                consultation,
                record,
                version=version,
                findings=evaluate(context),
                explanations=services.effective_explanations(
                    consultation.finding_explanations.all(), version
                ),
                checklist_entries=checklist_items(
                    consultation,
                    questions=_questions_asked(questions, kinds),
                    answers={a.question_id: a for a in consultation.checklist_answers.all()},
                ),
            )
        rows.append(
            AgendaReview(
                consultation,
                version,
                open_items=[i for i in items if not i.explained],
                explanations=sum(1 for i in items if i.explained),
            )
        )
    return rows


@dataclass(frozen=True)
class MeetingItem:
    """A finding about the meeting itself (quorum, minutes, decisions), as shown."""

    finding: Finding

    @property
    def rule(self) -> str:
        return self.finding.rule

    @property
    def severity(self) -> str:
        return self.finding.severity.value

    @property
    def severity_label(self) -> str:
        return _(SEVERITY_LABELS[self.finding.severity])

    @property
    def text(self) -> str:
        return self.finding.text()


def meeting_items(meeting: Meeting, *, today: dt.date | None = None) -> list[MeetingItem]:
    """The meeting-level rules' findings on the meeting, most serious first."""
    return [MeetingItem(finding) for finding in meeting_findings(meeting, today=today)]
