"""Builders from records to Documents: the 諮問書, the 答申書 and the 会議録.

Each reads its records in a fixed number of queries and writes the wording the city's
letterhead (letterhead.toml) gives, in Japanese whatever the reader's language: these are
the city's official documents.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from typing import Any, Literal

from django.utils import translation
from django.utils.translation import gettext as _

from mamori.consultations import handling, record_forms
from mamori.consultations.models import (
    Consultation,
    Decision,
    HandlingRecordVersion,
    Opinion,
)
from mamori.core import eras
from mamori.council import minutes as council_minutes
from mamori.council.models import Meeting, Membership, Minutes
from mamori.documents import letterhead as letterheads
from mamori.documents import redaction
from mamori.documents.letterhead import Letterhead
from mamori.documents.model import (
    Block,
    Document,
    Heading,
    Items,
    Paragraph,
    Run,
    Table,
)

LANGUAGE = "ja"
# A list with more columns than this cannot be read across an A4 page: each of its rows is
# printed as a small table of its own (項目／内容), in every format alike.
MAX_COLUMNS = 6
# Relative widths of a list's columns: the number column, and the bounds of the others'
# shares (about one share per character of their longest line).
NUMBER_SHARE = 3
MIN_SHARE, MAX_SHARE = 3, 16
# Yes/no facts that say whether something is allowed (可/否); the others say whether there is
# something (有/無).
PERMISSIONS = frozenset({"allowed"})


class DocumentError(ValueError):
    """The records do not (yet) make the document asked for; the message says why."""


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _para(text: str, **options: Any) -> Paragraph:
    return Paragraph([Run(text)], **options)


def _era_year(day: dt.date, fiscal_year: int) -> str:
    era = eras.era_of(day)
    year = era.year_of(fiscal_year)
    return eras.year_label(era, year) if year >= 1 else str(fiscal_year)


def _council_name(council: Any) -> str:
    return f"{council.municipality}{council.name}"


def _chair_of(council: Any, day: dt.date) -> str:
    """The name of the council's chair serving on the day, or empty."""
    seat = (
        Membership.objects.serving_on(day)
        .filter(council=council, role=Membership.Role.CHAIR)
        .select_related("member")
        .order_by("order", "id")
        .first()
    )
    if seat is None:
        return ""
    return seat.member.display_name or seat.member.get_username()


# 諮問書 ------------------------------------------------------------------------------------


def _version_of(consultation: Consultation, version: Any) -> HandlingRecordVersion:
    if version is not None:
        if not version.is_submitted:
            raise DocumentError(_("A draft of the handling record cannot be sent as a 諮問書."))
        return version  # type: ignore[no-any-return]
    found = consultation.answered_version
    if found is None:
        found = consultation.record_versions.submitted().order_by("-number").first()
    if found is None:
        raise DocumentError(
            _("%(label)s has no submitted handling record yet, so it has no 諮問書.")
            % {"label": consultation.label}
        )
    return found


def _consultation_values(
    lh: Letterhead, consultation: Consultation, day: dt.date
) -> dict[str, str]:
    department = consultation.department.name
    return {
        "council": _council_name(consultation.council),
        "era_year": _era_year(day, consultation.fiscal_year),
        "fiscal_year": eras.format_fiscal_year(consultation.fiscal_year, on=day),
        "number": str(consultation.number),
        "label": consultation.label,
        "title": consultation.title,
        "department": department,
        "department_short": lh.short_name(department),
        "date": eras.format_date(day),
    }


