"""The JSON API of the HandlingRecord: same schema, same access rules, same services as pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, HandlingRecordVersion


def api_url(consultation: Consultation, tail: str = "record") -> str:
    return f"/api/v1/consultations/{consultation.council.slug}/{consultation.key}/{tail}"


def client_of(personas: Personas, role: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(getattr(personas, role))
    return client


@pytest.fixture
def draft(personas: Personas) -> Consultation:
    consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
    testing.make_version(consultation, by=personas.staff)
    return consultation


def put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, data=json.dumps(body), content_type="application/json")


class TestReading:
    def test_staff_read_their_departments_record(
        self, personas: Personas, draft: Consultation
    ) -> None:
        response = client_of(personas, "staff").get(api_url(draft))
        assert response.status_code == 200
        body = response.json()
        assert body["versions"] == [1]
        assert body["current"]["record"]["items"][0]["name"] == "氏名"
        assert body["current"]["record"]["subjects"]["expected_number"]["certainty"] == "planned"

    @pytest.mark.parametrize("role", ["other_staff", "outsider_member", "contractor", "auditor"])
    def test_others_are_refused(self, personas: Personas, draft: Consultation, role: str) -> None:
        assert client_of(personas, role).get(api_url(draft)).status_code == 403

    def test_signed_out_callers_are_unauthorised(self, draft: Consultation) -> None:
        assert Client().get(api_url(draft)).status_code == 401

    def test_an_unknown_version_is_not_found(self, personas: Personas, draft: Consultation) -> None:
        response = client_of(personas, "staff").get(api_url(draft, "record/versions/9"))
        assert response.status_code == 404


class TestSavingADraft:
    def test_a_valid_record_is_saved_and_audited(
        self, personas: Personas, draft: Consultation
    ) -> None:
        body = testing.record_data(purpose={"purpose": {"value": "APIで更新"}})
        response = put(client_of(personas, "staff"), api_url(draft), body)
        assert response.status_code == 200
        version = HandlingRecordVersion.objects.get(consultation=draft)
        assert version.data["purpose"]["purpose"]["value"] == "APIで更新"
        assert AuditEvent.objects.filter(use_case="consultations.save_record_draft").exists()

    def test_unknown_keys_and_wrong_types_are_refused_with_422(
        self, personas: Personas, draft: Consultation
    ) -> None:
        client = client_of(personas, "staff")
        bad = testing.record_data(colour="red")
        assert put(client, api_url(draft), bad).status_code == 422
        bad = testing.record_data(subjects={"expected_number": {"value": "many"}})
        assert put(client, api_url(draft), bad).status_code == 422
        stored = HandlingRecordVersion.objects.get(consultation=draft).data
        assert stored == testing.record_data()

    def test_a_submitted_consultation_is_refused_with_409(self, personas: Personas) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(consultation, submitted=True, by=personas.staff)
        response = put(client_of(personas, "staff"), api_url(consultation), testing.record_data())
        assert response.status_code == 409
        assert response.json()["detail"]

    @pytest.mark.parametrize("role", ["secretariat", "other_staff", "member"])
    def test_only_the_departments_staff_write(
        self, personas: Personas, draft: Consultation, role: str
    ) -> None:
        response = put(client_of(personas, role), api_url(draft), testing.record_data())
        assert response.status_code == 403

    def test_a_write_without_the_csrf_token_is_refused(
        self, personas: Personas, draft: Consultation
    ) -> None:
        client = client_of(personas, "staff", csrf=True)
        response = put(client, api_url(draft), testing.record_data())
        assert response.status_code == 403


class TestTheOpenAPISchema:
    def test_it_is_published_and_describes_the_record(self) -> None:
        response = Client().get("/api/v1/openapi.json")
        assert response.status_code == 200
        schema = response.json()
        assert "/api/v1/consultations/{council}/{key}/record" in schema["paths"]
        assert "HandlingRecord" in schema["components"]["schemas"]

    def test_the_record_schema_is_the_commands_schema(self) -> None:
        from mamori.consultations import handling

        response = Client().get("/api/v1/handling-record/schema")
        assert response.json() == json.loads(json.dumps(handling.json_schema()))

    def test_no_docs_page_pulls_scripts_from_a_cdn(self) -> None:
        assert Client().get("/api/v1/docs").status_code == 404


class TestDraftsStayWithTheDepartment:
    @pytest.fixture
    def drafted_after_submission(self, personas: Personas) -> Consultation:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(consultation, submitted=True, by=personas.staff)
        draft = testing.record_data(purpose={"purpose": {"value": "未提出の下書き"}})
        testing.make_version(consultation, data=draft, by=personas.staff)
        testing.put_on_agenda(testing.make_meeting(personas.council), consultation)
        return consultation

    @pytest.mark.parametrize("role", ["member", "chair"])
    def test_a_member_reads_only_the_submitted_versions(
        self, personas: Personas, drafted_after_submission: Consultation, role: str
    ) -> None:
        client = client_of(personas, role)
        body = client.get(api_url(drafted_after_submission)).json()
        assert body["versions"] == [1]
        assert body["current"]["submitted"] is True
        assert "未提出の下書き" not in json.dumps(body, ensure_ascii=False)
        draft = client.get(api_url(drafted_after_submission, "record/versions/2"))
        assert draft.status_code == 404

    @pytest.mark.parametrize("role", ["staff", "secretariat"])
    def test_the_department_and_the_secretariat_read_the_draft(
        self, personas: Personas, drafted_after_submission: Consultation, role: str
    ) -> None:
        body = client_of(personas, role).get(api_url(drafted_after_submission)).json()
        assert body["versions"] == [1, 2]
        assert body["current"]["record"]["purpose"]["purpose"]["value"] == "未提出の下書き"
