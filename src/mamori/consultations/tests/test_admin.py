"""The admin: the secretariat keeps the consultation kinds; the records are only shown."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.accounts.models import Role
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, ConsultationKind
from mamori.consultations.tests.helpers import audited

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client: Client) -> Client:
    client.force_login(testing.make_user(Role.SECRETARIAT, is_staff=True, is_superuser=True))
    return client


def test_a_kind_of_consultation_is_added_without_code_and_audited(admin_client_: Client) -> None:
    response = admin_client_.post(
        reverse("admin:consultations_consultationkind_add"),
        {"code": "camera", "name": "防犯カメラ", "order": "200", "active": "on"},
    )
    assert response.status_code == 302
    assert ConsultationKind.objects.filter(name="防犯カメラ").exists()
    assert audited("admin.consultations.consultationkind.create") == 1


def test_consultations_are_shown_but_not_changed_in_the_admin(
    admin_client_: Client, personas: Personas, consultation: Consultation
) -> None:
    change = reverse("admin:consultations_consultation_change", args=[consultation.pk])
    assert (
        admin_client_.get(reverse("admin:consultations_consultation_changelist")).status_code == 200
    )
    assert admin_client_.get(change).status_code == 200
    admin_client_.post(change, {"title": "書き換え"})
    consultation.refresh_from_db()
    assert consultation.title == "障害者就労支援事業業務委託"
    assert admin_client_.get(reverse("admin:consultations_consultation_add")).status_code == 403


def test_submitted_record_versions_are_shown_and_cannot_be_changed_in_the_admin(
    admin_client_: Client, personas: Personas, consultation: Consultation
) -> None:
    version = testing.make_version(consultation, submitted=True, by=personas.staff)
    changelist = reverse("admin:consultations_handlingrecordversion_changelist")
    change = reverse("admin:consultations_handlingrecordversion_change", args=[version.pk])
    assert admin_client_.get(changelist).status_code == 200
    assert admin_client_.get(change).status_code == 200
    admin_client_.post(change, {"note": "書き換え"})
    version.refresh_from_db()
    assert version.note == ""
    delete = reverse("admin:consultations_handlingrecordversion_delete", args=[version.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
