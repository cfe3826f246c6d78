"""Withheld text appears nowhere in the published minutes: not in the web page, not in any part
of the Word file, not in the PDF's text, metadata or streams; the mark and its ground do.

Words are searched as bytes (UTF-8 and UTF-16) and as text, NFKC-normalised as well, so a
full-width 「ＡＢＣ１２３」 counts as the withheld 「ABC123」."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Attachment, Response
from mamori.council import services as council_services
from mamori.council.models import Meeting, Minutes
from mamori.documents import builders, formats, services
from mamori.documents.model import (
    Document,
    Heading,
    Items,
    Paragraph,
    Run,
    Signature,
    Table,
    plain_text,
)
from mamori.documents.models import PublishedMinutes
from mamori.documents.redaction import Rule, redact
from mamori.documents.tests.test_redaction import FIRST, SECOND, ground, make_material

pytestmark = pytest.mark.django_db

COMPANY = "株式会社ミドリ"
CODE = "ABC123"
WITHHELD = [COMPANY, CODE]
RULES = [Rule(COMPANY, SECOND), Rule(CODE, FIRST)]
SECRET_FILE = "ミドリ社内体制図.pdf"
# A material's title may hold withheld words too.
WITHHELD_TITLE = f"{COMPANY}社内体制図"


def normalised(text: str) -> str:
    """NFKC, without white space (PDF text extraction breaks lines and adds spaces)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def assert_absent_from_text(text: str, where: str) -> None:
    for words in WITHHELD:
        assert words not in text, f"{words} in {where}"
        assert normalised(words) not in normalised(text), f"{words} (NFKC) in {where}"


def assert_absent_from_bytes(data: bytes, where: str) -> None:
    for words in WITHHELD:
        for form in {words, unicodedata.normalize("NFKC", words), "ＡＢＣ１２３"}:
            for encoding in ("utf-8", "utf-16-be", "utf-16-le"):
                assert form.encode(encoding) not in data, f"{form} ({encoding}) in {where}"


def assert_marked(text: str, where: str) -> None:
    for ground_cited in (FIRST, SECOND):
        assert normalised(f"■■■（{ground_cited}）") in normalised(text), f"no mark in {where}"


# Reading each format back ---------------------------------------------------------------


def docx_parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {name: package.read(name) for name in package.namelist()}


def docx_text(part: bytes) -> str:
    """A part's text with its tags taken out, so words split across runs join again."""
    return re.sub(r"<[^>]+>", "", part.decode("utf-8", errors="replace"))


def assert_docx_clean(content: bytes) -> None:
    parts = docx_parts(content)
    assert "word/document.xml" in parts and "docProps/core.xml" in parts
    for name, part in parts.items():
        assert_absent_from_bytes(part, f"docx {name}")
        assert_absent_from_text(docx_text(part), f"docx {name}")
    assert_marked(docx_text(parts["word/document.xml"]), "docx")


def pdf_streams(reader: PdfReader) -> list[bytes]:
    """Every stream of the file, decompressed (page contents, fonts, their ToUnicode maps)."""
    data: list[bytes] = []
    for generation, numbers in reader.xref.items():
        for number in numbers:
            found = IndirectObject(number, generation, reader).get_object()
            if isinstance(found, StreamObject):
                data.append(found.get_data())
    for number in reader.xref_objStm:
        found = IndirectObject(number, 0, reader).get_object()
        if isinstance(found, StreamObject):
            data.append(found.get_data())
    return data


def assert_pdf_clean(content: bytes) -> None:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert_absent_from_text(text, "PDF text")
    assert_marked(text, "PDF text")
    assert_absent_from_bytes(content, "PDF bytes")
    for page in reader.pages:
        contents = page.get_contents()
        assert contents is not None
        assert_absent_from_bytes(contents.get_data(), "PDF page content")
    for index, stream in enumerate(pdf_streams(reader)):
        assert_absent_from_bytes(stream, f"PDF stream {index}")
    metadata: dict[str, Any] = dict(reader.metadata or {})
    info = " ".join(f"{key} {value}" for key, value in metadata.items())
    assert_absent_from_text(info, "PDF metadata")
    xmp = reader.xmp_metadata
    if xmp is not None:
        assert_absent_from_bytes(xmp.stream.get_data(), "PDF XMP metadata")


def assert_html_clean(html: str) -> None:
    assert_absent_from_text(html, "HTML")
    assert_absent_from_bytes(html.encode(), "HTML bytes")
    assert_marked(html, "HTML")


def assert_all_formats_clean(document: Document) -> None:
    assert_absent_from_text(plain_text(document), "the document")
    assert_html_clean(formats.render(document, "html").content.decode())
    assert_docx_clean(formats.render(document, "docx").content)
    assert_pdf_clean(formats.render(document, "pdf").content)


# A document carrying the words in every place ---------------------------------------------


