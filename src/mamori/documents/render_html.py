"""Stub: the HTML renderer (owned by helper D1)."""

from __future__ import annotations

from mamori.documents.model import Document


def render_html(document: Document, *, standalone: bool = True) -> str:
    """The document as HTML: a whole accessible page (standalone) or a fragment for a site page.
    The PDF renderer feeds the standalone page to WeasyPrint with the print stylesheet."""
    raise NotImplementedError
