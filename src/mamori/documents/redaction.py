"""Withholding text and materials from the published minutes.

`redact` is a pure function over the document model: every occurrence of a rule's words
becomes a withheld Run before any renderer sees the document, so the words reach no format.
Matching is done on NFKC-normalised text (全角/半角 alike) and mapped back to the original
characters, so 「ＡＢＣ１２３」 is withheld by a rule 「ABC123」.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from mamori.documents.model import (
    WITHHELD_MARK,
    Block,
    Document,
    Heading,
    Items,
    Paragraph,
    Run,
    Signature,
    Table,
    plain_text,
)

# Grounds of one withheld span covered by several rules are printed together.
GROUND_SEPARATOR = "、"


@dataclass(frozen=True)
class Rule:
    """Words to withhold and the ground printed after the mark (「情報公開条例第6条第2号」)."""

    text: str
    ground: str


@dataclass(frozen=True)
class Material:
    """A material of the meeting and whether it is published."""

    attachment_id: int
    title: str
    disclosed: bool
    ground: str
    # The consultation the material was filed with (「諮問第4号」), for the secretariat's page.
    consultation: str = ""


# Reading the marks ---------------------------------------------------------------------------


def rules_for(minutes: Any) -> list[Rule]:
    """The words the secretariat withheld from these minutes, each with its ground's article."""
    from mamori.documents.models import Redaction

    redactions = Redaction.objects.filter(minutes=minutes).select_related("ground")
    return [Rule(text=r.text, ground=r.ground.article) for r in redactions]


def meeting_attachments(meeting: Any) -> list[Any]:
    """The attachments of the consultations on the meeting's agenda, in agenda order, once each."""
    from mamori.consultations.models import Attachment

    consultations: list[int] = []
    items = meeting.agenda_items.order_by("order", "id").prefetch_related("consultations")
    for item in items:
        for consultation in sorted(item.consultations.all(), key=lambda c: (c.number, c.pk)):
            if consultation.pk not in consultations:
                consultations.append(consultation.pk)
    attachments = Attachment.objects.filter(consultation__in=consultations).select_related(
        "consultation__council"
    )
    position = {pk: index for index, pk in enumerate(consultations)}
    return sorted(attachments, key=lambda a: position[a.consultation_id])


def materials_for(meeting: Any) -> list[Material]:
    """Every attachment of the consultations on the meeting's agenda, with its publication
    decision (withheld, with no ground, until the secretariat decides)."""
    from mamori.documents.models import MaterialDisclosure

    decisions = {
        d.attachment_id: d
        for d in MaterialDisclosure.objects.filter(minutes__meeting=meeting).select_related(
            "ground"
        )
    }
    materials = []
    for attachment in meeting_attachments(meeting):
        decision = decisions.get(attachment.pk)
        ground = decision.ground if decision is not None else None
        materials.append(
            Material(
                attachment_id=attachment.pk,
                title=attachment.title,
                disclosed=decision is not None and decision.disclosed,
                ground=ground.article if ground is not None else "",
                consultation=attachment.consultation.label,
            )
        )
    return materials


# Matching ------------------------------------------------------------------------------------


# The dash family a keyboard or an IME may type for a hyphen (「042−393−5111」 with U+2212, the
# macOS full-width minus; 「042‐393‐5111」 with U+2010): all match '-'.
DASHES = frozenset([chr(code) for code in range(0x2010, 0x2016)] + ["\u2212", "\ufe63", "\uff0d"])


def _key(char: str) -> str:
    # Per character, so every normalised character maps back to one original character;
    # NFD after NFKC makes 「ガ」 and half-width 「ｶﾞ」 (two characters) compare equal, casefold
    # makes 「Yamada@Example.jp」 match 「yamada@example.jp」.
    folded = unicodedata.normalize("NFKC", char).casefold()
    folded = "".join("-" if c in DASHES else c for c in folded)
    return unicodedata.normalize("NFD", folded)


def normalise(text: str) -> str:
    """The text as matching sees it (NFKC, case folded, dashes as '-', then decomposed)."""
    return "".join(_key(char) for char in text)


def occurs_in(words: str, text: str) -> bool:
    """Whether the words occur in the text, full-width and half-width alike."""
    needle = normalise(words)
    return bool(needle) and needle in normalise(text)


# Characters of context shown on each side of an occurrence.
CONTEXT = 12


def occurrences(document: Document, text: str) -> list[str]:
    """Each place the words occur in the document (matched as `redact` matches them), as a
    snippet of the line with the match in 【】 and a few characters either side:
    「…東村山【市】役所3階…」. Empty when the words do not occur."""
    rule = [Rule(text=text, ground="")]
    snippets: list[str] = []
    # The notice of an internal copy is the system's, not the minutes' text.
    for line in plain_text(replace(document, notice="")).split("\n"):
        for span in find_spans(line, rule):
            start = max(0, span.start - CONTEXT)
            end = min(len(line), span.end + CONTEXT)
            snippets.append(
                ("…" if start > 0 else "")
                + line[start : span.start]
                + "【"
                + line[span.start : span.end]
                + "】"
                + line[span.end : end]
                + ("…" if end < len(line) else "")
            )
    return snippets


@dataclass(frozen=True)
class Span:
    """Characters start..end of the original text, withheld on these grounds."""

    start: int
    end: int
    grounds: tuple[str, ...]

    @property
    def ground(self) -> str:
        return GROUND_SEPARATOR.join(self.grounds)


