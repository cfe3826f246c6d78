"""Downloading the 諮問書, 答申書 and 会議録 as Word, PDF or a web page, for those who may
read the records, never anyone else, never a draft to a member."""

from __future__ import annotations

import io
import re
import urllib.parse

import docx
import pytest
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, Decision
from mamori.council.models import Meeting, Minutes

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def on_agenda(personas: Personas) -> tuple[Consultation, Meeting]:
    """An answered consultation deliberated at a meeting the member sat on."""
    meeting = testing.make_meeting(personas.council)
    Minutes.objects.get_or_create(meeting=meeting)
    consultation = testing.make_answered_consultation(personas.council, personas.shogai)
    testing.put_on_agenda(meeting, consultation)
    Decision.objects.filter(consultation=consultation).update(meeting=meeting)
    return consultation, meeting


def consultation_url(
    consultation: Consultation, fmt: str, name: str = "consultation_document"
) -> str:
    return reverse(
        f"documents:{name}",
        kwargs={"council": consultation.council.slug, "key": consultation.key, "fmt": fmt},
    )


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


def file_name(response: object) -> str:
    header = response["Content-Disposition"]  # type: ignore[index]
    match = re.search(r"filename\*=utf-8''([^;]+)", header)
    assert match, header
    return urllib.parse.unquote(match.group(1))


