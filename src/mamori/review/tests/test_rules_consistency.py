"""Consistency rules (R23, S04, R24, S06): each triggered, and not."""

from __future__ import annotations

from django.utils import translation

from mamori.review.rules import DeclaredFact, Severity
from mamori.review.tests.fixtures import changed, context, findings, paths

APPROVAL_REQUEST = "再委託の承認願"


def stated(path: str, value: str) -> tuple[DeclaredFact, ...]:
    return (DeclaredFact(path, value, "運用保守の方法:Eメール等によるサポート", APPROVAL_REQUEST),)


class TestConsultedTooEarly:
    def test_it_flags_an_undecided_contractor_planned_items_and_recipients(self) -> None:
        data = changed(**{"outsourcing.contractor": {"value": None, "certainty": "undecided"}})
        data["items"][2]["certainty"] = "planned"
        data["recipients"][0]["certainty"] = "planned"
        assert paths("R23", context(data)) == [
            "items[disability]",
            "outsourcing.contractor",
            "recipients[hellowork]",
        ]
        assert {f.severity for f in findings("R23", context(data))} == {Severity.MUST_FIX}

    def test_it_accepts_a_fixed_record(self) -> None:
        assert paths("R23", context()) == []


class TestReconsultOnChange:
    def test_it_notes_once_that_a_change_after_the_answer_comes_back(self) -> None:
        data = changed(**{"outsourcing.contractor": {"value": "未定", "certainty": "planned"}})
        data["recipients"][0]["certainty"] = "planned"
        [note] = findings("S04", context(data))
        assert note.severity == Severity.NOTE
        assert note.path == "outsourcing.contractor"

    def test_it_says_nothing_of_a_fixed_record(self) -> None:
        assert paths("S04", context()) == []


class TestAttachmentContradicts:
    def test_it_flags_an_attachment_stating_remote_support_against_on_site(self) -> None:
        ctx = context(facts=stated("outsourcing.support_method", "remote"))
        [finding] = findings("R24", ctx)
        assert finding.path == "outsourcing.support_method"
        with translation.override("en"):
            assert APPROVAL_REQUEST in finding.text()
            assert "Eメール等" in finding.text()

    def test_it_flags_a_fact_the_record_leaves_empty(self) -> None:
        data = changed(**{"outsourcing.support_method": {}})
        ctx = context(data, facts=stated("outsourcing.support_method", "remote"))
        assert paths("R24", ctx) == ["outsourcing.support_method"]

    def test_it_accepts_an_attachment_agreeing_with_the_record(self) -> None:
        assert paths("R24", context(facts=stated("outsourcing.support_method", "on_site"))) == []

    def test_a_record_saying_both_agrees_with_either(self) -> None:
        data = changed(**{"outsourcing.support_method": {"value": "both"}})
        ctx = context(data, facts=stated("outsourcing.support_method", "remote"))
        assert paths("R24", ctx) == []

    def test_it_compares_yes_no_facts_and_ignores_unknown_paths(self) -> None:
        facts = (
            DeclaredFact("carry_out.electronic.allowed", "true"),
            DeclaredFact("no.such.path", "x"),
        )
        assert paths("R24", context(facts=facts)) == ["carry_out.electronic.allowed"]


class TestRecordMatchesKinds:
    def test_it_flags_a_provision_with_no_recipient(self) -> None:
        assert paths("S06", context(changed(recipients=[]))) == ["recipients"]

    def test_it_flags_outsourcing_kinds_on_a_record_not_outsourced(self) -> None:
        data = changed(**{"outsourcing.outsourced": False, "outsourcing.subcontractors": []})
        assert paths("S06", context(data)) == [
            "outsourcing.outsourced",
            "outsourcing.subcontractors",
        ]

    def test_it_flags_a_special_care_collection_with_no_special_care_item(self) -> None:
        data = changed(items=[{"row_id": "n", "name": "氏名"}])
        kinds = frozenset({"special-care-collection"})
        assert paths("S06", context(data, kinds=kinds)) == ["items"]

    def test_it_accepts_a_record_matching_its_kinds(self) -> None:
        assert paths("S06", context()) == []
        assert paths("S06", context(changed(recipients=[]), kinds=frozenset())) == []
