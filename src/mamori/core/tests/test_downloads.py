"""Every download of a stored file (a consultation's attachment, a vendor's document) is sent
as an attachment under its original name, never sniffed nor cached, and recorded in the audit
trail: who viewed which file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.accounts.models import User
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations import attachments
from mamori.consultations.models import Attachment, Consultation
from mamori.vendors import services
from mamori.vendors.models import VendorDocument

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def attachment(personas: Personas) -> Attachment:
    consultation = testing.make_consultation(
        personas.council, personas.shogai, status=Consultation.Status.DRAFT
    )
    return attachments.upload_attachment(
        actor=personas.staff,
        consultation=consultation,
        kind=Attachment.Kind.APPROVAL_REQUEST,
        title="再委託承認願",
        uploaded_file=pdf("承認願.pdf"),
    )


@pytest.fixture
def document(personas: Personas) -> VendorDocument:
    vendor = testing.make_vendor()
    contract = testing.make_contract(personas.shogai, vendor)
    return services.store_document(
        actor=personas.staff,
        vendor=vendor,
        contract=contract,
        kind=VendorDocument.Kind.REQUESTED,
        title="従事者名簿",
        uploaded_file=pdf("従事者名簿.pdf"),
    )


def views(obj: Any) -> Any:
    return AuditEvent.objects.for_object(obj).filter(action=AuditEvent.Action.VIEW)


def download(client: Client, user: User, address: str) -> Any:
    client.force_login(user)
    return client.get(address)


def check_sent(response: Any, name: str) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF
    assert response.filename == name


class TestAVendorsDocument:
    def test_its_download_is_sent_safely_and_recorded(
        self, client: Client, personas: Personas, document: VendorDocument
    ) -> None:
        address = reverse("vendors:document_download", args=[document.pk])
        check_sent(download(client, personas.staff, address), "従事者名簿.pdf")
        (event,) = views(document)
        assert event.actor == personas.staff
        assert event.use_case == "vendors.download_document"
        assert event.object_type == "vendors.vendordocument"

    def test_each_download_is_recorded_for_whoever_downloads(
        self, client: Client, personas: Personas, document: VendorDocument
    ) -> None:
        address = reverse("vendors:document_download", args=[document.pk])
        for user in (personas.staff, personas.auditor, personas.staff):
            assert download(client, user, address).status_code == 200
        actors = list(views(document).order_by("seq").values_list("actor", flat=True))
        assert actors == [personas.staff.pk, personas.auditor.pk, personas.staff.pk]

    def test_a_refused_download_records_nothing(
        self, client: Client, personas: Personas, document: VendorDocument
    ) -> None:
        address = reverse("vendors:document_download", args=[document.pk])
        for user in (personas.other_staff, personas.member):
            assert download(client, user, address).status_code == 403
        assert not views(document).exists()

    def test_a_file_missing_from_storage_is_not_found_and_not_recorded(
        self, client: Client, personas: Personas, document: VendorDocument
    ) -> None:
        document.file.storage.delete(document.file.name)
        address = reverse("vendors:document_download", args=[document.pk])
        assert download(client, personas.staff, address).status_code == 404
        assert not views(document).exists()


class TestAConsultationsAttachment:
    def test_its_download_is_sent_safely_and_recorded(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        address = reverse("consultations:attachment_download", args=[attachment.pk])
        check_sent(download(client, personas.secretariat, address), "承認願.pdf")
        (event,) = views(attachment)
        assert event.actor == personas.secretariat
        assert event.use_case == "consultations.download_attachment"
        assert event.object_type == "consultations.attachment"

    def test_a_refused_download_records_nothing(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        address = reverse("consultations:attachment_download", args=[attachment.pk])
        assert download(client, personas.other_staff, address).status_code == 403
        assert not views(attachment).exists()

    def test_a_file_missing_from_storage_is_not_found_and_not_recorded(
        self, client: Client, personas: Personas, attachment: Attachment
    ) -> None:
        attachment.file.storage.delete(attachment.file.name)
        address = reverse("consultations:attachment_download", args=[attachment.pk])
        assert download(client, personas.staff, address).status_code == 404
        assert not views(attachment).exists()
