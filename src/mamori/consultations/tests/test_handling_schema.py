"""The HandlingRecord schema: what it accepts, what it refuses, what submission requires."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from mamori import testing
from mamori.consultations import handling


def errors_of(data: Any) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(handling.ValidationError) as caught:
        handling.parse(data)
    return [(tuple(e["loc"]), e["type"]) for e in caught.value.errors()]


class TestGoodDocuments:
    def test_an_empty_document_is_a_valid_draft(self) -> None:
        record = handling.parse({})
        assert record.items == []
        assert record.purpose.purpose.value is None

    def test_a_complete_document_keeps_every_fact_and_its_certainty(self) -> None:
        record = handling.parse(testing.record_data())
        assert record.subjects.expected_number.value == 40
        assert record.subjects.expected_number.certainty == handling.Certainty.PLANNED
        assert [item.name for item in record.items] == ["氏名", "住所"]
        assert handling.missing_for_submission(record) == []

    def test_a_stored_document_reads_back_unchanged(self) -> None:
        record = handling.parse(testing.record_data())
        assert handling.parse(handling.dump(record)) == record

    def test_text_is_stripped_of_surrounding_spaces(self) -> None:
        record = handling.parse({"purpose": {"purpose": {"value": "  就労支援  "}}})
        assert record.purpose.purpose.value == "就労支援"

    def test_a_contractor_not_yet_chosen_is_an_empty_undecided_fact(self) -> None:
        record = handling.parse(
            {"outsourcing": {"outsourced": True, "contractor": {"certainty": "undecided"}}}
        )
        assert record.outsourcing.contractor.value is None
        assert record.outsourcing.contractor.certainty == handling.Certainty.UNDECIDED


class TestBadDocuments:
    def test_unknown_keys_are_refused_at_every_level(self) -> None:
        assert errors_of({"purpose": {"purpose": {"value": "x", "note": "y"}}}) == [
            (("purpose", "purpose", "note"), "extra_forbidden")
        ]
        assert ("colour",) in [loc for loc, _ in errors_of({"colour": "red"})]
        assert errors_of({"items": [{"name": "氏名", "secret": 1}]})[0][1] == "extra_forbidden"

    def test_oversized_text_is_refused(self) -> None:
        long_text = "あ" * (handling.LONG + 1)
        assert errors_of({"purpose": {"purpose": {"value": long_text}}}) == [
            (("purpose", "purpose", "value"), "string_too_long")
        ]
        assert errors_of({"items": [{"name": "あ" * (handling.SHORT + 1)}]})[0][1] == (
            "string_too_long"
        )

    def test_too_many_rows_are_refused(self) -> None:
        rows = [{"name": f"項目{i}"} for i in range(handling.MAX_ROWS + 1)]
        assert errors_of({"items": rows}) == [(("items",), "too_long")]

    def test_wrong_types_are_refused(self) -> None:
        assert errors_of({"subjects": {"expected_number": {"value": "たくさん"}}})[0][1] == (
            "int_parsing"
        )
        assert errors_of({"subjects": {"expected_number": {"value": -1}}})[0][1] == (
            "greater_than_equal"
        )
        assert errors_of({"form": {"medium": {"value": "floppy"}}})[0][1] == "enum"
        assert errors_of({"items": "氏名"})[0][1] == "list_type"
        assert errors_of({"purpose": {"purpose": {"certainty": "maybe"}}})[0][1] == "enum"

    def test_a_row_id_must_be_short_and_plain(self) -> None:
        assert errors_of({"items": [{"row_id": "<script>", "name": "x"}]})[0][1] == (
            "string_pattern_mismatch"
        )

    def test_two_rows_may_not_share_an_id(self) -> None:
        rows = [{"row_id": "a1", "name": "氏名"}, {"row_id": "a1", "name": "住所"}]
        assert errors_of({"items": rows})[0][1] == "value_error"

    def test_a_script_tag_is_kept_as_text_for_templates_to_escape(self) -> None:
        record = handling.parse({"purpose": {"purpose": {"value": "<script>alert(1)</script>"}}})
        assert record.purpose.purpose.value == "<script>alert(1)</script>"


class TestWhatSubmissionRequires:
    def test_an_empty_record_lists_every_required_fact(self) -> None:
        paths = [m.path for m in handling.missing_for_submission(handling.HandlingRecord())]
        assert paths == [
            "purpose.purpose",
            "purpose.legal_basis",
            "subjects.description",
            "subjects.expected_number",
            "items",
            "form.medium",
            "carry_out.paper.allowed",
            "carry_out.electronic.allowed",
            "retention.period",
        ]

    def test_a_row_without_its_name_is_named_by_its_id(self) -> None:
        data = testing.record_data(items=[{"row_id": "r1", "name": ""}])
        paths = [m.path for m in handling.missing_for_submission(handling.parse(data))]
        assert paths == ["items[r1].name"]

    def test_outsourcing_asks_for_procurement_location_and_support(self) -> None:
        data = testing.record_data(outsourcing={"outsourced": True})
        paths = [m.path for m in handling.missing_for_submission(handling.parse(data))]
        assert paths == [
            "outsourcing.procurement",
            "outsourcing.work_location",
            "outsourcing.support_method",
        ]

    def test_a_planned_fact_counts_as_filled(self) -> None:
        data = testing.record_data(retention={"period": {"value": "5年", "certainty": "planned"}})
        assert handling.missing_for_submission(handling.parse(data)) == []


class TestTheDiff:
    def test_it_names_changed_values_and_certainties_field_by_field(self) -> None:
        before = handling.parse(
            testing.record_data(
                outsourcing={"outsourced": True, "contractor": {"certainty": "undecided"}}
            )
        )
        after_data = testing.record_data(
            outsourcing={"outsourced": True, "contractor": {"value": "社会福祉法人あおば会"}}
        )
        after_data["subjects"]["expected_number"] = {"value": 40, "certainty": "fixed"}
        changes = handling.diff(before, handling.parse(after_data))
        assert [(c.path, c.kind) for c in changes] == [
            ("subjects.expected_number", "changed"),
            ("outsourcing.contractor", "changed"),
        ]
        contractor = changes[1]
        assert contractor.before is not None and contractor.after is not None
        assert contractor.before.value is None
        assert contractor.after.value == "社会福祉法人あおば会"
        assert contractor.titles == ("Outsourcing", "Contractor (empty while not yet chosen)")

    def test_rows_are_matched_by_id_not_by_position(self) -> None:
        before = handling.parse(
            testing.record_data(
                recipients=[
                    {"row_id": "hw", "name": "ハローワーク", "items": "氏名", "purpose": "就労"},
                    {"row_id": "sc", "name": "学校", "items": "氏名", "purpose": "連携"},
                ]
            )
        )
        after = handling.parse(
            testing.record_data(
                recipients=[
                    {"row_id": "sc", "name": "学校", "items": "氏名", "purpose": "連携"},
                    {"row_id": "wk", "name": "作業所", "items": "氏名", "purpose": "実習"},
                ]
            )
        )
        changes = {(c.path, c.kind) for c in handling.diff(before, after)}
        assert ("recipients[hw].name", "removed") in changes
        assert ("recipients[wk].name", "added") in changes
        assert not any("[sc]" in path for path, _ in changes)

    def test_identical_records_differ_in_nothing(self) -> None:
        record = handling.parse(testing.record_data())
        assert handling.diff(record, handling.parse(handling.dump(record))) == []


class TestTitles:
    def test_a_path_resolves_to_its_titles_through_rows(self) -> None:
        assert handling.titles_of("recipients[ab12].refusal_honoured") == (
            "Recipients (提供先)",
            "A refusal is honoured",
        )
        assert handling.titles_of("carry_out.electronic.allowed") == (
            "Carry-out (持ち出し)",
            "Electronic media",
            "Carry-out allowed",
        )

    def test_an_unknown_path_is_refused(self) -> None:
        with pytest.raises(KeyError):
            handling.titles_of("purpose.colour")


class TestTheSchemaCommand:
    def test_it_prints_a_json_schema_that_refuses_unknown_keys(self) -> None:
        out = StringIO()
        call_command("handling_schema", "--language", "en", stdout=out)
        schema = json.loads(out.getvalue())
        assert schema["title"] == "HandlingRecord"
        assert schema["additionalProperties"] is False
        assert set(schema["properties"]) == set(handling.SECTIONS)
        assert schema["$defs"]["Recipient"]["properties"]["refusal_honoured"]["title"] == (
            "A refusal is honoured"
        )

    def test_its_titles_are_japanese_by_default(self) -> None:
        out = StringIO()
        call_command("handling_schema", stdout=out)
        schema = json.loads(out.getvalue())
        assert schema["properties"]["recipients"]["title"] == "提供先"
        assert schema["$defs"]["Purpose"]["properties"]["legal_basis"]["title"] == ("法令等の根拠")


class TestControlCharacters:
    def test_nul_and_other_control_characters_are_refused(self) -> None:
        for text in ["a\x00b", "x\x1by", "\x7f"]:
            assert errors_of({"purpose": {"purpose": {"value": text}}})[0][1] == (
                "string_pattern_mismatch"
            )

    def test_line_breaks_and_tabs_are_kept(self) -> None:
        record = handling.parse({"purpose": {"purpose": {"value": "一行目\n二行目\tタブ"}}})
        assert record.purpose.purpose.value == "一行目\n二行目\tタブ"


def test_a_new_certainty_on_an_empty_fact_is_not_shown_as_a_change() -> None:
    before = handling.parse(testing.record_data())
    after_data = testing.record_data(
        retention={
            "period": {"value": "契約期間終了まで"},
            "end_of_contract": {"certainty": "planned"},
        }
    )
    assert handling.diff(before, handling.parse(after_data)) == []
