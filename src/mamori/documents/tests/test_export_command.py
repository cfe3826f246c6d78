"""`mamori export_document` writes the demo's documents to files, and explains in Japanese
what it cannot do."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import docx
import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Opinion
from mamori.core import demo
from mamori.council import services as council_services
from mamori.council.models import Council, Minutes
from mamori.documents import redaction
from mamori.documents.models import PublishedMinutes, Redaction

pytestmark = pytest.mark.django_db


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_document", *args, stdout=out)
    return out.getvalue()


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return unicodedata.normalize("NFKC", "".join(page.extract_text() for page in reader.pages))


def docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return unicodedata.normalize("NFKC", "\n".join(parts))


def squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def loaded() -> None:
    assert demo.load() is not None


class TestTheDemoDocuments:
    def test_each_document_is_written_in_each_format(self, loaded: None, tmp_path: Path) -> None:
        expected = {
            "consultation": "障害者就労支援事業業務委託について(諮問)",
            "answer": (
                "諮問第4号「障害者就労支援事業業務委託」について、"
                "諮問どおり行うことを「可」とする。"
            ),
            "minutes": "平成21年度第3回個人情報保護運営審議会会議録",
        }
        for kind, key in (("consultation", "2009-4"), ("answer", "2009-4"), ("minutes", "2009-3")):
            for fmt, read in (
                ("html", lambda p: unicodedata.normalize("NFKC", p.read_text("utf-8"))),
                ("docx", docx_text),
                ("pdf", pdf_text),
            ):
                path = tmp_path / f"{kind}.{fmt}"
                output = export(kind, key, "--format", fmt, "-o", str(path))
                assert str(path) in output
                assert squeezed(expected[kind]) in squeezed(read(path)), (kind, fmt)

    def test_the_answers_pdf_has_every_response(self, loaded: None, tmp_path: Path) -> None:
        path = tmp_path / "answer.pdf"
        export("answer", "2009-5", "--format", "pdf", "-o", str(path))
        text = squeezed(pdf_text(path))
        for exchange in demo.CONSULTATION_5.exchanges:
            assert squeezed(unicodedata.normalize("NFKC", exchange.response)) in text

    def test_published_minutes_withhold_the_marked_words(
        self, loaded: None, tmp_path: Path
    ) -> None:
        meeting = demo.demo_meeting()
        assert meeting is not None
        ground = meeting.closure_grounds.first()
        assert ground is not None
        secretariat = testing.make_user("secretariat")
        Redaction.objects.create(
            minutes=meeting.minutes,
            text="ハローワーク",
            ground=ground,
            created_by=secretariat,
            created_at=timezone.now(),
        )
        minutes = council_services.withdraw_minutes(actor=secretariat, minutes=meeting.minutes)
        council_services.publish_minutes(actor=secretariat, minutes=minutes)
        internal, published = tmp_path / "internal.html", tmp_path / "published.html"
        export("minutes", "2009-3", "--format", "html", "-o", str(internal))
        out = export("minutes", "2009-3", "--format", "html", "--published", "-o", str(published))
        assert "ハローワーク" in internal.read_text("utf-8")
        assert "ハローワーク" not in published.read_text("utf-8")
        assert redaction.WITHHELD_MARK in published.read_text("utf-8")
        assert "平成21年度第3回" in out

    def test_published_files_are_the_stored_ones_not_rendered_again(
        self, loaded: None, tmp_path: Path
    ) -> None:
        meeting = demo.demo_meeting()
        assert meeting is not None
        snapshot = PublishedMinutes.objects.current().get(minutes__meeting=meeting)
        # An edit after publication reaches the records, not what the public reads.
        Opinion.objects.filter(meeting=meeting).update(text="公開後に書き換えた意見")
        for fmt in ("pdf", "docx"):
            target = tmp_path / f"published.{fmt}"
            export("minutes", "2009-3", "--format", fmt, "--published", "-o", str(target))
            stored = snapshot.pdf if fmt == "pdf" else snapshot.docx
            with stored.open("rb") as handle:
                assert target.read_bytes() == handle.read()
        page = tmp_path / "published.html"
        export("minutes", "2009-3", "--format", "html", "--published", "-o", str(page))
        assert "公開後に書き換えた意見" not in page.read_text("utf-8")
        assert snapshot.html in page.read_text("utf-8")


class TestWhatItRefuses:
    def test_an_unknown_kind(self, personas: Personas, tmp_path: Path) -> None:
        with pytest.raises(CommandError, match="letter"):
            export("letter", "2009-4", "--council", "kojin", "-o", str(tmp_path / "x"))

    def test_an_unknown_format(self, personas: Personas, tmp_path: Path) -> None:
        with pytest.raises(CommandError, match="rtf"):
            export("minutes", "2009-3", "--format", "rtf", "-o", str(tmp_path / "x"))

    def test_a_key_that_is_not_a_year_and_a_number(
        self, personas: Personas, tmp_path: Path
    ) -> None:
        with pytest.raises(CommandError, match="第4号"):
            export("consultation", "第4号", "--council", "kojin", "-o", str(tmp_path / "x"))

    def test_an_unknown_consultation_or_meeting_in_the_japanese_year(
        self, personas: Personas, tmp_path: Path
    ) -> None:
        for kind in ("consultation", "answer", "minutes"):
            with pytest.raises(CommandError, match="平成21年度"):
                export(kind, "2009-99", "--council", "kojin", "-o", str(tmp_path / "x"))
        assert not (tmp_path / "x").exists()

    def test_a_meeting_without_minutes(self, personas: Personas, tmp_path: Path) -> None:
        council = Council.objects.get(slug="kojin")
        meeting = testing.make_meeting(council, fiscal_year=2009, number=9)
        Minutes.objects.filter(meeting=meeting).delete()
        with pytest.raises(CommandError, match="第9回"):
            export("minutes", "2009-9", "--council", "kojin", "-o", str(tmp_path / "x"))
        assert not (tmp_path / "x").exists()

    def test_published_minutes_that_are_not_published(
        self, personas: Personas, tmp_path: Path
    ) -> None:
        council = Council.objects.get(slug="kojin")
        testing.make_meeting(council, fiscal_year=2009, number=9)
        with pytest.raises(CommandError, match="--published"):
            export(
                "minutes", "2009-9", "--council", "kojin", "--published", "-o", str(tmp_path / "x")
            )
        assert not (tmp_path / "x").exists()

    def test_several_councils_need_a_choice(self, personas: Personas, tmp_path: Path) -> None:
        with pytest.raises(CommandError, match="kojin"):
            export("minutes", "2009-3", "-o", str(tmp_path / "x"))

    def test_an_unknown_council(self, personas: Personas, tmp_path: Path) -> None:
        with pytest.raises(CommandError, match="nowhere"):
            export("minutes", "2009-3", "--council", "nowhere", "-o", str(tmp_path / "x"))

    def test_an_unanswered_consultation_has_no_answer(
        self, personas: Personas, tmp_path: Path
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(consultation, submitted=True)
        with pytest.raises(CommandError, match=consultation.label):
            export("answer", consultation.key, "--council", "kojin", "-o", str(tmp_path / "x"))

    def test_a_consultation_with_only_a_draft(self, personas: Personas, tmp_path: Path) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(consultation)
        with pytest.raises(CommandError, match=consultation.label):
            export(
                "consultation", consultation.key, "--council", "kojin", "-o", str(tmp_path / "x")
            )
