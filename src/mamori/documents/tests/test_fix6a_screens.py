"""The secretariat's screens around publication and what residents see: one place deciding the
materials, internal files labelled, withheld words shown where they occur and confirmed when
risky, the public page, list, feed and search speaking to residents."""

from __future__ import annotations

from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation
from mamori.core import demo_records
from mamori.council import services as council_services
from mamori.council.models import Meeting, Minutes
from mamori.documents import services
from mamori.documents.models import MaterialDisclosure, PublishedMinutes, Redaction
from mamori.documents.tests.helpers import SECOND, ground, make_material
from mamori.documents.tests.test_feed import ATOM, read_feed


@pytest.fixture(autouse=True)
def _own_file_storage(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    """平成21年度第3回 with 諮問第4号, an opinion naming the coordinator, and one material."""
    meeting = testing.make_meeting(personas.council, number=3)
    Minutes.objects.create(meeting=meeting)
    consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
    testing.put_on_agenda(meeting, consultation, order=1)
    testing.make_opinion(
        consultation, meeting=meeting, text="コーディネーターの山田太郎氏は市の職員か。市の負担は。"
    )
    make_material(consultation, personas.staff, title="承認願", name="承認願.pdf")
    return meeting


def url(meeting: Meeting, name: str, **extra: Any) -> str:
    kwargs = {"council": meeting.council.slug, "fiscal_year": 2009, "number": meeting.number}
    return reverse(name, kwargs=kwargs | extra)


def secretariat(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.secretariat)
    return client


def decide_all(personas: Personas, meeting: Meeting, *, disclosed: bool) -> None:
    for material in Consultation.objects.get(number=4).attachments.all():
        services.set_material_disclosure(
            actor=personas.secretariat,
            minutes=meeting.minutes,
            attachment=material,
            disclosed=disclosed,
            ground=None if disclosed else ground(),
        )


def publish(personas: Personas, meeting: Meeting) -> PublishedMinutes:
    council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    return PublishedMinutes.objects.current().get(minutes=meeting.minutes)


def materials_form(
    meeting: Meeting, *, choice: str, ground_pk: Any = "", reason: str = ""
) -> dict[str, Any]:
    material = Consultation.objects.get(number=4).attachments.get()
    return {
        f"material_{material.pk}": choice,
        f"ground_{material.pk}": ground_pk,
        "reason": reason,
    }


# UX1 / UX6 / UX18: the materials page is the one place deciding the materials ---------------


def test_the_old_materials_setting_leads_to_the_materials_page(
    personas: Personas, meeting: Meeting
) -> None:
    response = secretariat(personas).get(url(meeting, "council:minutes_edit"))
    assert response.status_code == 302
    assert response["Location"] == url(meeting, "documents:materials")


def test_the_materials_page_saves_the_decisions_and_the_reason_together(
    personas: Personas, meeting: Meeting
) -> None:
    data = materials_form(meeting, choice="withhold", ground_pk=ground().pk, reason="契約前のため")
    response = secretariat(personas).post(url(meeting, "documents:materials"), data)
    assert response.status_code == 302
    minutes = Minutes.objects.get(pk=meeting.minutes.pk)
    assert minutes.materials_reason == "契約前のため"
    assert minutes.materials_published is False
    assert MaterialDisclosure.objects.get().ground == ground()


def test_the_draft_lists_each_materials_decision(personas: Personas, meeting: Meeting) -> None:
    decide_all(personas, meeting, disclosed=False)
    page = secretariat(personas).get(url(meeting, "council:minutes_draft")).content.decode()
    assert "承認願：" in page and SECOND in page


def test_an_error_on_the_materials_page_links_to_its_row(
    personas: Personas, meeting: Meeting
) -> None:
    material = Consultation.objects.get(number=4).attachments.get()
    response = secretariat(personas).post(
        url(meeting, "documents:materials"), materials_form(meeting, choice="withhold")
    )
    page = response.content.decode()
    assert f'href="#material-row-{material.pk}"' in page
    assert f'id="material-row-{material.pk}"' in page


def test_published_minutes_show_the_materials_disabled_and_refuse_changes(
    personas: Personas, meeting: Meeting
) -> None:
    decide_all(personas, meeting, disclosed=False)
    publish(personas, meeting)
    client = secretariat(personas)
    page = client.get(url(meeting, "documents:materials")).content.decode()
    assert page.count("disabled") >= 3  # both radios and the select
    client.post(url(meeting, "documents:materials"), materials_form(meeting, choice="publish"))
    assert not MaterialDisclosure.objects.get().disclosed


# UX2: internal files are labelled; the public files are linked once published ----------------


def test_the_draft_labels_the_internal_files_and_links_the_public_ones(
    personas: Personas, meeting: Meeting
) -> None:
    client = secretariat(personas)
    label = gettext("Minutes (internal, including the parts withheld)")
    public_pdf = url(meeting, "documents:public_minutes_file", fmt="pdf")
    page = client.get(url(meeting, "council:minutes_draft")).content.decode()
    assert label in page and public_pdf not in page
    decide_all(personas, meeting, disclosed=True)
    publish(personas, meeting)
    page = client.get(url(meeting, "council:minutes_draft")).content.decode()
    assert public_pdf in page


# UX3 / UX10: where withheld words occur, and confirmation for risky words --------------------


def test_the_redactions_page_counts_each_words_places_with_context(
    personas: Personas, meeting: Meeting
) -> None:
    services.add_redaction(
        actor=personas.secretariat, minutes=meeting.minutes, text="山田太郎", ground=ground()
    )
    page = secretariat(personas).get(url(meeting, "documents:redactions")).content.decode()
    assert "【山田太郎】氏は市の職員か" in page
    assert "documents/document.css" in page


def test_a_one_character_word_is_withheld_only_after_confirmation(
    personas: Personas, meeting: Meeting
) -> None:
    client = secretariat(personas)
    data = {"text": "市", "ground": ground().pk}
    response = client.post(url(meeting, "documents:redactions"), data)
    assert response.status_code == 200
    assert "【市】" in response.content.decode()
    assert not Redaction.objects.exists()
    response = client.post(url(meeting, "documents:redactions"), data | {"confirmed": "on"})
    assert response.status_code == 302
    assert Redaction.objects.get().text == "市"


def test_half_width_and_full_width_forms_of_withheld_words_are_one_word(
    personas: Personas, meeting: Meeting
) -> None:
    services.add_redaction(
        actor=personas.secretariat,
        minutes=meeting.minutes,
        text="コーディネーター",
        ground=ground(),
    )
    response = secretariat(personas).post(
        url(meeting, "documents:redactions"), {"text": "ｺｰﾃﾞｨﾈｰﾀｰ", "ground": ground().pk}
    )
    assert gettext("These words are already withheld.") in response.content.decode()
    assert Redaction.objects.count() == 1


# UX5: a Japanese error page that needs no context ------------------------------------------------


def test_the_server_error_page_renders_without_a_request() -> None:
    page = render_to_string("500.html")
    assert '<html lang="ja">' in page
    assert gettext("Server error") in page


# UX8 / UX9 / UX11 / UX15 / UX19: what residents see -----------------------------------------------


def test_a_withheld_word_in_the_meeting_title_is_marked_everywhere_outside_the_document(
    personas: Personas, meeting: Meeting
) -> None:
    decide_all(personas, meeting, disclosed=True)
    services.add_redaction(
        actor=personas.secretariat, minutes=meeting.minutes, text="運営審議会", ground=ground()
    )
    snapshot = publish(personas, meeting)
    assert "運営審議会" not in snapshot.title and "■■■" in snapshot.title
    page = Client().get(url(meeting, "council:public_minutes_detail")).content.decode()
    listing = Client().get(reverse("council:public_minutes_list")).content.decode()
    feed = read_feed()
    [entry] = feed.findall(f"{ATOM}entry")
    title_tag = page.split("<title>")[1].split("</title>")[0]
    breadcrumb = page.split('aria-current="page">')[1].split("</li>")[0]
    assert "運営審議会" not in title_tag + breadcrumb
    assert snapshot.title in listing and "個人情報保護運営審議会</a>" not in listing
    assert "運営審議会" not in (entry.findtext(f"{ATOM}title") or "")


def test_the_feed_is_named_after_the_city_and_council(personas: Personas, meeting: Meeting) -> None:
    decide_all(personas, meeting, disclosed=True)
    publish(personas, meeting)
    feed = read_feed()
    title = feed.findtext(f"{ATOM}title") or ""
    assert title.startswith(f"東村山市{personas.council.name}")


def test_the_public_page_and_list_give_the_downloads_with_their_sizes(
    personas: Personas, meeting: Meeting
) -> None:
    decide_all(personas, meeting, disclosed=True)
    snapshot = publish(personas, meeting)
    page = Client().get(url(meeting, "council:public_minutes_detail")).content.decode()
    quick = page.split('class="public-minutes__quick"')[1].split("</p>")[0]
    assert url(meeting, "documents:public_minutes_file", fmt="pdf") in quick
    assert gettext("Download the meeting materials") in page
    assert snapshot.pdf_size and snapshot.docx_size
    listing = Client().get(reverse("council:public_minutes_list")).content.decode()
    assert "public-minutes-list__size" in listing


def test_the_signed_out_search_speaks_of_the_published_minutes() -> None:
    page = Client().get(reverse("review_search:search")).content.decode()
    assert f"<h1>{gettext('Search the published minutes')}</h1>" in page
    assert reverse("council:public_minutes_list") in page
    assert gettext("Search precedents") not in page


def test_the_demo_materials_read_in_japanese() -> None:
    line = demo_records.demo_file_text("2009-5: approval_request (Mamori demo)")
    assert line == "2009-5　再委託の承認願（Mamori デモ用の見本）"
    assert demo_records.minimal_pdf("2009-5: approval_request (Mamori demo)").startswith(b"%PDF")