def test_words_in_every_part_of_a_document_reach_no_format() -> None:
    """Title, letter lines, headings, runs, tables, lists and signature all carry the words,
    and the title and author are also the files' metadata."""
    document = Document(
        kind="answer",
        title=f"{COMPANY}への委託について（答申）",
        reference=[f"{CODE}第4号"],
        addressee=[f"{COMPANY} 代表取締役 様"],
        sender=["審議会（担当：ＡＢＣ１２３）"],
        blocks=[
            Heading(f"{COMPANY}の体制"),
            Paragraph([Run("委託先は"), Run(COMPANY, bold=True), Run("（ＡＢＣ１２３）とする。")]),
            Table(
                header=["項目", f"{COMPANY}"],
                rows=[[[Run("受託者")], [Run(f"{COMPANY}、番号ＡＢＣ１２３")]]],
                caption=f"{CODE}の一覧",
            ),
            Items([[Run(f"{COMPANY}は再委託しない。")]]),
            Signature([f"{COMPANY}立会人"], seal=f"{CODE}印"),
        ],
        key="2009-4",
        author=COMPANY,
    )
    assert_all_formats_clean(redact(document, RULES))


# The minutes as published, from the records -------------------------------------------------


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    """第3回 whose records name the contractor and its contract code, with two materials."""
    meeting = testing.make_meeting(personas.council, number=3)
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    consultation = testing.make_consultation(
        personas.council, personas.shogai, number=4, title=f"{COMPANY}への就労支援業務委託"
    )
    item = testing.put_on_agenda(meeting, consultation, order=1)
    item.note = f"{COMPANY}の担当者が同席した。"
    item.save(update_fields=["note"])
    opinion = testing.make_opinion(
        consultation, meeting=meeting, text=f"{COMPANY}（契約番号ＡＢＣ１２３）の体制は十分か。"
    )
    Response.objects.create(
        opinion=opinion,
        department=personas.shogai,
        text=f"{COMPANY}は認証を取得している。",
    )
    make_material(consultation, personas.staff, title="再委託承認願", name="承認願.pdf")
    make_material(consultation, personas.staff, title=WITHHELD_TITLE, name=SECRET_FILE)
    return meeting


def mark_and_publish(meeting: Meeting, personas: Personas) -> Minutes:
    """The secretariat withholds the words and the 体制図, publishes the 承認願, publishes."""
    minutes = meeting.minutes
    secretariat = personas.secretariat
    services.add_redaction(
        actor=secretariat, minutes=minutes, text=COMPANY, ground=ground(SECOND), confirmed=True
    )
    services.add_redaction(
        actor=secretariat, minutes=minutes, text=CODE, ground=ground(FIRST), confirmed=True
    )
    for attachment in Attachment.objects.all():
        disclosed = attachment.title == "再委託承認願"
        services.set_material_disclosure(
            actor=secretariat,
            minutes=minutes,
            attachment=attachment,
            disclosed=disclosed,
            ground=None if disclosed else ground(SECOND),
        )
    council_services.publish_minutes(actor=secretariat, minutes=minutes)
    minutes.refresh_from_db()
    return minutes


def public_url(meeting: Meeting, name: str, **kwargs: Any) -> str:
    keys = {"council": meeting.council.slug, "fiscal_year": meeting.fiscal_year, "number": 3}
    return reverse(name, kwargs={**keys, **kwargs})


def test_the_records_do_carry_the_words_before_anything_is_withheld(meeting: Meeting) -> None:
    text = plain_text(builders.build_minutes(meeting))
    assert COMPANY in text and "ＡＢＣ１２３" in text


def test_the_minutes_built_for_publication_show_the_words_in_no_format(
    meeting: Meeting, personas: Personas
) -> None:
    mark_and_publish(meeting, personas)
    assert_all_formats_clean(builders.build_minutes(meeting, for_publication=True))


def test_the_published_snapshot_and_its_public_files_show_the_words_nowhere(
    client: Client, meeting: Meeting, personas: Personas
) -> None:
    minutes = mark_and_publish(meeting, personas)
    snapshot = PublishedMinutes.objects.current().get(minutes=minutes)
    assert_absent_from_text(snapshot.text, "the search text")
    assert_html_clean(snapshot.html)
    page = client.get(public_url(meeting, "council:public_minutes_detail"))
    assert page.status_code == 200
    assert_html_clean(page.content.decode())
    for fmt, check in (("pdf", assert_pdf_clean), ("docx", assert_docx_clean)):
        response: Any = client.get(public_url(meeting, "documents:public_minutes_file", fmt=fmt))
        assert response.status_code == 200
        check(b"".join(response.streaming_content))
    feed = client.get(reverse("documents:public_feed"))
    assert_absent_from_text(feed.content.decode(), "the feed")


def test_a_withheld_material_is_neither_linked_nor_downloadable(
    client: Client, meeting: Meeting, personas: Personas
) -> None:
    mark_and_publish(meeting, personas)
    withheld = Attachment.objects.get(title=WITHHELD_TITLE)
    published = Attachment.objects.get(title="再委託承認願")
    page = client.get(public_url(meeting, "council:public_minutes_detail")).content.decode()
    links = re.findall(r"<a\b[^>]*>.*?</a>", page, flags=re.DOTALL)
    assert not [link for link in links if "社内体制図" in link]
    assert SECRET_FILE not in page
    withheld_url = public_url(meeting, "documents:public_material", pk=withheld.pk)
    published_url = public_url(meeting, "documents:public_material", pk=published.pk)
    assert withheld_url not in page
    assert published_url in page
    assert client.get(withheld_url).status_code == 404
    assert client.get(published_url).status_code == 200
