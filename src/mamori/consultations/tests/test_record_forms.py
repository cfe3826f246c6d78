"""The schema-driven forms of the HandlingRecord: every field gets an input, POSTs read back."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any, get_args, get_origin

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils.translation import gettext, override
from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations import handling, record_forms
from mamori.consultations.tests.helpers import page_text, url_of


def _model_of(info: FieldInfo) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds and whether it is a list of them, read from pydantic directly."""
    annotation = info.annotation
    if get_origin(annotation) is list:
        (item,) = get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item, True
        return None, False
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    return None, False


def leaf_names(model: type[BaseModel], prefix: str) -> Iterator[str]:
    """Every leaf input name of the schema, with the first row of each list."""
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        inner, is_list = _model_of(info)
        if inner is None:
            yield path
        else:
            yield from leaf_names(inner, f"{path}.0" if is_list else path)


def full_record() -> handling.HandlingRecord:
    """A record with one row in every list, so every row's inputs appear."""
    data = testing.record_data(
        recipients=[{"row_id": "rec1", "name": "ハローワーク"}],
        outsourcing={"outsourced": True, "subcontractors": [{"row_id": "sub1", "name": "某社"}]},
    )
    return handling.parse(data)


def post(**fields: Any) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            data.appendlist(name.replace("__", "."), item)
    return data


