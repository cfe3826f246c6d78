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
from mamori.consultations import handling
from mamori.consultations.models import (
    Attachment,
    AttachmentFact,
    Consultation,
    Decision,
    FollowUp,
    HandlingRecordVersion,
    Opinion,
    Report,
    Response,
)
from mamori.core import demo, demo_records
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
        HandlingRecordVersion,
        Attachment,
        AttachmentFact,
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
        assert before["HandlingRecordVersion"] == 4
        # The seed's meeting, and the one of 2009-02-16 that gave the earlier answer.
        assert Meeting.objects.filter(council__slug="kojin-hogo").count() == 2
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
        assert len(roles) == len(usernames) == 8

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
            HandlingRecordVersion,
            Attachment,
            AttachmentFact,
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

    def test_both_consultations_are_answered_yes_with_follow_ups_open(
        self, meeting: Meeting
    ) -> None:
        decisions = Decision.objects.filter(meeting=meeting).order_by("consultation__number")
        assert [(d.consultation.number, d.result) for d in decisions] == [
            (4, Decision.Result.APPROVED),
            (5, Decision.Result.APPROVED),
        ]
        assert set(Consultation.objects.values_list("status", flat=True)) == {
            Consultation.Status.FOLLOW_UP
        }

    def test_the_earlier_answer_was_given_at_its_own_meeting_of_february_16(
        self, meeting: Meeting
    ) -> None:
        earlier = Decision.objects.get(consultation__fiscal_year=2008, consultation__number=8)
        assert earlier.meeting is not None
        assert (earlier.meeting.fiscal_year, earlier.meeting.date.isoformat()) == (
            2008,
            "2009-02-16",
        )
        assert earlier.meeting.agenda_items.filter(consultations=earlier.consultation).exists()
        assert earlier.meeting.minutes.status == Minutes.Status.DRAFT
        assert earlier.answered_version is not None

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


def version(number: int, version_number: int = 1) -> handling.HandlingRecord:
    """A version of a demo consultation of 平成21年度, which must have been submitted."""
    found = HandlingRecordVersion.objects.get(
        consultation__fiscal_year=2009, consultation__number=number, number=version_number
    )
    assert found.is_submitted
    return found.record()


class TestTheDemoHandlingRecords:
    def test_every_consultation_went_to_the_council_with_a_complete_record(
        self, meeting: Meeting
    ) -> None:
        for consultation in Consultation.objects.all():
            first = consultation.record_versions.get(number=1)
            assert first.is_submitted, consultation.label
            assert handling.missing_for_submission(first.record()) == []

    def test_the_plans_of_no4_are_marked_planned_and_its_contractor_undecided(
        self, meeting: Meeting
    ) -> None:
        record = version(4)
        planned = handling.Certainty.PLANNED
        assert (record.form.medium.value, record.form.medium.certainty) == ("both", planned)
        assert record.form.typed_into_database.value is True
        assert record.form.typed_into_database.certainty == planned
        assert "手書きでケース記録" in (record.form.paper.location.value or "")
        assert record.form.paper.location.certainty == planned
        assert (record.outsourcing.staff_count.value, record.outsourcing.staff_count.certainty) == (
            2,
            planned,
        )
        assert record.outsourcing.contractor.value is None
        assert record.outsourcing.contractor.certainty == handling.Certainty.UNDECIDED
        assert record.outsourcing.procurement.value == handling.Procurement.PROPOSAL
        assert record.safeguards.penalty_equal_to_staff.certainty == planned

    def test_no4_declares_what_the_department_answered_in_the_minutes(
        self, meeting: Meeting
    ) -> None:
        record = version(4)
        assert record.carry_out.paper.allowed.value is True
        assert record.carry_out.electronic.allowed.value is False
        assert "仕様書もしくはセキュリティ合意書に明記" in (record.media.copy_out_note.value or "")
        assert [r.name for r in record.recipients] == [
            "ハローワーク",
            "学校",
            "作業所",
            "市(障害支援課)",
        ]
        for recipient in record.recipients:
            assert recipient.written_consent and recipient.explanation_given
            assert recipient.refusal_honoured
            assert "福祉関係事業者における個人情報の適正な取扱いのためのガイドライン" in (
                recipient.guideline
            )
        assert record.outsourcing.equipment_managed_by.value == handling.Party.CONTRACTOR
        safeguards = record.safeguards
        assert safeguards.confidentiality.reference == "契約書約款第7条"
        assert safeguards.return_or_erasure_paper.reference == "特約条項第12条"
        assert safeguards.return_or_erasure_electronic.reference == "特約条項第12条"
        assert safeguards.handover_via_city.present

    def test_the_sub_contractor_of_no5_has_no_privacy_mark_but_an_approval_request(
        self, meeting: Meeting
    ) -> None:
        record = version(5)
        [subcontractor] = record.outsourcing.subcontractors
        assert subcontractor.name.startswith("有限会社")
        assert handling.CertificationKind.PRIVACY_MARK not in subcontractor.certifications
        assert subcontractor.approval_request_on_file
        assert record.outsourcing.equipment_managed_by.value == handling.Party.CITY
        assert record.media.bring_in.value == handling.MediaRule.FORBIDDEN
        assert record.outsourcing.support_method.value == handling.Support.ON_SITE

    def test_the_approval_request_of_no5_states_remote_support_against_the_record(
        self, meeting: Meeting
    ) -> None:
        attachment = Attachment.objects.get(consultation__number=5, consultation__fiscal_year=2009)
        assert attachment.kind == Attachment.Kind.APPROVAL_REQUEST
        assert attachment.content_type == "application/pdf"
        with attachment.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
        [fact] = attachment.facts.all()
        assert (fact.path, fact.value) == ("outsourcing.support_method", "remote")
        assert "Eメール、FAX、電話等によるサポート" in fact.quote
        assert str(version(5).outsourcing.support_method.value) != fact.value

    def test_no_real_name_of_the_seed_is_in_any_record(self, meeting: Meeting) -> None:
        for stored in HandlingRecordVersion.objects.all():
            text = str(stored.data) + stored.note
            assert "白梅" not in text
        assert not Attachment.objects.filter(title__contains="白梅").exists()


