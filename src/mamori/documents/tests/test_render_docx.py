"""The Word renderer: A4, Japanese fonts named for Word, the document in order, page numbers,
title and author as the only metadata, and withheld text nowhere in the package."""

from __future__ import annotations

import dataclasses
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Length
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from mamori.documents import letterhead
from mamori.documents.render_docx import render_docx
from mamori.documents.tests import sample


@pytest.fixture(scope="module")
def content() -> bytes:
    return render_docx(sample.sample_document())


@pytest.fixture
def word(content: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(content))


def body_texts(word: WordDocument) -> Iterator[str]:
    """Every paragraph's text and every cell's text, in the order of the body."""
    for block in word.iter_inner_content():
        if isinstance(block, WordTable):
            for row in block.rows:
                yield from (cell.text for cell in row.cells)
        elif block.text:
            yield block.text


def paragraph_with(word: WordDocument, text: str) -> WordParagraph:
    return next(p for p in word.paragraphs if p.text == text)


def east_asian_font(element: Any) -> str | None:
    rfonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


def style_name(paragraph: WordParagraph) -> str | None:
    return paragraph.style.name if paragraph.style is not None else None


def withheld_variants() -> set[str]:
    """The withheld text as typed, NFKC-normalised, full-width, and its distinctive pieces."""
    text = sample.WITHHELD_TEXT
    full_width = text.translate(str.maketrans("0123456789-()", "０１２３４５６７８９－（）"))
    return {text, unicodedata.normalize("NFKC", text), full_width, "山田太郎", "393-5111"}


def test_the_page_is_a4_portrait_with_margins(word: WordDocument) -> None:
    section = word.sections[0]

    def mm(length: Length | None) -> float:
        assert length is not None
        return round(float(length.mm), 1)

    # Word stores twentieths of a point: 210 mm is 11906 twips, 209.99 mm.
    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert mm(section.left_margin) == 30
    assert mm(section.top_margin) == mm(section.bottom_margin) == mm(section.right_margin) == 25


def test_the_normal_style_names_the_letterhead_font_in_every_slot(word: WordDocument) -> None:
    fonts = letterhead.load().fonts
    assert fonts.word == "游明朝"
    rfonts = word.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == fonts.word
    assert rfonts.get(qn("w:ascii")) == fonts.word
    assert rfonts.get(qn("w:eastAsiaTheme")) is None
    assert word.styles["Normal"].font.size.pt == 10.5


def test_no_style_leaves_the_east_asian_font_to_the_theme(content: bytes) -> None:
    styles = parse_xml(zipfile.ZipFile(io.BytesIO(content)).read("word/styles.xml"))
    all_fonts = list(styles.iter(qn("w:rFonts")))
    assert all_fonts
    assert {f.get(qn("w:eastAsia")) for f in all_fonts} == {"游明朝"}
    assert not [f for f in all_fonts if f.get(qn("w:eastAsiaTheme"))]


def test_every_run_names_the_east_asian_font(word: WordDocument) -> None:
    runs = [run for p in word.paragraphs for run in p.runs]
    runs += [
        run
        for table in word.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
        for run in p.runs
    ]
    assert len(runs) > 30
    assert {east_asian_font(run._r) for run in runs} == {"游明朝"}


def test_the_font_table_names_the_fallback_word_uses(content: bytes) -> None:
    table = parse_xml(zipfile.ZipFile(io.BytesIO(content)).read("word/fontTable.xml"))
    font = next(f for f in table.iter(qn("w:font")) if f.get(qn("w:name")) == "游明朝")
    assert font.find(qn("w:altName")).get(qn("w:val")) == "ＭＳ 明朝"


def test_the_document_reads_in_order(word: WordDocument) -> None:
    texts = list(body_texts(word))
    joined = "\n".join(texts)
    position = 0
    for expected in sample.texts_in_order():
        found = joined.find(expected, position)
        assert found >= 0, f"{expected!r} missing or out of order"
        position = found + len(expected)


def test_list_items_carry_their_marks(word: WordDocument) -> None:
    texts = list(body_texts(word))
    assert f"1.\u3000{sample.ORDERED[0]}" in texts
    assert f"2.\u3000{sample.ORDERED[1]}" in texts
    assert f"・\u3000{sample.UNORDERED[0]}" in texts


