"""Stub: the Word renderer (owned by helper D2)."""

from __future__ import annotations

from mamori.documents.model import Document


def render_docx(document: Document) -> bytes:
    raise NotImplementedError
