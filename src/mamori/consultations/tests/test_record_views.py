"""Drafting the HandlingRecord section by section, reading it, and submitting it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import handling, lifecycle
from mamori.consultations.models import Consultation
from mamori.consultations.tests.helpers import (
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)

SAVE = "consultations.save_record_draft"


@pytest.fixture
def draft(personas: Personas) -> Consultation:
    """A draft consultation of 障害支援課 with a complete draft record."""
    consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
    testing.make_version(consultation)
    return consultation


def edit_url(consultation: Consultation, section: str) -> str:
    return url_of("record_edit", consultation, section=section)


def purpose_post(**overrides: str) -> dict[str, str]:
    fields = {
        "purpose.purpose.value": "就労支援のため",
        "purpose.purpose.certainty": "fixed",
        "purpose.legal_basis.value": "障害者総合支援法第77条",
        "purpose.legal_basis.certainty": "planned",
        "action": "save",
    }
    fields.update(overrides)
    return fields


def stored(consultation: Consultation) -> dict[str, Any]:
    version = lifecycle.draft_version(consultation)
    assert version is not None
    return version.data


class TestEditingASection:
    def test_it_shows_the_section_filled_with_the_draft(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(edit_url(draft, "purpose"))
        assert response.status_code == 200
        html = page_text(response)
        assert 'name="purpose.purpose.value"' in html
        assert "障害者の就労支援のため" in html
        assert 'name="purpose.legal_basis.certainty"' in html

    def test_it_saves_the_section_as_a_draft_and_audits_it(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        before = audited(SAVE)
        response = signed_in(client, personas, "staff").post(
            edit_url(draft, "purpose"), purpose_post()
        )
        assert response.status_code == 302
        assert response["Location"] == edit_url(draft, "purpose")
        assert stored(draft)["purpose"] == {
            "purpose": {"value": "就労支援のため", "certainty": "fixed"},
            "legal_basis": {"value": "障害者総合支援法第77条", "certainty": "planned"},
            "special_care_reason": {"value": None, "certainty": "fixed"},
            "processing_starts_on": None,
        }
        assert stored(draft)["subjects"]["description"]["value"] == "就労支援事業の利用登録者"
        assert audited(SAVE) == before + 1

    def test_a_date_is_read_in_the_japanese_era_and_shown_in_it(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        post = purpose_post()
        post["purpose.processing_starts_on"] = "平成21年10月1日"
        client = signed_in(client, personas, "staff")
        client.post(edit_url(draft, "purpose"), post)
        assert stored(draft)["purpose"]["processing_starts_on"] == "2009-10-01"
        page = client.get(
            reverse(
                "consultations:record_view",
                kwargs={"council": draft.council.slug, "key": draft.key},
            )
        )
        assert "平成21年10月1日" in page.content.decode()

    def test_a_date_that_is_not_one_is_refused_and_kept(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        post = purpose_post()
        post["purpose.processing_starts_on"] = "来月のはじめ"
        response = signed_in(client, personas, "staff").post(edit_url(draft, "purpose"), post)
        assert response.status_code == 200
        assert "来月のはじめ" in response.content.decode()
        assert stored(draft)["purpose"].get("processing_starts_on") is None

    def test_it_starts_a_draft_when_there_is_none(self, client: Client, personas: Personas) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
        signed_in(client, personas, "staff").post(edit_url(consultation, "purpose"), purpose_post())
        assert stored(consultation)["purpose"]["purpose"]["value"] == "就労支援のため"

    def test_it_goes_to_the_next_section_on_save_and_next(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            edit_url(draft, "purpose"), purpose_post(action="next")
        )
        assert response["Location"] == edit_url(draft, "subjects")

    def test_it_goes_to_the_whole_record_after_the_last_section(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            edit_url(draft, "retention"),
            {
                "retention.period.value": "5年",
                "retention.period.certainty": "fixed",
                "action": "next",
            },
        )
        assert response["Location"] == url_of("record_view", draft)

    def test_it_keeps_an_oversized_text_and_says_what_is_wrong(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        text = "長" * (handling.LONG + 10)
        response = signed_in(client, personas, "staff").post(
            edit_url(draft, "purpose"), purpose_post(**{"purpose.purpose.value": text})
        )
        assert response.status_code == 200
        html = page_text(response)
        message = gettext("Enter at most %(max_length)s characters.") % {
            "max_length": handling.LONG
        }
        assert escape(message) in html
        assert text in html
        assert stored(draft)["purpose"]["purpose"]["value"] == "障害者の就労支援のため"

    def test_it_refuses_letters_in_a_number(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        before = audited(SAVE)
        response = signed_in(client, personas, "staff").post(
            edit_url(draft, "subjects"),
            {
                "subjects.description.value": "利用者",
                "subjects.description.certainty": "fixed",
                "subjects.expected_number.value": "forty",
                "subjects.expected_number.certainty": "fixed",
            },
        )
        html = page_text(response)
        assert escape(gettext("Enter a whole number.")) in html
        assert 'value="forty"' in html
        assert 'aria-invalid="true"' in html
        assert audited(SAVE) == before

    def test_it_ignores_names_that_are_not_in_the_schema(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            edit_url(draft, "purpose"),
            purpose_post(**{"purpose.injected": "x", "purpose.purpose.extra": "y", "hacked": "1"}),
        )
        assert response.status_code == 302
        data = stored(draft)
        assert set(data["purpose"]) == set(handling.Purpose.model_fields)
        assert "hacked" not in data
        handling.parse(data)

    def test_it_escapes_a_script_in_the_form_and_in_the_record(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        script = "<script>alert('x')</script>"
        client = signed_in(client, personas, "staff")
        client.post(edit_url(draft, "purpose"), purpose_post(**{"purpose.purpose.value": script}))
        for url in (edit_url(draft, "purpose"), url_of("record_view", draft)):
            html = page_text(client.get(url))
            assert script not in html
            assert escape(script) in html

    def test_it_returns_404_for_a_section_that_does_not_exist(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(edit_url(draft, "secrets"))
        assert response.status_code == 404

    def test_it_marks_the_sections_that_lack_required_facts(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
        testing.make_version(consultation, data=testing.record_data(purpose={}))
        html = page_text(signed_in(client, personas, "staff").get(edit_url(consultation, "media")))
        assert escape(gettext("%(count)s to fill in") % {"count": 2}) in html


class TestWhoMayEdit:
    @pytest.mark.parametrize(
        "role", ["other_staff", "member", "contractor", "secretariat", "auditor"]
    )
    def test_it_refuses_everyone_but_the_departments_staff(
        self, client: Client, personas: Personas, draft: Consultation, role: str
    ) -> None:
        client = signed_in(client, personas, role)
        assert client.get(edit_url(draft, "purpose")).status_code == 403
        assert client.post(edit_url(draft, "purpose"), purpose_post()).status_code == 403
        row = client.post(url_of("record_row", draft, section="items"), HTTP_HX_REQUEST="true")
        assert row.status_code == 403
        assert stored(draft)["purpose"]["purpose"]["value"] == "障害者の就労支援のため"

    def test_it_sends_the_signed_out_to_sign_in(self, client: Client, draft: Consultation) -> None:
        assert sends_to_sign_in(client.get(edit_url(draft, "purpose")))
        assert sends_to_sign_in(client.post(url_of("record_row", draft, section="items")))

    def test_it_refuses_to_edit_a_submitted_record_with_a_message(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        version = testing.make_version(consultation, submitted=True)
        client = signed_in(client, personas, "staff")
        response = client.post(edit_url(consultation, "purpose"), purpose_post(), follow=True)
        assert response.redirect_chain[0][0] == url_of("record_view", consultation)
        assert escape(gettext("Submitted")) in page_text(response)
        version.refresh_from_db()
        assert version.data["purpose"]["purpose"]["value"] == "障害者の就労支援のため"
        assert consultation.record_versions.count() == 1


class TestRows:
    def test_htmx_adds_one_empty_row_after_the_rows_of_the_form(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("record_row", draft, section="items"),
            {"add": "items", "items.0.row_id": "item1", "items.1.row_id": "item2"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        html = page_text(response)
        assert 'name="items.2.name"' in html
        assert 'name="items.2.row_id"' in html
        assert "<html" not in html and 'name="items.1.name"' not in html

    def test_htmx_adds_a_sub_contractor_within_the_outsourcing_section(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("record_row", draft, section="outsourcing"),
            {"add": "outsourcing.subcontractors"},
            HTTP_HX_REQUEST="true",
        )
        assert 'name="outsourcing.subcontractors.0.certifications"' in page_text(response)

    def test_htmx_refuses_a_list_outside_the_section(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("record_row", draft, section="purpose"), {"add": "items"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 404

    def test_htmx_removes_a_row_by_returning_nothing(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("record_row", draft, section="items"),
            {"remove": "items.0"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert response.content == b""

    def test_the_row_address_sends_a_request_without_htmx_back_to_the_form(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            url_of("record_row", draft, section="items"), {"add": "items"}
        )
        assert response.status_code == 302
        assert response["Location"] == edit_url(draft, "items")

    def test_without_javascript_add_shows_a_new_row_and_saves_nothing(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        before = audited(SAVE)
        response = signed_in(client, personas, "staff").post(
            edit_url(draft, "recipients"), {"add": "recipients"}
        )
        assert 'name="recipients.0.name"' in page_text(response)
        assert audited(SAVE) == before

    def test_without_javascript_remove_drops_the_row_and_saving_keeps_the_rest(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        client = signed_in(client, personas, "staff")
        rows = {
            "items.0.row_id": "item1",
            "items.0.name": "氏名",
            "items.1.row_id": "item2",
            "items.1.name": "住所",
        }
        response = client.post(edit_url(draft, "items"), {**rows, "remove": "items.0"})
        html = page_text(response)
        assert 'value="item1"' not in html and 'value="住所"' in html
        client.post(edit_url(draft, "items"), {k: v for k, v in rows.items() if "0" not in k})
        assert [row["name"] for row in stored(draft)["items"]] == ["住所"]

    def test_it_saves_new_rows_with_their_flags(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        signed_in(client, personas, "staff").post(
            edit_url(draft, "items"),
            {
                "items.0.row_id": "item1",
                "items.0.name": "氏名",
                "items.0.certainty": "fixed",
                "items.7.row_id": "n3w",
                "items.7.name": "障害の種別",
                "items.7.special_care": "on",
                "items.7.certainty": "planned",
            },
        )
        items = stored(draft)["items"]
        assert [(i["row_id"], i["special_care"], i["certainty"]) for i in items] == [
            ("item1", False, "fixed"),
            ("n3w", True, "planned"),
        ]


class TestReadingTheRecord:
    def test_the_department_reads_its_draft_with_edit_links(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(url_of("record_view", draft))
        assert response.status_code == 200
        html = page_text(response)
        assert "障害者総合支援法" in html
        assert edit_url(draft, "recipients") in html

    def test_a_member_reads_the_submitted_version_not_a_later_draft(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(
            personas.council, personas.shogai, status="answered"
        )
        testing.put_on_agenda(testing.make_meeting(personas.council), consultation)
        testing.make_version(consultation, submitted=True)
        testing.make_version(
            consultation,
            data=testing.record_data(retention={"period": {"value": "下書きの期間"}}),
        )
        client = signed_in(client, personas, "member")
        html = page_text(client.get(url_of("record_view", consultation)))
        assert "契約期間終了まで" in html and "下書きの期間" not in html
        assert client.get(url_of("record_view", consultation) + "?version=2").status_code == 404
        assert client.get(url_of("record_view", consultation) + "?version=1").status_code == 200

    def test_it_shows_an_opinion_beside_the_row_it_is_about(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        testing.make_opinion(draft, anchor="items[item2].name", text="住所は必要か。")
        html = page_text(signed_in(client, personas, "staff").get(url_of("record_view", draft)))
        row = html.index('id="record-items-item2"')
        assert row < html.index("住所は必要か。") < html.index('id="record-form"')

    @pytest.mark.parametrize("role", ["other_staff", "outsider_member", "contractor"])
    def test_it_refuses_those_who_may_not_see_the_consultation(
        self, client: Client, personas: Personas, draft: Consultation, role: str
    ) -> None:
        response = signed_in(client, personas, role).get(url_of("record_view", draft))
        assert response.status_code == 403

    def test_it_sends_the_signed_out_to_sign_in(self, client: Client, draft: Consultation) -> None:
        assert sends_to_sign_in(client.get(url_of("record_view", draft)))

    def test_it_returns_404_for_a_version_that_is_not_a_number(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").get(
            url_of("record_view", draft) + "?version=x"
        )
        assert response.status_code == 404


class TestSubmitting:
    def test_an_incomplete_record_lists_what_is_missing_and_stays_a_draft(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
        testing.make_version(
            consultation,
            data=testing.record_data(items=[{"row_id": "a1"}], retention={}),
        )
        response = signed_in(client, personas, "staff").post(
            url_of("consultation_submit", consultation)
        )
        assert response.status_code == 200
        html = page_text(response)
        assert edit_url(consultation, "items") + "#f-items-0-name" in html
        assert edit_url(consultation, "retention") + "#f-retention-period-value" in html
        assert escape(gettext("Retention period")) in html
        consultation.refresh_from_db()
        assert consultation.status == Consultation.Status.DRAFT
        assert lifecycle.draft_version(consultation) is not None

    def test_a_complete_record_is_submitted_and_frozen(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(url_of("consultation_submit", draft))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.SUBMITTED
        assert lifecycle.draft_version(draft) is None
