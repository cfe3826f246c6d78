"""Stub: the PDF renderer (owned by helper D2)."""

from __future__ import annotations

from mamori.documents.model import Document


def render_pdf(document: Document) -> bytes:
    raise NotImplementedError
