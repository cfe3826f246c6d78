"""Publishing minutes keeps a snapshot of them: the redacted web page, text, PDF and Word file,
rendered once, stored under random names, audited; withdrawing takes it off the public site."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pypdf
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.council import services as council_services
from mamori.council.models import DisclosureGround, Meeting, Minutes
from mamori.documents import publication, render_pdf
from mamori.documents.models import PublishedMinutes, Redaction

COMPANY = "株式会社ミドリ"


@pytest.fixture(autouse=True)
def _own_file_storage(settings: Any, tmp_path: Any) -> None:
    """Each test its own storage folder, so counting files sees only its own."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    """平成21年度第3回: one consultation deliberated, one opinion naming the contractor."""
    meeting = testing.make_meeting(personas.council, number=3)
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
    testing.put_on_agenda(meeting, consultation, order=1)
    testing.make_opinion(consultation, meeting=meeting, text=f"委託先の{COMPANY}は適切か。")
    return meeting


def meeting_url(meeting: Meeting, name: str) -> str:
    return reverse(
        f"council:{name}",
        kwargs={"council": meeting.council.slug, "fiscal_year": 2009, "number": meeting.number},
    )


def publish(personas: Personas, meeting: Meeting) -> PublishedMinutes:
    council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    snapshot = publication.current_snapshot(meeting.minutes)
    assert snapshot is not None
    return snapshot


def stored_files(meeting: Meeting) -> list[str]:
    folder = f"published/{meeting.minutes.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def pdf_text_of(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "".join("".join((page.extract_text() or "").split()) for page in reader.pages)


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
        )


def test_the_secretariat_publishing_makes_a_snapshot_in_every_format(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    client.post(meeting_url(meeting, "minutes_publish"))
    snapshot = PublishedMinutes.objects.get(minutes=meeting.minutes)
    assert "平成21年度第3回個人情報保護運営審議会会議録" in snapshot.html
    assert "<html" not in snapshot.html  # a fragment for the site's page
    assert f"委託先の{COMPANY}は適切か。" in snapshot.text
    assert snapshot.pdf.open("rb").read(5) == b"%PDF-"
    assert "平成21年度第3回" in docx_text(snapshot.docx.open("rb").read())
    assert snapshot.published_by == personas.secretariat
    assert snapshot.published_at == Minutes.objects.get(pk=meeting.minutes.pk).published_at


def test_the_files_are_stored_under_random_names(personas: Personas, meeting: Meeting) -> None:
    snapshot = publish(personas, meeting)
    names = [snapshot.pdf.name, snapshot.docx.name]
    assert all(name.startswith(f"published/{meeting.minutes.pk}/") for name in names)
    assert not any("会議録" in name or "2009" in name for name in names)
    assert len(set(names)) == 2


def test_the_snapshot_is_in_the_audit_trail(personas: Personas, meeting: Meeting) -> None:
    snapshot = publish(personas, meeting)
    event = AuditEvent.objects.get(
        use_case="documents.snapshot_minutes", object_id=str(snapshot.pk)
    )
    assert event.action == AuditEvent.Action.CREATE


def test_withheld_words_are_in_no_format_of_the_snapshot(
    personas: Personas, meeting: Meeting
) -> None:
    Redaction.objects.create(
        minutes=meeting.minutes,
        text=COMPANY,
        ground=DisclosureGround.objects.get(article="情報公開条例第6条第2号"),
        created_by=personas.secretariat,
        created_at=timezone.now(),
    )
    snapshot = publish(personas, meeting)
    assert "■■■（情報公開条例第6条第2号）" in snapshot.text
    assert "■■■" in snapshot.html
    assert COMPANY not in snapshot.text + snapshot.html
    assert COMPANY not in docx_text(snapshot.docx.open("rb").read())
    pdf_text = pdf_text_of(snapshot.pdf.open("rb").read())
    assert "委託先の" in pdf_text and COMPANY not in pdf_text


def test_a_failed_rendering_leaves_the_minutes_unpublished(
    client: Client, personas: Personas, meeting: Meeting, monkeypatch: Any
) -> None:
    def broken(document: Any) -> bytes:
        raise RuntimeError("the PDF renderer failed")

    monkeypatch.setattr(render_pdf, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    assert Minutes.objects.get(pk=meeting.minutes.pk).status == Minutes.Status.DRAFT
    assert not PublishedMinutes.objects.exists()
    assert not AuditEvent.objects.filter(use_case="council.publish_minutes").exists()
    assert Client().get(meeting_url(meeting, "public_minutes_detail")).status_code == 404


def test_a_failure_after_the_files_are_stored_leaves_no_file_behind(
    personas: Personas, meeting: Meeting, monkeypatch: Any
) -> None:
    def refused(*args: Any, **kwargs: Any) -> Any:
        assert len(stored_files(meeting)) == 2  # both files were written before the row
        raise RuntimeError("the database refused the row")

    monkeypatch.setattr(publication, "record", refused)
    with pytest.raises(RuntimeError):
        council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    assert stored_files(meeting) == []
    assert Minutes.objects.get(pk=meeting.minutes.pk).status == Minutes.Status.DRAFT


def test_withdrawing_takes_the_snapshot_off_the_public_site(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    snapshot = publish(personas, meeting)
    client.force_login(personas.secretariat)
    client.post(meeting_url(meeting, "minutes_withdraw"))
    snapshot.refresh_from_db()
    assert snapshot.withdrawn_at is not None
    assert publication.current_snapshot(meeting.minutes) is None
    assert AuditEvent.objects.filter(
        use_case="documents.withdraw_snapshots", object_id=str(snapshot.pk)
    ).exists()


def test_republishing_makes_a_new_snapshot_that_the_public_sees(
    personas: Personas, meeting: Meeting
) -> None:
    first = publish(personas, meeting)
    council_services.withdraw_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    opinion = meeting.opinions.get()
    opinion.text = "委託先の選定方法は適切か。"
    opinion.save(update_fields=["text"])
    second = publish(personas, meeting)
    assert second.pk != first.pk
    assert "委託先の選定方法は適切か。" in second.text
    assert list(PublishedMinutes.objects.current()) == [second]


def test_publishing_again_while_published_is_refused_and_keeps_the_snapshot(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    first = publish(personas, meeting)
    client.force_login(personas.secretariat)
    response = client.post(meeting_url(meeting, "minutes_publish"), follow=True)
    refusal = gettext(
        "The minutes are already published. To publish them again, withdraw them first."
    )
    assert refusal in response.content.decode()
    first.refresh_from_db()
    assert first.withdrawn_at is None
    assert list(PublishedMinutes.objects.current()) == [first]
    assert PublishedMinutes.objects.count() == 1
