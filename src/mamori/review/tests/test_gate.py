"""The submission gate: a must-fix finding stops submission until it is fixed or explained."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import handling, lifecycle
from mamori.consultations.models import Consultation
from mamori.consultations.tests.helpers import (
    EVERY_ROLE,
    audited,
    page_text,
    sends_to_sign_in,
    signed_in,
    url_of,
)
from mamori.review import rules, services
from mamori.review.models import Explanation

TODAY = dt.date(2026, 4, 1)
# A complete record on which R10 raises a must-fix finding: kept on paper only, yet
# electronic carry-out is allowed.
R10_RECORD = testing.record_data(
    form={"medium": {"value": "paper"}},
    carry_out={"paper": {"allowed": {"value": True}}, "electronic": {"allowed": {"value": True}}},
)
R10_PATH = "carry_out.electronic.allowed"
EXPLAIN = "review.explain_finding"
SUBMIT = "consultations.submit_consultation"


@pytest.fixture(autouse=True)
def only_r10() -> Iterator[None]:
    """Only R10 runs, so that other rules (being written) do not change what is found."""
    rules.load_rules()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "RULES", {"R10": rules.RULES["R10"]})
        yield


@pytest.fixture
def draft(personas: Personas) -> Consultation:
    """A draft of 障害支援課 whose complete record raises R10."""
    consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
    testing.make_version(consultation, data=R10_RECORD, by=personas.staff)
    return consultation


def explain_url(consultation: Consultation) -> str:
    return reverse(
        "review:explain", kwargs={"council": consultation.council.slug, "key": consultation.key}
    )


def r10_finding() -> rules.Finding:
    """The must-fix finding R10 raises on R10_RECORD."""
    record = handling.HandlingRecord.model_validate(R10_RECORD)
    (finding,) = rules.evaluate(rules.Context(record=record), only=["R10"])
    return finding


def explanation(**overrides: str) -> dict[str, str]:
    return {
        "key": r10_finding().key,
        "text": "紙の原本は持ち出さない運用とする。",
        **overrides,
    }


class TestTheGate:
    def test_it_refuses_submission_while_a_must_fix_finding_stands(
        self, personas: Personas, draft: Consultation
    ) -> None:
        with pytest.raises(lifecycle.FindingsOpenError) as refused:
            lifecycle.submit_consultation(actor=personas.staff, consultation=draft, on=TODAY)
        assert [(f.rule, f.path) for f in refused.value.findings] == [("R10", R10_PATH)]
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.DRAFT
        assert lifecycle.draft_version(draft) is not None
        assert audited(SUBMIT) == 0

    def test_it_submits_once_the_finding_is_explained(
        self, personas: Personas, draft: Consultation
    ) -> None:
        services.explain_finding(
            actor=personas.staff, consultation=draft, finding=r10_finding(), text="理由"
        )
        lifecycle.submit_consultation(actor=personas.staff, consultation=draft, on=TODAY)
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.SUBMITTED

    def test_it_submits_a_record_with_no_must_fix_finding(self, personas: Personas) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
        testing.make_version(consultation, by=personas.staff)
        lifecycle.submit_consultation(actor=personas.staff, consultation=consultation, on=TODAY)
        assert consultation.status == Consultation.Status.SUBMITTED

    def test_an_explanation_of_another_finding_does_not_open_the_gate(
        self, personas: Personas, draft: Consultation
    ) -> None:
        services.explain_finding(
            actor=personas.staff,
            consultation=draft,
            finding=rules.Finding("R10", rules.Severity.MUST_FIX, "carry_out.paper.allowed", "x"),
            text="理由",
        )
        with pytest.raises(lifecycle.FindingsOpenError):
            lifecycle.submit_consultation(actor=personas.staff, consultation=draft, on=TODAY)

    def test_the_system_loads_past_records_as_they_were_filed(self, draft: Consultation) -> None:
        lifecycle.submit_consultation(actor=None, consultation=draft, on=TODAY)
        assert draft.status == Consultation.Status.SUBMITTED


class TestTheRefusedSubmissionPage:
    def test_it_lists_the_open_findings_with_links_to_their_sections(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(url_of("consultation_submit", draft))
        assert response.status_code == 200
        assert [(i.rule, i.path) for i in response.context["items"]] == [("R10", R10_PATH)]
        edit = url_of("record_edit", draft, section="carry_out")
        assert f'href="{edit}#' in page_text(response)
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.DRAFT
        assert audited(SUBMIT) == 0

    def test_the_department_explains_then_submits_over_http(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        client = signed_in(client, personas, "staff")
        assert client.post(explain_url(draft), explanation()).status_code == 302
        response = client.post(url_of("consultation_submit", draft))
        assert response.status_code == 302
        assert response["Location"] == url_of("consultation_detail", draft)
        draft.refresh_from_db()
        assert draft.status == Consultation.Status.SUBMITTED


class TestExplaining:
    def test_the_department_explains_a_finding_and_it_is_audited(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        back = url_of("record_edit", draft, section="carry_out")
        response = signed_in(client, personas, "staff").post(
            explain_url(draft), explanation(next=back)
        )
        assert response.status_code == 302
        assert response["Location"].startswith(back + "#finding-r10-")
        stored = Explanation.objects.get(consultation=draft)
        assert (stored.rule, stored.path, stored.written_by) == ("R10", R10_PATH, personas.staff)
        assert stored.text == "紙の原本は持ち出さない運用とする。"
        assert audited(EXPLAIN) == 1

    def test_a_second_explanation_replaces_the_first(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        client = signed_in(client, personas, "staff")
        client.post(explain_url(draft), explanation())
        client.post(explain_url(draft), explanation(text="書き直した理由"))
        assert list(Explanation.objects.values_list("text", flat=True)) == ["書き直した理由"]
        assert audited(EXPLAIN) == 2

    def test_htmx_gets_the_finding_back_with_its_explanation(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            explain_url(draft), explanation(), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        html = page_text(response)
        assert html.lstrip().startswith("<article")
        assert "紙の原本は持ち出さない運用とする。" in html
        assert "<html" not in html

    def test_an_empty_explanation_is_refused_with_a_message(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            explain_url(draft), explanation(text="  "), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert 'role="alert"' in page_text(response)
        assert not Explanation.objects.exists()

    def test_a_finding_that_does_not_stand_is_not_explained(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        response = signed_in(client, personas, "staff").post(
            explain_url(draft), explanation(key="R99:purpose.purpose:0123456789")
        )
        assert response.status_code == 302
        assert not Explanation.objects.exists()

    def test_findings_are_not_explained_once_the_record_is_submitted(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai)
        testing.make_version(consultation, data=R10_RECORD, submitted=True)
        response = signed_in(client, personas, "staff").post(
            explain_url(consultation), explanation()
        )
        assert response.status_code == 302
        assert response["Location"] == url_of("consultation_detail", consultation)
        assert not Explanation.objects.exists()

    @pytest.mark.parametrize("role", [r for r in EVERY_ROLE if r != "staff"])
    def test_only_the_department_explains(
        self, client: Client, personas: Personas, draft: Consultation, role: str
    ) -> None:
        response = signed_in(client, personas, role).post(explain_url(draft), explanation())
        assert response.status_code == 403
        assert not Explanation.objects.exists()

    def test_signed_out_visitors_are_sent_to_sign_in(
        self, client: Client, draft: Consultation
    ) -> None:
        assert sends_to_sign_in(client.post(explain_url(draft), explanation()))
        assert not Explanation.objects.exists()

    def test_an_unknown_consultation_is_not_found(self, client: Client, personas: Personas) -> None:
        url = reverse("review:explain", kwargs={"council": "kojin", "key": "2009-999"})
        assert signed_in(client, personas, "staff").post(url, explanation()).status_code == 404

    def test_it_only_accepts_posts(
        self, client: Client, personas: Personas, draft: Consultation
    ) -> None:
        assert signed_in(client, personas, "staff").get(explain_url(draft)).status_code == 405
