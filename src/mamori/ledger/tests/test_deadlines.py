"""The reporting rule for incidents of a public body: which cases must be reported, and the
deadlines of the prompt and final reports, moved past days the office is closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mamori.ledger.deadlines import incident_duties
from mamori.ledger.models import Incident, IncidentKind

# A Wednesday. The day it became known is day 1 (PPC guidance 3-5-3-3 / 3-5-3-4): the 5th day
# is Sunday 8 November, moved to Monday 9 November; the 30th day is Thursday 3 December.
PLAIN_DAY = dt.date(2026, 11, 4)


def incident(**fields: Any) -> Incident:
    values: dict[str, Any] = {
        "title": "台帳の写しの誤送付",
        "kind": IncidentKind.LEAK,
        "what_happened": "誤送付",
        "discovered_on": PLAIN_DAY,
        "people_count": 1,
    }
    values.update(fields)
    return Incident(**values)


def test_an_incident_without_any_case_of_the_rule_needs_no_report() -> None:
    duties = incident_duties(incident(), PLAIN_DAY)
    assert not duties.report_required
    assert not duties.notify_required
    assert duties.triggers == []
    assert duties.next_deadline is None
    assert duties.complete


@pytest.mark.parametrize(
    "trigger", ["special_care", "financial_harm", "malicious", "ordinance_special_care"]
)
def test_each_case_of_the_rule_makes_the_report_and_the_notification_required(
    trigger: str,
) -> None:
    duties = incident_duties(incident(**{trigger: True}), PLAIN_DAY)
    assert duties.report_required
    assert duties.notify_required
    assert len(duties.triggers) == 1
    assert duties.prompt is not None and duties.final is not None


def test_one_hundred_people_is_not_enough_but_one_hundred_and_one_is() -> None:
    assert not incident_duties(incident(people_count=100), PLAIN_DAY).report_required
    duties = incident_duties(incident(people_count=101), PLAIN_DAY)
    assert duties.report_required
    assert "101" in duties.triggers[0]


def test_a_suspected_incident_counts_the_same_as_a_confirmed_one() -> None:
    duties = incident_duties(incident(suspected=True, special_care=True), PLAIN_DAY)
    assert duties.report_required


def test_several_cases_are_each_named() -> None:
    duties = incident_duties(
        incident(special_care=True, malicious=True, people_count=500), PLAIN_DAY
    )
    assert len(duties.triggers) == 3


def test_the_final_report_is_due_on_the_thirtieth_day_counting_the_day_it_became_known() -> None:
    duties = incident_duties(incident(special_care=True), PLAIN_DAY)
    assert duties.prompt is not None and duties.final is not None
    assert duties.prompt.due_on == dt.date(2026, 11, 9)
    assert duties.final.due_on == dt.date(2026, 12, 3)


def test_an_incident_known_on_a_monday_has_its_fifth_day_on_friday() -> None:
    known = dt.date(2026, 11, 16)  # Monday; day 5 is Friday 20 November, an open day
    duties = incident_duties(incident(special_care=True, discovered_on=known), known)
    assert duties.prompt is not None
    assert duties.prompt.due_on == dt.date(2026, 11, 20)


def test_the_prompt_report_days_follow_the_setting(settings: Any) -> None:
    settings.MAMORI_INCIDENT_PROMPT_REPORT_DAYS = 3
    known = dt.date(2026, 6, 1)  # Monday: day 3 is Wednesday 3 June
    duties = incident_duties(incident(special_care=True, discovered_on=known), known)
    assert duties.prompt is not None
    assert duties.prompt.due_on == dt.date(2026, 6, 3)


def test_a_malicious_incident_has_sixty_days_for_the_final_report() -> None:
    known = dt.date(2026, 6, 1)  # day 60: Thursday 30 July 2026
    duties = incident_duties(incident(malicious=True, discovered_on=known), known)
    assert duties.final is not None
    assert duties.final.due_on == dt.date(2026, 7, 30)
    plain = incident_duties(incident(special_care=True, discovered_on=known), known)
    assert plain.final is not None
    assert plain.final.due_on == dt.date(2026, 6, 30)


def test_a_deadline_on_a_saturday_moves_to_the_next_monday() -> None:
    known = dt.date(2026, 11, 3)  # day 5: Saturday 7 November
    duties = incident_duties(incident(special_care=True, discovered_on=known), known)
    assert duties.prompt is not None
    assert duties.prompt.due_on == dt.date(2026, 11, 9)


def test_a_deadline_on_new_years_eve_moves_past_the_year_end_closure() -> None:
    known = dt.date(2026, 12, 2)  # day 30: Thursday 31 December, the office is closed
    duties = incident_duties(incident(special_care=True, discovered_on=known), known)
    assert duties.final is not None
    assert duties.final.due_on == dt.date(2027, 1, 4)


def test_a_deadline_still_ahead_counts_the_days_left() -> None:
    duties = incident_duties(incident(special_care=True), dt.date(2026, 11, 7))
    assert duties.prompt is not None
    assert duties.prompt.state == "due"
    assert duties.prompt.days_left == 2
    assert "2" in duties.prompt.describe()
    assert duties.next_deadline == duties.prompt


def test_a_deadline_passed_counts_the_days_over() -> None:
    duties = incident_duties(incident(special_care=True), dt.date(2026, 11, 12))
    assert duties.prompt is not None
    assert duties.prompt.state == "overdue"
    assert duties.prompt.days_left == -3
    assert "3" in duties.prompt.describe()


def test_a_report_made_meets_its_deadline_and_the_next_one_is_shown() -> None:
    duties = incident_duties(
        incident(special_care=True, prompt_reported_on=dt.date(2026, 11, 6)),
        dt.date(2026, 11, 20),
    )
    assert duties.prompt is not None and duties.final is not None
    assert duties.prompt.state == "met"
    assert not duties.prompt.late
    assert duties.next_deadline == duties.final
    assert duties.final.state == "due"


def test_a_report_made_late_is_met_but_marked_late() -> None:
    duties = incident_duties(
        incident(special_care=True, prompt_reported_on=dt.date(2026, 11, 10)),
        dt.date(2026, 11, 20),
    )
    assert duties.prompt is not None
    assert duties.prompt.met and duties.prompt.late


def test_the_duties_are_complete_once_both_reports_and_the_notification_are_recorded() -> None:
    reported = {
        "special_care": True,
        "prompt_reported_on": dt.date(2026, 11, 6),
        "final_reported_on": dt.date(2026, 11, 30),
    }
    assert not incident_duties(incident(**reported), PLAIN_DAY).complete
    notified = incident(**reported, people_notified_on=dt.date(2026, 11, 6))
    assert incident_duties(notified, PLAIN_DAY).complete
    published = incident(**reported, notification_note="連絡先不明のため市ホームページで公表")
    assert incident_duties(published, PLAIN_DAY).complete
