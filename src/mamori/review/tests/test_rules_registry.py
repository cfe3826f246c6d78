"""The registry: every rule has a title, a source and tests; the full record raises nothing."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from mamori.review.rules import RULES, evaluate, load_rules
from mamori.review.rules.meeting import MEETING_RULES
from mamori.review.tests.fixtures import context, full_record

TESTS = Path(__file__).parent


def ids_named_in_rule_tests() -> set[str]:
    text = "".join(
        p.read_text() for p in TESTS.glob("test_rules_*.py") if p.name != Path(__file__).name
    )
    return set(re.findall(r'"([RS]\d\d)"', text))


class TestTheRegistry:
    def test_every_rule_has_a_title_a_source_and_a_test(self) -> None:
        load_rules()
        rules = {**RULES, **MEETING_RULES}
        assert len(rules) >= 40
        for rule_id, registered in rules.items():
            assert registered.title, rule_id
            assert registered.source, rule_id
        assert set(rules) <= ids_named_in_rule_tests()

    def test_the_issues_points_and_the_domain_rules_are_all_there(self) -> None:
        load_rules()
        expected = {f"R{n:02}" for n in [*range(1, 27), 30, 33, *range(35, 43)]}
        assert expected <= set(RULES) | set(MEETING_RULES)

    def test_a_finding_names_its_field_in_japanese(self) -> None:
        data = full_record().model_dump(mode="json")
        data["safeguards"]["audit_rights"] = {"present": None}
        [finding] = evaluate(context(data), only=["R18"])
        with translation.override("ja"):
            title = translation.gettext("Audit and inspection rights")
            assert finding.text().startswith(f"「{title}」")
            assert title != "Audit and inspection rights"  # the catalogue has it
            assert finding.as_dict()["precedent"]


class TestTheFullRecord:
    def test_no_rule_finds_anything_on_a_fully_specified_record(self) -> None:
        assert evaluate(context()) == []

    def test_nor_without_dates_or_kinds(self) -> None:
        bare = context(meeting_date=None, submitted_on=None, kinds=frozenset())
        assert evaluate(bare) == []
