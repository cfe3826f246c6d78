"""The Word renderer: a Document as an A4 .docx with Japanese fonts named for Word.

python-docx starts from its bundled template, which is US Letter, names theme fonts that
override explicit East Asian fonts, and carries its own metadata ("python-docx", a
thumbnail, custom XML): all of it is reset here, so the file holds the document's text, its
title and author, and nothing else.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, cast

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from mamori.documents import fonts as font_lookup
from mamori.documents import letterhead
from mamori.documents.model import (
    Align,
    Document,
    Heading,
    Items,
    Paragraph,
    Run,
    Signature,
    Table,
)

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(25), Mm(25), Mm(30), Mm(25)
BODY_SIZE = Pt(10.5)
TITLE_SIZE = Pt(14)
# As documents/document.css: the title is h1, block headings h2 to h6.
HEADING_SIZES = {2: Pt(12), 3: Pt(11)}
HEADING_LEVELS = range(2, 7)
NOTE_SIZE = Pt(9)
# One full-width character of body text: Japanese documents indent by characters.
INDENT_STEP = Pt(10.5)
# Withheld runs stand out on screen and on paper: bold on a light grey ground.
WITHHELD_SHADING = "D9D9D9"
HEADER_SHADING = "F2F2F2"
BLACK = RGBColor(0, 0, 0)

ALIGNMENTS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
# Parts of the bundled template that describe the template, not the document (app.xml names
# "Microsoft Macintosh Word" and a page count of the template).
DROPPED_RELATIONSHIPS = {
    RT.THUMBNAIL,
    RT.CUSTOM_XML,
    RT.EXTENDED_PROPERTIES,
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
}


def render_docx(document: Document) -> bytes:
    """The document as the bytes of a .docx file."""
    word = docx.Document()
    fonts = font_lookup.word_fonts()
    _drop_template_parts(word)
    _declare_fonts(word, fonts)
    _set_page(word)
    _set_styles(word, fonts)
    _add_page_numbers(word, fonts)
    if document.notice:
        _add_notice_header(word, fonts, document.notice)
    writer = _Writer(word, fonts)
    writer.letter_head(document)
    for block in document.blocks:
        writer.block(block)
    _set_core_properties(word, document)
    output = io.BytesIO()
    word.save(output)
    return output.getvalue()


class _Writer:
    """Appends blocks to the Word body, naming the fonts on every run."""

    def __init__(self, word: WordDocument, fonts: font_lookup.WordFonts) -> None:
        self.word = word
        self.fonts = fonts
        self.content_width = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

    def letter_head(self, document: Document) -> None:
        if document.notice:
            notice = self.text(document.notice, "center")
            notice.runs[0].bold = True
            _border(notice._p.get_or_add_pPr())
            self.text("")
        for line in document.reference:
            self.text(line, "right")
        if document.reference:
            self.text("")
        for line in document.addressee:
            self.text(line)
        for line in document.sender:
            self.text(line, "right")
        if document.addressee or document.sender:
            self.text("")
        title = self.word.add_paragraph(style="Title")
        self.run(title, Run(document.title))

    def block(self, block: Paragraph | Heading | Table | Items | Signature) -> None:
        if isinstance(block, Paragraph):
            self.paragraph(block)
        elif isinstance(block, Heading):
            heading = self.word.add_paragraph(style=f"Heading {min(max(block.level, 2), 6)}")
            self.run(heading, Run(block.text))
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Items):
            self.items(block)
        else:
            self.signature(block)

    def paragraph(self, block: Paragraph) -> None:
        paragraph = self.runs(block.runs, block.align)
        style = paragraph.paragraph_format
        if block.indent:
            style.left_indent = INDENT_STEP * block.indent
        if block.style == "lead":
            style.space_before = style.space_after = Pt(6)
        elif block.style == "mark":
            # Opinion bullets (●) hang: wrapped lines align with the text after the mark.
            style.left_indent = INDENT_STEP * (block.indent + 1)
            style.first_line_indent = -INDENT_STEP
        elif block.style == "note":
            for run in paragraph.runs:
                run.font.size = NOTE_SIZE

    def table(self, block: Table) -> None:
        if block.caption:
            caption = self.text(block.caption)
            caption.paragraph_format.keep_with_next = True
            for run in caption.runs:
                run.bold = True
        columns = max([len(block.header), *(len(row) for row in block.rows)])
        table = self.word.add_table(rows=1, cols=columns)
        table.style = self.word.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = self._column_widths(block.widths, columns)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width  # the grid, which a fixed layout follows
        header = table.rows[0]
        _repeat_as_header(header._tr)
        for cell, text, width in zip(header.cells, block.header, widths, strict=False):
            cell.width = width
            _shade(cell._tc.get_or_add_tcPr(), HEADER_SHADING)
            self.run(cell.paragraphs[0], Run(text, bold=True))
        for row in block.rows:
            self._table_row(table, row, widths)
        self.text("")

    def _table_row(self, table: WordTable, row: list[list[Run]], widths: list[int]) -> None:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, runs, width in zip(cells, row, widths, strict=False):
            cell.width = width
            for run in runs:
                self.run(cell.paragraphs[0], run)

    def _column_widths(self, relative: list[int], columns: int) -> list[int]:
        shares = relative if len(relative) == columns and sum(relative) > 0 else [1] * columns
        return [int(self.content_width * share / sum(shares)) for share in shares]

    def items(self, block: Items) -> None:
        for number, item in enumerate(block.items, start=1):
            marker = f"{number}." if block.ordered else "・"
            paragraph = self.runs([Run(f"{marker}\u3000"), *item], "left")
            paragraph.paragraph_format.left_indent = INDENT_STEP * 2
            paragraph.paragraph_format.first_line_indent = -INDENT_STEP * 2

    def signature(self, block: Signature) -> None:
        self.text("")
        for line in block.lines:
            self.text(line, "right").paragraph_format.keep_with_next = True
        if block.seal:
            self.text(block.seal, "right")

    def text(self, text: str, align: Align = "left") -> WordParagraph:
        return self.runs([Run(text)] if text else [], align)

    def runs(self, runs: Iterable[Run], align: Align) -> WordParagraph:
        paragraph = self.word.add_paragraph()
        if align != "left":
            paragraph.alignment = ALIGNMENTS[align]
        for run in runs:
            self.run(paragraph, run)
        return paragraph

    def run(self, paragraph: WordParagraph, run: Run) -> None:
        # Only `display` is ever printed: for a withheld run, the mark and its ground.
        word_run = paragraph.add_run(run.display)
        rpr = word_run._r.get_or_add_rPr()
        _name_fonts(rpr, self.fonts)
        if run.bold or run.withheld is not None:
            word_run.bold = True
        if run.withheld is not None:
            _shade(rpr, WITHHELD_SHADING)


def _drop_template_parts(word: WordDocument) -> None:
    """The template's thumbnail (a picture of another document), custom XML and Word 2010
    style copy go; parts nothing points to are not written."""
    for rels in (word.part.package.rels, word.part.rels):
        for r_id in [r_id for r_id, rel in rels.items() if rel.reltype in DROPPED_RELATIONSHIPS]:
            rels.pop(r_id)
    settings = word.settings.element
    for name in ("w:savePreviewPicture", "w:rsids", "w:proofState"):
        for element in settings.findall(qn(name)):
            settings.remove(element)


def _declare_fonts(word: WordDocument, fonts: font_lookup.WordFonts) -> None:
    """The font table names the fallback (w:altName) Word uses when the font is missing."""
    part = next(rel.target_part for rel in word.part.rels.values() if rel.reltype == RT.FONT_TABLE)
    table = parse_xml(part.blob)
    for font in table.findall(qn("w:font")):
        if font.get(qn("w:name")) in {fonts.name, fonts.fallback}:
            table.remove(font)
    for name, alternative in ((fonts.name, fonts.fallback), (fonts.fallback, "")):
        font = OxmlElement("w:font", {qn("w:name"): name})
        if alternative:
            font.append(OxmlElement("w:altName", {qn("w:val"): alternative}))
        # Shift-JIS character set, a serif (mincho) family: Word's hints for substitution.
        font.append(OxmlElement("w:charset", {qn("w:val"): "80"}))
        font.append(OxmlElement("w:family", {qn("w:val"): "roman"}))
        font.append(OxmlElement("w:pitch", {qn("w:val"): "variable"}))
        table.append(font)
    part._blob = serialize_part_xml(table)


def _set_page(word: WordDocument) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance, section.footer_distance = Mm(12), Mm(12)


def _set_styles(word: WordDocument, fonts: font_lookup.WordFonts) -> None:
    """Every style names the Japanese fonts (theme fonts would override them) in black."""
    styles = word.styles.element
    for spacing in styles.iter(qn("w:spacing")):
        if spacing.getparent().tag == qn("w:pPr"):
            # Japanese documents run single-spaced, without the template's gap after paragraphs.
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")
    word.styles["Normal"].element.get_or_add_rPr()
    for rpr in styles.iter(qn("w:rPr")):
        _name_fonts(rpr, fonts)
    for defaults in styles.iter(qn("w:rPrDefault")):
        for rpr in defaults.iter(qn("w:rPr")):
            _set_language(rpr)
    normal = cast(ParagraphStyle, word.styles["Normal"])
    normal.font.size = BODY_SIZE
    _style_title(word)
    for level in HEADING_LEVELS:
        _style_heading(word, level)


def _style_title(word: WordDocument) -> None:
    title = cast(ParagraphStyle, word.styles["Title"])
    ppr = title.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)
    title.font.size = TITLE_SIZE
    title.font.bold = True
    title.font.color.rgb = BLACK
    _clear_run_effects(title)
    form = title.paragraph_format
    form.alignment = WD_ALIGN_PARAGRAPH.CENTER
    form.space_before, form.space_after = Pt(6), Pt(12)


def _style_heading(word: WordDocument, level: int) -> None:
    heading = cast(ParagraphStyle, word.styles[f"Heading {level}"])
    heading.font.size = HEADING_SIZES.get(level, BODY_SIZE)
    heading.font.bold = True
    heading.font.italic = False
    heading.font.color.rgb = BLACK
    _clear_run_effects(heading)
    form = heading.paragraph_format
    form.space_before, form.space_after = Pt(9), Pt(3)
    form.keep_with_next = True


def _clear_run_effects(style: ParagraphStyle) -> None:
    """Theme colours and spacing of the bundled template's display styles."""
    rpr = style.element.get_or_add_rPr()
    for name in ("w:kern", "w:spacing"):
        for element in rpr.findall(qn(name)):
            rpr.remove(element)
    color = rpr.find(qn("w:color"))
    if color is not None:
        for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attribute), None)


