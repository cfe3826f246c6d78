"""The public site, signed out: published minutes by fiscal year, each page as it was published,
its PDF and Word files, and the materials the secretariat disclosed; nothing of a draft."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Attachment, Consultation
from mamori.council import services as council_services
from mamori.council.models import DisclosureGround, Meeting, Minutes
from mamori.documents import services as document_services
from mamori.documents.models import PublishedMinutes, Redaction
from mamori.documents.publication import PublicationError

FIFTH = "情報公開条例第6条第5号"


def make_meeting(personas: Personas, number: int = 3, **fields: Any) -> Meeting:
    meeting = testing.make_meeting(personas.council, number=number, **fields)
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    return meeting


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    """平成21年度第3回, deliberating 諮問第4号 with one opinion."""
    meeting = make_meeting(personas)
    testing.put_on_agenda(meeting, consultation_of(meeting, personas), order=1)
    testing.make_opinion(
        consultation_of(meeting, personas),
        meeting=meeting,
        text="持ち出しは紙に限るのか。",
    )
    return meeting


def consultation_of(meeting: Meeting, personas: Personas) -> Consultation:
    found = Consultation.objects.filter(council=meeting.council, number=4).first()
    return found or testing.make_consultation(personas.council, personas.shogai, number=4)


def make_material(consultation: Consultation, personas: Personas, title: str) -> Attachment:
    """A material stored directly (no audit event)."""
    return Attachment.objects.create(
        consultation=consultation,
        kind=Attachment.Kind.SPECIFICATION,
        title=title,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="material.pdf"),
        original_name=f"{title}.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=personas.staff,
        uploaded_at=dt.datetime(2009, 7, 1, tzinfo=dt.UTC),
    )


def publish(personas: Personas, meeting: Meeting) -> None:
    council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)


def withdraw(personas: Personas, meeting: Meeting) -> None:
    council_services.withdraw_minutes(actor=personas.secretariat, minutes=meeting.minutes)


def place(meeting: Meeting) -> dict[str, Any]:
    return {
        "council": meeting.council.slug,
        "fiscal_year": meeting.fiscal_year,
        "number": meeting.number,
    }


def detail_url(meeting: Meeting) -> str:
    return reverse("council:public_minutes_detail", kwargs=place(meeting))


def file_url(meeting: Meeting, fmt: str) -> str:
    return reverse("documents:public_minutes_file", kwargs=place(meeting) | {"fmt": fmt})


def material_url(meeting: Meeting, attachment: Attachment) -> str:
    return reverse("documents:public_material", kwargs=place(meeting) | {"pk": attachment.pk})


# The list ------------------------------------------------------------------------------------


def test_the_list_groups_published_minutes_by_fiscal_year_newest_first(
    personas: Personas, meeting: Meeting
) -> None:
    earlier = make_meeting(personas, number=4, fiscal_year=2008, date=dt.date(2009, 2, 16))
    publish(personas, meeting)
    publish(personas, earlier)
    page = Client().get(reverse("council:public_minutes_list")).content.decode()
    assert page.index("平成21年度") < page.index("平成20年度")
    assert page.index(detail_url(meeting)) < page.index(detail_url(earlier))
    for url in (detail_url(meeting), file_url(meeting, "pdf"), file_url(meeting, "docx")):
        assert f'href="{url}"' in page


def test_the_list_shows_one_fiscal_year_when_asked(personas: Personas, meeting: Meeting) -> None:
    earlier = make_meeting(personas, number=4, fiscal_year=2008, date=dt.date(2009, 2, 16))
    publish(personas, meeting)
    publish(personas, earlier)
    page = Client().get(reverse("council:public_minutes_list"), {"year": "2008"}).content.decode()
    assert detail_url(earlier) in page
    assert detail_url(meeting) not in page
    assert 'href="/minutes/?year=2009"' in page


def test_a_year_that_is_not_a_year_shows_every_year(personas: Personas, meeting: Meeting) -> None:
    publish(personas, meeting)
    response = Client().get(reverse("council:public_minutes_list"), {"year": "x' OR 1=1"})
    assert response.status_code == 200
    assert detail_url(meeting) in response.content.decode()


def test_the_list_leaves_out_drafts_and_withdrawn_minutes(
    personas: Personas, meeting: Meeting
) -> None:
    draft = make_meeting(personas, number=5)
    publish(personas, meeting)
    withdraw(personas, meeting)
    page = Client().get(reverse("council:public_minutes_list")).content.decode()
    assert detail_url(meeting) not in page
    assert detail_url(draft) not in page


def test_the_list_offers_the_feed(personas: Personas, meeting: Meeting) -> None:
    publish(personas, meeting)
    page = Client().get(reverse("council:public_minutes_list")).content.decode()
    feed = reverse("documents:public_feed")
    assert f'rel="alternate" type="application/atom+xml" href="{feed}"' in page


# The page of the minutes -------------------------------------------------------------------


def minutes_on_page(meeting: Meeting) -> str:
    """The minutes as the public page shows them (the page around them has a CSRF token)."""
    page = Client().get(detail_url(meeting)).content.decode()
    return page[page.index('<article class="document') : page.index("</article>")]


def test_the_page_shows_the_minutes_as_published(personas: Personas, meeting: Meeting) -> None:
    publish(personas, meeting)
    response = Client().get(detail_url(meeting))
    page = response.content.decode()
    assert response.status_code == 200
    assert "平成21年度第3回個人情報保護運営審議会会議録" in page
    assert "持ち出しは紙に限るのか。" in page
    assert f'href="{file_url(meeting, "pdf")}"' in page
    assert f'href="{file_url(meeting, "docx")}"' in page


def test_later_edits_never_change_the_published_minutes(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    publish(personas, meeting)
    before = minutes_on_page(meeting)
    pdf_before = b"".join(Client().get(file_url(meeting, "pdf")).streaming_content)  # type: ignore[attr-defined]
    opinion = meeting.opinions.get()
    opinion.text = "持ち出しは電子データも含むのか。"
    opinion.save(update_fields=["text"])
    after = minutes_on_page(meeting)
    assert after == before
    assert "持ち出しは紙に限るのか。" in after
    assert "持ち出しは電子データも含むのか。" not in after
    pdf_after = b"".join(Client().get(file_url(meeting, "pdf")).streaming_content)  # type: ignore[attr-defined]
    assert pdf_after == pdf_before
    # The draft the secretariat reads has the edit.
    client.force_login(personas.secretariat)
    draft = reverse("council:minutes_draft", kwargs=place(meeting))
    assert "持ち出しは電子データも含むのか。" in client.get(draft).content.decode()


@pytest.mark.parametrize("state", ["draft", "withdrawn", "published without a snapshot"])
def test_minutes_the_public_may_not_read_are_not_found(
    personas: Personas, meeting: Meeting, state: str
) -> None:
    if state == "withdrawn":
        publish(personas, meeting)
        withdraw(personas, meeting)
    elif state == "published without a snapshot":
        Minutes.objects.filter(pk=meeting.minutes.pk).update(
            status=Minutes.Status.PUBLISHED, published_at=dt.datetime(2009, 9, 1, tzinfo=dt.UTC)
        )
    client = Client()
    assert client.get(detail_url(meeting)).status_code == 404
    assert client.get(file_url(meeting, "pdf")).status_code == 404
    assert client.get(file_url(meeting, "docx")).status_code == 404


# The files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "opening"),
    [
        ("pdf", "application/pdf", b"%PDF-"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
    ],
)
def test_the_files_download_under_the_minutes_name(
    personas: Personas, meeting: Meeting, fmt: str, content_type: str, opening: bytes
) -> None:
    publish(personas, meeting)
    snapshot = PublishedMinutes.objects.get()
    response = Client().get(file_url(meeting, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert "会議録" in snapshot.file_stem
    assert response["Content-Disposition"].endswith(f"{quote(f'{snapshot.file_stem}.{fmt}')}")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, no-cache"
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert content.startswith(opening)


@pytest.mark.parametrize("fmt", ["html", "txt", "PDF", "doc"])
def test_no_other_format_is_served(personas: Personas, meeting: Meeting, fmt: str) -> None:
    publish(personas, meeting)
    assert Client().get(file_url(meeting, fmt)).status_code == 404


def test_a_meeting_that_does_not_exist_has_no_files(personas: Personas) -> None:
    url = reverse(
        "documents:public_minutes_file",
        kwargs={"council": "kojin", "fiscal_year": 2009, "number": 99, "fmt": "pdf"},
    )
    assert Client().get(url).status_code == 404


# Materials -----------------------------------------------------------------------------------


@pytest.fixture
def materials(personas: Personas, meeting: Meeting) -> tuple[Attachment, Attachment]:
    """A disclosed specification and a withheld approval request (第6条第5号)."""
    consultation = consultation_of(meeting, personas)
    disclosed = make_material(consultation, personas, "仕様書")
    withheld = make_material(consultation, personas, "再委託の承認願")
    document_services.set_material_disclosure(
        actor=personas.secretariat, minutes=meeting.minutes, attachment=disclosed, disclosed=True
    )
    document_services.set_material_disclosure(
        actor=personas.secretariat,
        minutes=meeting.minutes,
        attachment=withheld,
        disclosed=False,
        ground=DisclosureGround.objects.get(article=FIFTH),
    )
    return disclosed, withheld


def test_the_page_links_disclosed_materials_and_names_the_ground_of_withheld_ones(
    personas: Personas, meeting: Meeting, materials: tuple[Attachment, Attachment]
) -> None:
    disclosed, withheld = materials
    publish(personas, meeting)
    page = Client().get(detail_url(meeting)).content.decode()
    assert f'<a href="{material_url(meeting, disclosed)}">仕様書</a>' in page
    assert material_url(meeting, withheld) not in page
    listed = page[page.index('class="list-plain public-materials"') :]
    item = listed[listed.index("再委託の承認願") :]
    assert FIFTH in item[: item.index("</li>")]


def test_a_disclosed_material_downloads_for_the_public(
    personas: Personas, meeting: Meeting, materials: tuple[Attachment, Attachment]
) -> None:
    disclosed, _ = materials
    publish(personas, meeting)
    response = Client().get(material_url(meeting, disclosed))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('仕様書.pdf')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"  # type: ignore[attr-defined]


def test_a_withheld_material_is_not_found(
    personas: Personas, meeting: Meeting, materials: tuple[Attachment, Attachment]
) -> None:
    _, withheld = materials
    publish(personas, meeting)
    assert Client().get(material_url(meeting, withheld)).status_code == 404


def test_minutes_with_an_undecided_material_are_not_published(
    personas: Personas, meeting: Meeting
) -> None:
    undecided = make_material(consultation_of(meeting, personas), personas, "仕様書")
    with pytest.raises(PublicationError, match="「仕様書」"):
        publish(personas, meeting)
    assert not PublishedMinutes.objects.exists()
    assert Client().get(material_url(meeting, undecided)).status_code == 404


def test_a_disclosed_material_of_draft_or_withdrawn_minutes_is_not_found(
    personas: Personas, meeting: Meeting, materials: tuple[Attachment, Attachment]
) -> None:
    disclosed, _ = materials
    assert Client().get(material_url(meeting, disclosed)).status_code == 404
    publish(personas, meeting)
    withdraw(personas, meeting)
    assert Client().get(material_url(meeting, disclosed)).status_code == 404


def test_a_material_is_reached_only_through_its_own_meeting(
    personas: Personas, meeting: Meeting, materials: tuple[Attachment, Attachment]
) -> None:
    disclosed, _ = materials
    other = make_meeting(personas, number=6)
    publish(personas, meeting)
    publish(personas, other)
    assert Client().get(material_url(other, disclosed)).status_code == 404


def test_withheld_words_are_marked_in_material_titles_and_file_names(
    personas: Personas, meeting: Meeting
) -> None:
    consultation = consultation_of(meeting, personas)
    disclosed = make_material(consultation, personas, "株式会社ミドリ仕様書")
    document_services.set_material_disclosure(
        actor=personas.secretariat, minutes=meeting.minutes, attachment=disclosed, disclosed=True
    )
    Redaction.objects.create(
        minutes=meeting.minutes,
        text="株式会社ミドリ",
        ground=DisclosureGround.objects.get(article="情報公開条例第6条第2号"),
        created_by=personas.secretariat,
        created_at=timezone.now(),
    )
    publish(personas, meeting)
    page = Client().get(detail_url(meeting)).content.decode()
    assert "株式会社ミドリ" not in page
    assert "■■■（情報公開条例第6条第2号）仕様書</a>" in page
    response = Client().get(material_url(meeting, disclosed))
    assert response.status_code == 200
    assert quote("株式会社ミドリ") not in response["Content-Disposition"]
    assert quote("■■■（情報公開条例第6条第2号）仕様書.pdf") in response["Content-Disposition"]
