"""One entry point from a Document to the bytes of a format."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from mamori.documents.model import Document

Format = Literal["docx", "pdf", "html"]
FORMATS: tuple[Format, ...] = ("docx", "pdf", "html")

CONTENT_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


# Characters no file system or browser keeps in a file name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_KIND_STEMS = {"consultation": "諮問書", "answer": "答申書", "minutes": "会議録"}


@dataclass(frozen=True)
class Rendered:
    content: bytes
    content_type: str
    filename: str
    # The name for browsers that do not read the UTF-8 one: minutes_2009-3.pdf.
    ascii_filename: str = ""


def named(stem: str, fmt: str) -> str:
    """A file name from a stem, with what a file name cannot hold replaced by 「_」."""
    return f"{_UNSAFE.sub('_', stem).strip() or 'document'}.{fmt}"


def file_name(document: Document, fmt: str) -> str:
    """The name the letterhead gives the document's file (平成21年度第3回…会議録.pdf,
    諮問書_平成21年度諮問第4号.docx); 「諮問書_2009-4.docx」 for a document without one."""
    stem = document.file_stem
    if not stem:
        kind = _KIND_STEMS[document.kind]
        stem = f"{kind}_{document.key}" if document.key else kind
    return named(stem, fmt)


def ascii_file_name(document: Document, fmt: str) -> str:
    """The name in ASCII: minutes_2009-3.pdf, consultation_2009-4_internal.docx."""
    internal = "_internal" if document.notice else ""
    key = f"_{document.key}" if document.key else ""
    return named(f"{document.kind}{key}{internal}", fmt)


def content_disposition(filename: str, ascii_filename: str, *, attachment: bool = True) -> str:
    """The Content-Disposition header with both names: the ASCII one for old clients, the
    UTF-8 one (RFC 6266) that browsers prefer."""
    fallback = ascii_filename.encode("ascii", "replace").decode().replace('"', "_")
    fallback = fallback.replace("\\", "_")
    disposition = "attachment" if attachment else "inline"
    return f"{disposition}; filename=\"{fallback}\"; filename*=utf-8''{quote(filename)}"


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
    return Rendered(
        content, CONTENT_TYPES[fmt], file_name(document, fmt), ascii_file_name(document, fmt)
    )
