"""The secretariat's pages for withholding words and materials; everyone else is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Attachment
from mamori.consultations.tests.helpers import EVERY_ROLE, sends_to_sign_in, signed_in
from mamori.council.models import Meeting, Minutes
from mamori.documents.models import MaterialDisclosure, Redaction
from mamori.documents.tests.helpers import SECOND, ground, make_material, publish

pytestmark = pytest.mark.django_db

OTHERS = [role for role in EVERY_ROLE if role != "secretariat"]


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    """A meeting whose minutes name the contractor in an opinion, with two materials."""
    meeting = testing.make_meeting(personas.council, number=3)
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
    testing.put_on_agenda(meeting, consultation, order=1)
    testing.make_opinion(consultation, meeting=meeting, text="委託先の株式会社ミドリは適切か。")
    make_material(consultation, personas.staff, title="承認願", name="承認願.pdf")
    make_material(consultation, personas.staff, title="セキュリティ体制図", name="体制図.pdf")
    return meeting


def url(meeting: Meeting, name: str) -> str:
    return reverse(
        f"documents:{name}",
        kwargs={
            "council": meeting.council.slug,
            "fiscal_year": meeting.fiscal_year,
            "number": meeting.number,
        },
    )


def withhold(meeting: Meeting, personas: Personas, text: str = "株式会社ミドリ") -> Redaction:
    """Words withheld, saved directly (no audit event)."""
    return Redaction.objects.create(
        minutes=meeting.minutes,
        text=text,
        ground=ground(),
        created_by=personas.secretariat,
        created_at=timezone.now(),
    )


def material_form(meeting: Meeting, **choices: tuple[str, Any]) -> dict[str, Any]:
    """The materials form, every material published unless its title is given a choice."""
    data: dict[str, Any] = {}
    for attachment in Attachment.objects.filter(consultation__agenda_items__meeting=meeting):
        choice, chosen_ground = choices.get(attachment.title, ("publish", ""))
        data[f"material_{attachment.pk}"] = choice
        data[f"ground_{attachment.pk}"] = chosen_ground
    return data


# Who may open the pages ------------------------------------------------------------------


@pytest.mark.parametrize("page_name", ["redactions", "materials"])
def test_the_secretariat_opens_the_marking_pages(
    client: Client, personas: Personas, meeting: Meeting, page_name: str
) -> None:
    response = signed_in(client, personas, "secretariat").get(url(meeting, page_name))
    assert response.status_code == 200


@pytest.mark.parametrize("page_name", ["redactions", "materials"])
@pytest.mark.parametrize("role", OTHERS)
def test_everyone_else_is_refused(
    client: Client, personas: Personas, meeting: Meeting, page_name: str, role: str
) -> None:
    response = signed_in(client, personas, role).get(url(meeting, page_name))
    assert response.status_code == 403


@pytest.mark.parametrize("page_name", ["redactions", "materials"])
def test_signed_out_visitors_are_sent_to_sign_in(
    client: Client, meeting: Meeting, page_name: str
) -> None:
    response: Any = client.get(url(meeting, page_name))
    assert sends_to_sign_in(response)


def test_an_unknown_meeting_is_not_found(client: Client, personas: Personas) -> None:
    client.force_login(personas.secretariat)
    address = reverse(
        "documents:redactions", kwargs={"council": "kojin", "fiscal_year": 2009, "number": 99}
    )
    assert client.get(address).status_code == 404


@pytest.mark.parametrize("role", OTHERS)
def test_no_one_else_may_post_to_the_marking_pages(
    client: Client, personas: Personas, meeting: Meeting, role: str
) -> None:
    redaction = withhold(meeting, personas)
    signed_in(client, personas, role)
    redactions = {"text": "株式会社ミドリ", "ground": ground().pk}
    assert client.post(url(meeting, "redactions"), redactions).status_code == 403
    assert client.post(url(meeting, "materials"), material_form(meeting)).status_code == 403
    delete = reverse("documents:redaction_delete", kwargs={"pk": redaction.pk})
    assert client.post(delete).status_code == 403
    assert Redaction.objects.count() == 1
    assert not MaterialDisclosure.objects.exists()


def test_the_draft_minutes_link_to_the_marking_pages_for_the_secretariat_only(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    draft = reverse(
        "council:minutes_draft",
        kwargs={"council": "kojin", "fiscal_year": meeting.fiscal_year, "number": 3},
    )
    page = signed_in(client, personas, "secretariat").get(draft).content.decode()
    assert url(meeting, "redactions") in page and url(meeting, "materials") in page
    page = signed_in(client, personas, "member").get(draft).content.decode()
    assert url(meeting, "redactions") not in page


# Withholding words ------------------------------------------------------------------------


def test_the_page_lists_the_words_with_their_grounds_and_previews_the_marks(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    withhold(meeting, personas)
    page = signed_in(client, personas, "secretariat").get(url(meeting, "redactions"))
    listing, preview = page.content.decode().split('<h2 id="preview">')
    assert "株式会社ミドリ" in listing and SECOND in listing
    assert "非公開を解除" in listing
    assert f"■■■（{SECOND}）" in preview
    assert "株式会社ミドリ" not in preview


def test_the_secretariat_withholds_words_by_posting_the_form(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    response = client.post(
        url(meeting, "redactions"), {"text": " 株式会社ミドリ ", "ground": ground().pk}
    )
    assert response.status_code == 302
    redaction = Redaction.objects.get()
    assert (redaction.text, redaction.ground.article) == ("株式会社ミドリ", SECOND)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("鈴木花子", "会議録にありません"),
        ("", "このフィールドは必須です"),
    ],
)
def test_words_that_cannot_be_withheld_get_a_japanese_message(
    client: Client, personas: Personas, meeting: Meeting, text: str, message: str
) -> None:
    client.force_login(personas.secretariat)
    response = client.post(url(meeting, "redactions"), {"text": text, "ground": ground().pk})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Redaction.objects.exists()


def test_the_same_words_twice_are_refused_with_a_message(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    withhold(meeting, personas)
    client.force_login(personas.secretariat)
    response = client.post(
        url(meeting, "redactions"), {"text": "株式会社ミドリ", "ground": ground().pk}
    )
    assert "既に非公開" in response.content.decode()
    assert Redaction.objects.count() == 1


def test_an_inactive_ground_cannot_be_chosen(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    retired = ground()
    retired.active = False
    retired.save(update_fields=["active"])
    client.force_login(personas.secretariat)
    response = client.post(
        url(meeting, "redactions"), {"text": "株式会社ミドリ", "ground": retired.pk}
    )
    assert response.status_code == 200
    assert not Redaction.objects.exists()


def test_the_secretariat_discloses_words_again(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    redaction = withhold(meeting, personas)
    client.force_login(personas.secretariat)
    delete = reverse("documents:redaction_delete", kwargs={"pk": redaction.pk})
    assert client.get(delete).status_code == 405
    response = client.post(delete)
    assert response["Location"] == url(meeting, "redactions")
    assert not Redaction.objects.exists()


def test_nothing_changes_while_the_minutes_are_published(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    redaction = withhold(meeting, personas)
    publish(meeting.minutes)
    client.force_login(personas.secretariat)
    page = client.get(url(meeting, "redactions")).content.decode()
    assert "公開を取り下げて" in page
    response = client.post(
        reverse("documents:redaction_delete", kwargs={"pk": redaction.pk}), follow=True
    )
    assert "公開を取り下げて" in response.content.decode()
    response = client.post(url(meeting, "redactions"), {"text": "委託先", "ground": ground().pk})
    assert "公開を取り下げて" in response.content.decode()
    assert list(Redaction.objects.all()) == [redaction]


# Materials --------------------------------------------------------------------------------


def test_the_materials_page_lists_each_material_withheld_until_decided(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    page = signed_in(client, personas, "secretariat").get(url(meeting, "materials"))
    text = page.content.decode()
    assert "承認願" in text and "セキュリティ体制図" in text
    assert len(re.findall(r'value="withhold"[^>]*checked', text)) == 2
    assert not re.findall(r'value="publish"[^>]*checked', text)


def test_the_secretariat_saves_every_material_at_once(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    data = material_form(meeting, セキュリティ体制図=("withhold", ground().pk))
    response = client.post(url(meeting, "materials"), data)
    assert response.status_code == 302
    decisions = {
        d.attachment.title: (d.disclosed, d.ground and d.ground.article)
        for d in MaterialDisclosure.objects.all()
    }
    assert decisions == {"承認願": (True, None), "セキュリティ体制図": (False, SECOND)}


def test_a_material_withheld_without_a_ground_saves_nothing(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    client.force_login(personas.secretariat)
    data = material_form(meeting, セキュリティ体制図=("withhold", ""))
    response = client.post(url(meeting, "materials"), data)
    assert response.status_code == 200
    assert "非公開とする理由（根拠）を選んでください。" in response.content.decode()
    assert not MaterialDisclosure.objects.exists()


def test_materials_cannot_change_while_the_minutes_are_published(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    publish(meeting.minutes)
    client.force_login(personas.secretariat)
    response = client.post(url(meeting, "materials"), material_form(meeting))
    assert response.status_code == 200
    assert "公開を取り下げて" in response.content.decode()
    assert not MaterialDisclosure.objects.exists()
