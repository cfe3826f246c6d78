"""Attachments: checked by content, stored under random names, served only to those who may
see the consultation, and the facts they state."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.utils.translation import gettext, pgettext

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import attachments
from mamori.consultations.models import Attachment, AttachmentFact, Consultation
from mamori.consultations.tests.helpers import audited, sends_to_sign_in, signed_in, url_of
from mamori.council.models import Meeting

pytestmark = pytest.mark.django_db

QUOTE = "Eメール、FAX、電話等によるサポート"
Status = Consultation.Status
# The department attaches while it drafts; the secretariat also while it receives the papers.
DEPARTMENT_OPEN = [Status.DRAFT, Status.RETURNED]
SECRETARIAT_OPEN = [Status.DRAFT, Status.RETURNED, Status.SUBMITTED]
DEPARTMENT_CLOSED = [status for status in Status if status not in DEPARTMENT_OPEN]
SECRETARIAT_CLOSED = [status for status in Status if status not in SECRETARIAT_OPEN]


@pytest.fixture
def consultation(personas: Personas) -> Consultation:
    """諮問第4号 of 障害支援課 while the department drafts it, when documents are attached."""
    return testing.make_consultation(
        personas.council, personas.shogai, fiscal_year=2009, number=4, status=Status.DRAFT
    )


def set_status(consultation: Consultation, status: str) -> None:
    consultation.status = status
    consultation.save(update_fields=["status"])


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Each test stores its files in a folder of its own, so what was written can be seen."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# Sample files, built as the real programs write them ----------------------------------------


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def ooxml(main_type: str, parts: dict[str, bytes]) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{next(iter(parts))}" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", b"<Relationships/>")
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    return ooxml(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        {"word/document.xml": "<w:document><w:body>承認願</w:body></w:document>".encode()},
    )


def xlsx() -> bytes:
    return ooxml(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        {"xl/workbook.xml": b"<workbook/>"},
    )


def docm() -> bytes:
    """A macro-enabled Word file: a zip with word/, but not a plain document."""
    return ooxml(
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        {"word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00" * 16},
    )


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", b"not a document")
    return buffer.getvalue()


def compound_file(stream: str) -> bytes:
    """A minimal OLE2 compound file (as legacy Office writes) whose directory names `stream`."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end)
    struct.pack_into("<I", header, 72, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))
    directory = bytearray(512)
    for index, name in enumerate(["Root Entry", stream]):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        offset = index * 128
        directory[offset : offset + len(encoded)] = encoded
        struct.pack_into("<HB", directory, offset + 64, len(encoded), 5 if index == 0 else 2)
    return bytes(header) + fat + bytes(directory)


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, content, content_type=content_type)


def post_upload(
    client: Client, consultation: Consultation, name: str, content: bytes, **fields: Any
) -> Any:
    data = {"kind": "approval_request", "title": "再委託承認願", **fields}
    data["file"] = upload(name, content)
    return client.post(url_of("attachment_upload", consultation), data)


def make_attachment(
    consultation: Consultation, user: Any, name: str = "承認願.pdf", content: bytes | None = None
) -> Attachment:
    return attachments.upload_attachment(
        actor=user,
        consultation=consultation,
        kind=Attachment.Kind.APPROVAL_REQUEST,
        title="再委託承認願",
        uploaded_file=upload(name, content or pdf()),
    )


# Uploading -----------------------------------------------------------------------------------

ACCEPTED: list[tuple[str, Callable[[], bytes], str]] = [
    ("承認願.pdf", pdf, attachments.PDF),
    ("仕様書.docx", docx, attachments.DOCX),
    ("名簿.xlsx", xlsx, attachments.XLSX),
    ("配置図.png", png, attachments.PNG),
    ("写真.jpg", jpeg, attachments.JPEG),
    ("旧仕様書.doc", lambda: compound_file("WordDocument"), attachments.DOC),
    ("旧名簿.xls", lambda: compound_file("Workbook"), attachments.XLS),
]

