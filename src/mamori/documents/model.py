"""The one document model that feeds every format (Word, PDF, HTML), so the three never disagree.

A builder (builders.py) turns records into a Document; a renderer (render_html.py,
render_docx.py, render_pdf.py) turns a Document into bytes. Renderers never read the
database and never see withheld text: `redact` replaces it before any renderer runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]
Kind = Literal["consultation", "answer", "minutes"]

# The mark that replaces withheld text in every published format.
WITHHELD_MARK = "■■■"


@dataclass(frozen=True)
class Run:
    """A stretch of text; `withheld` is the ground (e.g. 「第6条第1号」) when it is not disclosed.

    After `redact`, a withheld run's text is WITHHELD_MARK and the original is gone.
    """

    text: str
    bold: bool = False
    withheld: str | None = None

    @property
    def display(self) -> str:
        """What every format prints: the text, or the mark with its ground
        (「■■■（情報公開条例第6条第1号）」)."""
        if self.withheld is None:
            return self.text
        return f"{WITHHELD_MARK}（{self.withheld}）"


@dataclass
class Paragraph:
    runs: list[Run]
    align: Align = "left"
    # "body", "lead" (a sentence set apart, e.g. the decision), "note" (small print), "mark"
    # (● opinion / response bullets in the minutes).
    style: str = "body"
    indent: int = 0


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Table:
    """A table with one header row; each cell is a list of runs."""

    header: list[str]
    rows: list[list[list[Run]]]
    caption: str = ""
    # Relative column widths (they sum to anything); empty for equal widths.
    widths: list[int] = field(default_factory=list)


@dataclass
class Items:
    """A list: each item a list of runs."""

    items: list[list[Run]]
    ordered: bool = False


@dataclass
class Signature:
    """The signing block at the foot of an official letter: who signs, and the seal line."""

    lines: list[str]
    seal: str = ""


Block = Paragraph | Heading | Table | Items | Signature


@dataclass
class Document:
    """An official document as a sequence of blocks, with the letter's heading parts."""

    kind: Kind
    # The title as printed (諮問書, 答申書, 平成21年度第3回…会議録); also the file's metadata title.
    title: str
    # Top-right lines of an official letter: document number and date (empty for minutes).
    reference: list[str] = field(default_factory=list)
    # Addressee lines (「個人情報保護運営審議会 会長 様」); empty for minutes.
    addressee: list[str] = field(default_factory=list)
    # Sender lines under the addressee (「東村山市長 渡部 尚」).
    sender: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    # The natural key the document was built from ("2009-4"), for file names.
    key: str = ""
    # Names shown in the file's metadata (author); never personal data of residents.
    author: str = ""


def plain_text(document: Document) -> str:
    """Every visible character of the document, in order (for search and for tests)."""
    parts: list[str] = [document.title, *document.reference, *document.addressee, *document.sender]
    for block in document.blocks:
        if isinstance(block, Paragraph):
            parts.append("".join(run.display for run in block.runs))
        elif isinstance(block, Heading):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts.append(block.caption)
            parts.append(" ".join(block.header))
            for row in block.rows:
                parts.append(" ".join("".join(run.display for run in cell) for cell in row))
        elif isinstance(block, Items):
            parts.extend("".join(run.display for run in item) for item in block.items)
        elif isinstance(block, Signature):
            parts.extend(block.lines)
            parts.append(block.seal)
    return "\n".join(part for part in parts if part)
