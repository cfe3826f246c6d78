"""Carry-out, transport and media rules (R10, R11, R12): each triggered, and not."""

from __future__ import annotations

from django.utils import translation

from mamori.review.rules import Severity
from mamori.review.tests.fixtures import changed, context, findings, paths


class TestCarryOutMedium:
    def test_it_asks_for_the_medium_when_carry_out_is_allowed_and_one_is_unanswered(self) -> None:
        ctx = context(changed(**{"carry_out.electronic.allowed": {"value": None}}))
        assert paths("R10", ctx) == ["carry_out.electronic.allowed"]
        assert findings("R10", ctx)[0].severity == Severity.MUST_FIX

    def test_it_says_which_medium_is_unanswered(self) -> None:
        data = changed(
            **{
                "carry_out.paper.allowed": {"value": None},
                "carry_out.electronic.allowed": {"value": True},
            }
        )
        [paper] = findings("R10", context(data))
        data = changed(**{"carry_out.electronic.allowed": {"value": None}})
        [electronic] = findings("R10", context(data))
        with translation.override("en"):
            assert "paper" in paper.text()
            assert "electronic" not in paper.text()
            assert "electronic media" in electronic.text()
        with translation.override("ja"):
            assert "紙" in paper.text()
            assert "電子媒体" in electronic.text()

    def test_it_refuses_electronic_carry_out_of_a_paper_only_record(self) -> None:
        data = changed(
            **{
                "form.medium": {"value": "paper"},
                "carry_out.electronic.allowed": {"value": True},
            }
        )
        assert paths("R10", context(data)) == ["carry_out.electronic.allowed"]

    def test_it_asks_the_contract_to_limit_carry_out_to_the_medium_declared(self) -> None:
        data = changed(**{"safeguards.carry_out_control.present": None})
        assert paths("R10", context(data)) == ["safeguards.carry_out_control"]

    def test_it_does_not_ask_for_a_carry_out_clause_when_nothing_is_outsourced(self) -> None:
        data = changed(
            **{"safeguards.carry_out_control.present": None, "outsourcing.outsourced": False}
        )
        assert paths("R10", context(data)) == []

    def test_it_is_satisfied_by_both_media_answered_and_the_clause_present(self) -> None:
        assert paths("R10", context()) == []


class TestMediaBan:
    def test_it_flags_a_blanket_ban_on_media_with_no_rule_on_copying_out(self) -> None:
        data = changed(**{"media.bring_in": {"value": "forbidden"}, "media.copy_out": {}})
        assert paths("R11", context(data)) == ["media.copy_out"]

    def test_it_accepts_a_ban_on_media_when_copying_out_is_forbidden(self) -> None:
        data = changed(**{"media.bring_in": {"value": "forbidden"}})
        assert paths("R11", context(data)) == []


class TestTransportProtection:
    def test_it_asks_how_electronic_data_given_to_recipients_is_protected(self) -> None:
        data = changed(**{"safeguards.transport_protection.present": False})
        assert paths("R12", context(data)) == ["safeguards.transport_protection"]

    def test_it_does_not_ask_for_paper_only_records(self) -> None:
        data = changed(
            **{"safeguards.transport_protection.present": False, "form.medium": {"value": "paper"}}
        )
        assert paths("R12", context(data)) == []

    def test_it_does_not_ask_when_nothing_leaves(self) -> None:
        data = changed(**{"safeguards.transport_protection.present": False, "recipients": []})
        assert paths("R12", context(data)) == []
