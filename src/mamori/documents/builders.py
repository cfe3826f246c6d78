"""Stub: builders from records to Documents (owned by helper D1)."""

from __future__ import annotations

from typing import Any

from mamori.documents.model import Document


def build_consultation(consultation: Any, *, version: Any = None) -> Document:
    """諮問書 of a consultation: its submitted (or given) HandlingRecord version."""
    raise NotImplementedError


def build_answer(decision: Any) -> Document:
    """答申書 of a decision."""
    raise NotImplementedError


def build_minutes(meeting: Any, *, for_publication: bool = False) -> Document:
    """会議録 of a meeting; for publication, withheld text and materials are marked and
    replaced (documents.redaction.redact)."""
    raise NotImplementedError
