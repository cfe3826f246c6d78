"""Consistency rules (R23, S04, R24, S06): each triggered, and not."""

from __future__ import annotations

import pytest
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

    def test_it_names_a_row_by_its_section_and_name_without_stray_spaces(self) -> None:
        data = changed()
        data["recipients"][0]["certainty"] = "planned"
        [finding] = findings("R23", context(data))
        with translation.override("ja"):
            assert finding.text().startswith(
                "提供先「ハローワーク」が確定していません（予定又は未定）"
            )

    def test_it_names_the_contractor_without_the_forms_hint(self) -> None:
        data = changed(**{"outsourcing.contractor": {"value": None, "certainty": "undecided"}})
        [finding] = findings("R23", context(data))
        with translation.override("ja"):
            assert finding.text().startswith("「受託者」が未定です")
            assert "空欄" not in finding.text()


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


class TestAttachmentSpellsTheRecordsValueDifferently:
    """The same value written another way (和暦, full-width, a label) is no contradiction."""

    @pytest.mark.parametrize(
        ("path", "value"),
        [
            ("outsourcing.contractor_certification_expires", "令和9年3月31日"),
            ("outsourcing.contractor_certification_expires", "R9.3.31"),
            ("outsourcing.contractor_certification_expires", "２０２７－０３－３１"),
            ("outsourcing.staff_count", "２"),
            ("outsourcing.staff_count", "2人"),
            ("outsourcing.support_method", "訪問対応"),
            ("outsourcing.support_method", "On site"),
            ("outsourcing.contractor", "社会福祉法人　けやき野会"),
            ("outsourcing.contractor_certifications", "プライバシーマーク"),
            ("carry_out.paper.allowed", "はい"),
            ("carry_out.electronic.allowed", "いいえ"),
            ("carry_out.electronic.allowed", "No"),
        ],
    )
    def test_it_accepts_the_same_value_written_differently(self, path: str, value: str) -> None:
        assert paths("R24", context(facts=stated(path, value))) == []

    @pytest.mark.parametrize(
        ("path", "value"),
        [
            ("outsourcing.contractor_certification_expires", "令和9年4月1日"),
            ("outsourcing.contractor_certification_expires", "3月末"),
            ("outsourcing.staff_count", "３"),
            ("outsourcing.support_method", "遠隔対応"),
            ("outsourcing.contractor_certifications", "ISMS"),
            ("carry_out.electronic.allowed", "はい"),
        ],
    )
    def test_it_still_flags_a_real_contradiction(self, path: str, value: str) -> None:
        assert paths("R24", context(facts=stated(path, value))) == [path]


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
