"""The minutes as published: a snapshot of the redacted document in every public format.

Publishing renders the minutes once (web page fragment, text for the search, PDF, Word) and
keeps the result, so what the public reads never changes when the records are edited later;
only publishing again makes a new snapshot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Min
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone

from mamori.audit.writes import create_audited, update_audited
from mamori.council import access
from mamori.council.models import Minutes
from mamori.documents import builders, formats
from mamori.documents.model import plain_text
from mamori.documents.models import MaterialDisclosure, PublishedMinutes
from mamori.documents.redaction import Material, redact_string, rules_for
from mamori.documents.render_html import render_html

USE_CASE = "documents.snapshot_minutes"


@transaction.atomic
def snapshot_minutes(
    *, actor: Any, minutes: Minutes, now: dt.datetime | None = None
) -> PublishedMinutes:
    """Render the minutes for publication (withheld text and materials marked) and keep them;
    earlier snapshots are withdrawn, so the public sees this one."""
    document = builders.build_minutes(minutes.meeting, for_publication=True)
    # Everything is rendered before anything is stored: a failing renderer leaves nothing.
    html = render_html(document, standalone=False)
    text = plain_text(document)
    pdf = formats.render(document, "pdf").content
    docx = formats.render(document, "docx").content
    withdraw_snapshots(actor=actor, minutes=minutes, use_case=USE_CASE)
    snapshot = PublishedMinutes(minutes=minutes)
    try:
        snapshot.pdf.save("minutes.pdf", ContentFile(pdf), save=False)
        snapshot.docx.save("minutes.docx", ContentFile(docx), save=False)
        return create_audited(
            PublishedMinutes,
            actor=actor,
            use_case=USE_CASE,
            minutes=minutes,
            html=html,
            text=text,
            pdf=snapshot.pdf.name,
            docx=snapshot.docx.name,
            published_at=now or minutes.published_at or timezone.now(),
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    except BaseException:
        _delete_files(snapshot)
        raise


def _delete_files(snapshot: PublishedMinutes) -> None:
    for stored in (snapshot.pdf, snapshot.docx):
        if stored.name:
            stored.storage.delete(stored.name)


@transaction.atomic
def withdraw_snapshots(
    *, actor: Any, minutes: Minutes, use_case: str = "documents.withdraw_snapshots"
) -> int:
    """Take the minutes' current snapshots off the public site; returns how many."""
    now = timezone.now()
    current = PublishedMinutes.objects.filter(minutes=minutes, withdrawn_at__isnull=True)
    count = 0
    for snapshot in current.select_for_update():
        update_audited(snapshot, actor=actor, use_case=use_case, withdrawn_at=now)
        count += 1
    return count


def current_snapshot(minutes: Minutes) -> PublishedMinutes | None:
    """The snapshot the public sees of these minutes (the newest current one), if any."""
    return PublishedMinutes.objects.current().filter(minutes=minutes).first()


def get_public_snapshot(council_slug: str, fiscal_year: int, number: int) -> PublishedMinutes:
    """The snapshot the public sees of a meeting's minutes; 404 for a draft, withdrawn or
    never-rendered minutes."""
    minutes = access.get_published_minutes(council_slug, fiscal_year, number)
    snapshot = current_snapshot(minutes)
    if snapshot is None:
        raise Http404
    snapshot.minutes = minutes
    return snapshot


def file_size(stored: FieldFile) -> int | None:
    """The size of a stored file, or None when the storage cannot tell."""
    try:
        return stored.size if stored.name else None
    except OSError:
        return None


def public_snapshots() -> list[PublishedMinutes]:
    """The current snapshot of every published minutes, newest fiscal year and meeting first
    (their text and web page left unread)."""
    snapshots = (
        PublishedMinutes.objects.current()
        .select_related("minutes__meeting__council")
        .defer("html", "text")
        .order_by(
            "-minutes__meeting__fiscal_year",
            "minutes__meeting__council_id",
            "-minutes__meeting__number",
            "-published_at",
            "-id",
        )
    )
    seen: set[int] = set()
    newest: list[PublishedMinutes] = []
    for snapshot in snapshots:
        if snapshot.minutes_id not in seen:
            seen.add(snapshot.minutes_id)
            newest.append(snapshot)
    return newest


def published_materials(minutes: Minutes) -> list[Material]:
    """The materials of the meeting (attachments of the consultations on its agenda) with their
    publication decision: withheld, with no ground, unless the secretariat disclosed them."""
    from mamori.consultations.models import Attachment

    decisions = {
        d.attachment_id: d
        for d in MaterialDisclosure.objects.filter(minutes=minutes).select_related("ground")
    }
    # Titles are shown on the public page: words withheld from the minutes are withheld there.
    rules = rules_for(minutes)
    attachments = (
        Attachment.objects.filter(consultation__agenda_items__meeting_id=minutes.meeting_id)
        .annotate(first_item=Min("consultation__agenda_items__order"))
        .select_related("consultation")
        .order_by("first_item", "consultation__number", "uploaded_at", "id")
    )
    materials: list[Material] = []
    for attachment in attachments:
        decision = decisions.get(attachment.pk)
        disclosed = decision is not None and decision.disclosed
        ground = decision.ground if decision is not None and not disclosed else None
        materials.append(
            Material(
                attachment_id=attachment.pk,
                title=redact_string(attachment.title, rules),
                disclosed=disclosed,
                ground=ground.article if ground is not None else "",
                consultation=attachment.consultation.label,
            )
        )
    return materials


def public_material_name(snapshot: PublishedMinutes, attachment: Any) -> str:
    """The material's file name, with any words withheld from the minutes marked."""
    return redact_string(attachment.original_name, rules_for(snapshot.minutes))


def get_public_material(snapshot: PublishedMinutes, attachment_id: int) -> Any:
    """A material the secretariat disclosed with these published minutes, else 404."""
    from mamori.consultations.models import Attachment

    disclosure = (
        MaterialDisclosure.objects.filter(
            minutes_id=snapshot.minutes_id, attachment_id=attachment_id, disclosed=True
        )
        .select_related("attachment")
        .first()
    )
    on_agenda = Attachment.objects.filter(
        pk=attachment_id, consultation__agenda_items__meeting_id=snapshot.minutes.meeting_id
    )
    if disclosure is None or not on_agenda.exists():
        raise Http404
    return disclosure.attachment
