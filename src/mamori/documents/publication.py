"""The minutes as published: a snapshot of the redacted document in every public format.

Publishing renders the minutes once (web page fragment, text for the search, PDF, Word) and
keeps the result, so what the public reads never changes when the records are edited later.
Rendering takes seconds, so it runs outside any transaction; the snapshot is then stored in a
short transaction that locks the minutes and checks that the words and materials withheld are
still the ones rendered (`publication_state`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from mamori.audit.models import AuditEvent
from mamori.audit.services import record
from mamori.audit.writes import update_audited
from mamori.council import minutes as council_minutes
from mamori.council.models import Minutes
from mamori.documents import builders, formats
from mamori.documents import letterhead as letterheads
from mamori.documents.model import plain_text
from mamori.documents.models import (
    MaterialDisclosure,
    PublishedMinutes,
    Redaction,
    snapshot_path,
)
from mamori.documents.redaction import (
    Rule,
    materials_for,
    meeting_attachments,
    redact_string,
    rules_for,
)
from mamori.documents.render_html import render_html

USE_CASE = "documents.snapshot_minutes"


class PublicationError(Exception):
    """Minutes that cannot be published now, in the secretariat's words."""


@dataclass(frozen=True)
class PublicMaterial:
    """A material as listed with the published minutes (title and file name marked)."""

    attachment_id: int
    title: str
    name: str
    disclosed: bool
    ground: str
    consultation: str


# What is withheld -------------------------------------------------------------------------


def undecided_materials(minutes: Minutes) -> list[str]:
    """Titles of the meeting's materials with no publication decision yet."""
    return [m.title for m in materials_for(minutes.meeting) if not m.disclosed and not m.ground]


def publication_state(minutes: Minutes) -> str:
    """A digest of what decides the published text: the words withheld, the materials on the
    agenda and their decisions, and the reason given for withholding materials."""
    rules = list(
        Redaction.objects.filter(minutes=minutes)
        .order_by("id")
        .values_list("id", "text", "ground__article")
    )
    decisions = list(
        MaterialDisclosure.objects.filter(minutes=minutes)
        .order_by("attachment_id")
        .values_list("attachment_id", "disclosed", "ground_id")
    )
    attachments = [a.pk for a in meeting_attachments(minutes.meeting)]
    reason = Minutes.objects.filter(pk=minutes.pk).values_list("materials_reason", flat=True)
    state = [rules, decisions, attachments, list(reason)]
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()


def check_publishable(minutes: Minutes) -> None:
    """PublicationError when the minutes are already published or a material is undecided."""
    if minutes.is_published:
        raise PublicationError(
            _("The minutes are already published. To publish them again, withdraw them first.")
        )
    undecided = undecided_materials(minutes)
    if undecided:
        raise PublicationError(
            _(
                "Decide whether each material is published before publishing the minutes: "
                "%(titles)s."
            )
            % {"titles": "、".join(f"「{title}」" for title in undecided)}
        )


# Rendering (outside any transaction) -------------------------------------------------------


@dataclass
class Rendering:
    """The minutes rendered for publication, and the state they were rendered from."""

    state: str
    title: str
    summary: str
    file_stem: str
    html: str
    text: str
    pdf: bytes
    docx: bytes
    materials: list[dict[str, Any]] = field(default_factory=list)


def render_for_publication(minutes: Minutes) -> Rendering:
    """Everything the public will read of the minutes, rendered once; stores nothing."""
    state = publication_state(minutes)
    rules = rules_for(minutes)
    meeting = minutes.meeting
    document = builders.build_minutes(meeting, for_publication=True)
    pdf = formats.render(document, "pdf")
    return Rendering(
        state=state,
        title=redact_string(meeting.title, rules),
        summary=_summary(meeting, rules),
        file_stem=pdf.filename.rsplit(".", 1)[0],
        html=render_html(document, standalone=False),
        text=plain_text(document),
        pdf=pdf.content,
        docx=formats.render(document, "docx").content,
        materials=_frozen_materials(minutes, rules),
    )


