"""Attachments of a consultation: checking a file by its content, storing it, and its facts.

A file is judged by what it contains, never by its name or the browser's content type:
PDF, PNG and JPEG by their signatures (the `filetype` library); Word and Excel by opening the
container, since `filetype` guesses OOXML from the order of zip entries and legacy Office
files from loose patterns in the first sector. OOXML files are zip archives whose
[Content_Types].xml names the main part; legacy .doc/.xls are OLE2 compound files whose
directory names the WordDocument or Workbook stream. Anything else is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePosixPath
from typing import IO, Any

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from pydantic import BaseModel

from mamori.audit.writes import create_audited, delete_audited
from mamori.consultations import access, handling, lifecycle
from mamori.consultations.models import Attachment, AttachmentFact, Consultation
from mamori.core.access import require

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
ACCEPTED_TYPES = frozenset({PDF, PNG, JPEG, DOCX, XLSX, DOC, XLS})
# The extension a file of each type is named with, whatever the name it was uploaded under, so
# that a program opening the downloaded file treats it as what it is.
EXTENSIONS = {
    PDF: ".pdf",
    DOCX: ".docx",
    DOC: ".doc",
    XLSX: ".xlsx",
    XLS: ".xls",
    PNG: ".png",
    JPEG: ".jpg",
}
# Types whose signature `filetype` reads reliably.
SIGNATURE_TYPES = frozenset({PDF, PNG, JPEG})

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 8192
MEGABYTE = 1024 * 1024
# The main part's content type in [Content_Types].xml; macro-enabled variants (.docm, .xlsm)
# declare other types and are refused.
OOXML_MAIN_PARTS = {
    DOCX: (b"wordprocessingml.document.main+xml", "word/"),
    XLSX: (b"spreadsheetml.sheet.main+xml", "xl/"),
}
CONTENT_TYPES_LIMIT = 256 * 1024
# Legacy Office: the stream that holds the document, by type.
OLE_STREAMS = {DOC: {"WordDocument"}, XLS: {"Workbook", "Book"}}
OLE_END_OF_CHAIN = 0xFFFFFFFA  # values from here up mark free, end or special sectors
OLE_MAX_DIRECTORY_SECTORS = 4096

# Statuses in which the department may still take an attachment back.
DELETABLE_STATUSES = frozenset({Consultation.Status.DRAFT, Consultation.Status.RETURNED})
# Beyond the department's draft, the secretariat still attaches while it receives the papers.
SECRETARIAT_UPLOAD_STATUSES = frozenset({Consultation.Status.SUBMITTED})


@dataclass(frozen=True)
class CheckedFile:
    """What the content check found: the type to serve it as, its size and its digest."""

    content_type: str
    size: int
    sha256: str


# Checking -----------------------------------------------------------------------------------


def megabytes(size: int) -> str:
    """A byte count in MB as a person reads it: 20, 2.5, 0.001."""
    value = size / MEGABYTE
    if value >= 1:
        return f"{value:.1f}".removesuffix(".0")
    return f"{value:.3g}"


def check_file(uploaded: File[Any]) -> CheckedFile:
    """Refuse an empty, oversized or unaccepted file; raises ValidationError with the reason."""
    size = uploaded.size or 0
    limit = settings.MAMORI_MAX_UPLOAD_BYTES
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is too large: attach a file of %(limit)s MB or less.")
            % {"limit": megabytes(limit)},
            code="too_large",
        )
    content_type = detect_type(uploaded)
    if content_type is None:
        raise ValidationError(
            _("This kind of file cannot be attached: attach a PDF, Word, Excel, PNG or JPEG file."),
            code="type",
        )
    checked = CheckedFile(content_type, size, _sha256(uploaded))
    uploaded.seek(0)
    return checked


def _sha256(uploaded: File[Any]) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredUpload:
    """A checked upload saved under a random name, with what its row records about it."""

    name: str
    original_name: str
    checked: CheckedFile

    @property
    def fields(self) -> dict[str, Any]:
        """The row's file columns: file, original_name, content_type, size, sha256."""
        return {
            "file": self.name,
            "original_name": self.original_name,
            "content_type": self.checked.content_type,
            "size": self.checked.size,
            "sha256": self.checked.sha256,
        }


