"""Withholding words and materials: the pure redaction of a document, and the audited use cases
through which the secretariat marks them."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.consultations.models import Attachment, Consultation
from mamori.council.models import DisclosureGround, Meeting, Minutes
from mamori.documents import services
from mamori.documents.builders import build_minutes
from mamori.documents.model import (
    WITHHELD_MARK,
    Document,
    Heading,
    Items,
    Paragraph,
    Run,
    Signature,
    Table,
    plain_text,
)
from mamori.documents.models import MaterialDisclosure, Redaction
from mamori.documents.redaction import (
    Material,
    Rule,
    materials_for,
    redact,
    rules_for,
)

SECOND = "情報公開条例第6条第2号"
FIRST = "情報公開条例第6条第1号"
PERSONAL = Rule("山田太郎", FIRST)
COMPANY = Rule("株式会社ミドリ", SECOND)


def doc(*blocks: Any, **fields: Any) -> Document:
    return Document(
        kind="minutes", title=fields.pop("title", "会議録"), blocks=list(blocks), **fields
    )


def texts(runs: list[Run]) -> list[tuple[str, bool, str | None]]:
    return [(run.text, run.bold, run.withheld) for run in runs]


# The pure function ------------------------------------------------------------------------


class TestRedact:
    def test_it_splits_a_run_around_the_words_and_keeps_the_rest(self) -> None:
        result = redact(doc(Paragraph([Run("委託先は株式会社ミドリである。")])), [COMPANY])
        paragraph = result.blocks[0]
        assert isinstance(paragraph, Paragraph)
        assert texts(paragraph.runs) == [
            ("委託先は", False, None),
            (WITHHELD_MARK, False, SECOND),
            ("である。", False, None),
        ]
        assert plain_text(result) == f"会議録\n委託先は■■■（{SECOND}）である。"

    def test_it_keeps_bold_on_both_sides_of_the_mark(self) -> None:
        result = redact(doc(Paragraph([Run("答申：山田太郎委員", bold=True)])), [PERSONAL])
        paragraph = result.blocks[0]
        assert isinstance(paragraph, Paragraph)
        assert texts(paragraph.runs) == [
            ("答申：", True, None),
            (WITHHELD_MARK, True, FIRST),
            ("委員", True, None),
        ]

    def test_it_finds_words_that_cross_two_runs(self) -> None:
        result = redact(doc(Paragraph([Run("山田", bold=True), Run("太郎です")])), [PERSONAL])
        paragraph = result.blocks[0]
        assert isinstance(paragraph, Paragraph)
        assert texts(paragraph.runs) == [(WITHHELD_MARK, True, FIRST), ("です", False, None)]

    def test_it_withholds_every_occurrence(self) -> None:
        result = redact(doc(Paragraph([Run("山田太郎と山田太郎")])), [PERSONAL])
        assert plain_text(result).count(WITHHELD_MARK) == 2
        assert "山田太郎" not in plain_text(result)

    def test_it_marks_strings_that_are_not_runs_inline(self) -> None:
        document = doc(
            Heading("山田太郎委員の意見"),
            Table(
                header=["株式会社ミドリの体制", "備考"],
                rows=[[[Run("株式会社ミドリ")], [Run("山田太郎")]]],
                caption="山田太郎の表",
            ),
            Items([[Run("一　山田太郎")]]),
            Signature(["会長 山田太郎"], seal="山田太郎印"),
            title="山田太郎の会議録",
            reference=["株式会社ミドリ第1号"],
            addressee=["山田太郎 様"],
            sender=["株式会社ミドリ"],
            author="山田太郎",
        )
        result = redact(document, [PERSONAL, COMPANY])
        text = plain_text(result)
        assert "山田太郎" not in text and "株式会社ミドリ" not in text
        assert result.title == f"■■■（{FIRST}）の会議録"
        assert result.addressee == [f"■■■（{FIRST}） 様"]
        assert result.author == f"■■■（{FIRST}）"
        table = result.blocks[1]
        assert isinstance(table, Table)
        assert table.header == [f"■■■（{SECOND}）の体制", "備考"]
        assert texts(table.rows[0][0]) == [(WITHHELD_MARK, False, SECOND)]

    def test_it_catches_full_width_letters_and_digits_with_a_half_width_rule(self) -> None:
        result = redact(doc(Paragraph([Run("番号はＡＢＣ１２３です。")])), [Rule("ABC123", FIRST)])
        assert plain_text(result) == f"会議録\n番号は■■■（{FIRST}）です。"

    def test_it_catches_half_width_katakana_with_a_full_width_rule(self) -> None:
        result = redact(doc(Paragraph([Run("ｶﾌﾞｼｷｶﾞｲｼｬの件")])), [Rule("カブシキガイシャ", FIRST)])
        assert plain_text(result) == f"会議録\n■■■（{FIRST}）の件"

    def test_the_longest_rule_gives_its_ground_first_and_overlaps_merge(self) -> None:
        result = redact(
            doc(Paragraph([Run("株式会社ミドリ山田太郎")])),
            [COMPANY, PERSONAL, Rule("会社ミドリ山田太郎", FIRST)],
        )
        paragraph = result.blocks[0]
        assert isinstance(paragraph, Paragraph)
        assert texts(paragraph.runs) == [(WITHHELD_MARK, False, f"{FIRST}、{SECOND}")]

    def test_a_document_without_the_words_is_unchanged(self) -> None:
        document = doc(Paragraph([Run("意見なし", bold=True)]), Heading("議題"))
        assert redact(document, [PERSONAL]) == document

    def test_it_leaves_the_original_document_alone(self) -> None:
        document = doc(Paragraph([Run("山田太郎")]))
        redact(document, [PERSONAL])
        assert plain_text(document) == "会議録\n山田太郎"


ALPHABET = "あいうアイウ甲乙ABＡＢ12１２"


def _random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("seed", range(60))
def test_withheld_words_appear_nowhere_and_everything_else_is_intact(seed: int) -> None:
    rng = random.Random(seed)
    rules = [Rule(_random_text(rng, rng.randint(2, 4)), FIRST) for _ in range(rng.randint(1, 3))]
    runs = [Run(_random_text(rng, rng.randint(0, 12)), bold=rng.random() < 0.5) for _ in range(4)]
    document = doc(
        Paragraph(runs),
        Heading(_random_text(rng, 10)),
        Table(header=[_random_text(rng, 6)], rows=[[[Run(_random_text(rng, 10))]]]),
        Items([[Run(_random_text(rng, 10))]]),
        Signature([_random_text(rng, 10)]),
    )
    result = redact(document, rules)
    visible = plain_text(result)
    for rule in rules:
        assert _nfkc(rule.text) not in _nfkc(visible)
    # Everything else is intact: taking the marks out of the result leaves the original with
    # only withheld words taken out, in order.
    original = plain_text(document)
    kept = visible.split(f"{WITHHELD_MARK}（{FIRST}）")
    position = 0
    for piece in kept:
        found = original.find(piece, position)
        assert found != -1
        position = found + len(piece)
    if not any(_nfkc(rule.text) in _nfkc(original) for rule in rules):
        assert result == document


# Reading the marks ------------------------------------------------------------------------


@pytest.fixture
def meeting(personas: Personas) -> Meeting:
    """A meeting whose minutes say who the contractor is, in an opinion."""
    meeting = testing.make_meeting(personas.council, number=3)
    Minutes.objects.create(meeting=meeting, materials_reason="非公開情報を含むため")
    consultation = testing.make_consultation(personas.council, personas.shogai, number=4)
    testing.put_on_agenda(meeting, consultation, order=1)
    testing.make_opinion(
        consultation, meeting=meeting, text="委託先の株式会社ミドリ（ＡＢＣ１２３）は適切か。"
    )
    return meeting


def ground(article: str = SECOND) -> DisclosureGround:
    return DisclosureGround.objects.get(article=article)


def make_material(
    consultation: Consultation, user: Any, title: str = "仕様書", name: str = "仕様書.pdf"
) -> Attachment:
    """An attachment stored directly (no audit event)."""
    return Attachment.objects.create(
        consultation=consultation,
        kind=Attachment.Kind.SPECIFICATION,
        title=title,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name=name),
        original_name=name,
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )


def publish(minutes: Minutes) -> None:
    minutes.status = Minutes.Status.PUBLISHED
    minutes.published_at = dt.datetime(2009, 9, 1, tzinfo=dt.UTC)
    minutes.save(update_fields=["status", "published_at"])


def test_rules_for_cites_each_grounds_article(meeting: Meeting, personas: Personas) -> None:
    services.add_redaction(
        actor=personas.secretariat, minutes=meeting.minutes, text="株式会社ミドリ", ground=ground()
    )
    assert rules_for(meeting.minutes) == [Rule("株式会社ミドリ", SECOND)]


def test_materials_follow_the_agenda_and_are_withheld_until_decided(
    meeting: Meeting, personas: Personas
) -> None:
    later = testing.make_consultation(personas.council, personas.shogai, number=5)
    testing.put_on_agenda(meeting, later, order=2)
    first = meeting.agenda_items.get(order=1).consultations.get()
    spec = make_material(later, personas.staff, title="仕様書")
    request = make_material(first, personas.staff, title="承認願")
    services.set_material_disclosure(
        actor=personas.secretariat, minutes=meeting.minutes, attachment=spec, disclosed=True
    )
    assert materials_for(meeting) == [
        Material(request.pk, "承認願", disclosed=False, ground="", consultation=first.label),
        Material(spec.pk, "仕様書", disclosed=True, ground="", consultation=later.label),
    ]


def test_published_materials_mark_withheld_words_in_their_titles(
    meeting: Meeting, personas: Personas
) -> None:
    consultation = meeting.agenda_items.get(order=1).consultations.get()
    make_material(consultation, personas.staff, title="株式会社ミドリ体制図")
    services.add_redaction(
        actor=personas.secretariat, minutes=meeting.minutes, text="株式会社ミドリ", ground=ground()
    )
    published = plain_text(build_minutes(meeting, for_publication=True))
    assert f"■■■（{SECOND}）体制図" in published
    assert "株式会社ミドリ" not in published


def test_a_consultation_on_two_items_lists_its_materials_once(
    meeting: Meeting, personas: Personas
) -> None:
    consultation = meeting.agenda_items.get(order=1).consultations.get()
    testing.put_on_agenda(meeting, consultation, order=2)
    make_material(consultation, personas.staff)
    assert len(materials_for(meeting)) == 1


# The use cases ----------------------------------------------------------------------------


class TestAddRedaction:
    def test_the_secretariat_withholds_words_of_the_minutes_audited(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        redaction = services.add_redaction(
            actor=personas.secretariat,
            minutes=meeting.minutes,
            text="  株式会社ミドリ \n",
            ground=ground(),
        )
        assert (redaction.text, redaction.created_by) == ("株式会社ミドリ", personas.secretariat)
        assert AuditEvent.objects.filter(use_case="documents.add_redaction").count() == 1

    def test_half_width_words_of_full_width_text_are_accepted(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        services.add_redaction(
            actor=personas.secretariat, minutes=meeting.minutes, text="ABC123", ground=ground()
        )
        assert Redaction.objects.filter(text="ABC123").exists()

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("   ", "非公開とする語句を入力してください。"),
            ("あ" * 501, "500文字"),
            ("鈴木花子", "会議録にありません"),
        ],
    )
    def test_it_refuses_words_it_cannot_withhold(
        self, meeting: Meeting, personas: Personas, text: str, message: str
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            services.add_redaction(
                actor=personas.secretariat, minutes=meeting.minutes, text=text, ground=ground()
            )
        assert message in " ".join(refused.value.messages)
        assert not Redaction.objects.exists()

    def test_it_refuses_the_same_words_twice(self, meeting: Meeting, personas: Personas) -> None:
        kwargs: dict[str, Any] = {
            "minutes": meeting.minutes,
            "text": "株式会社ミドリ",
            "ground": ground(),
        }
        services.add_redaction(actor=personas.secretariat, **kwargs)
        with pytest.raises(ValidationError, match="既に非公開"):
            services.add_redaction(actor=personas.secretariat, **kwargs)

    def test_it_is_refused_while_the_minutes_are_published(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        publish(meeting.minutes)
        with pytest.raises(ValidationError, match="公開を取り下げて"):
            services.add_redaction(
                actor=personas.secretariat,
                minutes=meeting.minutes,
                text="株式会社ミドリ",
                ground=ground(),
            )

    @pytest.mark.parametrize("role", ["member", "staff", "chair", "auditor"])
    def test_no_one_but_the_secretariat_may_withhold(
        self, meeting: Meeting, personas: Personas, role: str
    ) -> None:
        with pytest.raises(PermissionDenied):
            services.add_redaction(
                actor=getattr(personas, role),
                minutes=meeting.minutes,
                text="株式会社ミドリ",
                ground=ground(),
            )


class TestRemoveRedaction:
    def test_the_secretariat_discloses_words_again_audited(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        redaction = services.add_redaction(
            actor=personas.secretariat,
            minutes=meeting.minutes,
            text="株式会社ミドリ",
            ground=ground(),
        )
        services.remove_redaction(actor=personas.secretariat, redaction=redaction)
        assert not Redaction.objects.exists()
        assert AuditEvent.objects.filter(use_case="documents.remove_redaction").exists()

    def test_it_is_refused_while_published_and_to_others(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        redaction = services.add_redaction(
            actor=personas.secretariat,
            minutes=meeting.minutes,
            text="株式会社ミドリ",
            ground=ground(),
        )
        with pytest.raises(PermissionDenied):
            services.remove_redaction(actor=personas.member, redaction=redaction)
        publish(meeting.minutes)
        with pytest.raises(ValidationError):
            services.remove_redaction(actor=personas.secretariat, redaction=redaction)
        assert Redaction.objects.exists()


class TestSetMaterialDisclosure:
    def test_a_withheld_material_needs_a_ground(self, meeting: Meeting, personas: Personas) -> None:
        consultation = meeting.agenda_items.get(order=1).consultations.get()
        material = make_material(consultation, personas.staff)
        with pytest.raises(ValidationError, match="理由"):
            services.set_material_disclosure(
                actor=personas.secretariat,
                minutes=meeting.minutes,
                attachment=material,
                disclosed=False,
            )
        assert not MaterialDisclosure.objects.exists()

    def test_the_secretariat_withholds_then_publishes_a_material_audited(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        consultation = meeting.agenda_items.get(order=1).consultations.get()
        material = make_material(consultation, personas.staff)
        kwargs = {"actor": personas.secretariat, "minutes": meeting.minutes, "attachment": material}
        services.set_material_disclosure(**kwargs, disclosed=False, ground=ground())
        services.set_material_disclosure(**kwargs, disclosed=True, ground=ground())
        decision = MaterialDisclosure.objects.get()
        assert (decision.disclosed, decision.ground) == (True, None)
        events = AuditEvent.objects.filter(use_case="documents.set_material_disclosure")
        assert events.count() == 2

    def test_a_material_of_another_meeting_is_refused(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        elsewhere = testing.make_consultation(personas.council, personas.shogai, number=9)
        material = make_material(elsewhere, personas.staff)
        with pytest.raises(ValidationError):
            services.set_material_disclosure(
                actor=personas.secretariat,
                minutes=meeting.minutes,
                attachment=material,
                disclosed=True,
            )

    def test_it_is_refused_while_published_and_to_others(
        self, meeting: Meeting, personas: Personas
    ) -> None:
        consultation = meeting.agenda_items.get(order=1).consultations.get()
        material = make_material(consultation, personas.staff)
        kwargs: dict[str, Any] = {
            "minutes": meeting.minutes,
            "attachment": material,
            "disclosed": True,
        }
        with pytest.raises(PermissionDenied):
            services.set_material_disclosure(actor=personas.staff, **kwargs)
        publish(meeting.minutes)
        with pytest.raises(ValidationError):
            services.set_material_disclosure(actor=personas.secretariat, **kwargs)
        assert not MaterialDisclosure.objects.exists()