def _summary(meeting: Any, rules: list[Rule]) -> str:
    """開催日時・開催場所・議題, in the letterhead's words, withheld words marked."""
    lh = letterheads.load()
    with override("ja"):
        doc = council_minutes.compose(meeting)
    agenda = " ".join(f"{item.number}. {item.title}" for item in doc.items)
    text = lh.minutes
    lines = [f"{text.held}：{doc.held}", f"{text.place}：{doc.place}", f"{text.agenda}：{agenda}"]
    return redact_string("\n".join(lines), rules)


def _frozen_materials(minutes: Minutes, rules: list[Rule]) -> list[dict[str, Any]]:
    names = {a.pk: a.original_name for a in meeting_attachments(minutes.meeting)}
    return [
        {
            "attachment_id": m.attachment_id,
            "title": redact_string(m.title, rules),
            "name": redact_string(names.get(m.attachment_id, ""), rules),
            "disclosed": m.disclosed,
            "ground": "" if m.disclosed else m.ground,
            "consultation": redact_string(m.consultation, rules),
        }
        for m in materials_for(minutes.meeting)
    ]


# Storing (a short transaction) ---------------------------------------------------------------


@dataclass(frozen=True)
class StoredFiles:
    pdf: str
    docx: str

    def delete(self) -> None:
        for name in (self.pdf, self.docx):
            default_storage.delete(name)


def store_files(minutes: Minutes, rendering: Rendering) -> StoredFiles:
    """The rendered files written to storage (before the transaction; deleted if it fails)."""
    holder = PublishedMinutes(minutes=minutes)
    pdf = default_storage.save(snapshot_path(holder, "minutes.pdf"), ContentFile(rendering.pdf))
    try:
        docx = default_storage.save(
            snapshot_path(holder, "minutes.docx"), ContentFile(rendering.docx)
        )
    except BaseException:
        default_storage.delete(pdf)
        raise
    return StoredFiles(pdf=pdf, docx=docx)


def _digest(content: str | bytes) -> str:
    data = content.encode() if isinstance(content, str) else content
    return hashlib.sha256(data).hexdigest()


def create_snapshot(
    *,
    actor: Any,
    minutes: Minutes,
    rendering: Rendering,
    files: StoredFiles,
    published_at: dt.datetime,
) -> PublishedMinutes:
    """Keep the rendering as the snapshot the public sees (earlier ones withdrawn); audited as
    ids and digests, not the text itself. Call inside the transaction that locked the minutes."""
    withdraw_snapshots(actor=actor, minutes=minutes, use_case=USE_CASE)
    snapshot = PublishedMinutes.objects.create(
        minutes=minutes,
        html=rendering.html,
        text=rendering.text,
        pdf=files.pdf,
        docx=files.docx,
        title=rendering.title,
        summary=rendering.summary,
        materials=rendering.materials,
        file_stem=rendering.file_stem,
        pdf_sha256=_digest(rendering.pdf),
        docx_sha256=_digest(rendering.docx),
        pdf_size=len(rendering.pdf),
        docx_size=len(rendering.docx),
        published_at=published_at,
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    changes = {
        "minutes_id": [None, minutes.pk],
        "published_at": [None, published_at.isoformat()],
        "html_sha256": [None, _digest(rendering.html)],
        "text_sha256": [None, _digest(rendering.text)],
        "pdf_sha256": [None, snapshot.pdf_sha256],
        "docx_sha256": [None, snapshot.docx_sha256],
        "materials": [None, [m["attachment_id"] for m in rendering.materials]],
    }
    record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        use_case=USE_CASE,
        obj=snapshot,
        changes=changes,
    )
    return snapshot


