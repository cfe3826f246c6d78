"""Meeting-level rules (R35–R42) over the council's meeting data: each triggered, and not."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori.accounts.models import Department
from mamori.consultations.models import Decision, FollowUp, Response
from mamori.council.models import (
    AgendaItem,
    Attendance,
    Council,
    DisclosureGround,
    Meeting,
    Membership,
    Openness,
    StaffAttendee,
)
from mamori.review.rules.meeting import MEETING_RULES, meeting_findings
from mamori.testing import (
    make_consultation,
    make_council,
    make_department,
    make_meeting,
    make_membership,
    make_opinion,
    put_on_agenda,
)

pytestmark = pytest.mark.django_db

AFTER = dt.date(2009, 9, 1)  # "today" for a meeting of 2009-08-06 that has taken place


def ids(meeting: Meeting, rule_id: str, *, today: dt.date = AFTER) -> list[str]:
    return [f.path for f in meeting_findings(meeting, today=today) if f.rule == rule_id]


@pytest.fixture
def council() -> Council:
    return make_council()


@pytest.fixture
def department() -> Department:
    return make_department("障害支援課", parent=make_department("健康福祉部"))


@pytest.fixture
def meeting(council: Council) -> Meeting:
    """A well-kept meeting: 4 of 5 members present, the secretariat recorded."""
    meeting = make_meeting(council)
    for n in range(5):
        seat = make_membership(council)
        status = Attendance.Status.PRESENT if n < 4 else Attendance.Status.ABSENT
        Attendance.objects.create(meeting=meeting, membership=seat, status=status)
    StaffAttendee.objects.create(
        meeting=meeting, capacity=StaffAttendee.Capacity.SECRETARIAT, name="中川", title="係長"
    )
    return meeting


def decide(meeting: Meeting, consultation: object, **fields: object) -> Decision:
    return Decision.objects.create(
        consultation=consultation,
        meeting=meeting,
        decided_on=meeting.date,
        result=fields.pop("result", Decision.Result.APPROVED),
        **fields,
    )


class TestAWellKeptMeeting:
    def test_it_has_no_finding(self, meeting: Meeting) -> None:
        assert meeting_findings(meeting, today=AFTER) == []


class TestQuorum:
    def test_it_flags_a_meeting_without_a_majority(self, meeting: Meeting) -> None:
        present = Attendance.objects.filter(meeting=meeting, status=Attendance.Status.PRESENT)
        present.exclude(pk=present.first().pk).update(status=Attendance.Status.ABSENT)  # type: ignore[union-attr]
        assert ids(meeting, "R35") == ["meeting.attendances"]  # 1 of 5

    def test_half_is_not_a_majority(self, council: Council, meeting: Meeting) -> None:
        seat = make_membership(council)  # 6 serving, 4 present: still a majority
        Attendance.objects.create(meeting=meeting, membership=seat, status="absent")
        assert ids(meeting, "R35") == []
        Attendance.objects.filter(meeting=meeting, status="present").first().delete()  # type: ignore[union-attr]
        assert ids(meeting, "R35") == ["meeting.attendances"]  # 3 of 6


class TestTie:
    def test_it_flags_a_tie_without_the_chairs_decision(
        self, meeting: Meeting, council: Council, department: Department
    ) -> None:
        decision = decide(
            meeting, make_consultation(council, department), votes_for=2, votes_against=2
        )
        assert ids(meeting, "R36") == [f"decisions[{decision.pk}]"]
        Decision.objects.filter(pk=decision.pk).update(decided_by_chair=True)
        assert ids(meeting, "R36") == []


class TestClosure:
    def test_it_flags_a_closed_meeting_with_no_ground(self, meeting: Meeting) -> None:
        Meeting.objects.filter(pk=meeting.pk).update(openness=Openness.CLOSED)
        meeting.refresh_from_db()
        assert ids(meeting, "R37") == ["meeting.closure_grounds"]
        ground = DisclosureGround.objects.create(article="情報公開条例第6条第1号", label="個人情報")
        meeting.closure_grounds.add(ground)
        assert ids(meeting, "R37") == []

    def test_it_flags_a_closed_agenda_item_with_no_ground(self, meeting: Meeting) -> None:
        AgendaItem.objects.create(
            meeting=meeting,
            order=2,
            kind=AgendaItem.Kind.DELIBERATION,
            title="諮問審議",
            openness=AgendaItem.ItemOpenness.CLOSED,
        )
        assert ids(meeting, "R37") == ["agenda[2].closure_grounds"]


class TestMinutesItems:
    def test_it_flags_missing_place_attendance_and_secretariat(self, council: Council) -> None:
        bare = make_meeting(council, place="")
        assert ids(bare, "R38") == ["meeting.attendances", "meeting.place", "meeting.staff"]

    def test_it_accepts_a_complete_meeting(self, meeting: Meeting) -> None:
        assert ids(meeting, "R38") == []


class TestDeliberationWithoutDecision:
    def test_it_flags_a_deliberated_consultation_with_no_decision(
        self, meeting: Meeting, council: Council, department: Department
    ) -> None:
        consultation = make_consultation(council, department)
        put_on_agenda(meeting, consultation)
        assert ids(meeting, "R39") == [f"consultations[{consultation.key}]"]
        assert ids(meeting, "R39", today=meeting.date) == []  # not before the meeting is over
        decide(meeting, consultation, result=Decision.Result.CONTINUED)
        assert ids(meeting, "R39") == []


class TestPromises:
    def test_it_flags_a_promise_no_follow_up_tracks(
        self, meeting: Meeting, council: Council, department: Department
    ) -> None:
        consultation = make_consultation(council, department)
        opinion = make_opinion(consultation, meeting=meeting)
        Response.objects.create(
            opinion=opinion, department=department, text="明記する。", due_on=AFTER
        )
        assert ids(meeting, "R40") == [f"opinions[{opinion.pk}]"]
        FollowUp.objects.create(
            meeting=meeting,
            consultation=consultation,
            opinion=opinion,
            commitment="仕様書に明記する。",
            owner=department,
            due_on=AFTER,
        )
        assert ids(meeting, "R40") == []


class TestFollowUpDueDate:
    def test_it_flags_a_follow_up_with_no_due_date(
        self, meeting: Meeting, department: Department
    ) -> None:
        follow_up = FollowUp.objects.create(
            meeting=meeting, commitment="仕様書に明記する。", owner=department
        )
        assert ids(meeting, "R41") == [f"follow_ups[{follow_up.pk}].due_on"]
        FollowUp.objects.filter(pk=follow_up.pk).update(due_on=AFTER)
        assert ids(meeting, "R41") == []


class TestFiscalYear:
    def test_a_february_meeting_belongs_to_the_year_before(self, council: Council) -> None:
        wrong = make_meeting(council, fiscal_year=2009, date=dt.date(2009, 2, 16))
        assert ids(wrong, "R42") == ["meeting.fiscal_year"]
        right = make_meeting(council, fiscal_year=2008, date=dt.date(2009, 2, 16))
        assert ids(right, "R42") == []


def test_every_meeting_rule_is_registered_with_a_title_and_source() -> None:
    assert sorted(MEETING_RULES) == ["R35", "R36", "R37", "R38", "R39", "R40", "R41", "R42"]
    assert all(r.title and r.source for r in MEETING_RULES.values())


def test_membership_terms_count_for_the_quorum(council: Council, meeting: Meeting) -> None:
    # A member whose term ended before the meeting does not count among those serving.
    make_membership(council, term_end=dt.date(2009, 3, 31))
    assert ids(meeting, "R35") == []
    assert Membership.objects.filter(council=council).count() == 6