def _add_page_numbers(word: WordDocument, fonts: font_lookup.WordFonts) -> None:
    """「- 1 -」 centred in the footer, from a PAGE field Word updates."""
    footer = word.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    pieces: list[tuple[str, Any]] = [
        ("text", "- "),
        ("field", "begin"),
        ("instr", " PAGE "),
        ("field", "separate"),
        ("text", "1"),
        ("field", "end"),
        ("text", " -"),
    ]
    for kind, value in pieces:
        run = paragraph.add_run()
        _name_fonts(run._r.get_or_add_rPr(), fonts)
        if kind == "text":
            run.text = value
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = value
            run._r.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), value)
            run._r.append(char)


def _add_notice_header(word: WordDocument, fonts: font_lookup.WordFonts, notice: str) -> None:
    """The notice of an internal copy, at the right of every page's header."""
    header = word.sections[0].header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(notice)
    run.bold = True
    run.font.size = NOTE_SIZE
    _name_fonts(run._r.get_or_add_rPr(), fonts)


def _border(ppr: Any) -> None:
    """A box around a paragraph (the notice of an internal copy)."""
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        for name, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "2")):
            edge.set(qn(name), value)
        edge.set(qn("w:color"), "000000")
        borders.append(edge)
    # pPr's children have a fixed order: the borders come before shading, spacing and jc.
    ppr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr"
    )


def _set_core_properties(word: WordDocument, document: Document) -> None:
    """Title and author only: the template's creator, comments, dates and revision go."""
    core = word.core_properties
    element = core._element
    for child in list(element):
        element.remove(child)
    core.title = document.title
    core.author = document.author or letterhead.load().city.name


def _name_fonts(rpr: Any, fonts: font_lookup.WordFonts) -> None:
    """Names the fonts on every slot, East Asian included (Word picks the slot per character);
    theme font attributes, which would win over the names, are removed."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attribute), None)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), fonts.name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_language(rpr: Any) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "ja-JP")
    lang.set(qn("w:eastAsia"), "ja-JP")


def _repeat_as_header(tr: Any) -> None:
    """Word repeats this row at the top of every page the table runs onto."""
    trpr = tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _shade(properties: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)
