"""`mamori review KEY` prints a consultation's findings; `mamori review_all` re-runs every
rule over the archive, reports what changed and stores the results."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from mamori.accounts.models import Department
from mamori.consultations.models import Consultation
from mamori.council.models import Council
from mamori.review.models import ReviewResult
from mamori.review.rules import SEVERITY_LABELS, Severity
from mamori.review.tests.fixtures import full_data
from mamori.testing import (
    make_consultation,
    make_council,
    make_department,
    make_version,
    record_data,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def department() -> Department:
    return make_department("障害支援課", parent=make_department("健康福祉部"))


@pytest.fixture
def council() -> Council:
    return make_council(slug="kojin")


def consultation_with(
    council: Council, department: Department, data: dict[str, Any], number: int = 4
) -> Consultation:
    consultation = make_consultation(council, department, fiscal_year=2009, number=number)
    make_version(consultation, submitted=True, data=data)
    return consultation


def carry_out_unanswered() -> dict[str, Any]:
    """A record allowing paper carry-out with electronic carry-out unanswered: R10."""
    return record_data(carry_out={"paper": {"allowed": {"value": True}}})


class TestReview:
    def test_it_prints_the_findings_as_a_table_in_japanese(
        self, council: Council, department: Department
    ) -> None:
        consultation_with(council, department, carry_out_unanswered())
        output = run("review", "2009-4")
        assert "2009-4 諮問第4号" in output
        assert "R10" in output
        with translation.override("ja"):
            assert translation.gettext(SEVERITY_LABELS[Severity.MUST_FIX]) in output
            assert translation.gettext("Carry-out (持ち出し)") in output

    def test_it_prints_json_with_rule_severity_path_and_message(
        self, council: Council, department: Department
    ) -> None:
        consultation_with(council, department, carry_out_unanswered())
        findings = json.loads(run("review", "2009-4", "--json"))
        assert isinstance(findings, list) and findings
        r10 = [f for f in findings if f["rule"] == "R10"]
        assert r10[0]["severity"] == "must_fix"
        assert r10[0]["path"] == "carry_out.electronic.allowed"
        assert r10[0]["message"]
        assert {"rule", "severity", "path", "message"} <= set(findings[0])

    def test_a_fully_specified_record_has_no_findings(
        self, council: Council, department: Department
    ) -> None:
        consultation_with(council, department, full_data())
        assert json.loads(run("review", "2009-4", "--json")) == []
        with translation.override("ja"):
            assert translation.gettext("No findings.") in run("review", "2009-4")

    def test_an_unknown_key_is_a_clear_error(self, council: Council) -> None:
        with pytest.raises(CommandError, match="2009-99"):
            run("review", "2009-99")

    def test_a_malformed_key_is_a_clear_error(self, council: Council) -> None:
        with pytest.raises(CommandError, match="第4号"):
            run("review", "第4号")

    def test_it_asks_which_council_when_two_have_the_key(
        self, council: Council, department: Department
    ) -> None:
        consultation_with(council, department, record_data())
        consultation_with(make_council(slug="joho"), department, record_data())
        with pytest.raises(CommandError, match="joho"):
            run("review", "2009-4")
        assert json.loads(run("review", "2009-4", "--council", "joho", "--json")) is not None

    def test_an_unknown_council_is_a_clear_error(self, council: Council) -> None:
        with pytest.raises(CommandError, match="nosuch"):
            run("review", "2009-4", "--council", "nosuch")


class TestReviewAll:
    def test_it_stores_the_findings_and_reports_them_as_new_the_first_time(
        self, council: Council, department: Department
    ) -> None:
        consultation = consultation_with(council, department, carry_out_unanswered())
        output = run("review_all")
        stored = ReviewResult.objects.get(consultation=consultation)
        assert ("R10", "carry_out.electronic.allowed") in {
            (f["rule"], f["path"]) for f in stored.findings
        }
        assert "+ R10 carry_out.electronic.allowed" in output

    def test_a_second_run_with_nothing_changed_reports_no_change(
        self, council: Council, department: Department
    ) -> None:
        consultation_with(council, department, carry_out_unanswered())
        run("review_all")
        output = run("review_all")
        assert "+ " not in output and "- " not in output
        assert "1" in output.splitlines()[-1]

    def test_it_reports_what_appeared_and_disappeared_since_the_last_run(
        self, council: Council, department: Department
    ) -> None:
        consultation = consultation_with(council, department, carry_out_unanswered())
        run("review_all")
        fixed = record_data(
            carry_out={
                "paper": {"allowed": {"value": True}},
                "electronic": {"allowed": {"value": False}},
            },
            items=[{"row_id": "item1", "name": "氏名", "certainty": "planned"}],
        )
        make_version(consultation, submitted=True, data=fixed)
        output = run("review_all")
        assert "- R10 carry_out.electronic.allowed" in output
        assert "+ R23 items[item1]" in output
        stored = ReviewResult.objects.get(consultation=consultation)
        assert "R10" not in {f["rule"] for f in stored.findings}
        assert ReviewResult.objects.count() == 1
