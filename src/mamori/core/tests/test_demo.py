"""`mamori demo` loads the seed meeting of 2009-08-06 once, through the audited services."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db import models
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape

from mamori.accounts.models import Department, Role, User
from mamori.audit.models import AuditEvent
from mamori.audit.services import verify_chain
from mamori.consultations.models import (
    Consultation,
    Decision,
    FollowUp,
    Opinion,
    Report,
    Response,
)
from mamori.core import demo
from mamori.council.minutes import compose
from mamori.council.models import (
    AgendaItem,
    Attendance,
    Council,
    Meeting,
    Membership,
    Minutes,
    StaffAttendee,
)

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    tables: list[type[models.Model]] = [
        Council,
        Meeting,
        User,
        Department,
        Membership,
        Attendance,
        Consultation,
        Opinion,
        Response,
        Decision,
        FollowUp,
        Report,
        AgendaItem,
        StaffAttendee,
        AuditEvent,
    ]
    return {model.__name__: model._default_manager.count() for model in tables}


@pytest.fixture
def debug_on(settings: Any) -> None:
    settings.DEBUG = True


@pytest.fixture
def meeting(debug_on: None) -> Meeting:
    run_demo()
    meeting = demo.demo_meeting()
    assert meeting is not None
    return meeting


@pytest.fixture
def html(meeting: Meeting) -> str:
    with translation.override("ja"):
        return render_to_string("council/minutes_document.html", {"doc": compose(meeting)})


def in_order(html: str, markers: list[str]) -> list[int]:
    """Where each marker is found, each searched for after the one before."""
    positions, start = [], 0
    for marker in markers:
        position = html.find(escape(marker), start)
        assert position >= 0, f"{marker!r} is missing, or out of order"
        positions.append(position)
        start = position + 1
    return positions


class TestLoadingTheDemo:
    def test_running_it_twice_leaves_one_copy(self, meeting: Meeting) -> None:
        before = counts()
        output = run_demo()
        assert counts() == before
        assert before["Council"] == 1
        assert Meeting.objects.filter(council__slug="kojin-hogo").count() == 1
        assert "読み込み済み" in output

    def test_it_refuses_with_debug_off_and_creates_nothing(self, settings: Any) -> None:
        settings.DEBUG = False
        with pytest.raises(CommandError, match="DEBUG"):
            run_demo()
        assert set(counts().values()) == {0}

    def test_it_creates_one_demo_account_per_role(self, meeting: Meeting) -> None:
        usernames = [s.username for s in demo.SIGN_INS]
        roles = sorted(User.objects.filter(username__in=usernames).values_list("role", flat=True))
        assert sorted(set(roles)) == sorted(Role.values)
        assert len(roles) == len(usernames) == 7

    def test_the_demo_passwords_pass_the_validators_and_sign_in(self, meeting: Meeting) -> None:
        for sign_in in demo.SIGN_INS:
            user = User.objects.get(username=sign_in.username)
            validate_password(sign_in.password, user)
            assert user.check_password(sign_in.password)

    def test_only_the_demo_accounts_can_sign_in(self, meeting: Meeting) -> None:
        usable = {u.username for u in User.objects.all() if u.has_usable_password()}
        assert usable == {s.username for s in demo.SIGN_INS}

    def test_the_chair_and_a_member_sign_in_as_themselves(self, meeting: Meeting) -> None:
        chair = Membership.objects.get(member__username="kaicho")
        member = Membership.objects.get(member__username="iin")
        assert chair.role == Membership.Role.CHAIR
        assert member.role == Membership.Role.MEMBER
        assert chair.member.role == member.member.role == Role.COUNCIL_MEMBER

    def test_department_accounts_belong_to_their_departments(self, meeting: Meeting) -> None:
        departments = dict(User.objects.values_list("username", "department__name"))
        assert departments["jimukyoku"] == "情報公開係"
        assert departments["shogai"] == "障害支援課"
        assert departments["kodomo"] == "子ども総務課"

    def test_every_write_is_in_the_audit_trail(self, meeting: Meeting) -> None:
        assert AuditEvent.objects.count() > 0
        assert verify_chain() == AuditEvent.objects.count()
        if "audit_verify" in get_commands():
            call_command("audit_verify", stdout=StringIO())
        created: list[type[models.Model]] = [
            Department,
            User,
            Council,
            Membership,
            Meeting,
            Minutes,
            Attendance,
            StaffAttendee,
            Consultation,
            Opinion,
            Response,
            Decision,
            FollowUp,
            Report,
            AgendaItem,
        ]
        for model in created:
            events = AuditEvent.objects.filter(
                action=AuditEvent.Action.CREATE, object_type=model._meta.label_lower
            )
            assert events.count() == model._default_manager.count() > 0, model.__name__

    def test_it_prints_the_sign_ins_each_time(self, debug_on: None) -> None:
        for output in (run_demo(), run_demo()):
            for sign_in in demo.SIGN_INS:
                assert f"| {sign_in.username} | {sign_in.password} |" in output
            assert "総務部総務課情報公開係" in output


class TestTheDemoRecords:
    def test_the_seven_members_sit_in_the_seeds_order(self, meeting: Meeting) -> None:
        attendances = list(meeting.attendances.all())
        assert [a.membership.member.display_name for a in attendances] == [
            m.name for m in demo.MEMBERS
        ]
        assert [a.status == Attendance.Status.PRESENT for a in attendances] == [
            m.present for m in demo.MEMBERS
        ]

    def test_it_records_every_exchange_of_the_seed(self, meeting: Meeting) -> None:
        for seed, expected in ((demo.CONSULTATION_4, 11), (demo.CONSULTATION_5, 4)):
            consultation = Consultation.objects.get(fiscal_year=2009, number=seed.number)
            opinions = list(consultation.opinions.select_related("response", "member"))
            assert len(opinions) == len(seed.exchanges) == expected
            for opinion, exchange in zip(opinions, seed.exchanges, strict=True):
                assert opinion.text == exchange.opinion
                assert opinion.response.text == exchange.response
                assert opinion.meeting == meeting
                assert opinion.member is not None

    def test_no_real_contractor_name_is_left(self, meeting: Meeting) -> None:
        assert not Opinion.objects.filter(text__contains="白梅").exists()
        assert not Response.objects.filter(text__contains="白梅").exists()

    def test_both_consultations_are_answered_yes(self, meeting: Meeting) -> None:
        decisions = Decision.objects.filter(meeting=meeting).order_by("consultation__number")
        assert [(d.consultation.number, d.result) for d in decisions] == [
            (4, Decision.Result.APPROVED),
            (5, Decision.Result.APPROVED),
        ]
        assert set(Consultation.objects.values_list("status", flat=True)) == {
            Consultation.Status.ANSWERED
        }

    def test_every_commitment_has_an_owner_a_due_date_and_its_origin(
        self, meeting: Meeting
    ) -> None:
        follow_ups = FollowUp.objects.filter(meeting=meeting)
        assert follow_ups.count() == len(demo.COMMITMENTS) + 1 >= 6
        assert not follow_ups.filter(due_on__isnull=True).exists()
        owners = dict(follow_ups.values_list("commitment", "owner__name"))
        for commitment in demo.COMMITMENTS:
            assert owners[commitment.text] == commitment.owner
        assert follow_ups.filter(opinion__isnull=False).count() == len(demo.COMMITMENTS)
        report_follow_up = follow_ups.get(commitment=demo.REPORT_COMMITMENT.text)
        assert report_follow_up.decision is not None
        assert report_follow_up.decision.decided_on.isoformat() == "2009-02-16"

    def test_the_meeting_is_closed_on_two_grounds(self, meeting: Meeting) -> None:
        grounds = sorted(meeting.closure_grounds.values_list("article", flat=True))
        assert grounds == ["情報公開条例第6条第1号", "情報公開条例第6条第5号"]


class TestTheDemoMinutes:
    def test_they_carry_every_section_of_the_seed_in_its_order(self, html: str) -> None:
        sections = [
            "会議の名称",
            "開催日時",
            "開催場所",
            "出席者及び欠席者",
            "傍聴の可否",
            "会議次第",
            "問い合わせ先",
            "会議経過",
            "(1) 総務部長挨拶",
            "(2) 諮問書授受",
            "部長より会長へ諮問書授受",
            "(3) 諮問審議結果",
            "委員意見及び障害支援課の回答",
            "委員意見及び子ども総務課の回答",
            "(4) 報告",
            "子ども総務課の説明",
            "以上",
            "この会議の資料(諮問書など)は、下記の理由によりホームページ等での公表はしません。",
            "【理由】",
        ]
        positions = in_order(html, sections)
        assert positions == sorted(positions)
        first_seen = [html.index(escape(section)) for section in sections[:8]]
        assert first_seen == sorted(first_seen)

    def test_they_name_and_date_the_meeting_in_the_japanese_era(self, html: str) -> None:
        in_order(
            html,
            [
                "平成21年度第3回個人情報保護運営審議会",
                "平成21年8月6日(木)午後6時55分～8時30分",
                "東村山市役所3階庁議室",
            ],
        )

    def test_they_list_the_members_with_the_chair_and_vice_chair(self, html: str) -> None:
        in_order(
            html,
            [
                "出席者：",
                "（委員） 秋山正道会長・井上健二会長職務代理・宇田川直子委員・遠藤浩之委員・"
                "小川久美子委員",
                "（市事務局） 佐野総務部長・田辺総務課長・中川情報公開係長・西村情報公開係主任",
                "欠席者： 片山由美委員・菊池達也委員",
            ],
        )

    def test_they_keep_the_public_out_and_say_why(self, html: str) -> None:
        in_order(html, ["傍聴の可否", "傍聴不可", demo.MEETING["closure_reason"], "会議次第"])

    def test_they_list_the_agenda_with_the_departments(self, html: str) -> None:
        in_order(
            html,
            [
                "1. 総務部長挨拶",
                "2. 諮問書授受",
                "3. 諮問審議",
                "諮問第4号「障害者就労支援事業業務委託」（健康福祉部障害支援課）",
                "諮問第5号「東村山市子育て総合支援センター入退室管理システムに係る再委託」"
                "（子ども家庭部子ども総務課）",
                "4. 報告",
                "「子育て応援特別手当(21年度版)業務委託」について（子ども家庭部子ども総務課）",
                demo.COUNCIL["contact"],
            ],
        )

    def test_they_give_both_decisions_with_every_opinion_and_response(self, html: str) -> None:
        markers = []
        for seed in demo.SEEDS:
            markers.append(
                f"諮問第{seed.number}号「{seed.title}」について、諮問どおり行うことを「可」とする。"
            )
            for exchange in seed.exchanges:
                markers += [exchange.opinion, exchange.response]
        in_order(html, markers)
        assert "了解した。（総務課）" in html

    def test_they_link_the_report_to_the_answer_of_february_16(self, html: str) -> None:
        in_order(
            html,
            [
                "(4) 報告",
                "「子育て応援特別手当(21年度版)業務委託」について",
                "平成21年2月16日",
                "諮問第8号",
                demo.REPORT["explanation"],
                "以上",
            ],
        )

    def test_they_say_why_the_materials_are_not_published(self, html: str) -> None:
        in_order(html, ["以上", "【理由】", demo.MATERIALS_REASON])