@contextmanager
def stored_upload(instance: models.Model, uploaded_file: File[Any]) -> Iterator[StoredUpload]:
    """Check an upload (check_file), store it where the instance's `file` field puts it (a
    random name; the uploaded name, renamed for its real type, goes to the row), and delete it
    again if the block raises: no file is left without its row."""
    checked = check_file(uploaded_file)
    original_name = name_for_type(clean_name(uploaded_file.name), checked.content_type)
    field: models.FileField = type(instance)._meta.get_field("file")  # type: ignore[assignment]
    name = field.generate_filename(instance, original_name)
    stored = field.storage.save(name, uploaded_file, max_length=field.max_length)
    try:
        yield StoredUpload(stored, original_name, checked)
    except BaseException:
        field.storage.delete(stored)
        raise


def detect_type(uploaded: IO[bytes] | File[Any]) -> str | None:
    """The accepted content type of the file, judged by its content, or None."""
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    if head.startswith(ZIP_MAGIC):
        return _ooxml_type(uploaded)
    if head.startswith(OLE_MAGIC):
        return _ole_type(uploaded)
    guess = filetype.guess(head)
    mime = getattr(guess, "mime", None)
    return mime if mime in SIGNATURE_TYPES else None


def _ooxml_type(uploaded: IO[bytes] | File[Any]) -> str | None:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                return None
            with archive.open("[Content_Types].xml") as part:
                declared = part.read(CONTENT_TYPES_LIMIT)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    for content_type, (main_part, folder) in OOXML_MAIN_PARTS.items():
        if main_part in declared and any(name.startswith(folder) for name in names):
            return content_type
    return None


def _ole_type(uploaded: IO[bytes] | File[Any]) -> str | None:
    try:
        streams = set(_ole_stream_names(uploaded))
    except (ValueError, IndexError, OSError):
        return None
    finally:
        uploaded.seek(0)
    for content_type, names in OLE_STREAMS.items():
        if streams & names:
            return content_type
    return None


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "little")


