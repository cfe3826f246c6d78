"""The PDF renderer: Japanese text readable back, a Japanese font embedded, A4 pages, title and
author as the only metadata, withheld text nowhere in the file, and a refusal without a font."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from pypdf import PageObject, PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    StreamObject,
    TextStringObject,
)

from mamori.documents import fonts
from mamori.documents.render_pdf import render_pdf
from mamori.documents.tests import sample

POPPLER_MISSING = "poppler-utils (pdftotext, pdffonts) not installed"


@pytest.fixture(scope="module")
def content() -> bytes:
    return render_pdf(sample.sample_document())


@pytest.fixture
def reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def extracted_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    """Text without the spaces and line breaks extractors put between glyphs and lines."""
    return "".join(text.split())


def poppler(tool: str, *args: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(POPPLER_MISSING)
    return subprocess.run(  # noqa: S603 - a poppler tool on a file of ours
        [path, *args], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def assert_in_order(text: str, expected: list[str]) -> None:
    position = 0
    for piece in expected:
        found = text.find(squeeze(piece), position)
        assert found >= 0, f"{piece!r} missing or out of order"
        position = found + len(squeeze(piece))


def fonts_of(pages: Iterable[PageObject]) -> Iterator[DictionaryObject]:
    """Every font dictionary the pages use (Type 0 fonts as their descendant CID fonts)."""
    for page in pages:
        resources: Any = page["/Resources"].get_object()
        for font in resources.get("/Font", DictionaryObject()).get_object().values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            if descendants is None:
                yield font
            else:
                yield from (d.get_object() for d in descendants.get_object())


def embedded(font: DictionaryObject) -> bool:
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    return any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def everything_in(reader: PdfReader) -> Iterator[str | bytes]:
    """Every string of every object of the file, and every stream decompressed."""
    seen: set[tuple[int, int]] = set()

    def walk(item: Any) -> Iterator[str | bytes]:
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                return
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, StreamObject):
            yield item.get_data()
        if isinstance(item, DictionaryObject):
            for value in item.values():
                yield from walk(value)
        elif isinstance(item, ArrayObject):
            for value in item:
                yield from walk(value)
        elif isinstance(item, TextStringObject | str):
            yield str(item)

    yield from walk(reader.trailer)
    size: Any = reader.trailer["/Size"]
    for number in range(1, int(size)):
        # Objects nothing points to are read too; free entries of the table read as null.
        yield from walk(IndirectObject(number, 0, reader))


def test_the_japanese_text_reads_back_in_order(reader: PdfReader) -> None:
    assert_in_order(squeeze(extracted_text(reader)), sample.texts_in_order())


def test_poppler_reads_the_same_japanese_text(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "sample.pdf"
    path.write_bytes(content)
    text = squeeze(poppler("pdftotext", str(path), "-"))
    # pdftotext may read the footer's page number between two lines of the page's foot.
    assert_in_order(re.sub(r"-\d+-", "", text), sample.texts_in_order())


def test_era_dates_and_numerals_keep_their_width(reader: PdfReader) -> None:
    text = squeeze(extracted_text(reader))
    assert "平成２１年８月６日" in text
    assert "２１東個審第４号" in text
    assert "年額300万円（予定）" in text
    assert "平成21年10月1日から平成22年3月31日まで" in text


def test_the_pages_are_a4(reader: PdfReader) -> None:
    assert len(reader.pages) > 0
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)


def test_every_page_is_numbered(reader: PdfReader) -> None:
    for number, page in enumerate(reader.pages, start=1):
        assert f"-{number}-" in squeeze(page.extract_text())


def test_every_font_is_embedded_and_one_is_japanese(reader: PdfReader) -> None:
    used = list(fonts_of(reader.pages))
    assert used
    assert all(embedded(font) for font in used)
    names = [str(font["/BaseFont"]) for font in used]
    assert any("CJK" in name or "IPA" in name for name in names), names


def test_pdffonts_reports_every_font_embedded(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "sample.pdf"
    path.write_bytes(content)
    rows = poppler("pdffonts", str(path)).splitlines()[2:]
    assert rows
    for row in rows:
        # name, type…, encoding, emb, sub, uni, object, generation: emb is 5th from the end.
        assert row.split()[-5] == "yes", row
    assert any("CJK" in row or "IPA" in row for row in rows)


def test_the_metadata_is_the_title_and_the_author_only(reader: PdfReader) -> None:
    info: Any = reader.trailer["/Info"].get_object()
    root: Any = reader.trailer["/Root"].get_object()
    assert dict(info) == {"/Title": sample.TITLE, "/Author": sample.AUTHOR}
    assert "/Metadata" not in root


def test_the_withheld_run_shows_the_mark_and_its_ground(reader: PdfReader) -> None:
    text = squeeze(extracted_text(reader))
    assert squeeze(sample.BEFORE_WITHHELD + sample.WITHHELD_DISPLAY + sample.AFTER_WITHHELD) in text


def test_withheld_text_is_not_in_the_extracted_text(content: bytes, reader: PdfReader) -> None:
    texts = [extracted_text(reader)]
    if pdftotext := shutil.which("pdftotext"):
        texts.append(
            subprocess.run(  # noqa: S603 - poppler on our own bytes
                [pdftotext, "-", "-"], input=content, capture_output=True, check=True
            ).stdout.decode()
        )
    for text in texts:
        normalized = unicodedata.normalize("NFKC", squeeze(text))
        assert squeeze(sample.BEFORE_WITHHELD) in normalized
        assert unicodedata.normalize("NFKC", sample.WITHHELD_TEXT) not in normalized
        assert "山田太郎" not in normalized and "393-5111" not in normalized


def test_withheld_text_is_nowhere_in_the_file(content: bytes, reader: PdfReader) -> None:
    pieces = list(everything_in(reader))
    strings = [piece for piece in pieces if isinstance(piece, str)]
    streams = [piece for piece in pieces if isinstance(piece, bytes)]
    # The search works: the title is among the strings (the file's info and outline).
    assert any(sample.TITLE in text for text in strings)
    assert streams
    variants = {
        sample.WITHHELD_TEXT,
        unicodedata.normalize("NFKC", sample.WITHHELD_TEXT),
        "山田太郎",
    }
    for variant in variants:
        assert not [text for text in strings if variant in unicodedata.normalize("NFKC", text)]
        for encoding in ("utf-8", "utf-16-be", "utf-16-le"):
            encoded = variant.encode(encoding)
            assert encoded not in content
            assert not [stream for stream in streams if encoded in stream]


def test_it_refuses_without_a_japanese_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "find_japanese_font", lambda: None)
    fonts.japanese_font.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="fonts-noto-cjk") as refused:
            render_pdf(sample.sample_document())
    finally:
        fonts.japanese_font.cache_clear()
    assert str(refused.value).isascii()


def test_fonts_are_found_by_file_name_when_fontconfig_cannot_say(tmp_path: Path) -> None:
    assert fonts._from_font_dirs((tmp_path,)) is None
    (tmp_path / "truetype" / "ipaexfont").mkdir(parents=True)
    (tmp_path / "truetype" / "ipaexfont" / "ipaexm.ttf").write_bytes(b"")
    found = fonts._from_font_dirs((tmp_path,))
    assert found is not None
    assert (found.family, found.path.name, found.in_fontconfig) == (
        "IPAexMincho",
        "ipaexm.ttf",
        False,
    )


def test_the_font_found_on_this_machine_covers_japanese() -> None:
    font = fonts.find_japanese_font()
    if font is None:
        pytest.skip("no Japanese font installed (fonts-noto-cjk)")
    assert font.path.is_file()
    assert "CJK" in font.family or "IPA" in font.family


def test_a_font_fontconfig_does_not_know_is_loaded_from_its_file(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    installed = fonts.find_japanese_font()
    if installed is None:
        pytest.skip("no Japanese font installed (fonts-noto-cjk)")
    unknown = dataclasses.replace(installed, in_fontconfig=False)
    monkeypatch.setattr(fonts, "find_japanese_font", lambda: unknown)
    fonts.japanese_font.cache_clear()
    try:
        reader = PdfReader(io.BytesIO(render_pdf(sample.sample_document())))
    finally:
        fonts.japanese_font.cache_clear()
    used = list(fonts_of(reader.pages))
    assert all(embedded(font) for font in used)
    assert any("CJK" in str(font["/BaseFont"]) for font in used)
    assert squeeze(sample.TITLE) in squeeze(extracted_text(reader))
    # The @font-face rule's file was fetched: WeasyPrint warns when it cannot.
    assert not [r.getMessage() for r in caplog.records if "Font-face" in r.getMessage()]