class TestTheConsultationDocument:
    def test_the_secretariat_reads_it_as_a_web_page(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        response = signed_in(personas.secretariat).get(consultation_url(consultation, "html"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Content-Disposition"].startswith("inline")
        assert file_name(response) == f"諮問書_平成21年度{consultation.label}.html"
        # Old clients read the ASCII name.
        assert f'filename="consultation_{consultation.key}.html"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        page = response.content.decode()
        assert '<html lang="ja">' in page
        assert "障害者就労支援事業業務委託について（諮問）" in page
        assert "<style" not in page and "<script" not in page
        assert "/static/documents/document.css" in page

    def test_its_department_downloads_it_as_word(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        response = signed_in(personas.staff).get(consultation_url(consultation, "docx"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert file_name(response) == f"諮問書_平成21年度{consultation.label}.docx"
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        assert "障害者就労支援事業業務委託について（諮問）" in text

    def test_a_member_downloads_it_as_pdf(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        response = signed_in(personas.member).get(consultation_url(consultation, "pdf"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert file_name(response) == f"諮問書_平成21年度{consultation.label}.pdf"

    def test_a_member_never_reads_the_departments_draft(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        draft = testing.record_data(
            purpose={"purpose": {"value": "まだ下書きの目的"}, "legal_basis": {"value": "法"}}
        )
        testing.make_version(consultation, data=draft)
        for user in (personas.member, personas.staff):
            page = signed_in(user).get(consultation_url(consultation, "html")).content.decode()
            assert "障害者の就労支援のため" in page
            assert "まだ下書きの目的" not in page

    def test_a_consultation_with_only_a_draft_has_none(self, personas: Personas) -> None:
        consultation = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.DRAFT
        )
        testing.make_version(consultation)
        response = signed_in(personas.staff).get(consultation_url(consultation, "html"))
        assert response.status_code == 404

    def test_another_department_is_refused(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        response = signed_in(personas.other_staff).get(consultation_url(consultation, "html"))
        assert response.status_code == 403

    def test_a_member_of_another_council_is_refused(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        response = signed_in(personas.outsider_member).get(consultation_url(consultation, "pdf"))
        assert response.status_code == 403

    def test_signed_out_it_asks_to_sign_in(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        response = Client().get(consultation_url(consultation, "html"))
        assert response.status_code == 302
        assert "login" in response["Location"]

    def test_an_unknown_format_is_not_found(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        client = signed_in(personas.secretariat)
        assert client.get(consultation_url(consultation, "rtf")).status_code == 404

    def test_the_download_is_in_the_audit_trail(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        signed_in(personas.member).get(consultation_url(consultation, "html"))
        event = AuditEvent.objects.get(use_case="documents.consultation_document")
        assert event.action == AuditEvent.Action.VIEW
        assert event.actor == personas.member


class TestTheAnswerDocument:
    def test_it_is_downloaded_once_answered(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        url = consultation_url(consultation, "docx", "answer_document")
        response = signed_in(personas.member).get(url)
        assert response.status_code == 200
        assert file_name(response) == f"答申書_平成21年度{consultation.label}.docx"
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        assert "諮問どおり行うことを「可」とする。" in text

    def test_the_latest_answer_is_used(self, personas: Personas) -> None:
        consultation, meeting = on_agenda(personas)
        Decision.objects.create(
            consultation=consultation,
            meeting=meeting,
            decided_on=meeting.date,
            result=Decision.Result.REJECTED,
        )
        url = consultation_url(consultation, "html", "answer_document")
        page = signed_in(personas.secretariat).get(url).content.decode()
        assert "諮問どおり行うことを「否」とする。" in page

    def test_there_is_none_before_the_answer(self, personas: Personas) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(consultation, submitted=True)
        url = consultation_url(consultation, "pdf", "answer_document")
        assert signed_in(personas.secretariat).get(url).status_code == 404

    def test_another_department_is_refused(self, personas: Personas) -> None:
        consultation, _meeting = on_agenda(personas)
        url = consultation_url(consultation, "pdf", "answer_document")
        assert signed_in(personas.other_staff).get(url).status_code == 403


class TestTheMinutes:
    def test_the_secretariat_reads_them_as_a_web_page(self, personas: Personas) -> None:
        consultation, meeting = on_agenda(personas)
        testing.make_opinion(consultation, meeting=meeting, text="持ち出しは紙に限るのか。")
        response = signed_in(personas.secretariat).get(minutes_url(meeting, "html"))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("inline")
        page = response.content.decode()
        assert f"{meeting.title}会議録" in page
        assert "●持ち出しは紙に限るのか。" in page

    def test_a_member_who_sat_downloads_them_as_word_and_pdf(self, personas: Personas) -> None:
        _consultation, meeting = on_agenda(personas)
        client = signed_in(personas.member)
        word = client.get(minutes_url(meeting, "docx"))
        assert word.status_code == 200
        assert file_name(word) == f"{meeting.title}会議録.docx"
        pdf = client.get(minutes_url(meeting, "pdf"))
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF")

    def test_department_staff_and_other_councils_members_are_refused(
        self, personas: Personas
    ) -> None:
        _consultation, meeting = on_agenda(personas)
        for user in (personas.staff, personas.outsider_member, personas.contractor):
            assert signed_in(user).get(minutes_url(meeting, "html")).status_code == 403

    def test_signed_out_it_asks_to_sign_in(self, personas: Personas) -> None:
        _consultation, meeting = on_agenda(personas)
        assert Client().get(minutes_url(meeting, "pdf")).status_code == 302

    def test_an_unknown_format_is_not_found(self, personas: Personas) -> None:
        _consultation, meeting = on_agenda(personas)
        assert signed_in(personas.secretariat).get(minutes_url(meeting, "txt")).status_code == 404


class TestTheLinks:
    def test_the_consultation_page_links_both_documents_once_answered(
        self, personas: Personas
    ) -> None:
        consultation, _meeting = on_agenda(personas)
        url = reverse(
            "consultations:consultation_detail", args=[consultation.council.slug, consultation.key]
        )
        page = signed_in(personas.member).get(url).content.decode()
        for fmt in ("docx", "pdf"):
            assert consultation_url(consultation, fmt) in page
            assert consultation_url(consultation, fmt, "answer_document") in page

    def test_an_unanswered_consultation_links_only_its_consultation_document(
        self, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(
            personas.council, personas.shogai, submitted_on=testing.dt.date(2009, 7, 30)
        )
        testing.make_version(consultation, submitted=True)
        url = reverse(
            "consultations:consultation_detail", args=[consultation.council.slug, consultation.key]
        )
        page = signed_in(personas.secretariat).get(url).content.decode()
        assert consultation_url(consultation, "pdf") in page
        assert consultation_url(consultation, "pdf", "answer_document") not in page

    def test_the_minutes_page_links_the_three_formats(self, personas: Personas) -> None:
        _consultation, meeting = on_agenda(personas)
        url = reverse(
            "council:minutes_draft",
            kwargs={
                "council": meeting.council.slug,
                "fiscal_year": meeting.fiscal_year,
                "number": meeting.number,
            },
        )
        page = signed_in(personas.secretariat).get(url).content.decode()
        for fmt in ("docx", "pdf", "html"):
            assert minutes_url(meeting, fmt) in page
