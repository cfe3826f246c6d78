"""Fixes of issue 6's review to the documents themselves: pasted control characters, matching
that folds case and dashes, the internal copy marked as such, the materials sentence made from
the decisions, file names, wide lists, official wording, the letterhead's checks."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations.models import Attachment, Consultation, Decision
from mamori.council import services as council_services
from mamori.council.models import DisclosureGround, Meeting, Minutes
from mamori.documents import builders, formats, letterhead, render_pdf, services
from mamori.documents.model import Document, Paragraph, Run, Table, clean_text, plain_text
from mamori.documents.models import MaterialDisclosure, PublishedMinutes
from mamori.documents.redaction import Rule, occurrences, redact_string
from mamori.documents.render_docx import render_docx
from mamori.documents.render_html import render_html

pytestmark = pytest.mark.django_db

FIRST = "情報公開条例第6条第1号"
SECOND = "情報公開条例第6条第2号"
DEFAULT = letterhead.DEFAULT_PATH.read_text(encoding="utf-8")


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def minutes_url(meeting: Meeting, fmt: str) -> str:
    return reverse(
        "documents:minutes_document",
        kwargs={
            "council": meeting.council.slug,
            "fiscal_year": meeting.fiscal_year,
            "number": meeting.number,
            "fmt": fmt,
        },
    )


def names(response: Any) -> tuple[str, str]:
    """The UTF-8 and the ASCII file names of a download."""
    header = response["Content-Disposition"]
    utf8 = re.search(r"filename\*=utf-8''([^;]+)", header)
    ascii_name = re.search(r'filename="([^"]+)"', header)
    assert utf8 and ascii_name, header
    return urllib.parse.unquote(utf8.group(1)), ascii_name.group(1)


def docx_text(content: bytes) -> str:
    word = docx.Document(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def ground(article: str) -> DisclosureGround:
    return DisclosureGround.objects.get(article=article)


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    """A meeting deliberating one consultation, its minutes a draft."""
    meeting = testing.make_meeting(personas.council, number=3)
    Minutes.objects.get_or_create(meeting=meeting)
    consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
    testing.put_on_agenda(meeting, consultation, order=1)
    testing.make_opinion(consultation, meeting=meeting, text="委託先の体制は適切か。")
    return meeting


def material(meeting: Meeting, user: Any, title: str) -> Attachment:
    consultation = meeting.agenda_items.get(order=1).consultations.get()
    return Attachment.objects.create(
        consultation=consultation,
        kind=Attachment.Kind.SPECIFICATION,
        title=title,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="material.pdf"),
        original_name="material.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )


def decide(meeting: Meeting, attachment: Attachment, *, disclosed: bool, article: str = "") -> None:
    MaterialDisclosure.objects.create(
        minutes=meeting.minutes,
        attachment=attachment,
        disclosed=disclosed,
        ground=ground(article) if article else None,
    )


# Occurrences and matching (R8, for the redactions page) ------------------------------------


class TestOccurrences:
    def test_each_place_is_a_snippet_with_the_match_in_brackets(self) -> None:
        document = Document(
            kind="minutes",
            title="東村山市の会議",
            blocks=[Paragraph([Run("東村山市役所3階庁議室で開催した。")])],
        )
        assert occurrences(document, "市") == [
            "東村山【市】の会議",
            "東村山【市】役所3階庁議室で開催した…",
        ]
        assert occurrences(document, "大阪") == []

    def test_long_lines_are_cut_around_the_match(self) -> None:
        text = "あ" * 30 + "山田太郎" + "い" * 30
        document = Document(kind="minutes", title="", blocks=[Paragraph([Run(text)])])
        [snippet] = occurrences(document, "山田太郎")
        assert snippet == "…" + "あ" * 12 + "【山田太郎】" + "い" * 12 + "…"

    def test_case_and_every_dash_match_as_redaction_matches(self) -> None:
        line = "Yamada@Example.jp 042−393−5111 042‐393‐5111 042－393－5111 042-393-5111"
        document = Document(kind="minutes", title="", blocks=[Paragraph([Run(line)])])
        assert len(occurrences(document, "yamada@example.jp")) == 1
        assert len(occurrences(document, "042-393-5111")) == 4
        redacted = redact_string(
            line, [Rule("042-393-5111", FIRST), Rule("yamada@example.jp", FIRST)]
        )
        assert "393" not in redacted and "Yamada" not in redacted
        assert redacted.count("■■■") == 5

    def test_the_notice_of_an_internal_copy_is_not_an_occurrence(self) -> None:
        document = Document(kind="minutes", title="", notice="取扱注意（非公開部分を含む）")
        assert occurrences(document, "非公開") == []


# Pasted control characters (R3) -------------------------------------------------------------


class TestControlCharacters:
    def test_line_breaks_of_word_become_line_breaks_and_the_rest_goes(self) -> None:
        assert (
            clean_text("一行目\x0b二行目\x0c三行目\r\n四行目\r五")
            == "一行目\n二行目\n三行目\n四行目\n五"
        )
        assert clean_text("a\x00b\x1bc\ufffed\U0001fffe\te") == "abcd\te"
        assert Run("一行目\x0b二行目").text == "一行目\n二行目"

    def test_minutes_with_a_pasted_line_break_download_and_publish(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        consultation = meeting.agenda_items.get(order=1).consultations.get()
        testing.make_opinion(consultation, meeting=meeting, text="一行目\x0b二行目\x1b")
        response = signed_in(personas.secretariat).get(minutes_url(meeting, "docx"))
        assert response.status_code == 200
        assert "一行目\n二行目" in docx_text(response.content)
        minutes = council_services.publish_minutes(
            actor=personas.secretariat, minutes=meeting.minutes
        )
        assert minutes.status == Minutes.Status.PUBLISHED
        snapshot = PublishedMinutes.objects.current().get(minutes=minutes)
        assert "一行目\n二行目" in snapshot.text
        assert "\x0b" not in snapshot.html and "\x1b" not in snapshot.text


class TestFailures:
    def test_a_renderer_failing_gives_a_page_not_a_server_error(
        self, meeting: Meeting, personas: Personas, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(document: Document) -> bytes:
            raise ImproperlyConfigured("no Japanese font")

        monkeypatch.setattr(render_pdf, "render_pdf", broken)
        client = signed_in(personas.secretariat)
        before = AuditEvent.objects.count()
        response = client.get(minutes_url(meeting, "pdf"))
        assert response.status_code == 500
        assert "documents/render_failed.html" in [t.name for t in response.templates]
        assert response["Content-Type"].startswith("text/html")
        # Nothing was handed out, so no download is recorded.
        assert AuditEvent.objects.count() == before

    def test_a_meeting_without_minutes_has_no_document(self, personas: Personas) -> None:
        meeting = testing.make_meeting(personas.council, number=8)
        Minutes.objects.filter(meeting=meeting).delete()
        client = signed_in(personas.secretariat)
        for fmt in formats.FORMATS:
            assert client.get(minutes_url(meeting, fmt)).status_code == 404
        with pytest.raises(builders.DocumentError):
            builders.build_minutes(meeting)


# The internal copy (UX2) and file names (UX14) ----------------------------------------------


class TestTheInternalCopy:
    def test_minutes_withholding_words_are_marked_internal_in_every_format(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        services.add_redaction(
            actor=personas.secretariat,
            minutes=meeting.minutes,
            text="委託先の体制",
            ground=ground(SECOND),
            confirmed=True,
        )
        client = signed_in(personas.secretariat)
        title = f"{meeting.title}会議録"
        notice = "取扱注意（非公開部分を含む）"
        for fmt in formats.FORMATS:
            response = client.get(minutes_url(meeting, fmt))
            assert response.status_code == 200
            assert names(response) == (
                f"{title}_内部用.{fmt}",
                f"minutes_{meeting.key}_internal.{fmt}",
            )
        page = client.get(minutes_url(meeting, "html")).content.decode()
        assert f'<p class="document__notice">{notice}</p>' in page
        word = docx.Document(io.BytesIO(client.get(minutes_url(meeting, "docx")).content))
        assert word.paragraphs[0].text == notice
        assert word.sections[0].header.paragraphs[0].text == notice
        pdf = client.get(minutes_url(meeting, "pdf")).content
        pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
        assert all(notice in page.extract_text() for page in pages)

    def test_the_published_version_carries_neither_mark_nor_suffix(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        services.add_redaction(
            actor=personas.secretariat,
            minutes=meeting.minutes,
            text="委託先の体制",
            ground=ground(SECOND),
            confirmed=True,
        )
        published = builders.build_minutes(meeting, for_publication=True)
        assert published.notice == ""
        assert formats.file_name(published, "pdf") == f"{meeting.title}会議録.pdf"
        assert "取扱注意" not in pdf_text(formats.render(published, "pdf").content)

    def test_minutes_that_withhold_nothing_are_not_marked(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        decide(meeting, material(meeting, personas.staff, "仕様書"), disclosed=True)
        response = signed_in(personas.secretariat).get(minutes_url(meeting, "pdf"))
        assert names(response) == (f"{meeting.title}会議録.pdf", f"minutes_{meeting.key}.pdf")
        assert "取扱注意" not in pdf_text(response.content)

    def test_an_undisclosed_material_alone_marks_the_copy(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        decide(meeting, material(meeting, personas.staff, "体制図"), disclosed=False, article=FIRST)
        assert builders.build_minutes(meeting).notice == "取扱注意（非公開部分を含む）"

    def test_letters_are_named_by_fiscal_year_and_number(self, personas: Personas) -> None:
        consultation = testing.make_answered_consultation(personas.council, personas.shogai)
        letter = builders.build_consultation(consultation)
        assert formats.file_name(letter, "pdf") == f"諮問書_平成21年度{consultation.label}.pdf"
        answer = consultation.decisions.latest_answer()
        assert answer is not None
        assert formats.file_name(builders.build_answer(answer), "docx") == (
            f"答申書_平成21年度{consultation.label}.docx"
        )

    def test_a_file_name_holds_no_path_characters(self) -> None:
        assert formats.named('a/b\\c:"d"', "pdf") == "a_b_c__d_.pdf"


# The materials sentence (UX1) ---------------------------------------------------------------


def materials_text(meeting: Meeting) -> str:
    text = plain_text(builders.build_minutes(meeting))
    return text[text.rindex("会議資料") :]


class TestTheMaterialsSentence:
    def test_all_disclosed(self, meeting: Meeting, personas: Personas) -> None:
        decide(meeting, material(meeting, personas.staff, "仕様書"), disclosed=True)
        text = materials_text(meeting)
        assert "会議の資料は、会議録とともに公表します。" in text
        assert "【理由】" not in text and "公表しません" not in text

    def test_none_disclosed_gives_the_reason_and_the_grounds(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        Minutes.objects.filter(pk=meeting.minutes.pk).update(materials_reason="")
        decide(meeting, material(meeting, personas.staff, "仕様書"), disclosed=False, article=FIRST)
        decide(
            meeting, material(meeting, personas.staff, "体制図"), disclosed=False, article=SECOND
        )
        text = materials_text(meeting)
        assert "会議の資料は、下記の理由により公表しません。" in text
        assert f"{FIRST}、{SECOND}に該当する情報が含まれるため。" in text
        assert "公表します" not in text

    def test_the_secretariats_reason_is_followed_by_the_grounds(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        Minutes.objects.filter(pk=meeting.minutes.pk).update(
            materials_reason="契約前の情報を含む。"
        )
        decide(meeting, material(meeting, personas.staff, "仕様書"), disclosed=False, article=FIRST)
        text = materials_text(meeting)
        assert f"【理由】\n契約前の情報を含む。\n（根拠：{FIRST}）" in text

    def test_some_disclosed_names_those_withheld(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        decide(meeting, material(meeting, personas.staff, "仕様書"), disclosed=True)
        decide(meeting, material(meeting, personas.staff, "体制図"), disclosed=False, article=FIRST)
        text = materials_text(meeting)
        assert (
            "会議の資料のうち、次のものは、下記の理由により公表しません。\n体制図\n【理由】" in text
        )
        assert "会議の資料は、会議録とともに公表します。" not in text

    def test_the_meeting_wide_setting_no_longer_contradicts_the_decisions(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        Minutes.objects.filter(pk=meeting.minutes.pk).update(materials_published=False)
        decide(meeting, material(meeting, personas.staff, "仕様書"), disclosed=True)
        assert "公表しません" not in materials_text(meeting)

    def test_no_materials(self, meeting: Meeting) -> None:
        assert materials_text(meeting) == "会議資料\nなし"


# Tables and wording (UX4, UX12) -------------------------------------------------------------


class TestTablesAndWording:
    def test_wide_lists_become_one_small_table_per_row(self, personas: Personas) -> None:
        recipient = {
            "row_id": "r1",
            "name": "ハローワーク",
            "items": "氏名",
            "purpose": "就労支援",
            "certainty": "planned",
        }
        consultation = testing.make_answered_consultation(
            personas.council, personas.shogai, data=testing.record_data(recipients=[recipient])
        )
        letter = builders.build_consultation(consultation)
        tables = [b for b in letter.blocks if isinstance(b, Table)]
        assert all(len(t.header) <= builders.MAX_COLUMNS for t in tables)
        cards = [t for t in tables if t.caption.startswith("提供先\u3000")]
        assert [t.caption for t in cards] == ["提供先\u30001（予定）"]
        assert cards[0].header == ["項目", "内容"]
        assert ["".join(r.text for r in cell) for cell in cards[0].rows[0]] == [
            "提供先",
            "ハローワーク",
        ]

    def test_every_column_gets_its_width_in_html_and_word(self) -> None:
        table = Table(
            header=["番号", "項目名", "要配慮"],
            rows=[[[Run("1")], [Run("氏名")], [Run("有")]]],
            widths=[2, 6, 2],
        )
        document = Document(kind="consultation", title="t", blocks=[table])
        html = render_html(document, standalone=False)
        assert '<col class="w-20"><col class="w-60"><col class="w-20">' in html
        word = docx.Document(io.BytesIO(render_docx(document)))
        grid = [column.width for column in word.tables[0].columns]
        assert grid[0] == grid[2]
        assert grid[1] == pytest.approx(3 * grid[0], rel=0.001)

    def test_yes_and_no_are_written_as_official_documents_write_them(
        self, personas: Personas
    ) -> None:
        consultation = testing.make_answered_consultation(personas.council, personas.shogai)
        text = plain_text(builders.build_consultation(consultation))
        assert "はい" not in text and "いいえ" not in text
        assert re.search(r"持ち出しの可否 [可否]", text), text
        assert re.search(r"業務を委託する [有無]", text), text

    def test_the_answer_cites_the_date_and_number_of_the_consultation(
        self, personas: Personas
    ) -> None:
        consultation = testing.make_answered_consultation(personas.council, personas.shogai)
        answer = consultation.decisions.latest_answer()
        assert answer is not None
        lead = plain_text(builders.build_answer(answer))
        letter = builders.build_consultation(consultation)
        assert f"付け{letter.reference[0]}で諮問のあった" in lead

    def test_the_end_of_a_subject_stays_on_one_line(self) -> None:
        document = Document(kind="consultation", title="長い件名の業務委託について（諮問）")
        html = render_html(document, standalone=False)
        assert (
            '長い件名の業務委託<span class="document__title-tail">について（諮問）</span>' in html
        )

    def test_no_stylesheet_warnings_while_rendering_a_pdf(
        self, caplog: pytest.LogCaptureFixture
    ) -> None:
        document = Document(kind="minutes", title="会議録", notice="取扱注意（非公開部分を含む）")
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            formats.render(document, "pdf")
        assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []

    def test_the_word_file_holds_no_application_properties(self) -> None:
        content = render_docx(Document(kind="minutes", title="会議録"))
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert "docProps/app.xml" not in archive.namelist()
            assert "Macintosh" not in "".join(
                archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
            )


# The answer queried once (R13) --------------------------------------------------------------


def test_the_latest_answer_skips_continued_deliberation(personas: Personas) -> None:
    consultation = testing.make_answered_consultation(personas.council, personas.shogai)
    answered = consultation.decisions.latest_answer()
    assert answered is not None
    Decision.objects.create(
        consultation=consultation,
        decided_on=answered.decided_on + dt.timedelta(days=30),
        result=Decision.Result.CONTINUED,
    )
    assert Consultation.objects.get(pk=consultation.pk).decisions.latest_answer() == answered


# The letterhead (R10, UX13) -----------------------------------------------------------------


def use(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> None:
    path = tmp_path / "letterhead.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(letterhead.ENVIRONMENT_VARIABLE, str(path))


class TestTheLetterhead:
    @pytest.mark.parametrize(
        ("template", "problem"),
        [
            ("{title!x}について（諮問）", "{title}"),
            ("{title!r}について（諮問）", "{title}"),
            ("{number:d}について（諮問）", "{number}"),
            ("{}について（諮問）", "{}"),
            ("{0}について（諮問）", "{0}"),
        ],
    )
    def test_a_template_that_cannot_be_filled_is_refused_at_load(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, template: str, problem: str
    ) -> None:
        text = DEFAULT.replace('subject = "{title}について（諮問）"', f'subject = "{template}"')
        assert text != DEFAULT
        use(monkeypatch, tmp_path, text)
        with pytest.raises(ImproperlyConfigured) as raised:
            letterhead.load()
        assert "consultation.subject" in str(raised.value)
        assert problem in str(raised.value)

    def test_the_mayor_in_office_on_the_letters_date_signs_it(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, personas: Personas
    ) -> None:
        text = DEFAULT.replace(
            '[[mayors]]\nname = "渡部　尚"\n',
            '[[mayors]]\nname = "渡部　尚"\n\n'
            '[[mayors]]\nname = "後任　太郎"\nsince = 2010-04-01\n',
        )
        assert text != DEFAULT
        use(monkeypatch, tmp_path, text)
        head = letterhead.load()
        assert head.mayor_on(dt.date(2009, 7, 30)) == "渡部　尚"
        assert head.mayor_on(dt.date(2010, 4, 1)) == "後任　太郎"
        # The 諮問書 is dated today; the answer is dated 2009-08-06.
        consultation = testing.make_answered_consultation(personas.council, personas.shogai)
        letter = builders.build_consultation(consultation)
        assert letter.sender == ["東村山市長　後任　太郎　印"]
        answer = consultation.decisions.latest_answer()
        assert answer is not None
        assert builders.build_answer(answer).addressee == ["東村山市長　渡部　尚　様"]

    def test_mayors_out_of_order_are_refused(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        text = DEFAULT.replace(
            '[[mayors]]\nname = "渡部　尚"\n',
            '[[mayors]]\nname = "A"\nsince = 2010-04-01\n\n'
            '[[mayors]]\nname = "B"\nsince = 2001-01-01\n',
        )
        use(monkeypatch, tmp_path, text)
        with pytest.raises(ImproperlyConfigured, match="mayors"):
            letterhead.load()