def _ordered(rules: list[Rule]) -> list[Rule]:
    """Longest rules first, so a long phrase's ground comes before a word inside it."""
    usable = [rule for rule in rules if normalise(rule.text).strip()]
    return sorted(usable, key=lambda rule: -len(normalise(rule.text)))


def find_spans(text: str, rules: list[Rule]) -> list[Span]:
    """Where the rules' words occur in the text, overlapping matches merged, in order."""
    owner: list[int] = []
    for index, char in enumerate(text):
        owner.extend([index] * len(_key(char)))
    haystack = normalise(text)
    found: list[Span] = []
    ordered = _ordered(rules)
    for rule in ordered:
        needle = normalise(rule.text)
        at = haystack.find(needle)
        while at != -1:
            # A match may begin or end inside one character's expansion (「㈱」 → 「(株)」):
            # withhold the whole original character.
            found.append(Span(owner[at], owner[at + len(needle) - 1] + 1, (rule.ground,)))
            at = haystack.find(needle, at + 1)
    priority: dict[str, int] = {}
    for index, rule in enumerate(ordered):
        priority.setdefault(rule.ground, index)
    return _merge(found, priority)


def _merge(spans: list[Span], priority: dict[str, int]) -> list[Span]:
    """Overlapping spans as one, citing the grounds of their rules, the longest rule's first."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            grounds = sorted({*last.grounds, *span.grounds}, key=priority.__getitem__)
            merged[-1] = Span(last.start, max(last.end, span.end), tuple(grounds))
        else:
            merged.append(span)
    return merged


# Redacting -----------------------------------------------------------------------------------


def redact_string(text: str, rules: list[Rule]) -> str:
    """A string that is not made of runs (a title, heading, header cell, signature line) with
    each match replaced by the mark and its ground inline (「■■■（情報公開条例第6条第2号）」)."""
    spans = find_spans(text, rules)
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(Run(WITHHELD_MARK, withheld=span.ground).display)
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def redact_runs(runs: list[Run], rules: list[Rule]) -> list[Run]:
    """Runs with each match (even one across runs) replaced by a withheld run; the text around
    a match keeps its run's bold, and the mark takes the bold of the run where the match starts.
    Runs already withheld are left as they are, and no match crosses them."""
    result: list[Run] = []
    stretch: list[Run] = []
    for run in runs:
        if run.withheld is None:
            stretch.append(run)
            continue
        result.extend(_redact_stretch(stretch, rules))
        result.append(run)
        stretch = []
    result.extend(_redact_stretch(stretch, rules))
    return result


def _redact_stretch(runs: list[Run], rules: list[Rule]) -> list[Run]:
    """Runs none of which is withheld, redacted as one text."""
    text = "".join(run.text for run in runs)
    spans = find_spans(text, rules)
    if not spans:
        return list(runs)
    # bold_at[i]: the bold of the run holding character i.
    bold_at = [run.bold for run in runs for _ in run.text]
    boundaries = set()
    position = 0
    for run in runs:
        boundaries.add(position)
        position += len(run.text)
    result: list[Run] = []
    position = 0
    for span in spans:
        result.extend(_pieces(text, bold_at, boundaries, position, span.start))
        result.append(Run(WITHHELD_MARK, bold=bold_at[span.start], withheld=span.ground))
        position = span.end
    result.extend(_pieces(text, bold_at, boundaries, position, len(text)))
    return result


def _pieces(
    text: str, bold_at: list[bool], boundaries: set[int], start: int, end: int
) -> list[Run]:
    """The disclosed text start..end as runs, cut where the original runs were cut."""
    pieces: list[Run] = []
    piece_start = start
    for index in range(start + 1, end + 1):
        if index == end or index in boundaries:
            pieces.append(Run(text[piece_start:index], bold=bold_at[piece_start]))
            piece_start = index
    return [piece for piece in pieces if piece.text]


def _redact_block(block: Block, rules: list[Rule]) -> Block:
    if isinstance(block, Paragraph):
        return replace(block, runs=redact_runs(block.runs, rules))
    if isinstance(block, Heading):
        return replace(block, text=redact_string(block.text, rules))
    if isinstance(block, Table):
        return replace(
            block,
            header=[redact_string(cell, rules) for cell in block.header],
            rows=[[redact_runs(cell, rules) for cell in row] for row in block.rows],
            caption=redact_string(block.caption, rules),
            widths=list(block.widths),
        )
    if isinstance(block, Items):
        return replace(block, items=[redact_runs(item, rules) for item in block.items])
    if isinstance(block, Signature):
        return replace(
            block,
            lines=[redact_string(line, rules) for line in block.lines],
            seal=redact_string(block.seal, rules),
        )
    raise TypeError(block)


def redact(document: Document, rules: list[Rule]) -> Document:
    """A copy of the document in which every occurrence of each rule's words — in titles,
    headings, runs, table cells, list items, signature lines — is a withheld Run (text
    WITHHELD_MARK, withheld = the ground); the words appear nowhere in the result."""

    def lines(values: list[str]) -> list[str]:
        return [redact_string(value, rules) for value in values]

    return replace(
        document,
        title=redact_string(document.title, rules),
        reference=lines(document.reference),
        addressee=lines(document.addressee),
        sender=lines(document.sender),
        blocks=[_redact_block(block, rules) for block in document.blocks],
        author=redact_string(document.author, rules),
        file_stem=redact_string(document.file_stem, rules),
    )
