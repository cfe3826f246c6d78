"""Consistency: the record against its attachments and its kinds, and a record that still
rests on plans (予定/未定) where the council needs facts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from pydantic import BaseModel

from mamori.consultations import handling
from mamori.core import eras
from mamori.review.rules import (
    Context,
    Finding,
    Severity,
    blank,
    findings_at,
    not_fixed,
    outsourced,
    row_path,
    rule,
)

SEED_4_TIMING = gettext_noop(
    "FY2009 3rd meeting, consultation no. 4: the chair's opinion on consulting before the "
    "contractor and the details are fixed"
)
SEED_5_CONTRADICTION = gettext_noop(
    "FY2009 3rd meeting, consultation no. 5: members' opinion on the approval request "
    "contradicting the consultation document (support method)"
)
KINDS_OF_CONSULTATION = gettext_noop(
    "Council domain notes 1.2: the kinds of consultation and what each must declare"
)


def _unfixed(context: Context) -> list[tuple[str, str, str]]:
    """The (path, message, name) of the contractor, data items and recipients still 予定/未定."""
    record = context.record
    found: list[tuple[str, str, str]] = []
    contractor = record.outsourcing.contractor
    if outsourced(context) and not_fixed(contractor):
        if blank(contractor) or contractor.certainty == handling.Certainty.UNDECIDED:
            found.append(("outsourcing.contractor", CONTRACTOR_UNDECIDED, contractor.value or ""))
        else:
            found.append(("outsourcing.contractor", CONTRACTOR_PLANNED, contractor.value or ""))
    for section, rows, message in (
        ("items", record.items, ITEM_NOT_FIXED),
        ("recipients", record.recipients, RECIPIENT_NOT_FIXED),
    ):
        found.extend(
            (row_path(section, row), message, row.name)
            for row in rows
            if row.certainty != handling.Certainty.FIXED
        )
    return found


# The contractor's title carries a form hint, so these messages name it themselves.
CONTRACTOR_UNDECIDED = gettext_noop(
    "The contractor is not decided: the council cannot judge a handling that may still "
    "change. Consult when it is fixed, or explain why the council is asked now."
)
CONTRACTOR_PLANNED = gettext_noop(
    "The contractor is only planned (%(name)s) and not fixed: the council cannot judge a "
    "handling that may still change. Consult when it is fixed, or explain why the council is "
    "asked now."
)
ITEM_NOT_FIXED = gettext_noop(
    "The data item 「%(name)s」 is not fixed (planned or undecided): the council cannot judge a "
    "handling that may still change. Consult when it is fixed, or explain why the council is "
    "asked now."
)
RECIPIENT_NOT_FIXED = gettext_noop(
    "The recipient 「%(name)s」 is not fixed (planned or undecided): the council cannot judge a "
    "handling that may still change. Consult when it is fixed, or explain why the council is "
    "asked now."
)


@rule(
    "R23",
    title=gettext_noop("Consulted before the contractor, data items or recipients are fixed"),
    severity=Severity.MUST_FIX,
    source=SEED_4_TIMING,
)
def consulted_too_early(context: Context) -> Iterator[Finding]:
    """The contractor, a data item or a recipient is only planned or undecided."""
    for path, message, name in _unfixed(context):
        yield from findings_at("R23", [path], message, name=name)


@rule(
    "S04",
    title=gettext_noop("A change after the answer needs a new consultation"),
    severity=Severity.NOTE,
    source=SEED_4_TIMING,
)
def reconsult_on_change(context: Context) -> Iterator[Finding]:
    """Where the record rests on plans, remind that a change after the answer comes back."""
    unfixed = _unfixed(context)
    if unfixed:
        yield from findings_at(
            "S04",
            [unfixed[0][0]],
            gettext_noop(
                "The record rests on plans: if the contractor, the data items or the recipients "
                "differ from this record once fixed, the change must be brought to the council "
                "again before it is carried out."
            ),
        )


MISSING = object()


def _value_at(record: handling.HandlingRecord, path: str) -> tuple[bool, Any]:
    """The value at a path of the record (a fact's value, a row's field), if the path exists."""
    node: Any = record
    for part in path.split("."):
        name, _, row_id = part.partition("[")
        node = getattr(node, name, MISSING) if isinstance(node, BaseModel) else MISSING
        if row_id and isinstance(node, list):
            node = next((row for row in node if row.row_id == row_id.rstrip("]")), MISSING)
        if node is MISSING:
            return False, None
    if isinstance(node, handling.Fact):
        node = node.value
    return not isinstance(node, BaseModel), node


# A record saying "both" agrees with a document naming one of the two.
BOTH = {handling.Medium.BOTH.value, handling.Support.BOTH.value}
YES = {"はい", "yes", "true", "有", "あり", "可"}
NO = {"いいえ", "no", "false", "無", "なし", "不可"}
COUNT = re.compile(r"(?P<number>\d[\d,]*)\s*(人|件|名)?")


def _folded(text: str) -> str:
    """Text folded for comparison: NFKC (full-width to half-width), case and spaces ignored."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _spellings(member: StrEnum) -> set[str]:
    """A choice as a document may write it: its value, its English or Japanese label, or the
    label without its parenthesised gloss (遠隔対応 for 遠隔対応（メール・ファクス・電話）)."""
    label = handling.CHOICE_LABELS.get(member) or ""
    with translation.override("ja"):
        japanese = gettext(label) if label else ""
    folded = {_folded(text) for text in (member.value, label, japanese) if text}
    return folded | {text.split("(", 1)[0] for text in folded if "(" in text}