REFUSED: list[tuple[str, Callable[[], bytes]]] = [
    ("承認願.pdf", lambda: b"<!doctype html><html><script>alert(1)</script></html>"),
    ("仕様書.docx", plain_zip),
    ("仕様書.zip", plain_zip),
    ("仕様書.docx", docm),
    ("setup.pdf", lambda: b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    ("発表.doc", lambda: compound_file("PowerPoint Document")),
    ("空.pdf", lambda: b""),
]


class TestWhoMayAttach:
    @pytest.mark.parametrize("role", ["secretariat", "staff"])
    def test_the_department_and_the_secretariat_may_open_the_form(
        self, client: Client, personas: Personas, consultation: Consultation, role: str
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("attachment_upload", consultation))
        assert response.status_code == 200

    @pytest.mark.parametrize(
        "role", ["other_staff", "member", "outsider_member", "contractor", "auditor"]
    )
    def test_others_are_refused(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        meeting: Meeting,
        role: str,
    ) -> None:
        signed_in(client, personas, role)
        assert client.get(url_of("attachment_upload", consultation)).status_code == 403
        assert post_upload(client, consultation, "承認願.pdf", pdf()).status_code == 403
        assert not Attachment.objects.exists()

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, consultation: Consultation
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("attachment_upload", consultation)))


