"""The HTML renderer: a Document as an accessible page, or a fragment for a site page.

The standalone page links documents/document.css, the same stylesheet the PDF renderer
hands to WeasyPrint; no inline style or script (the site's CSP forbids them).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from mamori.documents import letterhead
from mamori.documents.model import Document, Heading, Items, Paragraph, Signature, Table

TEMPLATE = "documents/document.html"
FRAGMENT_TEMPLATE = "documents/_document.html"
MAX_INDENT = 3
# The first column's share of a table's width, in the steps document.css has classes for
# (no inline style under the CSP): first-10 … first-40.
FIRST_COLUMN_STEPS = (10, 15, 20, 25, 30, 40)


def _kind(block: Any) -> str:
    for cls, name in (
        (Paragraph, "paragraph"),
        (Heading, "heading"),
        (Table, "table"),
        (Items, "items"),
        (Signature, "signature"),
    ):
        if isinstance(block, cls):
            return name
    raise TypeError(type(block).__name__)


def _heading_level(level: int) -> int:
    # h1 is the document's title; block headings stay within h2..h6.
    return min(max(level, 2), 6)


def _first_column(table: Table) -> str:
    """The class giving the first column its share of the table, from the relative widths."""
    if not table.widths or sum(table.widths) <= 0:
        return ""
    share = 100 * table.widths[0] / sum(table.widths)
    step = min(FIRST_COLUMN_STEPS, key=lambda s: abs(s - share))
    return f"first-{step}"


def _context(document: Document) -> dict[str, Any]:
    blocks = []
    for block in document.blocks:
        kind = _kind(block)
        entry: dict[str, Any] = {"kind": kind, "block": block}
        if isinstance(block, Heading):
            entry["level"] = _heading_level(block.level)
        elif isinstance(block, Table):
            entry["width_class"] = _first_column(block)
        elif isinstance(block, Paragraph):
            entry["indent"] = min(max(block.indent, 0), MAX_INDENT)
        blocks.append(entry)
    return {
        "document": document,
        "blocks": blocks,
        "withheld_label": letterhead.load().style.withheld_label,
    }


def render_html(document: Document, *, standalone: bool = True) -> str:
    """The document as HTML: a whole accessible page (standalone) or a fragment for a site page.
    The PDF renderer feeds the standalone page to WeasyPrint with the print stylesheet."""
    template = TEMPLATE if standalone else FRAGMENT_TEMPLATE
    return render_to_string(template, _context(document))