def snapshot_minutes(
    *, actor: Any, minutes: Minutes, now: dt.datetime | None = None
) -> PublishedMinutes:
    """Render minutes that are published but have no snapshot (published before snapshots
    existed) and keep the rendering as their public copy."""
    rendering = render_for_publication(minutes)
    files = store_files(minutes, rendering)
    try:
        with transaction.atomic():
            locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
            if publication_state(locked) != rendering.state:
                raise PublicationError(_("The minutes changed while they were being rendered."))
            return create_snapshot(
                actor=actor,
                minutes=locked,
                rendering=rendering,
                files=files,
                published_at=now or locked.published_at or timezone.now(),
            )
    except BaseException:
        files.delete()
        raise


def snapshot_published_minutes(*, actor: Any = None) -> list[PublishedMinutes]:
    """A snapshot for every published minutes that has none (after upgrading), so they stay
    on the public site."""
    made = []
    for minutes in Minutes.objects.published().select_related("meeting__council").order_by("id"):
        snapshot = current_snapshot(minutes)
        if snapshot is None:
            made.append(snapshot_minutes(actor=actor, minutes=minutes))
        elif snapshot.materials is None:
            _freeze_materials(actor, snapshot)
    return made


def _freeze_materials(actor: Any, snapshot: PublishedMinutes) -> None:
    """The materials list of a snapshot made before lists were kept, as the records now stand."""
    rules = rules_for(snapshot.minutes)
    update_audited(
        snapshot,
        actor=actor,
        use_case="documents.snapshot_published_minutes",
        materials=_frozen_materials(snapshot.minutes, rules),
        title=snapshot.title or redact_string(snapshot.minutes.meeting.title, rules),
    )


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


@transaction.atomic
def purge_snapshot_files(*, actor: Any, snapshot: PublishedMinutes) -> PublishedMinutes:
    """Delete a withdrawn snapshot's PDF and Word files from storage (after a leak, say); the
    row stays, as the record of what was published and when."""
    snapshot = PublishedMinutes.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.withdrawn_at is None:
        raise PublicationError(_("Withdraw the minutes before deleting their published files."))
    if snapshot.purged_at is not None:
        return snapshot
    names = [name for name in (snapshot.pdf.name, snapshot.docx.name) if name]
    # The files go once the row says so: a failed transaction leaves them in place.
    transaction.on_commit(lambda: _delete_stored(names))
    return update_audited(
        snapshot,
        actor=actor,
        use_case="documents.purge_snapshot_files",
        purged_at=timezone.now(),
        pdf="",
        docx="",
    )


def _delete_stored(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


# Reading (the public site) ---------------------------------------------------------------------


def current_snapshot(minutes: Minutes) -> PublishedMinutes | None:
    """The snapshot the public sees of these minutes (the newest current one), if any."""
    return PublishedMinutes.objects.current().filter(minutes=minutes).first()


def get_public_snapshot(
    council_slug: str, fiscal_year: int, number: int
) -> PublishedMinutes | None:
    """The snapshot the public sees of a meeting's minutes; None for a draft, withdrawn or
    never-rendered minutes."""
    minutes = (
        Minutes.objects.published()
        .select_related("meeting__council")
        .filter(
            meeting__council__slug=council_slug,
            meeting__fiscal_year=fiscal_year,
            meeting__number=number,
        )
        .first()
    )
    if minutes is None:
        return None
    snapshot = current_snapshot(minutes)
    if snapshot is not None:
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


def published_materials(snapshot: PublishedMinutes) -> list[PublicMaterial]:
    """The materials as listed when the minutes were published (never the live records)."""
    return [PublicMaterial(**entry) for entry in snapshot.materials or []]


def get_public_material(snapshot: PublishedMinutes, attachment_id: int) -> tuple[Any, str] | None:
    """A material disclosed with these published minutes and its published file name, or
    None when the snapshot did not disclose it (or it is gone)."""
    from mamori.consultations.models import Attachment

    for material in published_materials(snapshot):
        if material.attachment_id == attachment_id and material.disclosed:
            attachment = Attachment.objects.filter(pk=attachment_id).first()
            return (attachment, material.name) if attachment is not None else None
    return None