def build_consultation(consultation: Consultation, *, version: Any = None) -> Document:
    """諮問書 of a consultation: its submitted (or given) HandlingRecord version.

    By default the version the council answered, else the latest submitted one; a
    consultation with only a draft has no 諮問書 (DocumentError).
    """
    lh = letterheads.load()
    consultation = (
        Consultation.objects.select_related(
            "council", "department__parent__parent", "answered_version"
        )
        .prefetch_related("kinds")
        .get(pk=consultation.pk)
    )
    chosen = _version_of(consultation, version)
    day = eras.as_date(chosen.submitted_at) if chosen.submitted_at else dt.date.today()
    text = lh.consultation
    values = _consultation_values(lh, consultation, day)
    values["chair"] = _chair_of(consultation.council, day)
    values["mayor_name"] = lh.mayor_on(day)
    letter = lh.numerals
    with translation.override(LANGUAGE):
        blocks: list[Block] = [
            _para(letter(lh.fill(text.lead, **values)), style="lead", indent=1),
            _para(lh.style.particulars, align="center"),
            Heading(letter(text.outline_heading), 2),
            _outline(lh, consultation),
            Heading(letter(text.record_heading), 2),
            *_record_blocks(lh, chosen.record()),
            Heading(letter(text.attachments_heading), 2),
            _attachments(lh, consultation),
            _para(lh.style.closing, align="right"),
        ]
    return Document(
        kind="consultation",
        title=letter(lh.fill(text.subject, **values)),
        reference=[letter(lh.fill(text.number, **values)), letter(values["date"])],
        addressee=[letter(line) for line in _lines(lh.fill(text.addressee, **values))],
        sender=_with_seal(lh, [letter(line) for line in _lines(lh.fill(text.sender, **values))]),
        blocks=blocks,
        key=consultation.key,
        author=lh.fill(text.sender, **values).replace("\n", " "),
        file_stem=lh.fill(text.file_name, **values),
    )


def _with_seal(lh: Letterhead, lines: list[str]) -> list[str]:
    if lines and lh.city.seal:
        lines[-1] = f"{lines[-1]}　{lh.city.seal}"
    return lines


def _outline(lh: Letterhead, consultation: Consultation) -> Table:
    text = lh.consultation
    kinds = "、".join(kind.name for kind in consultation.kinds.all()) or text.none
    rows = [
        (text.label_label, lh.numerals(consultation.label)),
        (text.title_label, consultation.title),
        (text.department_label, consultation.department.full_name),
        (text.kinds_label, kinds),
        (text.summary_label, consultation.summary or text.none),
    ]
    return Table(
        header=[text.fact_column, text.value_column],
        rows=[[[Run(label)], [Run(value)]] for label, value in rows],
        widths=[1, 3],
    )


def _certainty_marks(lh: Letterhead) -> dict[str, str]:
    return {
        record_forms.label_of(handling.Certainty.PLANNED): lh.style.planned,
        record_forms.label_of(handling.Certainty.UNDECIDED): lh.style.undecided,
    }


@functools.cache
def _answer_kind(anchor: str) -> Literal["permission", "presence", ""]:
    """Whether a fact of the record is a yes/no answer, and which: "permission" (可/否) or
    "presence" (有/無); "" for any other fact."""
    name = re.sub(r"\[[^\]]*\]", "", anchor)
    spec = record_forms.spec_at(name)
    if spec is not None and spec.kind == "fact":
        spec = spec.child("value")
    elif spec is not None and spec.is_compound:
        spec = next((c for c in spec.children if c.name != "certainty"), None)
    if spec is None or spec.kind not in ("yesno", "checkbox"):
        return ""
    return "permission" if name.rsplit(".", 1)[-1] in PERMISSIONS else "presence"


def _answer_text(lh: Letterhead, shown: record_forms.Shown) -> str:
    """A yes/no answer as official documents write it (有/無, 可/否); other text as shown."""
    kind = _answer_kind(shown.anchor)
    if not kind:
        return shown.text
    yes, no = (
        (lh.style.allowed, lh.style.not_allowed)
        if kind == "permission"
        else (lh.style.present, lh.style.absent)
    )
    return {_("Yes"): yes, _("No"): no}.get(shown.text, shown.text)


def _shown_runs(
    lh: Letterhead, shown: record_forms.Shown, marks: dict[str, str], certainty: str = ""
) -> list[Run]:
    """A fact's value, its certainty mark (or the row's) after it, then its details."""
    runs = [Run(_answer_text(lh, shown))]
    for mark in (shown.certainty, certainty):
        if mark:
            runs.append(Run(marks.get(mark, f"（{mark}）"), bold=True))
    details = "".join(f"\n{label}：{detail}" for label, detail in shown.details)
    if details:
        runs.append(Run(details))
    return runs


def _record_blocks(lh: Letterhead, record: handling.HandlingRecord) -> Iterator[Block]:
    """The record section by section, as members read it: facts as label/value tables,
    lists (data items, recipients, sub-contractors) as tables with their columns."""
    text = lh.consultation
    marks = _certainty_marks(lh)
    for number, section in enumerate(record_forms.record_sections(record), start=1):
        yield Heading(f"（{lh.numerals(str(number))}）{section.title}", 3)
        for block in section.blocks:
            if block.kind == "rows":
                yield from _rows_blocks(lh, block, marks, section.title)
            else:
                yield Table(
                    header=[text.fact_column, text.value_column],
                    rows=[[[Run(f.label)], _shown_runs(lh, f, marks)] for f in block.fields],
                    caption=block.label,
                    widths=[2, 3],
                )


