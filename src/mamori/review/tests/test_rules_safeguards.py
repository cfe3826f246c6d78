"""Contract clause rules (R03, R09, R14–R19, R22, R30, S02, S03, S05, S07): each triggered,
and not; none of them applies when the work is not outsourced."""

from __future__ import annotations

import pytest
from django.utils import translation

from mamori.review.tests.fixtures import CLAUSES, changed, context, findings, paths

# (rule, a clause it requires)
CLAUSE_RULES = [
    ("S02", "confidentiality"),
    ("R09", "copy_prohibition"),
    ("R14", "return_or_erasure_paper"),
    ("R14", "return_or_erasure_electronic"),
    ("R15", "erasure_certificate"),
    ("R16", "handover_via_city"),
    ("R17", "incident_reporting"),
    ("R18", "audit_rights"),
    ("R19", "staff_confidentiality"),
    ("R19", "staff_training"),
    ("S03", "subcontracting_approval"),
    ("R22", "penalty_equal_to_staff"),
    ("R22", "breach_sanctions"),
    ("R30", "purpose_limitation"),
    ("S05", "periodic_report"),
]


def without(name: str, present: bool | None = None) -> dict[str, object]:
    return changed(**{f"safeguards.{name}.present": present})


class TestClauses:
    @pytest.mark.parametrize(("rule_id", "name"), CLAUSE_RULES)
    def test_it_flags_a_clause_declared_absent(self, rule_id: str, name: str) -> None:
        assert paths(rule_id, context(without(name, False))) == [f"safeguards.{name}"]

    @pytest.mark.parametrize(("rule_id", "name"), CLAUSE_RULES)
    def test_it_flags_a_clause_left_unanswered(self, rule_id: str, name: str) -> None:
        assert paths(rule_id, context(without(name, None))) == [f"safeguards.{name}"]

    @pytest.mark.parametrize(("rule_id", "name"), CLAUSE_RULES)
    def test_it_ignores_clauses_when_nothing_is_outsourced(self, rule_id: str, name: str) -> None:
        data = without(name)
        data["outsourcing"]["outsourced"] = False
        assert paths(rule_id, context(data)) == []

    @pytest.mark.parametrize("rule_id", sorted({rule_id for rule_id, _ in CLAUSE_RULES}))
    def test_it_is_satisfied_by_the_full_record(self, rule_id: str) -> None:
        assert paths(rule_id, context()) == []


class TestReturnOrErasure:
    def test_a_paper_only_record_needs_no_electronic_return_clause(self) -> None:
        data = without("return_or_erasure_electronic")
        data["form"]["medium"] = {"value": "paper"}
        assert paths("R14", context(data)) == []

    def test_an_electronic_only_record_needs_no_paper_return_clause(self) -> None:
        data = without("return_or_erasure_paper")
        data["form"]["medium"] = {"value": "electronic"}
        assert paths("R14", context(data)) == []

    def test_it_asks_what_happens_at_the_end_of_the_contract(self) -> None:
        data = changed(**{"retention.end_of_contract": {}})
        assert paths("R14", context(data)) == ["retention.end_of_contract"]


class TestHandover:
    def test_it_asks_for_the_clause_when_the_handover_is_a_principle_only(self) -> None:
        data = changed(**{"safeguards.handover_via_city.reference": ""})
        assert paths("R16", context(data)) == ["safeguards.handover_via_city.reference"]


class TestSpecialProvisions:
    def test_it_flags_outsourcing_with_no_clause_cited(self) -> None:
        data = changed(safeguards={name: {"present": True, "reference": ""} for name in CLAUSES})
        assert paths("R03", context(data)) == ["safeguards"]

    def test_it_flags_outsourcing_with_no_clause_at_all(self) -> None:
        assert paths("R03", context(changed(safeguards={}))) == ["safeguards"]

    def test_it_does_not_ask_when_nothing_is_outsourced(self) -> None:
        data = changed(safeguards={})
        data["outsourcing"]["outsourced"] = False
        assert paths("R03", context(data)) == []

    def test_it_is_satisfied_by_cited_clauses(self) -> None:
        assert paths("R03", context()) == []


class TestClauseReference:
    def test_it_asks_where_a_declared_clause_is_written(self) -> None:
        data = changed(**{"safeguards.audit_rights.reference": ""})
        assert paths("S07", context(data)) == ["safeguards.audit_rights.reference"]

    def test_it_leaves_the_handover_to_r16(self) -> None:
        data = changed(**{"safeguards.handover_via_city.reference": ""})
        assert paths("S07", context(data)) == []

    def test_it_is_satisfied_by_cited_clauses(self) -> None:
        assert paths("S07", context()) == []


class TestPenalties:
    def test_each_clause_has_its_own_message(self) -> None:
        data = without("breach_sanctions", False)
        data["safeguards"]["penalty_equal_to_staff"]["present"] = False
        by_path = {f.path: f for f in findings("R22", context(data))}
        penalty = by_path["safeguards.penalty_equal_to_staff"]
        breach = by_path["safeguards.breach_sanctions"]
        with translation.override("en"):
            assert "liable as city staff" in penalty.text()
            assert "staff" not in breach.text()
            assert "terminate" in breach.text()
            assert "publish" in breach.text()
        with translation.override("ja"):
            assert "職員" not in breach.text()
            assert "公表" in breach.text()