class TestAttaching:
    @pytest.mark.parametrize(("name", "content", "content_type"), ACCEPTED)
    def test_it_accepts_documents_and_images_by_their_content(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        name: str,
        content: Callable[[], bytes],
        content_type: str,
    ) -> None:
        data = content()
        response = post_upload(signed_in(client, personas, "staff"), consultation, name, data)
        assert response.status_code == 302
        attachment = Attachment.objects.get()
        assert attachment.content_type == content_type
        assert attachment.size == len(data)
        assert attachment.sha256 == hashlib.sha256(data).hexdigest()
        assert attachment.original_name == name
        assert attachment.uploaded_by == personas.staff
        assert attachment.file.read() == data

    def test_a_real_pdf_named_txt_is_accepted_as_a_pdf(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        post_upload(signed_in(client, personas, "staff"), consultation, "memo.txt", pdf())
        attachment = Attachment.objects.get()
        assert attachment.content_type == attachments.PDF
        assert attachment.original_name == "memo.pdf"

    def test_it_names_the_file_by_its_content_so_it_is_not_downloaded_as_html(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        signed_in(client, personas, "staff")
        post_upload(client, consultation, "report.html", pdf(), title="")
        attachment = Attachment.objects.get()
        assert (attachment.original_name, attachment.title) == ("report.pdf", "report.pdf")
        response = client.get(url_of("attachment_download", pk=attachment.pk))
        assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'

    @pytest.mark.parametrize(
        ("name", "content", "expected"),
        [
            ("写真.jpeg", jpeg, "写真.jpg"),
            ("報告書.PDF", pdf, "報告書.pdf"),
            ("仕様書", docx, "仕様書.docx"),
            ("名簿.xlsx.exe", xlsx, "名簿.xlsx.xlsx"),
            ("旧仕様書.htm", lambda: compound_file("WordDocument"), "旧仕様書.doc"),
            ("旧名簿.svg", lambda: compound_file("Workbook"), "旧名簿.xls"),
            ("配置図.", png, "配置図.png"),
        ],
    )
    def test_it_gives_the_name_the_extension_of_the_content_keeping_the_stem(
        self,
        personas: Personas,
        consultation: Consultation,
        name: str,
        content: Callable[[], bytes],
        expected: str,
    ) -> None:
        attachment = make_attachment(consultation, personas.staff, name, content())
        assert attachment.original_name == expected

    @pytest.mark.parametrize("name", [".html", "..pdf", " .pdf", "C:\\Users\\城\\.htm"])
    def test_a_name_without_a_stem_takes_a_plain_one(
        self, personas: Personas, consultation: Consultation, name: str
    ) -> None:
        attachment = make_attachment(consultation, personas.staff, name, pdf())
        assert attachment.original_name == pgettext("file name", "Attachment") + ".pdf"

    def test_the_upload_is_audited(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        post_upload(signed_in(client, personas, "secretariat"), consultation, "a.pdf", pdf())
        assert audited("consultations.upload_attachment") == 1

    def test_it_stores_the_file_under_a_random_name_not_the_original(
        self, client: Client, personas: Personas, consultation: Consultation, media_root: Path
    ) -> None:
        post_upload(signed_in(client, personas, "staff"), consultation, "承認願.pdf", pdf())
        stored = Attachment.objects.get().file.name
        assert stored is not None
        folder, name = stored.rsplit("/", 1)
        assert folder == f"consultations/{consultation.pk}"
        assert len(name) == 32 and int(name, 16) >= 0
        assert "承認願" not in stored and not stored.endswith(".pdf")
        assert stored_files(media_root) == [media_root / stored]

    def test_it_keeps_only_the_last_part_of_the_original_name(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        signed_in(client, personas, "staff")
        post_upload(client, consultation, "C:\\Users\\城\\..\\承認願.pdf", pdf())
        assert Attachment.objects.get().original_name == "承認願.pdf"

    def test_an_empty_title_takes_the_file_name(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        signed_in(client, personas, "staff")
        post_upload(client, consultation, "仕様書.pdf", pdf(), title="")
        assert Attachment.objects.get().title == "仕様書.pdf"


class TestRefusingFiles:
    @pytest.mark.parametrize(("name", "content"), REFUSED)
    def test_it_refuses_what_is_not_an_accepted_document_whatever_its_name(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        media_root: Path,
        name: str,
        content: Callable[[], bytes],
    ) -> None:
        signed_in(client, personas, "staff")
        response = post_upload(client, consultation, name, content())
        assert response.status_code == 200
        assert response.context["form"].errors["file"]
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []
        assert audited("consultations.upload_attachment") == 0

    def test_it_names_the_kind_of_files_it_accepts(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        signed_in(client, personas, "staff")
        response = post_upload(client, consultation, "a.pdf", b"<html></html>")
        assert response.context["form"].errors["file"] == [
            gettext(
                "This kind of file cannot be attached: attach a PDF, Word, Excel, PNG or JPEG file."
            )
        ]

    @override_settings(MAMORI_MAX_UPLOAD_BYTES=1024)
    def test_it_refuses_a_file_over_the_limit_naming_the_limit(
        self, client: Client, personas: Personas, consultation: Consultation, media_root: Path
    ) -> None:
        signed_in(client, personas, "staff")
        too_large = pdf() + b"%" * 1024
        response = post_upload(client, consultation, "a.pdf", too_large)
        message = gettext("The file is too large: attach a file of %(limit)s MB or less.")
        assert response.context["form"].errors["file"] == [message % {"limit": "0.000977"}]
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []

    def test_it_keeps_the_kind_and_title_after_a_refusal(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        signed_in(client, personas, "staff")
        response = post_upload(
            client, consultation, "a.pdf", b"<html>", kind="specification", title="委託仕様書"
        )
        page = response.content.decode()
        assert 'value="委託仕様書"' in page
        assert '<option value="specification" selected>' in page

    def test_the_service_refuses_too(self, personas: Personas, consultation: Consultation) -> None:
        with pytest.raises(ValidationError):
            make_attachment(consultation, personas.staff, "a.pdf", b"<html>")
        with pytest.raises(PermissionDenied):
            make_attachment(consultation, personas.other_staff)
        assert not Attachment.objects.exists()


class TestLimitInMegabytes:
    @pytest.mark.parametrize(
        ("size", "text"),
        [(20 * 1024 * 1024, "20"), (5 * 1024 * 1024 // 2, "2.5"), (1024, "0.000977")],
    )
    def test_it_reads_as_a_person_would_write_it(self, size: int, text: str) -> None:
        assert attachments.megabytes(size) == text


# Downloading ---------------------------------------------------------------------------------


@pytest.fixture
def attachment(personas: Personas, consultation: Consultation) -> Attachment:
    return make_attachment(consultation, personas.staff)


class TestDownloading:
    @pytest.mark.parametrize("role", ["secretariat", "staff", "member", "chair"])
    def test_those_who_may_see_the_consultation_get_the_file(
        self,
        client: Client,
        personas: Personas,
        attachment: Attachment,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).get(
            url_of("attachment_download", pk=attachment.pk)
        )
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf()
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=utf-8''%E6%89%BF%E8%AA%8D%E9%A1%98.pdf" in disposition

    def test_it_serves_the_checked_type_not_the_name_s(
        self, client: Client, personas: Personas, consultation: Consultation
    ) -> None:
        attachment = make_attachment(consultation, personas.staff, "memo.txt", pdf())
        response = signed_in(client, personas, "staff").get(
            url_of("attachment_download", pk=attachment.pk)
        )
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="memo.pdf"'

    @pytest.mark.parametrize("role", ["other_staff", "outsider_member", "contractor", "auditor"])
    def test_others_are_refused(
        self,
        client: Client,
        personas: Personas,
        attachment: Attachment,
        meeting: Meeting,
        role: str,
    ) -> None:
        response = signed_in(client, personas, role).get(
            url_of("attachment_download", pk=attachment.pk)
        )
        assert response.status_code == 403

    def test_a_member_is_refused_a_consultation_not_on_their_meetings(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        response = signed_in(client, personas, "member").get(
            url_of("attachment_download", pk=attachment.pk)
        )
        assert response.status_code == 403

    def test_a_member_may_once_it_is_on_a_meeting_s_agenda(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        meeting = testing.make_meeting(personas.council)
        testing.put_on_agenda(meeting, attachment.consultation)
        response = signed_in(client, personas, "member").get(
            url_of("attachment_download", pk=attachment.pk)
        )
        assert response.status_code == 200

    def test_an_unknown_attachment_is_not_found(self, client: Client, personas: Personas) -> None:
        response = signed_in(client, personas, "secretariat").get(
            url_of("attachment_download", pk=999_999)
        )
        assert response.status_code == 404

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, attachment: Attachment
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("attachment_download", pk=attachment.pk)))


# Facts ---------------------------------------------------------------------------------------


def declare(client: Client, attachment: Attachment, **fields: Any) -> Any:
    data = {"path": "outsourcing.support_method", "value": "remote", "quote": QUOTE, "page": "2"}
    data.update(fields)
    return client.post(url_of("attachment_facts", pk=attachment.pk), data)


class TestFacts:
    def test_the_department_declares_a_fact_the_attachment_states(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        response = declare(signed_in(client, personas, "staff"), attachment)
        assert response.status_code == 302
        fact = AttachmentFact.objects.get()
        assert (fact.attachment, fact.path, fact.value) == (
            attachment,
            "outsourcing.support_method",
            "remote",
        )
        assert (fact.quote, fact.page) == (QUOTE, "2")
        assert audited("consultations.declare_fact") == 1

    def test_it_refuses_a_path_that_is_not_in_the_record(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        response = declare(signed_in(client, personas, "staff"), attachment, path="nothing.here")
        assert response.status_code == 200
        assert response.context["form"].errors["path"]
        assert not AttachmentFact.objects.exists()

    def test_it_offers_the_rows_of_the_record(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        subcontractor = {"row_id": "sub1", "name": "株式会社サポート"}
        testing.make_version(
            attachment.consultation,
            data=testing.record_data(outsourcing={"subcontractors": [subcontractor]}),
        )
        path = "outsourcing.subcontractors[sub1].certifications"
        response = declare(signed_in(client, personas, "staff"), attachment, path=path, value="")
        assert path in dict(response.context["form"].fields["path"].choices)
        assert "株式会社サポート" in dict(response.context["form"].fields["path"].choices)[path]

    def test_it_offers_the_values_of_a_choice(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        response = signed_in(client, personas, "staff").get(
            url_of("attachment_facts", pk=attachment.pk),
            {"path": "outsourcing.support_method"},
            headers={"HX-Request": "true"},
        )
        page = response.content.decode()
        assert '<datalist id="fact-value-choices">' in page
        assert '<option value="remote">' in page
        assert "<html" not in page

    def test_a_fact_can_be_removed_and_that_is_audited(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        signed_in(client, personas, "staff")
        declare(client, attachment)
        fact = AttachmentFact.objects.get()
        response = client.post(url_of("attachment_facts", pk=attachment.pk), {"remove": fact.pk})
        assert response.status_code == 302
        assert not AttachmentFact.objects.exists()
        assert audited("consultations.remove_fact") == 1

    @pytest.mark.parametrize("role", ["secretariat", "staff", "member"])
    def test_those_who_may_see_the_consultation_see_the_facts(
        self,
        client: Client,
        personas: Personas,
        attachment: Attachment,
        meeting: Meeting,
        role: str,
    ) -> None:
        attachments.declare_fact(
            actor=personas.staff,
            attachment=attachment,
            path="outsourcing.support_method",
            value="remote",
            quote=QUOTE,
        )
        response = signed_in(client, personas, role).get(
            url_of("attachment_facts", pk=attachment.pk)
        )
        assert response.status_code == 200
        assert QUOTE in response.content.decode()

    def test_a_member_may_not_declare(
        self, client: Client, personas: Personas, attachment: Attachment, meeting: Meeting
    ) -> None:
        assert declare(signed_in(client, personas, "member"), attachment).status_code == 403
        assert not AttachmentFact.objects.exists()

    @pytest.mark.parametrize("role", ["other_staff", "contractor", "auditor"])
    def test_others_are_refused(
        self, client: Client, personas: Personas, attachment: Attachment, role: str
    ) -> None:
        signed_in(client, personas, role)
        assert client.get(url_of("attachment_facts", pk=attachment.pk)).status_code == 403
        assert declare(client, attachment).status_code == 403

    def test_a_signed_out_visitor_is_sent_to_sign_in(
        self, client: Client, attachment: Attachment
    ) -> None:
        assert sends_to_sign_in(client.get(url_of("attachment_facts", pk=attachment.pk)))


# Deleting ------------------------------------------------------------------------------------


def delete(client: Client, attachment: Attachment) -> Any:
    return client.post(url_of("attachment_facts", pk=attachment.pk), {"delete": "1"})


class TestDeleting:
    def test_the_department_deletes_an_attachment_of_a_draft_with_its_file(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        media_root: Path,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        consultation.status = Consultation.Status.DRAFT
        consultation.save(update_fields=["status"])
        attachment = make_attachment(consultation, personas.staff)
        attachments.declare_fact(
            actor=personas.staff, attachment=attachment, path="form.medium", value="paper"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = delete(signed_in(client, personas, "staff"), attachment)
        assert response.status_code == 302
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []
        assert audited("consultations.delete_attachment") == 2

    def test_it_refuses_once_the_consultation_is_submitted(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        set_status(attachment.consultation, Status.SUBMITTED)
        assert delete(signed_in(client, personas, "staff"), attachment).status_code == 403
        assert Attachment.objects.exists()

    def test_the_secretariat_does_not_delete_the_department_s_documents(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        Consultation.objects.update(status=Consultation.Status.RETURNED)
        assert delete(signed_in(client, personas, "secretariat"), attachment).status_code == 403
        assert Attachment.objects.exists()


# The list on the consultation's page -----------------------------------------------------


class TestTheList:
    def test_it_lists_each_attachment_with_its_download_link_and_facts(
        self, personas: Personas, consultation: Consultation
    ) -> None:
        attachment = make_attachment(
            consultation, personas.staff, "<img src=x onerror=alert(1)>.pdf"
        )
        attachments.declare_fact(
            actor=personas.staff,
            attachment=attachment,
            path="outsourcing.support_method",
            value="remote",
            quote=QUOTE,
        )
        page = render_to_string(
            "consultations/_attachments.html",
            {
                "consultation": consultation,
                "attachments": attachments.attachments_for_page(consultation),
                "may_upload": True,
            },
        )
        assert url_of("attachment_download", pk=attachment.pk) in page
        assert url_of("attachment_upload", consultation) in page
        assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page
        assert "<img" not in page
        assert QUOTE in page

    def test_it_offers_no_upload_link_to_those_who_may_not(
        self, personas: Personas, consultation: Consultation
    ) -> None:
        page = render_to_string(
            "consultations/_attachments.html",
            {"consultation": consultation, "attachments": [], "may_upload": False},
        )
        assert url_of("attachment_upload", consultation) not in page


# When documents and facts may change ------------------------------------------------------


class TestWhenDocumentsMayBeAttached:
    @pytest.mark.parametrize(
        ("role", "status"),
        [("staff", status) for status in DEPARTMENT_OPEN]
        + [("secretariat", status) for status in SECRETARIAT_OPEN],
    )
    def test_they_attach_while_the_papers_are_being_put_together(
        self, client: Client, personas: Personas, consultation: Consultation, role: str, status: str
    ) -> None:
        set_status(consultation, status)
        signed_in(client, personas, role)
        assert client.get(url_of("attachment_upload", consultation)).status_code == 200
        assert post_upload(client, consultation, "承認願.pdf", pdf()).status_code == 302
        assert Attachment.objects.count() == 1

    @pytest.mark.parametrize(
        ("role", "status"),
        [("staff", status) for status in DEPARTMENT_CLOSED]
        + [("secretariat", status) for status in SECRETARIAT_CLOSED],
    )
    def test_it_refuses_afterwards_saying_why_and_keeping_nothing(
        self,
        client: Client,
        personas: Personas,
        consultation: Consultation,
        media_root: Path,
        role: str,
        status: str,
    ) -> None:
        set_status(consultation, status)
        signed_in(client, personas, role)
        refusal = gettext("%(label)s is “%(status)s”: documents cannot be attached now.") % {
            "label": consultation.label,
            "status": consultation.get_status_display(),
        }
        response = client.get(url_of("attachment_upload", consultation))
        assert response.status_code == 302
        assert response["Location"].endswith("#attachments")
        assert messages_of(response) == [refusal]
        response = post_upload(client, consultation, "承認願.pdf", pdf())
        assert response.status_code == 302
        assert messages_of(response)[-1] == refusal
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []
        assert audited("consultations.upload_attachment") == 0

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.ANSWERED, Status.WITHDRAWN])
    def test_others_are_still_refused_outright(
        self, client: Client, personas: Personas, consultation: Consultation, status: str
    ) -> None:
        set_status(consultation, status)
        signed_in(client, personas, "other_staff")
        assert client.get(url_of("attachment_upload", consultation)).status_code == 403

    def test_the_service_refuses_the_department_once_submitted(
        self, personas: Personas, consultation: Consultation, media_root: Path
    ) -> None:
        set_status(consultation, Status.SUBMITTED)
        with pytest.raises(ValidationError) as refused:
            make_attachment(consultation, personas.staff)
        assert refused.value.code == "state"
        assert not Attachment.objects.exists()
        assert stored_files(media_root) == []

    def test_the_system_attaches_to_a_draft_but_not_to_an_answered_consultation(
        self, consultation: Consultation, media_root: Path
    ) -> None:
        assert make_attachment(consultation, None).original_name == "承認願.pdf"
        set_status(consultation, Status.ANSWERED)
        with pytest.raises(ValidationError):
            make_attachment(consultation, None)
        assert Attachment.objects.count() == 1
        assert len(stored_files(media_root)) == 1

    @pytest.mark.parametrize(
        ("role", "status", "offered"),
        [
            ("staff", Status.DRAFT, True),
            ("staff", Status.RETURNED, True),
            ("staff", Status.SUBMITTED, False),
            ("staff", Status.ANSWERED, False),
            ("secretariat", Status.SUBMITTED, True),
            ("secretariat", Status.ON_AGENDA, False),
            ("secretariat", Status.CLOSED, False),
        ],
    )
    def test_the_list_offers_the_upload_link_only_when_it_would_be_taken(
        self,
        personas: Personas,
        consultation: Consultation,
        role: str,
        status: str,
        offered: bool,
    ) -> None:
        set_status(consultation, status)
        user = getattr(personas, role)
        assert attachments.may_upload(user, consultation) is offered
        page = render_to_string(
            "consultations/_attachments.html",
            {
                "consultation": consultation,
                "attachments": [],
                "may_upload": attachments.may_upload(user, consultation),
            },
        )
        assert (url_of("attachment_upload", consultation) in page) is offered


@pytest.fixture
def fact(attachment: Attachment, personas: Personas) -> AttachmentFact:
    return attachments.declare_fact(
        actor=personas.staff,
        attachment=attachment,
        path="outsourcing.support_method",
        value="remote",
        quote=QUOTE,
    )


def facts_refusal(consultation: Consultation) -> str:
    message = gettext(
        "%(label)s is “%(status)s”: the facts its documents state cannot be changed now."
    )
    return message % {"label": consultation.label, "status": consultation.get_status_display()}


class TestWhenFactsMayChange:
    @pytest.mark.parametrize(
        ("role", "status"),
        [(role, status) for role in ("staff", "secretariat") for status in DEPARTMENT_OPEN],
    )
    def test_they_declare_and_remove_facts_while_the_papers_are_being_put_together(
        self, client: Client, personas: Personas, attachment: Attachment, role: str, status: str
    ) -> None:
        set_status(attachment.consultation, status)
        signed_in(client, personas, role)
        page = client.get(url_of("attachment_facts", pk=attachment.pk)).content.decode()
        assert 'id="add-fact"' in page
        assert declare(client, attachment).status_code == 302
        fact = AttachmentFact.objects.get()
        client.post(url_of("attachment_facts", pk=attachment.pk), {"remove": fact.pk})
        assert not AttachmentFact.objects.exists()

    @pytest.mark.parametrize(
        ("role", "status"),
        [(role, status) for role in ("staff", "secretariat") for status in DEPARTMENT_CLOSED],
    )
    def test_it_refuses_afterwards_saying_why_and_changing_nothing(
        self,
        client: Client,
        personas: Personas,
        fact: AttachmentFact,
        role: str,
        status: str,
    ) -> None:
        attachment = fact.attachment
        set_status(attachment.consultation, status)
        signed_in(client, personas, role)
        facts_url = url_of("attachment_facts", pk=attachment.pk)
        response = declare(client, attachment, value="onsite")
        assert (response.status_code, response["Location"]) == (302, facts_url)
        assert messages_of(response) == [facts_refusal(attachment.consultation)]
        response = client.post(facts_url, {"remove": fact.pk})
        assert (response.status_code, response["Location"]) == (302, facts_url)
        assert list(AttachmentFact.objects.values_list("value", flat=True)) == ["remote"]
        assert audited("consultations.remove_fact") == 0
        assert audited("consultations.declare_fact") == 1

    @pytest.mark.parametrize("status", DEPARTMENT_CLOSED)
    def test_the_page_offers_neither_the_form_nor_removal_afterwards(
        self, client: Client, personas: Personas, fact: AttachmentFact, status: str
    ) -> None:
        set_status(fact.attachment.consultation, status)
        response = signed_in(client, personas, "staff").get(
            url_of("attachment_facts", pk=fact.attachment.pk)
        )
        page = response.content.decode()
        assert response.context["may_declare"] is False
        assert 'id="add-fact"' not in page
        assert 'name="remove"' not in page
        assert QUOTE in page

    def test_the_services_refuse_too(self, personas: Personas, fact: AttachmentFact) -> None:
        set_status(fact.attachment.consultation, Status.SUBMITTED)
        with pytest.raises(ValidationError):
            attachments.declare_fact(
                actor=None, attachment=fact.attachment, path="form.medium", value="paper"
            )
        with pytest.raises(ValidationError):
            attachments.remove_fact(actor=personas.staff, fact=fact)
        assert AttachmentFact.objects.count() == 1

    def test_others_are_still_refused_outright(
        self, client: Client, personas: Personas, fact: AttachmentFact
    ) -> None:
        set_status(fact.attachment.consultation, Status.SUBMITTED)
        response = declare(signed_in(client, personas, "other_staff"), fact.attachment)
        assert response.status_code == 403


class TestTheFactsTable:
    def test_a_choice_reads_as_its_label_alone(
        self, client: Client, personas: Personas, fact: AttachmentFact
    ) -> None:
        label = dict(attachments.value_choices(fact.path))["remote"]
        response = signed_in(client, personas, "staff").get(
            url_of("attachment_facts", pk=fact.attachment.pk)
        )
        page = response.content.decode()
        assert f"<td>{label}</td>" in page
        assert "remote" not in page

    def test_free_text_reads_as_written(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        attachments.declare_fact(
            actor=personas.staff,
            attachment=attachment,
            path="outsourcing.contractor",
            value="株式会社サポート",
        )
        response = signed_in(client, personas, "staff").get(
            url_of("attachment_facts", pk=attachment.pk)
        )
        assert "<td>株式会社サポート</td>" in response.content.decode()


def test_a_declared_fact_reads_in_japanese_in_the_history(personas: Personas) -> None:
    from django.utils import translation

    from mamori.consultations.models import AttachmentFact

    fact = AttachmentFact(path="outsourcing.support_method", value="remote")
    with translation.override("ja"):
        text = str(fact)
        expected = "{} / {}: {}".format(
            translation.gettext("Outsourcing"),
            translation.gettext("Support method"),
            translation.gettext("Remote (e-mail, fax, telephone)"),
        )
    assert text == expected
    assert "remote" not in text and "support_method" not in text