def _enum_agrees(recorded: StrEnum, stated: str) -> bool:
    if recorded.value in BOTH:
        return True
    for member in type(recorded):
        if stated in _spellings(member):
            return member == recorded
    return False


def _agrees(recorded: Any, stated_text: str) -> bool:
    """Whether the text an attachment states means the value the record holds, by its type."""
    stated = _folded(stated_text)
    if isinstance(recorded, bool):
        return stated in (YES if recorded else NO)
    if isinstance(recorded, int):
        match = COUNT.fullmatch(stated)
        return match is not None and int(match["number"].replace(",", "")) == recorded
    if isinstance(recorded, dt.date):
        try:
            return eras.parse_date(stated_text) == recorded
        except eras.EraDateError:
            return False
    if isinstance(recorded, StrEnum):
        return _enum_agrees(recorded, stated)
    if isinstance(recorded, list):
        parts = {part for part in re.split(r"[,、・/]", stated) if part}
        return len(parts) == len(recorded) and all(
            any(_agrees(value, part) for part in parts) for value in recorded
        )
    return stated == _folded(str(recorded))


@rule(
    "R24",
    title=gettext_noop("An attachment contradicts the record"),
    severity=Severity.MUST_FIX,
    source=SEED_5_CONTRADICTION,
)
def attachment_contradicts(context: Context) -> Iterator[Finding]:
    """A fact an attachment states differs from (or is missing in) the record."""
    for fact in context.facts:
        found, raw = _value_at(context.record, fact.path)
        if not found:
            continue
        wording = fact.quote or fact.value
        if raw is None or raw == [] or (isinstance(raw, str) and not raw.strip()):
            message = gettext_noop(
                "%(document)s states 「%(wording)s」, but %(field)s is empty in the record: "
                "fill it in, or correct the document."
            )
        elif not _agrees(raw, fact.value):
            message = gettext_noop(
                "%(document)s states 「%(wording)s」, which contradicts %(field)s in the "
                "record: correct one of them."
            )
        else:
            continue
        yield from findings_at("R24", [fact.path], message, document=fact.document, wording=wording)


# ConsultationKind codes (consultations migration 0003) and what each needs in the record.
PROVISION = "external-provision"
OUTSOURCING_KINDS = {"outsourcing", "sub-outsourcing"}
SUB_OUTSOURCING = "sub-outsourcing"
SPECIAL_CARE_COLLECTION = "special-care-collection"


@rule(
    "S06",
    title=gettext_noop("The record does not match the kind of consultation"),
    severity=Severity.MUST_FIX,
    source=KINDS_OF_CONSULTATION,
)
def record_matches_kinds(context: Context) -> Iterator[Finding]:
    """The consultation's kinds (provision, outsourcing, …) find nothing to match in the record."""
    record, kinds = context.record, context.kinds
    gaps: list[str] = []
    if PROVISION in kinds and not record.recipients:
        gaps.append("recipients")
    if kinds & OUTSOURCING_KINDS and not record.outsourcing.outsourced:
        gaps.append("outsourcing.outsourced")
    if SUB_OUTSOURCING in kinds and not record.outsourcing.subcontractors:
        gaps.append("outsourcing.subcontractors")
    if SPECIAL_CARE_COLLECTION in kinds and not any(item.special_care for item in record.items):
        gaps.append("items")
    yield from findings_at(
        "S06",
        gaps,
        gettext_noop(
            "The consultation's kind calls for %(field)s, but the record declares none: "
            "complete the record, or correct the kind."
        ),
    )