class TestTheEngineMapsTheSchema:
    def test_it_gives_every_leaf_of_the_schema_an_input_on_its_section_page(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = testing.make_consultation(personas.council, personas.shogai, status="draft")
        testing.make_version(consultation, data=handling.dump(full_record()))
        client.force_login(personas.staff)
        expected = set(leaf_names(handling.HandlingRecord, ""))
        assert "outsourcing.subcontractors.0.certifications" in expected
        found = set()
        for section in handling.SECTIONS:
            html = page_text(client.get(url_of("record_edit", consultation, section=section)))
            found |= {name for name in expected if f'name="{name}"' in html}
        assert expected - found == set()

    def test_it_chooses_the_input_from_the_type(self) -> None:
        kinds = {
            "purpose.purpose.value": "textarea",
            "purpose.purpose.certainty": "select",
            "subjects.expected_number.value": "number",
            "form.medium.value": "select",
            "form.paper.location.value": "text",
            "carry_out.paper.allowed.value": "yesno",
            "items.0.special_care": "checkbox",
            "items.0.row_id": "hidden",
            "recipients.0.written_consent": "yesno",
            "outsourcing.subcontractors.0.certifications": "checkboxes",
            "safeguards.confidentiality.present": "yesno",
        }
        for name, kind in kinds.items():
            spec = record_forms.spec_at(name)
            assert spec is not None and spec.kind == kind, name

    def test_it_refuses_a_field_type_it_has_no_input_for(self) -> None:
        class Odd(BaseModel):
            when: dict[str, int] = Field(default_factory=dict)

        with pytest.raises(TypeError):
            record_forms._spec("when", Odd.model_fields["when"])

    def test_it_offers_the_three_certainties_and_translated_choice_labels(self) -> None:
        form = record_forms.section_form("form", handling.dump(handling.HandlingRecord())["form"])
        medium = form.nodes[0]
        assert [value for value, _ in medium.certainty_input.choices] == [
            "fixed",
            "planned",
            "undecided",
        ]
        labels = dict(medium.value_input.choices)
        assert labels["both"] == gettext("Paper and electronic")
        assert labels[""] == gettext("Not chosen")


class TestReadingAPost:
    def test_it_reads_facts_rows_and_checkboxes_back_into_the_section(self) -> None:
        data = post(
            outsourcing__outsourced="on",
            outsourcing__staff_count__value="12",
            outsourcing__staff_count__certainty="planned",
            outsourcing__subcontractors__4__row_id="abc1",
            outsourcing__subcontractors__4__name="株式会社某",
            outsourcing__subcontractors__4__certifications=["isms", "privacy_mark"],
            outsourcing__subcontractors__1__row_id="abc0",
        )
        raw = record_forms.read_section("outsourcing", data)
        assert raw["outsourced"] is True
        assert raw["staff_count"] == {"value": "12", "certainty": "planned"}
        assert [row["row_id"] for row in raw["subcontractors"]] == ["abc0", "abc1"]
        assert raw["subcontractors"][1]["certifications"] == ["isms", "privacy_mark"]
        assert raw["procurement"]["value"] is None

    def test_it_reads_full_width_digits_and_separators_in_a_number(self) -> None:
        raw = record_forms.read_section(
            "subjects", post(subjects__expected_number__value="１,２００")
        )
        assert raw["expected_number"]["value"] == "1200"

    def test_it_ignores_names_the_schema_does_not_have(self) -> None:
        data = post(purpose__purpose__value="目的", purpose__evil="x", admin="1")
        raw = record_forms.read_section("purpose", data)
        assert set(raw) == set(handling.Purpose.model_fields)
        assert set(raw["purpose"]) == {"value", "certainty"}

    def test_it_leaves_out_the_row_being_removed(self) -> None:
        data = post(items__0__row_id="a", items__0__name="氏名", items__1__row_id="b")
        raw = record_forms.read_section("items", data, drop="items.0")
        assert [row["row_id"] for row in raw] == ["b"]

    def test_it_gives_a_row_without_an_id_a_fresh_one(self) -> None:
        raw = record_forms.read_section("items", post(items__0__row_id="", items__0__name="x"))
        assert len(raw[0]["row_id"]) == 8


class TestErrors:
    def _form(self, section: str, **fields: Any) -> record_forms.SectionForm:
        raw = record_forms.read_section(section, post(**fields))
        record, errors = record_forms.validate_section(handling.HandlingRecord(), section, raw)
        assert record is None
        return record_forms.section_form(section, raw, errors)

    def test_it_puts_a_too_long_text_under_its_input_and_keeps_the_text(self) -> None:
        text = "あ" * (handling.LONG + 1)
        form = self._form("purpose", purpose__purpose__value=text)
        value = form.nodes[0].value_input
        assert value.errors == [
            gettext("Enter at most %(max_length)s characters.") % {"max_length": handling.LONG}
        ]
        assert value.value == text
        assert form.summary[0].target == "f-purpose-purpose-value"

    def test_it_refuses_letters_in_a_number(self) -> None:
        form = self._form("subjects", subjects__expected_number__value="四十")
        assert form.nodes[1].value_input.errors == [gettext("Enter a whole number.")]
        assert form.nodes[1].value_input.value == "四十"

    def test_it_refuses_a_negative_number_and_an_unknown_choice(self) -> None:
        form = self._form(
            "subjects",
            subjects__expected_number__value="-1",
            subjects__expected_number__certainty="surely",
        )
        fact = form.nodes[1]
        assert fact.value_input.errors == [gettext("Enter a number of %(ge)s or more.") % {"ge": 0}]
        assert fact.certainty_input.errors == [gettext("Choose one of the options.")]

    def test_it_puts_a_bad_checkbox_choice_on_the_checkboxes(self) -> None:
        form = self._form(
            "outsourcing",
            outsourcing__subcontractors__0__row_id="s1",
            outsourcing__subcontractors__0__certifications=["isms", "bogus"],
        )
        assert form.summary[0].target == "f-outsourcing-subcontractors-0-certifications"

    def test_it_never_shows_pydantics_english(self) -> None:
        with override("ja"):
            for kind, ctx in [
                ("string_too_long", {"max_length": 5}),
                ("too_long", {"max_length": 3}),
                ("int_parsing", {}),
                ("greater_than_equal", {"ge": 0}),
                ("less_than_equal", {"le": 9}),
                ("enum", {}),
                ("extra_forbidden", {}),
                ("bool_parsing", {}),
                ("something_new", {}),
            ]:
                error: Any = {"type": kind, "loc": ("x",), "msg": "English", "ctx": ctx}
                assert "English" not in record_forms.error_message(error)


class TestTheReadOnlyRecord:
    def test_it_shows_certainty_only_when_not_fixed(self) -> None:
        sections = {s.key: s for s in record_forms.record_sections(full_record())}
        purpose, number = sections["subjects"].blocks[0].fields
        assert purpose.certainty == ""
        assert number.certainty == gettext("Planned (予定)")
        assert number.text == "40"

    def test_it_shows_booleans_empty_values_and_choices_in_words(self) -> None:
        sections = {s.key: s for s in record_forms.record_sections(full_record())}
        form = {f.anchor: f for b in sections["form"].blocks for f in b.fields}
        assert form["form.medium"].text == gettext("Paper and electronic")
        assert form["form.typed_into_database"].text == gettext("Not answered")
        assert form["form.paper.location"].text == gettext("(not stated)")
        items = sections["items"].blocks[0]
        assert [cell.text for cell in items.rows[0].cells] == ["氏名", gettext("No"), gettext("No")]

    def test_it_places_an_opinion_at_the_most_precise_part_it_names(self) -> None:
        by_anchor = {
            "recipients[rec1].name": ["about the recipient"],
            "outsourcing.repair_policy": ["about repairs"],
            "safeguards.confidentiality.reference": ["about the clause"],
            "nowhere.at_all": ["lost"],
        }
        sections = record_forms.record_sections(full_record(), opinions_by_anchor=by_anchor)
        placed = {s.key: s for s in sections}
        assert placed["recipients"].blocks[0].rows[0].opinions == ["about the recipient"]
        outsourcing = {f.anchor: f for f in placed["outsourcing"].blocks[0].fields}
        assert outsourcing["outsourcing.repair_policy"].opinions == ["about repairs"]
        safeguards = {f.anchor: f for f in placed["safeguards"].blocks[0].fields}
        assert safeguards["safeguards.confidentiality"].opinions == ["about the clause"]


class TestMissing:
    def test_it_links_each_missing_fact_to_its_input(self) -> None:
        record = handling.parse(
            testing.record_data(items=[{"row_id": "a1", "name": "氏名"}, {"row_id": "b2"}])
        )
        (entry,) = record_forms.missing_entries(record)
        assert (entry.section, entry.target) == ("items", "f-items-1-name")
        assert (
            gettext("%(title)s (row %(number)s)")
            % {
                "title": gettext("Data items"),
                "number": 2,
            }
            in entry.label
        )

    def test_it_counts_what_each_section_lacks(self) -> None:
        links = {
            link.key: link.missing for link in record_forms.section_links(handling.HandlingRecord())
        }
        assert links["purpose"] == 2
        assert links["media"] == 0
        assert set(links) == set(handling.SECTIONS)


def test_every_choice_has_a_label() -> None:
    enums: set[type[StrEnum]] = set()

    def walk(spec: record_forms.Spec) -> None:
        if spec.enum is not None:
            enums.add(spec.enum)
        for child in spec.children:
            walk(child)

    walk(record_forms.SCHEMA)
    for enum in enums:
        for member in enum:
            assert record_forms.label_of(member) != member.value
