"""The HTML renderer: a Document as an accessible page, or a fragment for a site page.

The standalone page links documents/document.css, the same stylesheet the PDF renderer
hands to WeasyPrint; no inline style or script (the site's CSP forbids them).
"""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from mamori.documents import letterhead
from mamori.documents.model import Document, Heading, Items, Paragraph, Signature, Table

TEMPLATE = "documents/document.html"
FRAGMENT_TEMPLATE = "documents/_document.html"
MAX_INDENT = 3
# Column widths are classes of document.css (no inline style under the CSP): w-5 … w-100.
WIDTH_STEP = 5
# The end of a subject kept on one line (「…について（諮問）」), so a long title breaks before it.
TITLE_TAIL = re.compile(r"について(?:（[^（）]*）)?$")


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


def column_classes(table: Table) -> list[str]:
    """Each column's class giving its share of the table's width (w-5 … w-100), from the
    relative widths; empty for equal widths."""
    columns = max([len(table.header), *(len(row) for row in table.rows)])
    if len(table.widths) != columns or sum(table.widths) <= 0:
        return []
    total = sum(table.widths)
    steps = [max(1, round(100 * share / total / WIDTH_STEP)) for share in table.widths]
    return [f"w-{min(step * WIDTH_STEP, 100)}" for step in steps]


def title_parts(title: str) -> tuple[str, str]:
    """The title, and its tail to keep on one line: 「…業務委託」, 「について（諮問）」."""
    found = TITLE_TAIL.search(title)
    if found is None or found.start() == 0:
        return title, ""
    return title[: found.start()], found.group()


def _context(document: Document) -> dict[str, Any]:
    blocks = []
    for block in document.blocks:
        kind = _kind(block)
        entry: dict[str, Any] = {"kind": kind, "block": block}
        if isinstance(block, Heading):
            entry["level"] = _heading_level(block.level)
        elif isinstance(block, Table):
            entry["columns"] = column_classes(block)
        elif isinstance(block, Paragraph):
            entry["indent"] = min(max(block.indent, 0), MAX_INDENT)
        blocks.append(entry)
    head, tail = title_parts(document.title)
    return {
        "document": document,
        "title_head": head,
        "title_tail": tail,
        "blocks": blocks,
        "withheld_label": letterhead.load().style.withheld_label,
    }


def render_html(document: Document, *, standalone: bool = True) -> str:
    """The document as HTML: a whole accessible page (standalone) or a fragment for a site page.
    The PDF renderer feeds the standalone page to WeasyPrint with the print stylesheet."""
    template = TEMPLATE if standalone else FRAGMENT_TEMPLATE
    return render_to_string(template, _context(document))


def standalone_page(fragment: str, *, title: str, author: str = "") -> str:
    """A whole page around a fragment this renderer made earlier (a published snapshot's
    HTML, stored as rendered: its text was escaped then)."""
    return render_to_string(
        TEMPLATE,
        {
            "document": Document(kind="minutes", title=title, author=author),
            "fragment": mark_safe(fragment),  # noqa: S308 - our own rendered, escaped output
        },
    )