class TestTheVersionFiledAfterTheAnswer:
    def test_the_answer_points_at_the_version_deliberated(self, meeting: Meeting) -> None:
        for decision in Decision.objects.filter(meeting=meeting):
            assert decision.answered_version is not None
            assert decision.answered_version.number == 1
            assert decision.consultation.answered_version == decision.answered_version

    def test_no4_has_a_second_version_with_the_contractor_chosen(self, meeting: Meeting) -> None:
        second = HandlingRecordVersion.objects.get(
            consultation__fiscal_year=2009, consultation__number=4, number=2
        )
        assert second.is_submitted
        assert second.note == demo_records.NOTE_4_AFTER_PROPOSAL
        record = second.record()
        assert record.outsourcing.contractor.value == demo_records.CONTRACTOR_4
        assert record.outsourcing.contractor.certainty == handling.Certainty.FIXED
        assert record.safeguards.penalty_equal_to_staff.reference == "特約条項第13条"

    def test_the_records_carry_the_dates_of_2009_not_of_loading(self, meeting: Meeting) -> None:
        from django.utils import timezone

        for number, version_number, day in [(4, 1, "2009-07-30"), (4, 2, "2009-10-20")]:
            submitted_at = HandlingRecordVersion.objects.get(
                consultation__fiscal_year=2009, consultation__number=number, number=version_number
            ).submitted_at
            assert submitted_at is not None
            assert timezone.localtime(submitted_at).date().isoformat() == day

    def test_only_no4_is_changed_since_the_answer(self, meeting: Meeting) -> None:
        changed = Consultation.objects.changed_since_answer()
        assert [(c.fiscal_year, c.number) for c in changed] == [(2009, 4)]

    def test_the_diff_shows_the_contractor_procurement_staff_and_penalty(
        self, meeting: Meeting
    ) -> None:
        changes = {c.path: c for c in handling.diff(version(4, 1), version(4, 2))}
        assert set(changes) >= {
            "outsourcing.contractor",
            "outsourcing.procurement",
            "outsourcing.staff_count",
            "safeguards.penalty_equal_to_staff.reference",
        }
        contractor = changes["outsourcing.contractor"]
        assert contractor.before is not None and contractor.before.value is None
        assert contractor.after is not None
        assert contractor.after.value == demo_records.CONTRACTOR_4
        assert not any(path.startswith(("recipients", "items", "form")) for path in changes)