def _rows_blocks(
    lh: Letterhead, block: record_forms.Block, marks: dict[str, str], section_title: str
) -> Iterator[Block]:
    """A list of the record as one table with a column per fact; a list with more columns than
    an A4 page can hold as one small 項目／内容 table per row (「提供先　2」)."""
    text = lh.consultation
    if not block.rows:
        yield Paragraph([Run(f"{block.label}：" if block.label else ""), Run(text.none)])
        return
    if len(block.columns) + 1 > MAX_COLUMNS:
        name = block.label or section_title
        for row in block.rows:
            certainty = marks.get(row.certainty, f"（{row.certainty}）") if row.certainty else ""
            yield Table(
                header=[text.fact_column, text.value_column],
                rows=[[[Run(cell.label)], _shown_runs(lh, cell, marks)] for cell in row.cells],
                caption=f"{name}\u3000{row.number}{certainty}",
                widths=[2, 3],
            )
        return
    rows: list[list[list[Run]]] = []
    for row in block.rows:
        cells = [
            _shown_runs(lh, cell, marks, row.certainty if index == 0 else "")
            for index, cell in enumerate(row.cells)
        ]
        rows.append([[Run(str(row.number))], *cells])
    yield Table(
        header=[text.number_column, *block.columns],
        rows=rows,
        caption=block.label,
        widths=[NUMBER_SHARE, *_shares(block.columns, rows)],
    )