def _ole_stream_names(uploaded: IO[bytes] | File[Any]) -> Iterator[str]:
    """The names in an OLE2 compound file's directory ([MS-CFB]), bounded against loops."""
    uploaded.seek(0)
    header = uploaded.read(512)
    shift = int.from_bytes(header[30:32], "little")
    if shift not in (9, 12):
        raise ValueError("not a compound file")
    sector_size = 1 << shift

    def sector(number: int) -> bytes:
        uploaded.seek((number + 1) * sector_size)
        data: bytes = uploaded.read(sector_size)
        if len(data) < sector_size:
            raise ValueError("truncated")
        return data

    fat_sectors = _ole_fat_sectors(header, sector, sector_size)
    per_sector = sector_size // 4
    current, seen = _u32(header, 48), set[int]()
    while current < OLE_END_OF_CHAIN and current not in seen:
        if len(seen) >= OLE_MAX_DIRECTORY_SECTORS:
            raise ValueError("directory too long")
        seen.add(current)
        data = sector(current)
        for offset in range(0, sector_size, 128):
            length = int.from_bytes(data[offset + 64 : offset + 66], "little")
            if 2 <= length <= 64:
                yield data[offset : offset + length - 2].decode("utf-16-le", "replace")
        fat = sector(fat_sectors[current // per_sector])
        current = _u32(fat, (current % per_sector) * 4)


def _ole_fat_sectors(header: bytes, sector: Any, sector_size: int) -> list[int]:
    count = _u32(header, 44)
    difat = [_u32(header, 76 + 4 * i) for i in range(109)]
    extra, remaining, seen = _u32(header, 68), _u32(header, 72), set[int]()
    while remaining and extra < OLE_END_OF_CHAIN and extra not in seen:
        seen.add(extra)
        data = sector(extra)
        difat += [_u32(data, offset) for offset in range(0, sector_size - 4, 4)]
        extra, remaining = _u32(data, sector_size - 4), remaining - 1
    return [number for number in difat[:count] if number < OLE_END_OF_CHAIN]


def clean_name(name: str | None) -> str:
    """The uploaded file's name without folders or control characters, at most 255 long."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    if base in ("", ".", ".."):
        base = _default_stem()
    if len(base) <= 255:
        return base
    suffix = PurePosixPath(base).suffix[:16]
    return base[: 255 - len(suffix)] + suffix


def name_for_type(name: str, content_type: str) -> str:
    """The name with the extension of the type its content was found to be (report.html of a
    PDF becomes report.pdf); a name with nothing before its extension becomes 添付資料.pdf."""
    extension = EXTENSIONS[content_type]
    stem = name.rpartition(".")[0] if "." in name else name
    stem = stem.rstrip(". ") or _default_stem()
    return stem[: 255 - len(extension)] + extension


def _default_stem() -> str:
    return pgettext("file name", "Attachment")


# Who may do what ----------------------------------------------------------------------------


def may_attach_to(user: Any, consultation: Consultation) -> bool:
    """Staff of the consultation's department and the secretariat file attachments (and the
    system); whether they may now depends on the consultation's state: see `upload_refusal`."""
    if lifecycle.is_system(user):
        return True
    return bool(
        lifecycle.is_department_staff_of(user, consultation)
        or (user.is_authenticated and user.is_secretariat)
    )


def upload_refusal(user: Any, consultation: Consultation) -> str | None:
    """Why the consultation's state bars the user from attaching now, or None when it does not.

    The department attaches while the consultation is a draft or returned for correction; the
    secretariat also while it is submitted. Afterwards what the council saw must not change."""
    if lifecycle.may(consultation, "submit"):
        return None
    secretariat = lifecycle.is_system(user) or (user.is_authenticated and user.is_secretariat)
    if secretariat and consultation.status in SECRETARIAT_UPLOAD_STATUSES:
        return None
    return _("%(label)s is “%(status)s”: documents cannot be attached now.") % _state_of(
        consultation
    )


def may_upload(user: Any, consultation: Consultation) -> bool:
    """Whether the user may attach a document to the consultation now."""
    return may_attach_to(user, consultation) and upload_refusal(user, consultation) is None


def may_delete(user: Any, attachment: Attachment) -> bool:
    """The department takes an attachment back while the consultation is a draft or returned."""
    consultation = attachment.consultation
    return (
        lifecycle.is_system(user) or lifecycle.is_department_staff_of(user, consultation)
    ) and consultation.status in DELETABLE_STATUSES


def facts_refusal(attachment: Attachment) -> str | None:
    """Why the consultation's state bars declaring or removing facts now, or None.

    Facts change only while the consultation is a draft or returned for correction."""
    consultation = attachment.consultation
    if lifecycle.may(consultation, "submit"):
        return None
    return _("%(label)s is “%(status)s”: the facts its documents state cannot be changed now.") % (
        _state_of(consultation)
    )


def may_declare_facts(user: Any, attachment: Attachment) -> bool:
    """Whoever files attachments declares what they state, while the facts may change."""
    return may_attach_to(user, attachment.consultation) and facts_refusal(attachment) is None


def _state_of(consultation: Consultation) -> dict[str, str]:
    return {"label": consultation.label, "status": consultation.get_status_display()}


def get_attachment_for_user(user: Any, attachment_id: int) -> Attachment:
    """An attachment of a consultation the user may see: 403 for others, 404 when unknown."""
    visible = access.consultations_visible_to(user)
    attachment = (
        Attachment.objects.select_related("consultation__council", "uploaded_by")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise Http404
    require(visible.filter(pk=attachment.consultation_id).exists())
    return attachment


# Services -----------------------------------------------------------------------------------


def upload_attachment(
    *,
    actor: Any,
    consultation: Consultation,
    kind: str,
    title: str,
    uploaded_file: File[Any],
    at: dt.datetime | None = None,
) -> Attachment:
    """Check a file by its content, store it under a random name and record it, audited."""
    if not may_attach_to(actor, consultation):
        raise PermissionDenied
    refusal = upload_refusal(actor, consultation)
    if refusal is not None:
        raise ValidationError(refusal, code="state")
    if kind not in Attachment.Kind.values:
        raise ValidationError(_("Choose the kind of document."), code="kind")
    with stored_upload(Attachment(consultation=consultation), uploaded_file) as upload:
        return create_audited(
            Attachment,
            actor=actor,
            use_case="consultations.upload_attachment",
            consultation=consultation,
            kind=kind,
            title=title.strip()[:200] or upload.original_name[:200],
            uploaded_by=actor if actor is not None else lifecycle.system_user(consultation),
            uploaded_at=at or timezone.now(),
            **upload.fields,
        )


def delete_attachment(*, actor: Any, attachment: Attachment) -> None:
    """Take an attachment back (and its facts), audited; the file goes once that is saved."""
    if not may_delete(actor, attachment):
        raise PermissionDenied
    storage, name = attachment.file.storage, attachment.file.name
    with transaction.atomic():
        for fact in attachment.facts.all():
            delete_audited(fact, actor=actor, use_case="consultations.delete_attachment")
        delete_audited(attachment, actor=actor, use_case="consultations.delete_attachment")
        if name:
            transaction.on_commit(lambda: storage.delete(name))


def declare_fact(
    *,
    actor: Any,
    attachment: Attachment,
    path: str,
    value: str,
    quote: str = "",
    page: str = "",
) -> AttachmentFact:
    """Record a fact the attachment states that the record also states, audited."""
    _check_facts_open(actor, attachment)
    if path not in dict(fact_paths(attachment.consultation)):
        raise ValidationError(_("Choose an item of the handling record."), code="path")
    value = value.strip()
    if not value:
        raise ValidationError(_("Enter the value the document states."), code="value")
    return create_audited(
        AttachmentFact,
        actor=actor,
        use_case="consultations.declare_fact",
        attachment=attachment,
        path=path,
        value=value[:200],
        quote=quote.strip(),
        page=page.strip()[:20],
    )


def remove_fact(*, actor: Any, fact: AttachmentFact) -> None:
    """Withdraw a declared fact, audited."""
    _check_facts_open(actor, fact.attachment)
    delete_audited(fact, actor=actor, use_case="consultations.remove_fact")


def _check_facts_open(actor: Any, attachment: Attachment) -> None:
    if not may_attach_to(actor, attachment.consultation):
        raise PermissionDenied
    refusal = facts_refusal(attachment)
    if refusal is not None:
        raise ValidationError(refusal, code="state")


# Record fields a fact may name ---------------------------------------------------------------


def attachments_of(consultation: Consultation) -> QuerySet[Attachment]:
    """A consultation's attachments with their uploader and facts, for the page."""
    return consultation.attachments.select_related("uploaded_by").prefetch_related("facts")


def attachments_for_page(consultation: Consultation) -> list[Attachment]:
    """The attachments, each fact labelled: `label` for its record field, `value_label`."""
    attachments = list(attachments_of(consultation))
    label_facts([fact for a in attachments for fact in a.facts.all()], consultation)
    return attachments


def label_facts(facts: list[AttachmentFact], consultation: Consultation) -> None:
    """Give each fact `label` (the record field, translated) and `value_label` (its value)."""
    labels = dict(fact_paths(consultation)) if facts else {}
    for fact in facts:
        values = dict(value_choices(fact.path))
        fact.label = labels.get(fact.path, fact.path)  # type: ignore[attr-defined]
        fact.value_label = values.get(fact.value, fact.value)  # type: ignore[attr-defined]


def _label(titles: tuple[str, ...]) -> str:
    # A section and its only field may share a title (対象者 › 対象者): say it once.
    parts = [_(title) for title in titles]
    return " › ".join(part for i, part in enumerate(parts) if i == 0 or part != parts[i - 1])


def fact_paths(consultation: Consultation | None = None) -> list[tuple[str, str]]:
    """(path, label) of every record field a fact may name: the fixed fields of the schema,
    then the fields of each row of the consultation's current record."""
    choices = [
        (entry.path, _label(entry.titles))
        for entry in handling.flatten(handling.HandlingRecord())
        if handling.row_of(entry.path) is None and not _is_row_list(entry.path)
    ]
    if consultation is not None:
        choices += _row_paths(lifecycle.working_record(consultation))
    return choices


def _row_paths(record: handling.HandlingRecord) -> list[tuple[str, str]]:
    choices = []
    for entry in handling.flatten(record):
        row_id = handling.row_of(entry.path)
        if row_id is None:
            continue
        name = _row_name(record, entry.path.split("[", 1)[0], row_id) or row_id
        parts = [*(_(title) for title in entry.titles[:-1]), name, _(entry.titles[-1])]
        choices.append((entry.path, " › ".join(parts)))
    return choices


def _row_name(record: handling.HandlingRecord, list_path: str, row_id: str) -> str:
    rows: Any = record
    for part in list_path.split("."):
        rows = getattr(rows, part)
    return next((str(row.name) for row in rows if row.row_id == row_id), "")


def value_choices(path: str) -> list[tuple[str, str]]:
    """The values a field can take when it is a choice (or yes/no), labelled; else none."""
    annotation = _leaf_annotation(path)
    if annotation is None:
        return []
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, StrEnum):
            return [
                (member.value, _(handling.CHOICE_LABELS.get(member, member.value)))
                for member in candidate
            ]
        if candidate is bool:
            return [("true", _("Yes")), ("false", _("No"))]
    return []


def _is_row_list(path: str) -> bool:
    inner: tuple[Any, ...] = getattr(_leaf_annotation(path), "__args__", ())
    return any(isinstance(arg, type) and issubclass(arg, handling.Row) for arg in inner)


def _leaf_annotation(path: str) -> Any:
    model: type[BaseModel] = handling.HandlingRecord
    annotation: Any = None
    for part in path.split("."):
        info = model.model_fields.get(part.split("[", 1)[0])
        if info is None:
            return None
        annotation = info.annotation
        inner = getattr(annotation, "__args__", None)
        if inner and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
            model = inner[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    if isinstance(annotation, type) and issubclass(annotation, handling.Fact):
        return annotation.model_fields["value"].annotation
    return annotation
