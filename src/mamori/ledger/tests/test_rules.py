"""The carry-out rule read from the answered HandlingRecord a file rests on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Decision
from mamori.ledger import rules
from mamori.ledger.models import Medium, PersonalInformationFile


def carry_out(paper: Any, electronic: Any) -> dict[str, Any]:
    return {
        "paper": {"allowed": {"value": paper}},
        "electronic": {"allowed": {"value": electronic}},
    }


def file_answered(personas: Personas, **sections: Any) -> PersonalInformationFile:
    consultation = testing.make_answered_consultation(
        personas.council, personas.shogai, data=testing.record_data(**sections)
    )
    decision = consultation.decisions.get()
    file: PersonalInformationFile = testing.make_ledger_file(
        personas.shogai, consultation=consultation, decision=decision
    )
    return file


def test_a_paper_only_answer_allows_paper(personas: Personas) -> None:
    file = file_answered(personas, carry_out=carry_out(True, False))
    assert rules.carry_out_rule(file, Medium.PAPER) == rules.RuleVerdict(True, "")


def test_a_paper_only_answer_refuses_electronic_media_citing_the_answer_date(
    personas: Personas,
) -> None:
    file = file_answered(personas, carry_out=carry_out(True, False))
    verdict = rules.carry_out_rule(file, Medium.ELECTRONIC)
    assert verdict.allowed is False
    assert verdict.refused
    assert "平成21年8月6日" in verdict.reason


def test_an_answer_that_forbids_paper_refuses_paper(personas: Personas) -> None:
    file = file_answered(personas, carry_out=carry_out(False, False))
    assert rules.carry_out_rule(file, Medium.PAPER).allowed is False


def test_an_answer_silent_on_a_medium_allows_it_with_a_warning(personas: Personas) -> None:
    file = file_answered(personas, carry_out=carry_out(True, None))
    verdict = rules.carry_out_rule(file, Medium.ELECTRONIC)
    assert verdict.allowed is None
    assert verdict.warning
    assert verdict.reason == rules.no_rule_warning()


def test_a_file_resting_on_no_answer_allows_with_a_warning(personas: Personas) -> None:
    file = testing.make_ledger_file(personas.shogai)
    verdict = rules.carry_out_rule(file, Medium.ELECTRONIC)
    assert (verdict.allowed, verdict.reason) == (None, rules.no_rule_warning())


def test_without_a_decision_the_consultations_answered_version_rules(
    personas: Personas,
) -> None:
    consultation = testing.make_answered_consultation(personas.council, personas.shogai)
    file = testing.make_ledger_file(personas.shogai, consultation=consultation)
    verdict = rules.carry_out_rule(file, Medium.ELECTRONIC)
    assert verdict.allowed is False
    assert "平成21年8月6日" in verdict.reason  # the consultation's latest answer is cited


def test_the_answer_chosen_rules_not_a_later_version(personas: Personas) -> None:
    file = file_answered(personas, carry_out=carry_out(True, False))
    assert file.consultation is not None
    # A later draft allowing electronic carry-out changes nothing until it is answered.
    testing.make_version(
        file.consultation, data=testing.record_data(carry_out=carry_out(True, True))
    )
    assert rules.carry_out_rule(file, Medium.ELECTRONIC).allowed is False


def test_a_later_answer_on_a_new_version_is_the_one_cited(personas: Personas) -> None:
    file = file_answered(personas, carry_out=carry_out(True, False))
    assert file.consultation is not None
    version = testing.make_version(
        file.consultation,
        submitted=True,
        data=testing.record_data(carry_out=carry_out(True, True)),
    )
    later = Decision.objects.create(
        consultation=file.consultation,
        decided_on=dt.date(2010, 2, 1),
        result=Decision.Result.APPROVED,
        answered_version=version,
    )
    file.decision = later
    assert rules.carry_out_rule(file, Medium.ELECTRONIC).allowed is True


def test_the_demo_record_of_consultation_4_is_paper_only(personas: Personas) -> None:
    from mamori.core.demo_records import RECORD_4

    consultation = testing.make_answered_consultation(
        personas.council, personas.shogai, data=RECORD_4
    )
    file = testing.make_ledger_file(
        personas.shogai, consultation=consultation, decision=consultation.decisions.get()
    )
    assert rules.carry_out_rules(file)[Medium.PAPER].allowed is True
    assert rules.carry_out_rules(file)[Medium.ELECTRONIC].allowed is False