def _shares(columns: list[str], rows: list[list[list[Run]]]) -> list[int]:
    """Each column's share of a list's width, from its longest line (a header counts half, as
    it may wrap on two lines), within MIN_SHARE..MAX_SHARE."""
    shares = []
    for index, column in enumerate(columns, start=1):
        longest = max(
            len(line)
            for row in rows
            for line in "".join(run.display for run in row[index]).split("\n")
        )
        shares.append(min(max(longest, (len(column) + 1) // 2, MIN_SHARE), MAX_SHARE))
    return shares


def _attachments(lh: Letterhead, consultation: Consultation) -> Block:
    titles = [a.title for a in consultation.attachments.order_by("uploaded_at", "id")]
    if not titles:
        return _para(lh.consultation.none)
    return Items([[Run(title)] for title in titles], ordered=True)


# 答申書 ------------------------------------------------------------------------------------


def build_answer(decision: Decision) -> Document:
    """答申書 of a decision: addressed to the mayor, signed by the council's chair, with the
    decision sentence, the attached opinions and the members' opinions with the responses."""
    lh = letterheads.load()
    decision = Decision.objects.select_related(
        "consultation__council",
        "consultation__department__parent__parent",
        "answered_version",
    ).get(pk=decision.pk)
    if decision.result == Decision.Result.CONTINUED:
        raise DocumentError(_("Deliberation continues: there is no answer to write yet."))
    consultation = decision.consultation
    asked_on = _asked_on(decision)
    text = lh.answer
    letter = lh.numerals
    values = _consultation_values(lh, consultation, decision.decided_on)
    # The lead cites the 諮問書: its date and its number (平成２１年７月３０日付け２１東障支第４号).
    values["date"] = eras.format_date(asked_on)
    asked = _consultation_values(lh, consultation, asked_on)
    values["reference"] = letter(lh.fill(lh.consultation.number, **asked))
    values["chair"] = _chair_of(consultation.council, decision.decided_on)
    values["mayor_name"] = lh.mayor_on(decision.decided_on)
    blocks: list[Block] = [
        _para(letter(lh.fill(text.lead, **values)), style="lead", indent=1),
        _para(lh.style.particulars, align="center"),
        Heading(letter(text.decision_heading), 2),
        _para(letter(decision.sentence), style="lead", indent=1),
        Heading(letter(text.conditions_heading), 2),
        *(
            [_para(line, indent=1) for line in _lines(decision.attached_opinions)]
            or [_para(text.none, indent=1)]
        ),
        Heading(letter(lh.fill(text.opinions_heading, **values)), 2),
        *_exchanges(text.opinion_mark, _opinions(consultation, decision), text.none),
        _para(lh.style.closing, align="right"),
    ]
    return Document(
        kind="answer",
        title=letter(lh.fill(text.subject, **values)),
        reference=[
            letter(lh.fill(text.number, **values)),
            letter(eras.format_date(decision.decided_on)),
        ],
        addressee=[letter(line) for line in _lines(lh.fill(text.addressee, **values))],
        sender=_with_seal(lh, [letter(line) for line in _lines(lh.fill(text.sender, **values))]),
        blocks=blocks,
        key=consultation.key,
        author=values["council"],
        file_stem=lh.fill(text.file_name, **values),
    )


def _asked_on(decision: Decision) -> dt.date:
    """The date the consultation was made: the answered version's submission, else the
    consultation's submitted date, else the decision's."""
    version = decision.answered_version
    if version is not None and version.submitted_at is not None:
        return eras.as_date(version.submitted_at)
    return decision.consultation.submitted_on or decision.decided_on


def _opinions(consultation: Consultation, decision: Decision) -> list[Opinion]:
    """The opinions on the consultation up to the decision's meeting, in the minutes' order."""
    opinions = consultation.opinions.select_related("response__department", "meeting")
    if decision.meeting_id is not None:
        opinions = opinions.exclude(meeting__date__gt=decision.decided_on)
    return list(opinions.order_by("meeting__date", "order", "id"))


def _exchanges(mark: str, opinions: list[Opinion], none: str) -> list[Block]:
    if not opinions:
        return [_para(none, indent=1)]
    blocks: list[Block] = []
    for opinion in opinions:
        blocks.append(_para(f"{mark}{opinion.text}", style="mark"))
        response = getattr(opinion, "response", None)
        if response is not None:
            suffix = f"（{response.department.name}）" if response.show_department else ""
            blocks.append(_para(f"{response.text}{suffix}", indent=1))
    return blocks


# 会議録 ------------------------------------------------------------------------------------


def build_minutes(meeting: Meeting, *, for_publication: bool = False) -> Document:
    """会議録 of a meeting; for publication, withheld text and materials are marked and
    replaced (documents.redaction.redact). The secretariat's copy of minutes that withhold
    words or materials says so above the text and in its file name (「…会議録_内部用」).
    DocumentError when the meeting has no minutes yet."""
    lh = letterheads.load()
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise DocumentError(
            _("%(meeting)s has no minutes yet.") % {"meeting": meeting.title or meeting.key}
        )
    with translation.override(LANGUAGE):
        doc = council_minutes.compose(meeting)
    materials = redaction.materials_for(meeting)
    rules = redaction.rules_for(minutes)
    text = lh.minutes
    internal = not for_publication and (bool(rules) or not all(m.disclosed for m in materials))
    document = Document(
        kind="minutes",
        title=lh.fill(text.title, meeting=doc.title),
        blocks=[
            _minutes_header(lh, doc),
            Heading(text.proceedings, 2),
            *_proceedings(lh, doc),
            _para(lh.style.closing, align="right"),
            *_materials_blocks(lh, doc, materials),
        ],
        key=meeting.key,
        author=_council_name(meeting.council),
        file_stem=lh.fill(
            text.internal_file_name if internal else text.file_name, meeting=doc.title
        ),
        notice=text.internal_notice if internal else "",
    )
    if for_publication:
        document = redaction.redact(document, rules)
    return document


def _join(parts: list[str]) -> str:
    return "・".join(parts)


def _minutes_header(lh: Letterhead, doc: council_minutes.MinutesDocument) -> Table:
    text = lh.minutes
    present = text.present
    for label, names in (
        (text.members, doc.members_present),
        (text.secretariat, doc.secretariat),
        (text.explainers, doc.explainers),
    ):
        if names:
            present += f"{label}{_join(names)}"
    absent = text.absent + (_join(doc.members_absent) or text.nobody)
    openness = doc.openness
    if doc.observers:
        openness += "（" + lh.fill(text.observers, count=doc.observers) + "）"
    rows: list[tuple[str, str]] = [
        (text.name, doc.title),
        (text.held, doc.held),
        (text.place, doc.place),
        (text.attendance, f"{present}\n{absent}"),
        (text.openness, openness),
    ]
    if doc.closure_reason or doc.closure_grounds:
        reason = doc.closure_reason
        if doc.closure_grounds:
            reason += f"\n{text.closure_grounds}{'、'.join(doc.closure_grounds)}"
        rows.append((text.closure_reason, reason.strip()))
    rows.append((text.agenda, "\n".join(_agenda_lines(lh, doc))))
    rows.append((text.contact, doc.contact))
    return Table(
        header=[text.item_column, text.content_column],
        rows=[[[Run(label)], [Run(value)]] for label, value in rows],
        widths=[1, 4],
    )


def _agenda_lines(lh: Letterhead, doc: council_minutes.MinutesDocument) -> Iterator[str]:
    for item in doc.items:
        yield f"{item.number}. {item.title}"
        if item.kind == "deliberation":
            for c in item.consultations:
                yield f"　{c.label}「{c.title}」（{c.department}）"
        if item.report is not None:
            report = lh.fill(lh.minutes.report, title=item.report.title)
            yield f"　{report}（{item.report.department}）"


def _proceedings(lh: Letterhead, doc: council_minutes.MinutesDocument) -> Iterator[Block]:
    text = lh.minutes
    for item in doc.items:
        title = item.title
        if item.kind == "deliberation":
            title = lh.fill(text.results, title=item.title)
        yield Heading(f"({item.number}) {title}", 3)
        if item.note:
            yield _para(item.note, style="note")
        if item.kind == "deliberation":
            for section in item.consultations:
                yield from _deliberation(lh, section)
        if item.report is not None:
            yield from _report(lh, item.report)


def _deliberation(lh: Letterhead, section: council_minutes.ConsultationSection) -> Iterator[Block]:
    text = lh.minutes
    yield _para(section.decision or f"{section.label}「{section.title}」", style="lead")
    if section.tie_note:
        yield _para(section.tie_note)
    if section.attached_opinions:
        yield Heading(text.attached_opinions, 4)
        yield _para(section.attached_opinions, indent=1)
    if section.exchanges:
        yield Heading(lh.fill(text.opinions, department=section.department_short), 4)
        for exchange in section.exchanges:
            yield _para(f"{text.opinion_mark}{exchange.opinion}", style="mark")
            if exchange.response:
                suffix = f"（{exchange.responder}）" if exchange.responder else ""
                yield _para(f"{exchange.response}{suffix}", indent=1)


def _report(lh: Letterhead, report: council_minutes.ReportSection) -> Iterator[Block]:
    text = lh.minutes
    yield _para(lh.fill(text.report, title=report.title), style="lead")
    yield Heading(lh.fill(text.explanation, department=report.department_short), 4)
    if report.related:
        yield _para(report.related, style="note")
    for line in _lines(report.explanation):
        yield _para(line, indent=1)


def _materials_blocks(
    lh: Letterhead, doc: council_minutes.MinutesDocument, materials: list[redaction.Material]
) -> Iterator[Block]:
    """The materials with the decision on each, and the sentence those decisions make: all
    published, none (with the reason), or which are not. The reason is the secretariat's
    text with the grounds of the materials withheld, or a sentence citing the grounds."""
    text = lh.minutes
    yield Heading(text.materials, 2)
    if not materials:
        yield _para(text.no_materials)
        return
    yield Table(
        header=[text.material_column, text.disclosure_column],
        rows=[[[Run(m.title)], [Run(_disclosure(lh, m))]] for m in materials],
        widths=[3, 2],
    )
    withheld = [m for m in materials if not m.disclosed]
    if not withheld:
        yield _para(text.materials_all_disclosed)
        return
    if len(withheld) == len(materials):
        yield _para(text.materials_none_disclosed)
    else:
        yield _para(text.materials_some_disclosed)
        yield Items([[Run(m.title)] for m in withheld])
    yield _para(text.reason)
    grounds = "、".join(dict.fromkeys(m.ground for m in withheld if m.ground))
    reason = _lines(doc.materials_reason)
    for line in reason:
        yield _para(line, indent=1)
    if grounds:
        yield _para(
            lh.fill(text.grounds if reason else text.reason_grounds, ground=grounds), indent=1
        )
    elif not reason:
        yield _para(text.undecided, indent=1)


def _disclosure(lh: Letterhead, material: redaction.Material) -> str:
    if material.disclosed:
        return lh.minutes.disclosed
    return lh.fill(lh.minutes.withheld, ground=material.ground or lh.minutes.undecided)
