"""Publishing under concurrency and after the fact: rendering outside any transaction, marks
made while publishing, materials frozen at publication, legacy minutes, audit digests, and
purging the files of a withdrawn copy."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations.models import Consultation
from mamori.council import services as council_services
from mamori.council.models import AgendaItem, Meeting, Minutes
from mamori.documents import publication, render_pdf, services
from mamori.documents.models import PublishedMinutes, Redaction
from mamori.documents.tests.helpers import ground, make_material
from mamori.documents.tests.helpers import publish as publish_the_old_way

COMPANY = "株式会社ミドリ"


@pytest.fixture(autouse=True)
def _own_file_storage(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    """平成21年度第3回: 諮問第4号 with an opinion naming the contractor and one material."""
    meeting = testing.make_meeting(personas.council, number=3)
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
    testing.put_on_agenda(meeting, consultation, order=1)
    testing.make_opinion(consultation, meeting=meeting, text=f"委託先の{COMPANY}は適切か。")
    return meeting


def consultation(meeting: Meeting) -> Consultation:
    return Consultation.objects.get(agenda_items__meeting=meeting)


def publish(personas: Personas, meeting: Meeting) -> PublishedMinutes:
    council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    snapshot = publication.current_snapshot(meeting.minutes)
    assert snapshot is not None
    return snapshot


def public_url(meeting: Meeting, name: str = "council:public_minutes_detail", **extra: Any) -> str:
    kwargs = {"council": meeting.council.slug, "fiscal_year": 2009, "number": meeting.number}
    return reverse(name, kwargs=kwargs | extra)


def stale_copy(meeting: Meeting) -> Minutes:
    """The minutes as a page loaded them before they were published."""
    return Minutes.objects.get(pk=meeting.minutes.pk)


# R1: a page loaded before publication cannot mark the minutes after it -----------------------


def test_words_cannot_be_withheld_through_a_copy_loaded_before_publication(
    personas: Personas, meeting: Meeting
) -> None:
    loaded = stale_copy(meeting)
    publish(personas, meeting)
    assert loaded.status == Minutes.Status.DRAFT
    with pytest.raises(ValidationError):
        services.add_redaction(
            actor=personas.secretariat, minutes=loaded, text=COMPANY, ground=ground()
        )
    assert not Redaction.objects.exists()


def test_words_cannot_be_disclosed_again_through_a_stale_copy(
    personas: Personas, meeting: Meeting
) -> None:
    redaction = services.add_redaction(
        actor=personas.secretariat, minutes=meeting.minutes, text=COMPANY, ground=ground()
    )
    stale = Redaction.objects.select_related("minutes").get(pk=redaction.pk)
    publish(personas, meeting)
    with pytest.raises(ValidationError):
        services.remove_redaction(actor=personas.secretariat, redaction=stale)
    assert Redaction.objects.filter(pk=redaction.pk).exists()


def test_a_material_cannot_be_decided_through_a_stale_copy(
    personas: Personas, meeting: Meeting
) -> None:
    material = make_material(consultation(meeting), personas.staff)
    loaded = stale_copy(meeting)
    services.set_material_disclosure(
        actor=personas.secretariat,
        minutes=meeting.minutes,
        attachment=material,
        disclosed=False,
        ground=ground(),
    )
    publish(personas, meeting)
    with pytest.raises(ValidationError):
        services.set_material_disclosure(
            actor=personas.secretariat, minutes=loaded, attachment=material, disclosed=True
        )
    assert not material.disclosures.get().disclosed


# R2: rendering happens outside the transaction; a mark made meanwhile stops the publication --


def test_a_word_withheld_while_the_minutes_render_stops_the_publication(
    personas: Personas, meeting: Meeting, monkeypatch: Any
) -> None:
    original = publication.render_for_publication

    def render_while_someone_marks(minutes: Minutes) -> publication.Rendering:
        rendering = original(minutes)
        # Another secretariat user withholds a word while the files are being rendered.
        services.add_redaction(
            actor=personas.secretariat, minutes=stale_copy(meeting), text=COMPANY, ground=ground()
        )
        return rendering

    monkeypatch.setattr(publication, "render_for_publication", render_while_someone_marks)
    with pytest.raises(publication.PublicationError):
        council_services.publish_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    assert Minutes.objects.get(pk=meeting.minutes.pk).status == Minutes.Status.DRAFT
    assert not PublishedMinutes.objects.exists()
    assert (
        not default_storage.exists(f"published/{meeting.minutes.pk}")
        or not (default_storage.listdir(f"published/{meeting.minutes.pk}")[1])
    )


@pytest.mark.django_db(transaction=True)
def test_the_files_render_outside_any_transaction(
    personas: Personas, meeting: Meeting, monkeypatch: Any
) -> None:
    seen: list[bool] = []
    original = render_pdf.render_pdf

    def watching(document: Any) -> bytes:
        seen.append(connection.in_atomic_block)
        return original(document)

    monkeypatch.setattr(render_pdf, "render_pdf", watching)
    publish(personas, meeting)
    assert seen == [False]


# R4: the materials are frozen at publication --------------------------------------------------


def test_a_material_filed_after_publication_is_neither_listed_nor_served(
    personas: Personas, meeting: Meeting
) -> None:
    publish(personas, meeting)
    late = make_material(consultation(meeting), personas.staff, title="後から追加された従業員名簿")
    page = Client().get(public_url(meeting)).content.decode()
    assert "後から追加された従業員名簿" not in page
    material_url = public_url(meeting, "documents:public_material", pk=late.pk)
    assert Client().get(material_url).status_code == 404


def test_the_materials_listed_are_those_decided_at_publication(
    personas: Personas, meeting: Meeting
) -> None:
    material = make_material(consultation(meeting), personas.staff, title=f"{COMPANY}の承認願")
    services.add_redaction(
        actor=personas.secretariat, minutes=meeting.minutes, text=COMPANY, ground=ground()
    )
    services.set_material_disclosure(
        actor=personas.secretariat, minutes=meeting.minutes, attachment=material, disclosed=True
    )
    snapshot = publish(personas, meeting)
    [listed] = snapshot.materials
    assert listed["attachment_id"] == material.pk
    assert listed["disclosed"] is True
    assert COMPANY not in listed["title"] + listed["name"]
    response = Client().get(public_url(meeting, "documents:public_material", pk=material.pk))
    assert response.status_code == 200
    assert COMPANY not in response["Content-Disposition"]


def test_the_agenda_of_a_meeting_with_published_minutes_cannot_change(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    publish(personas, meeting)
    other = testing.make_consultation(personas.council, personas.shogai, number=5)
    with pytest.raises(ValidationError):
        council_services.add_agenda_item(
            actor=personas.secretariat,
            meeting=meeting,
            consultations=[other],
            kind=AgendaItem.Kind.DELIBERATION,
            title="追加の議題",
        )
    client.force_login(personas.secretariat)
    response = client.get(public_url(meeting, "council:agenda_item_create"))
    assert response.status_code == 302
    assert meeting.agenda_items.count() == 1


# R5: minutes published before snapshots existed ------------------------------------------------


def test_the_upgrade_command_puts_minutes_published_the_old_way_back_online(
    personas: Personas, meeting: Meeting
) -> None:
    publish_the_old_way(meeting.minutes)
    assert Client().get(public_url(meeting)).status_code == 404
    call_command("snapshot_published_minutes", stdout=io.StringIO())
    response = Client().get(public_url(meeting))
    assert response.status_code == 200
    assert f"委託先の{COMPANY}は適切か。" in response.content.decode()
    call_command("snapshot_published_minutes", stdout=io.StringIO())
    assert PublishedMinutes.objects.count() == 1


# R7 and R9: what publishing refuses --------------------------------------------------------------


def test_publishing_again_says_the_minutes_are_already_published(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    first = publish(personas, meeting)
    client.force_login(personas.secretariat)
    response = client.post(public_url(meeting, "council:minutes_publish"), follow=True)
    message = gettext(
        "The minutes are already published. To publish them again, withdraw them first."
    )
    assert message in response.content.decode()
    assert list(PublishedMinutes.objects.all()) == [first]


def test_publishing_with_an_undecided_material_names_it(
    client: Client, personas: Personas, meeting: Meeting
) -> None:
    make_material(consultation(meeting), personas.staff, title="セキュリティ体制図")
    client.force_login(personas.secretariat)
    response = client.post(public_url(meeting, "council:minutes_publish"), follow=True)
    assert "「セキュリティ体制図」" in response.content.decode()
    assert Minutes.objects.get(pk=meeting.minutes.pk).status == Minutes.Status.DRAFT


# R11: the audit trail holds digests, not the minutes ----------------------------------------------


def test_the_snapshot_is_audited_as_digests_not_as_text(
    personas: Personas, meeting: Meeting
) -> None:
    snapshot = publish(personas, meeting)
    event = AuditEvent.objects.get(
        use_case="documents.snapshot_minutes", object_id=str(snapshot.pk)
    )
    assert "html" not in event.changes and "text" not in event.changes
    assert event.changes["pdf_sha256"][1] == snapshot.pdf_sha256
    assert len(event.changes["html_sha256"][1]) == 64
    assert COMPANY not in str(event.changes)


# R12: caches revalidate; a withdrawn copy's files can be purged -----------------------------------


def test_public_files_must_be_revalidated_and_carry_an_etag(
    personas: Personas, meeting: Meeting
) -> None:
    snapshot = publish(personas, meeting)
    url = public_url(meeting, "documents:public_minutes_file", fmt="pdf")
    response = Client().get(url)
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"] == f'"{snapshot.pdf_sha256}"'
    again = Client().get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_the_files_of_a_withdrawn_copy_are_purged_and_audited(
    personas: Personas, meeting: Meeting, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = publish(personas, meeting)
    names = [snapshot.pdf.name, snapshot.docx.name]
    with pytest.raises(publication.PublicationError):
        publication.purge_snapshot_files(actor=personas.secretariat, snapshot=snapshot)
    council_services.withdraw_minutes(actor=personas.secretariat, minutes=meeting.minutes)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_published_files", str(snapshot.pk), stdout=io.StringIO())
    assert not any(default_storage.exists(name) for name in names)
    snapshot.refresh_from_db()
    assert snapshot.purged_at is not None
    assert AuditEvent.objects.filter(
        use_case="documents.purge_snapshot_files", object_id=str(snapshot.pk)
    ).exists()


def test_huge_numbers_in_public_addresses_are_not_found(
    personas: Personas, meeting: Meeting
) -> None:
    publish(personas, meeting)
    huge = 2**63
    for url in (
        public_url(meeting, "documents:public_material", pk=huge),
        reverse(
            "council:public_minutes_detail",
            kwargs={"council": meeting.council.slug, "fiscal_year": 2009, "number": huge},
        ),
        reverse(
            "documents:public_minutes_file",
            kwargs={
                "council": meeting.council.slug,
                "fiscal_year": huge,
                "number": 3,
                "fmt": "pdf",
            },
        ),
    ):
        assert Client().get(url).status_code == 404, url
    client = Client()
    client.force_login(personas.secretariat)
    delete = reverse("documents:redaction_delete", kwargs={"pk": huge})
    assert client.post(delete).status_code == 404


def test_the_upgrade_command_lists_the_materials_of_copies_made_before_lists_were_kept(
    personas: Personas, meeting: Meeting
) -> None:
    material = make_material(consultation(meeting), personas.staff, title="承認願")
    services.set_material_disclosure(
        actor=personas.secretariat, minutes=meeting.minutes, attachment=material, disclosed=True
    )
    snapshot = publish(personas, meeting)
    PublishedMinutes.objects.filter(pk=snapshot.pk).update(materials=None)
    material_url = public_url(meeting, "documents:public_material", pk=material.pk)
    assert Client().get(material_url).status_code == 404
    call_command("snapshot_published_minutes", stdout=io.StringIO())
    assert Client().get(material_url).status_code == 200