def test_the_letter_is_laid_out_as_an_official_letter(word: WordDocument) -> None:
    def alignment(text: str) -> int | None:
        paragraph = paragraph_with(word, text)
        return (
            paragraph.alignment
            if paragraph.alignment is not None
            else (paragraph.style.paragraph_format.alignment if paragraph.style else None)
        )

    right, center = 2, 1
    assert alignment(sample.REFERENCE[0]) == right
    assert alignment(sample.ADDRESSEE[0]) is None
    assert alignment(sample.SENDER[1]) == right
    assert alignment(sample.TITLE) == center
    assert style_name(paragraph_with(word, sample.TITLE)) == "Title"
    assert alignment(sample.PARTICULARS) == center
    assert alignment(sample.SEAL) == right
    assert style_name(paragraph_with(word, sample.HEADING)) == "Heading 2"


def test_tables_have_borders_and_a_header_row_repeated_on_every_page(word: WordDocument) -> None:
    table = word.tables[0]
    assert table.style is not None and table.style.name == "Table Grid"
    header = table.rows[0]
    assert [cell.text for cell in header.cells] == sample.TABLE_HEADER
    assert header._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert table.rows[1]._tr.trPr is None
    widths = [column.width for column in table.columns]
    assert widths[1] == pytest.approx(widths[0] * 3, rel=0.01)


def test_the_footer_numbers_every_page_with_a_page_field(word: WordDocument) -> None:
    footer = word.sections[0].footer.paragraphs[0]
    instructions = [i.text for i in footer._p.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions] == ["PAGE"]
    assert footer.text == "- 1 -"
    assert footer.alignment == 1


def test_the_metadata_is_the_title_and_the_author_only(word: WordDocument, content: bytes) -> None:
    core = word.core_properties
    assert (core.title, core.author) == (sample.TITLE, sample.AUTHOR)
    assert core.comments == core.keywords == core.subject == core.category == ""
    assert core.last_modified_by == core.identifier == core.content_status == ""
    assert core.created is None and core.modified is None and core.last_printed is None
    element = parse_xml(zipfile.ZipFile(io.BytesIO(content)).read("docProps/core.xml"))
    assert [str(child.tag).split("}")[1] for child in element] == ["title", "creator"]


def test_the_author_defaults_to_the_city() -> None:
    document = dataclasses.replace(sample.sample_document(), author="")
    word = docx.Document(io.BytesIO(render_docx(document)))
    assert word.core_properties.author == letterhead.load().city.name == "東村山市"


def test_nothing_of_the_template_is_left(content: bytes) -> None:
    package = zipfile.ZipFile(io.BytesIO(content))
    names = package.namelist()
    assert not [n for n in names if "thumbnail" in n or n.startswith("customXml")]
    for name in names:
        assert b"python-docx" not in package.read(name), name


def test_a_withheld_run_shows_the_mark_and_its_ground_bold_on_grey(word: WordDocument) -> None:
    paragraph = paragraph_with(
        word, sample.BEFORE_WITHHELD + sample.WITHHELD_DISPLAY + sample.AFTER_WITHHELD
    )
    run = next(r for r in paragraph.runs if r.text == sample.WITHHELD_DISPLAY)
    assert run.text.startswith("■■■") and sample.WITHHELD_GROUND in run.text
    assert run.bold
    assert run._r.find(f"{qn('w:rPr')}/{qn('w:shd')}").get(qn("w:fill")) == "D9D9D9"


def test_withheld_text_appears_in_no_part_of_the_package(content: bytes) -> None:
    package = zipfile.ZipFile(io.BytesIO(content))
    parts = {name: package.read(name) for name in package.namelist()}
    # The search works: the text around the withheld run is found in the body.
    assert sample.BEFORE_WITHHELD.encode() in parts["word/document.xml"]
    for name, data in parts.items():
        for variant in withheld_variants():
            for encoded in (variant.encode("utf-8"), variant.encode("utf-16-le")):
                assert encoded not in data, (name, variant)
        text = unicodedata.normalize("NFKC", data.decode("utf-8", errors="ignore"))
        assert unicodedata.normalize("NFKC", sample.WITHHELD_TEXT) not in text, name
