"""The builders write the council's documents from the records: the demo's 諮問書, 答申書
and 会議録 say what the seed minutes say, in order, with the letterhead's wording."""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Attachment, Consultation, Decision, Opinion, Response
from mamori.core import demo
from mamori.council.models import DisclosureGround, Minutes
from mamori.documents import builders
from mamori.documents.model import (
    WITHHELD_MARK,
    Document,
    Heading,
    Paragraph,
    Run,
    Table,
    plain_text,
)
from mamori.documents.models import Redaction
from mamori.documents.render_html import render_html

# Every test is a database test, so that pytest-django runs them before the transactional
# (browser) tests, whose flush removes the rows the migrations load (grounds of disclosure).
pytestmark = pytest.mark.django_db


@dataclass
class DemoDocuments:
    consultation_4: Document
    consultation_5: Document
    answer_4: Document
    answer_5: Document
    minutes: Document


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: object) -> Iterator[DemoDocuments]:
    """The demo's documents, built once: the demo is loaded in a transaction rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        meeting = demo.load()
        assert meeting is not None
        c4 = Consultation.objects.get(council__slug="kojin-hogo", fiscal_year=2009, number=4)
        c5 = Consultation.objects.get(council__slug="kojin-hogo", fiscal_year=2009, number=5)
        documents = DemoDocuments(
            consultation_4=builders.build_consultation(c4),
            consultation_5=builders.build_consultation(c5),
            answer_4=builders.build_answer(c4.decisions.get(meeting=meeting)),
            answer_5=builders.build_answer(c5.decisions.get(meeting=meeting)),
            minutes=builders.build_minutes(meeting),
        )
        transaction.set_rollback(True)
    yield documents


def text_of(document: Document) -> str:
    return plain_text(document)


def half_width(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def assert_in_order(text: str, markers: list[str]) -> None:
    start = 0
    for marker in markers:
        position = text.find(marker, start)
        assert position >= 0, f"{marker[:30]!r} is missing, or out of order"
        start = position + len(marker)


def exchanges_of(seed: demo.Seed) -> list[str]:
    texts: list[str] = []
    for exchange in seed.exchanges:
        texts.append("●" + exchange.opinion)
        suffix = f"（{exchange.answered_by}）" if exchange.answered_by else ""
        texts.append(exchange.response + suffix)
    return texts


class TestTheConsultationDocument:
    def test_it_is_the_mayors_letter_to_the_chair(self, built: DemoDocuments) -> None:
        document = built.consultation_4
        assert document.kind == "consultation"
        assert document.key == "2009-4"
        assert document.title == "障害者就労支援事業業務委託について（諮問）"
        assert document.reference == ["２１東障支第４号", "平成２１年７月３０日"]
        assert document.addressee == ["東村山市個人情報保護運営審議会", "会長　秋山正道　様"]
        assert document.sender == ["東村山市長　渡部　尚　印"]

    def test_it_says_what_is_asked_then_the_particulars(self, built: DemoDocuments) -> None:
        assert_in_order(
            text_of(built.consultation_4),
            [
                "諮問第４号「障害者就労支援事業業務委託」について、下記のとおり諮問します。",
                "記",
                "１　諮問の内容",
                "諮問番号 諮問第４号",
                "担当課 健康福祉部障害支援課",
                "諮問の類型 業務委託、外部提供",
                "２　個人情報の取扱い",
                "３　添付資料",
                "以上",
            ],
        )

    def test_the_record_reads_section_by_section_with_certainty_marked(
        self, built: DemoDocuments
    ) -> None:
        text = text_of(built.consultation_4)
        assert_in_order(
            text,
            [
                "（１）利用目的と根拠",
                "東村山市個人情報保護条例(業務委託及び外部提供)",
                "（２）対象者",
                "40（予定）",
                "（３）個人情報の項目",
                "障害の状況",
                "ケース記録(就労支援の経過、手書き)",
                "（８）業務委託",
                "プロポーザル",
                "契約書約款第7条",
            ],
        )
        # The contractor is not chosen yet: the fact is marked 未定.
        assert "（記載なし）（未定）" in text

    def test_lists_are_tables_with_their_columns_and_rows_marked(
        self, built: DemoDocuments
    ) -> None:
        tables = [b for b in built.consultation_4.blocks if isinstance(b, Table)]
        items = next(t for t in tables if "項目名" in t.header)
        assert items.header[0] == "番号"
        names = ["".join(r.text for r in row[1]) for row in items.rows]
        assert names[:4] == ["氏名", "住所", "連絡先(電話番号等)", "障害の状況"]
        # The fifth row is only planned, and says so after its item, not in the number column.
        assert [r.text for r in items.rows[4][0]] == ["5"]
        assert [r.text for r in items.rows[4][1]] == [
            "ケース記録(就労支援の経過、手書き)",
            "（予定）",
        ]

    def test_headings_go_down_one_level_at_a_time(self, built: DemoDocuments) -> None:
        levels = [b.level for b in built.consultation_4.blocks if isinstance(b, Heading)]
        assert levels[0] == 2
        assert all(after - before <= 1 for before, after in itertools.pairwise(levels))

    def test_it_lists_the_attachments_or_says_there_are_none(self, built: DemoDocuments) -> None:
        assert_in_order(
            text_of(built.consultation_5),
            ["３　添付資料", "再委託の承認願(学校法人みどり学園)", "以上"],
        )
        assert_in_order(text_of(built.consultation_4), ["３　添付資料", "なし", "以上"])


class TestTheAnswerDocument:
    def test_it_is_the_chairs_letter_to_the_mayor(self, built: DemoDocuments) -> None:
        document = built.answer_4
        assert document.kind == "answer"
        assert document.title == "障害者就労支援事業業務委託について（答申）"
        assert document.reference == ["２１東個審第４号", "平成２１年８月６日"]
        assert document.addressee == ["東村山市長　渡部　尚　様"]
        assert document.sender == ["東村山市個人情報保護運営審議会", "会長　秋山正道　印"]

    def test_it_answers_the_consultation_of_its_date(self, built: DemoDocuments) -> None:
        assert_in_order(
            text_of(built.answer_5),
            [
                "平成２１年７月３０日付け２１東子総第５号で諮問のあった諮問第５号"
                "「東村山市子育て総合支援センター入退室管理システムに係る再委託」について、"
                "下記のとおり答申します。",
                "記",
                "１　答申",
                "諮問第５号「東村山市子育て総合支援センター入退室管理システムに係る再委託」"
                "について、諮問どおり行うことを「可」とする。",
                "２　付帯意見",
                "なし",
                "３　委員意見及び子ども総務課の回答",
            ],
        )

    def test_every_opinion_and_response_is_there_in_order(self, built: DemoDocuments) -> None:
        assert_in_order(text_of(built.answer_4), [*exchanges_of(demo.CONSULTATION_4), "以上"])
        assert_in_order(text_of(built.answer_5), [*exchanges_of(demo.CONSULTATION_5), "以上"])

    def test_the_members_words_are_kept_as_written(self, built: DemoDocuments) -> None:
        # Full-width numerals are for the letter's own wording, not for what was said.
        assert "コーディネーター2人では" in text_of(built.answer_4)


class TestTheMinutes:
    def test_it_has_every_part_of_the_seed_minutes_in_order(self, built: DemoDocuments) -> None:
        document = built.minutes
        assert document.title == "平成21年度第3回個人情報保護運営審議会会議録"
        assert document.key == "2009-3"
        assert_in_order(
            text_of(document),
            [
                "会議の名称 平成21年度第3回個人情報保護運営審議会",
                "開催日時 平成21年8月6日(木)午後6時55分～8時30分",
                "開催場所 東村山市役所3階庁議室",
                "出席者：（委員）秋山正道会長・井上健二会長職務代理",
                "（市事務局）佐野総務部長",
                "欠席者：片山由美委員・菊池達也委員",
                "傍聴の可否 傍聴不可",
                "傍聴不可の場合はその理由 会議の中で、東村山市情報公開条例第6条各号",
                "会議次第 1. 総務部長挨拶",
                "諮問第4号「障害者就労支援事業業務委託」（健康福祉部障害支援課）",
                "「子育て応援特別手当(21年度版)業務委託」について（子ども家庭部子ども総務課）",
                "問い合わせ先 総務部 総務課 情報公開係",
                "会議経過",
                "(1) 総務部長挨拶",
                "(2) 諮問書授受",
                "部長より会長へ諮問書授受",
                "(3) 諮問審議結果",
                "諮問第4号「障害者就労支援事業業務委託」について、諮問どおり行うことを「可」とする。",
                "委員意見及び障害支援課の回答",
                *exchanges_of(demo.CONSULTATION_4),
                "諮問第5号「東村山市子育て総合支援センター入退室管理システムに係る再委託」について、"
                "諮問どおり行うことを「可」とする。",
                "委員意見及び子ども総務課の回答",
                *exchanges_of(demo.CONSULTATION_5),
                "(4) 報告",
                "「子育て応援特別手当(21年度版)業務委託」について",
                "子ども総務課の説明",
                "平成21年2月16日に本審議会でも可の答申を得ている。",
                "根本的な問題はおきていない。",
                "以上",
                "会議資料",
                "会議の資料は、下記の理由により公表しません。",
                "【理由】",
                "コンピュータシステムに不正侵入されるといったおそれがあるため。",
            ],
        )

    def test_the_minutes_keep_their_numerals_as_recorded(self, built: DemoDocuments) -> None:
        assert "２" not in text_of(built.minutes)

    def test_it_lists_each_material_with_its_publication(self, built: DemoDocuments) -> None:
        # The demo withholds every material, under a ground the secretariat chose.
        assert "再委託の承認願(学校法人みどり学園) 非公開（情報公開条例第6条" in text_of(
            built.minutes
        )


def answered(personas: Personas, *, opinions: int) -> Decision:
    council, department = personas.council, personas.shogai
    meeting = testing.make_meeting(council)
    Minutes.objects.get_or_create(meeting=meeting)
    consultation = testing.make_answered_consultation(council, department)
    testing.put_on_agenda(meeting, consultation)
    decision = consultation.decisions.get()
    decision.meeting = meeting
    decision.save(update_fields=["meeting"])
    for n in range(opinions):
        opinion = testing.make_opinion(consultation, meeting=meeting, text=f"意見{n}")
        Response.objects.create(opinion=opinion, department=department, text=f"回答{n}")
    return decision


def queries(build: object) -> int:
    with CaptureQueriesContext(connection) as context:
        build()  # type: ignore[operator]
    return len(context.captured_queries)


class TestBoundedReads:
    def test_the_answer_reads_as_many_rows_for_twenty_opinions_as_for_two(
        self, personas: Personas
    ) -> None:
        few, many = answered(personas, opinions=2), answered(personas, opinions=20)
        assert queries(lambda: builders.build_answer(few)) == queries(
            lambda: builders.build_answer(many)
        )

    def test_the_minutes_read_as_many_rows_for_twenty_opinions_as_for_two(
        self, personas: Personas
    ) -> None:
        few, many = answered(personas, opinions=2), answered(personas, opinions=20)
        assert few.meeting is not None and many.meeting is not None
        count = queries(lambda: builders.build_minutes(few.meeting))  # type: ignore[arg-type]
        assert count == queries(lambda: builders.build_minutes(many.meeting))  # type: ignore[arg-type]

    def test_the_consultation_reads_a_fixed_number_of_rows(self, personas: Personas) -> None:
        few, many = answered(personas, opinions=2), answered(personas, opinions=20)
        assert queries(lambda: builders.build_consultation(few.consultation)) == queries(
            lambda: builders.build_consultation(many.consultation)
        )


class TestWhatTheRecordsSay:
    def test_a_consultation_with_only_a_draft_has_no_consultation_document(
        self, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(
            personas.council, personas.shogai, status=Consultation.Status.DRAFT
        )
        testing.make_version(consultation)
        with pytest.raises(builders.DocumentError, match=consultation.label):
            builders.build_consultation(consultation)

    def test_the_default_is_the_answered_version_not_a_later_one(self, personas: Personas) -> None:
        consultation = testing.make_answered_consultation(personas.council, personas.shogai)
        later = testing.record_data(
            purpose={"purpose": {"value": "答申後に変わった目的"}, "legal_basis": {"value": "法"}}
        )
        testing.make_version(consultation, submitted=True, data=later)
        text = plain_text(builders.build_consultation(consultation))
        assert "障害者の就労支援のため" in text
        assert "答申後に変わった目的" not in text

    def test_a_given_version_is_built_and_a_draft_refused(self, personas: Personas) -> None:
        consultation = testing.make_answered_consultation(personas.council, personas.shogai)
        draft = testing.make_version(
            consultation,
            data=testing.record_data(
                purpose={"purpose": {"value": "下書きの目的"}, "legal_basis": {"value": "法"}}
            ),
        )
        with pytest.raises(builders.DocumentError):
            builders.build_consultation(consultation, version=draft)

    def test_the_answer_carries_its_conditions_and_the_chair_of_the_day(
        self, personas: Personas
    ) -> None:
        decision = answered(personas, opinions=1)
        decision.result = Decision.Result.CONDITIONALLY_APPROVED
        decision.attached_opinions = "持ち出しは紙に限ること。\n罰則を特約条項に明記すること。"
        decision.save(update_fields=["result", "attached_opinions"])
        text = plain_text(builders.build_answer(decision))
        assert_in_order(
            text,
            [
                "諮問どおり行うことを「条件付き可」とする。",
                "２　付帯意見",
                "持ち出しは紙に限ること。",
                "罰則を特約条項に明記すること。",
                "●意見0",
                "回答0",
            ],
        )
        assert half_width(f"会長　{personas.chair.display_name}　印") in half_width(text)

    def test_a_continued_deliberation_has_no_answer(self, personas: Personas) -> None:
        decision = answered(personas, opinions=0)
        decision.result = Decision.Result.CONTINUED
        decision.save(update_fields=["result"])
        with pytest.raises(builders.DocumentError):
            builders.build_answer(decision)

    def test_the_answer_leaves_out_opinions_of_later_meetings(self, personas: Personas) -> None:
        decision = answered(personas, opinions=1)
        later = testing.make_meeting(personas.council, date=dt.date(2009, 12, 1))
        testing.make_opinion(decision.consultation, meeting=later, text="答申後の意見")
        assert "答申後の意見" not in plain_text(builders.build_answer(decision))


class TestPublication:
    def test_withheld_words_and_materials_are_marked_in_the_published_minutes(
        self, personas: Personas
    ) -> None:
        decision = answered(personas, opinions=1)
        meeting = decision.meeting
        assert meeting is not None
        Opinion.objects.filter(consultation=decision.consultation).update(
            text="受託者の山田太郎氏に確認したのか。"
        )
        ground = DisclosureGround.objects.create(article="情報公開条例第6条第1号", label="個人")
        Redaction.objects.create(
            minutes=meeting.minutes,
            text="山田太郎",
            ground=ground,
            created_by=personas.secretariat,
            created_at=timezone.now(),
        )
        internal = plain_text(builders.build_minutes(meeting))
        published = plain_text(builders.build_minutes(meeting, for_publication=True))
        assert "山田太郎" in internal
        assert "山田太郎" not in published
        assert f"{WITHHELD_MARK}（情報公開条例第6条第1号）" in published

    def test_materials_not_yet_decided_are_shown_withheld(self, personas: Personas) -> None:
        decision = answered(personas, opinions=0)
        Attachment.objects.create(
            consultation=decision.consultation,
            kind=Attachment.Kind.SPECIFICATION,
            title="仕様書(案)",
            file="x",
            original_name="仕様書.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=personas.staff,
            uploaded_at=timezone.now(),
        )
        assert decision.meeting is not None
        text = plain_text(builders.build_minutes(decision.meeting, for_publication=True))
        assert "仕様書(案) 非公開（未定）" in text


class TestTheWebPage:
    def test_withheld_text_is_a_labelled_mark_and_never_the_words(self) -> None:
        document = Document(
            kind="minutes",
            title="会議録",
            blocks=[
                Paragraph([Run("受託者の"), Run("山田太郎", withheld="情報公開条例第6条第1号")]),
                Table(header=["項目", "内容"], rows=[[[Run("出席者")], [Run("秋山会長")]]]),
            ],
        )
        page = render_html(document, standalone=True)
        assert "山田太郎" not in page
        assert (
            '<span class="withheld"><span class="withheld__label">非公開部分：</span>'
            f"{WITHHELD_MARK}（情報公開条例第6条第1号）</span>"
        ) in page
        assert '<th scope="col">項目</th>' in page
        assert '<th scope="row">出席者</th>' in page
        assert 'lang="ja"' in page
        assert "style=" not in page and "<script" not in page

    def test_a_fragment_has_no_page_around_it(self) -> None:
        fragment = render_html(Document(kind="minutes", title="会議録"), standalone=False)
        assert fragment.lstrip().startswith("<article")
        assert "<html" not in fragment
