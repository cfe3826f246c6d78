"""Stub (owned by helper D3): applying withheld text and materials to a minutes Document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mamori.documents.model import Document


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


def rules_for(minutes: Any) -> list[Rule]:
    raise NotImplementedError


def materials_for(meeting: Any) -> list[Material]:
    """Every attachment of the consultations on the meeting's agenda, with its publication
    decision (withheld, with no ground, until the secretariat decides)."""
    raise NotImplementedError


def redact(document: Document, rules: list[Rule]) -> Document:
    """A copy of the document in which every occurrence of each rule's words — in titles,
    headings, runs, table cells, list items, signature lines — is a withheld Run (text
    WITHHELD_MARK, withheld = the ground); the words appear nowhere in the result."""
    raise NotImplementedError
