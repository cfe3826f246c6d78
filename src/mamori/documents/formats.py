"""One entry point from a Document to the bytes of a format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mamori.documents.model import Document

Format = Literal["docx", "pdf", "html"]
FORMATS: tuple[Format, ...] = ("docx", "pdf", "html")

CONTENT_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    filename: str


def file_name(document: Document, fmt: str) -> str:
    """諮問書_2009-4.docx, 答申書_2009-4.pdf, 会議録_2009-3.html."""
    stem = {"consultation": "諮問書", "answer": "答申書", "minutes": "会議録"}[document.kind]
    return f"{stem}_{document.key}.{fmt}" if document.key else f"{stem}.{fmt}"


def render(document: Document, fmt: str) -> Rendered:
    """The document as Word, PDF or a standalone HTML page; ValueError for another format."""
    from mamori.documents import render_docx, render_html, render_pdf

    if fmt == "docx":
        content = render_docx.render_docx(document)
    elif fmt == "pdf":
        content = render_pdf.render_pdf(document)
    elif fmt == "html":
        content = render_html.render_html(document, standalone=True).encode("utf-8")
    else:
        raise ValueError(fmt)
    return Rendered(content, CONTENT_TYPES[fmt], file_name(document, fmt))
