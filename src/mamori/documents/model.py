"""The one document model that feeds every format (Word, PDF, HTML), so the three never disagree.

A builder (builders.py) turns records into a Document; a renderer (render_html.py,
render_docx.py, render_pdf.py) turns a Document into bytes. Renderers never read the
database and never see withheld text: `redact` replaces it before any renderer runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right"]
Kind = Literal["consultation", "answer", "minutes"]

# The mark that replaces withheld text in every published format.
WITHHELD_MARK = "■■■"

# Line breaks as Word and other programs paste them (Shift+Enter's vertical tab, a page break,
# a carriage return) become the one line break every format knows.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Characters no format can hold (XML forbids them; Word and the feed refuse them): the other
# C0 and C1 controls, lone surrogates and the non-characters (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF).
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(17))
    + "]"
)


def clean_text(text: str) -> str:
    """The text as every format can print it: line breaks made \\n, unprintable characters gone.
    Tabs and line breaks stay."""
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub("", _LINE_BREAKS.sub("\n", text))


@dataclass(frozen=True)
class Run:
    """A stretch of text; `withheld` is the ground (e.g. 「第6条第1号」) when it is not disclosed.

    After `redact`, a withheld run's text is WITHHELD_MARK and the original is gone.
    """

    text: str
    bold: bool = False
    withheld: str | None = None

    def __post_init__(self) -> None:
        # Text is made printable once, where runs are made, so no renderer meets a character
        # its format cannot hold (a pasted vertical tab would make Word refuse the file).
        object.__setattr__(self, "text", clean_text(self.text))

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

    def __post_init__(self) -> None:
        self.text = clean_text(self.text)


@dataclass
class Table:
    """A table with one header row; each cell is a list of runs."""

    header: list[str]
    rows: list[list[list[Run]]]
    caption: str = ""
    # Relative column widths (they sum to anything); empty for equal widths. Every format
    # gives each column its share.
    widths: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.header = [clean_text(cell) for cell in self.header]
        self.caption = clean_text(self.caption)


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

    def __post_init__(self) -> None:
        self.lines = [clean_text(line) for line in self.lines]
        self.seal = clean_text(self.seal)


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
    # The file name without its extension (平成21年度第3回個人情報保護運営審議会会議録); empty
    # for 「諮問書_2009-4」 from the kind and the key.
    file_stem: str = ""
    # A line printed above the document and at the head of every page, for copies that hold
    # text the public version withholds (「取扱注意（非公開部分を含む）」); empty otherwise.
    notice: str = ""

    def __post_init__(self) -> None:
        self.title = clean_text(self.title)
        self.reference = [clean_text(line) for line in self.reference]
        self.addressee = [clean_text(line) for line in self.addressee]
        self.sender = [clean_text(line) for line in self.sender]
        self.author = clean_text(self.author)
        self.file_stem = clean_text(self.file_stem)
        self.notice = clean_text(self.notice)


def plain_text(document: Document) -> str:
    """Every visible character of the document, in order (for search and for tests)."""
    parts: list[str] = [
        document.notice,
        document.title,
        *document.reference,
        *document.addressee,
        *document.sender,
    ]
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
