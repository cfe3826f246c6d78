"""Forms and the read-only view of the HandlingRecord, derived from its pydantic schema.

No section has a hand-written form: `SCHEMA` walks `handling.HandlingRecord` once and says,
for every field, which input it needs (a Fact → its value and a certainty select, a nested
model → a fieldset, a list of rows → rows with add and remove buttons, …). Input names are the
dotted paths of the document (`carry_out.paper.allowed.value`, `recipients.3.name`), so a POST
is read back into the section's dict by walking the same schema, validated with the whole
record by pydantic, and its errors find their input by their `loc`.

Titles in the schema are English msgids; they are translated here, when a page is built.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin

from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from mamori.consultations import handling
from mamori.core import eras

# Inputs, and the structures holding them.
LEAF_KINDS = frozenset(
    {"text", "textarea", "number", "date", "checkbox", "yesno", "select", "checkboxes", "hidden"}
)
ROW_BOOKKEEPING = ("row_id", "certainty")


@dataclass(frozen=True)
class Spec:
    """What the schema says about one field: the input it needs and its constraints."""

    name: str
    title: str  # an English msgid
    kind: str  # "group", "fact", "rows" or one of LEAF_KINDS
    children: tuple[Spec, ...] = ()
    enum: type[StrEnum] | None = None
    optional: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    required: bool = False  # required for submission

    def child(self, name: str) -> Spec | None:
        return next((c for c in self.children if c.name == name), None)

    @property
    def is_leaf(self) -> bool:
        return self.kind in LEAF_KINDS

    @property
    def is_compound(self) -> bool:
        """A model of plain fields with one certainty (a contract clause): shown as one fact."""
        return (
            self.kind == "group"
            and all(c.is_leaf for c in self.children)
            and self.child("certainty") is not None
        )


def _unwrap(annotation: Any, metadata: Iterable[Any]) -> tuple[Any, bool, list[Any]]:
    """The bare type of an annotation, whether None is allowed, and its constraints."""
    found, optional = list(metadata), False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *extra = get_args(annotation)
            found.extend(extra)
        elif origin in (Union, types.UnionType):
            others = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(others) < len(get_args(annotation))
            if len(others) != 1:
                raise TypeError(f"no input for the union {annotation}")
            annotation = others[0]
        else:
            break
    for item in list(found):
        if isinstance(item, FieldInfo):
            found.extend(item.metadata)
    return annotation, optional, found


def _constraint(metadata: list[Any], name: str) -> int | None:
    values = [getattr(m, name) for m in metadata if getattr(m, name, None) is not None]
    return int(values[0]) if values else None


def _subclass(value: Any, parent: type) -> bool:
    return isinstance(value, type) and issubclass(value, parent)


def _required(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("required_for_submission"))


def _spec(name: str, info: FieldInfo) -> Spec:
    bare, optional, metadata = _unwrap(info.annotation, info.metadata)
    common: dict[str, Any] = {
        "name": name,
        "title": info.title or name,
        "optional": optional,
        "required": _required(info),
        "max_length": _constraint(metadata, "max_length"),
    }
    if _subclass(bare, BaseModel):
        kind = "fact" if issubclass(bare, handling.Fact) else "group"
        return Spec(kind=kind, children=_children(bare), **common)
    if get_origin(bare) is list:
        (item,) = get_args(bare)
        if _subclass(item, handling.Row):
            return Spec(kind="rows", children=_children(item), **common)
        if _subclass(item, StrEnum):
            return Spec(kind="checkboxes", enum=item, **common)
    if _subclass(bare, StrEnum):
        return Spec(kind="select", enum=bare, **common)
    if bare is bool:
        return Spec(kind="yesno" if optional else "checkbox", **common)
    if bare is int:
        minimum, maximum = _constraint(metadata, "ge"), _constraint(metadata, "le")
        return Spec(kind="number", minimum=minimum, maximum=maximum, **common)
    if bare is dt.date:
        return Spec(kind="date", **common)
    if bare is str:
        long = (common["max_length"] or 0) > handling.SHORT
        kind = "hidden" if name == "row_id" else "textarea" if long else "text"
        return Spec(kind=kind, **common)
    # A new kind of field in the schema must be given an input here, not silently dropped.
    raise TypeError(f"no input for {name}: {info.annotation}")


@cache
def _children(model: type[BaseModel]) -> tuple[Spec, ...]:
    return tuple(_spec(name, info) for name, info in model.model_fields.items())


SCHEMA = Spec(
    name="", title="HandlingRecord", kind="group", children=_children(handling.HandlingRecord)
)


def section_spec(section: str) -> Spec:
    """The spec of one section; KeyError for a name that is not a section."""
    spec = SCHEMA.child(section)
    if spec is None:
        raise KeyError(section)
    return spec


def spec_at(name: str) -> Spec | None:
    """The spec for a dotted input name (row positions are skipped), or None."""
    spec: Spec | None = SCHEMA
    for part in name.split("."):
        if spec is None:
            return None
        if part.isdigit() and spec.kind == "rows":
            continue
        spec = spec.child(part)
    return spec


def row_lists(section: str) -> list[str]:
    """The dotted names of the lists of rows in a section ("outsourcing.subcontractors")."""

    def walk(spec: Spec, name: str) -> Iterator[str]:
        if spec.kind == "rows":
            yield name
        elif spec.kind == "group":
            for child in spec.children:
                yield from walk(child, f"{name}.{child.name}")

    return list(walk(section_spec(section), section))


def label_of(value: StrEnum) -> str:
    """The translated label of a choice."""
    return _(handling.CHOICE_LABELS.get(value, str(value)))


def choices_of(spec: Spec) -> list[tuple[str, str]]:
    assert spec.enum is not None  # noqa: S101 - only selects and checkboxes have choices
    return [(member.value, label_of(member)) for member in spec.enum]


# Reading a POST --------------------------------------------------------------------------

YES_NO = {"": None, "true": True, "false": False}


def _row_positions(name: str, data: QueryDict) -> list[int]:
    pattern = re.compile(rf"^{re.escape(name)}\.(\d{{1,6}})\.row_id$")
    positions = sorted({int(m[1]) for key in data if (m := pattern.match(key))})
    # One more than allowed, so that pydantic reports the list as too long.
    return positions[: handling.MAX_ROWS + 1]


def _read(spec: Spec, name: str, data: QueryDict, drop: str) -> Any:
    if spec.kind in ("group", "fact"):
        return {c.name: _read(c, f"{name}.{c.name}", data, drop) for c in spec.children}
    if spec.kind == "rows":
        row = Spec(name="", title="", kind="group", children=spec.children)
        return [
            _read(row, f"{name}.{position}", data, drop)
            for position in _row_positions(name, data)
            if f"{name}.{position}" != drop
        ]
    if spec.kind == "checkbox":
        return bool(data.get(name))
    if spec.kind == "checkboxes":
        return data.getlist(name)
    if name not in data:
        return _empty_value(spec)  # not on the form: the schema's default
    raw = data.get(name, "")
    if spec.kind == "yesno":
        return YES_NO.get(raw, raw)
    if spec.kind == "hidden" and not raw:
        return handling.new_row_id()
    if spec.kind == "number":
        # Full-width digits and thousands separators, as typed on Japanese keyboards: ４０, 1,000.
        raw = unicodedata.normalize("NFKC", raw).replace(",", "").strip()
    if spec.kind == "date" and raw.strip():
        # 令和8年4月1日, R8.4.1 or 2026-04-01: what eras.parse_date reads becomes ISO for the
        # schema; anything else goes on as typed, for the schema to refuse with its message.
        try:
            return eras.parse_date(raw).isoformat()
        except eras.EraDateError:
            return raw
    return None if raw.strip() == "" and spec.optional else raw


def read_section(section: str, data: QueryDict, *, drop: str = "") -> Any:
    """The section's document as typed, from a POST: only the schema's names are read.

    `drop` names a row left out ("recipients.3"), for the remove button without JavaScript.
    """
    return _read(section_spec(section), section, data, drop)


def new_row(list_name: str) -> dict[str, Any]:
    """An empty row of a list of rows, with a fresh row id."""
    spec = spec_at(list_name)
    if spec is None or spec.kind != "rows":
        raise KeyError(list_name)
    row: dict[str, Any] = {c.name: _empty_value(c) for c in spec.children}
    row["row_id"] = handling.new_row_id()
    return row


def _empty_value(spec: Spec) -> Any:
    if spec.kind in ("group", "fact"):
        return {c.name: _empty_value(c) for c in spec.children}
    if spec.kind in ("rows", "checkboxes"):
        return []
    if spec.kind == "checkbox":
        return False
    if spec.kind == "select" and not spec.optional and spec.enum is not None:
        return next(iter(spec.enum)).value
    return None if spec.optional else ""


def add_row(section: str, raw: Any, list_name: str) -> None:
    """Append an empty row to the list named in the section's document (in place)."""
    rows = _lookup(raw, list_name.split(".")[1:])
    if not isinstance(rows, list):
        raise KeyError(list_name)
    rows.append(new_row(list_name))


def _lookup(raw: Any, parts: list[str]) -> Any:
    for part in parts:
        if isinstance(raw, list) and part.isdigit() and int(part) < len(raw):
            raw = raw[int(part)]
        elif isinstance(raw, dict):
            raw = raw.get(part)
        else:
            return None
    return raw


def validate_section(
    record: handling.HandlingRecord, section: str, raw: Any
) -> tuple[handling.HandlingRecord | None, list[ErrorDetails]]:
    """The record with the section replaced, or the errors pydantic found in it."""
    document = handling.dump(record)
    document[section] = raw
    try:
        return handling.parse(document), []
    except ValidationError as error:
        return None, error.errors(include_url=False, include_input=False)


# Error messages ------------------------------------------------------------------------


WHOLE_NUMBER = gettext_noop("Enter a whole number.")
CHOOSE = gettext_noop("Choose one of the options.")
YES_OR_NO = gettext_noop("Choose yes or no.")
UNEXPECTED_FORM = gettext_noop("The value is not in the expected form.")
DATE = gettext_noop("Enter a date such as 令和8年4月1日 or 2026-04-01.")
# pydantic's error types, in words for the person who typed the value.
ERROR_MESSAGES: dict[str, str] = {
    "string_too_long": gettext_noop("Enter at most %(max_length)s characters."),
    "too_long": gettext_noop("Too many entries: at most %(max_length)s."),
    "int_parsing": WHOLE_NUMBER,
    "int_type": WHOLE_NUMBER,
    "int_from_float": WHOLE_NUMBER,
    "int_parsing_size": WHOLE_NUMBER,
    "greater_than_equal": gettext_noop("Enter a number of %(ge)s or more."),
    "less_than_equal": gettext_noop("Enter a number of %(le)s or less."),
    "enum": CHOOSE,
    "literal_error": CHOOSE,
    "bool_parsing": YES_OR_NO,
    "bool_type": YES_OR_NO,
    "extra_forbidden": gettext_noop("This item is not part of the handling record."),
    "string_type": UNEXPECTED_FORM,
    "string_pattern_mismatch": gettext_noop(
        "Remove the control characters (they cannot be stored)."
    ),
    "date_from_datetime_parsing": DATE,
    "date_parsing": DATE,
    "date_type": DATE,
    "date_from_datetime_inexact": DATE,
    "list_type": UNEXPECTED_FORM,
    "dict_type": UNEXPECTED_FORM,
    "model_type": UNEXPECTED_FORM,
    "missing": gettext_noop("This item is missing."),
}


def error_message(error: ErrorDetails) -> str:
    """A pydantic error in Japanese (its English text is never shown)."""
    if error["type"] == "value_error" and not error["loc"]:
        # The record's own check: row ids distinct across its lists.
        return _("Two rows have the same identifier. Reload the page and enter the rows again.")
    message = ERROR_MESSAGES.get(error["type"], gettext_noop("The value is not valid."))
    return _(message) % dict(error.get("ctx") or {})


# Building the form ---------------------------------------------------------------------


def input_id(name: str) -> str:
    return "f-" + name.replace(".", "-")


@dataclass
class Node:
    """One piece of the form as the templates render it: an input, a fact, a fieldset, rows."""

    kind: str
    name: str
    label: str
    full_label: str = ""
    value: Any = ""
    required: bool = False
    choices: list[tuple[str, str]] = field(default_factory=list)
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    errors: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    number: int = 0  # a row's position, from 1
    autofocus: bool = False
    compact: bool = False  # a group of a few plain inputs (a contract clause), laid out in a line

    @property
    def id(self) -> str:
        return input_id(self.name)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(child.has_errors for child in self.children)

    @property
    def value_input(self) -> Node:
        return self.children[0]

    @property
    def certainty_input(self) -> Node:
        return self.children[1]

    @property
    def row_id_input(self) -> Node | None:
        return next((c for c in self.children if c.name.endswith(".row_id")), None)

    @property
    def fields(self) -> list[Node]:
        """A row's inputs other than its hidden row id."""
        return [c for c in self.children if c.kind != "hidden"]


@dataclass(frozen=True)
class ErrorItem:
    """An entry of the error summary at the top of the form."""

    target: str
    label: str
    message: str


@dataclass
class SectionForm:
    """The form of one section: its inputs filled with what was typed, and the errors."""

    section: str
    title: str
    nodes: list[Node]
    summary: list[ErrorItem] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.summary)


def _leaf_value(spec: Spec, value: Any) -> Any:
    if spec.kind == "checkbox":
        return value is True or value in ("on", "true")
    if spec.kind == "checkboxes":
        return [str(v) for v in value] if isinstance(value, list) else []
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _choices(spec: Spec) -> list[tuple[str, str]]:
    if spec.kind == "yesno":
        return [("", _("Not answered")), ("true", _("Yes")), ("false", _("No"))]
    if spec.enum is None:
        return []
    blank = [("", _("Not chosen"))] if spec.optional and spec.kind == "select" else []
    return blank + choices_of(spec)


def _leaf(spec: Spec, name: str, label: str, trail: str, value: Any, required: bool) -> Node:
    return Node(
        kind=spec.kind,
        name=name,
        label=label,
        full_label=trail,
        value=_leaf_value(spec, value),
        required=required,
        choices=_choices(spec),
        max_length=spec.max_length,
        minimum=spec.minimum,
        maximum=spec.maximum,
    )


def _join(trail: str, label: str) -> str:
    return f"{trail}／{label}" if trail else label


def _node(spec: Spec, name: str, raw: Any, trail: str) -> Node:
    label = _(spec.title)
    here = _join(trail, label)
    if spec.kind == "fact":
        raw = raw if isinstance(raw, dict) else {}
        value_spec, certainty_spec = spec.child("value"), spec.child("certainty")
        assert value_spec is not None and certainty_spec is not None  # noqa: S101
        children = [
            _leaf(value_spec, f"{name}.value", label, here, raw.get("value"), spec.required),
            _leaf(
                certainty_spec,
                f"{name}.certainty",
                _(certainty_spec.title),
                _join(here, _(certainty_spec.title)),
                raw.get("certainty"),
                False,
            ),
        ]
        return Node("fact", name, label, here, required=spec.required, children=children)
    if spec.kind == "group":
        raw = raw if isinstance(raw, dict) else {}
        children = [_node(c, f"{name}.{c.name}", raw.get(c.name), here) for c in spec.children]
        return Node("group", name, label, here, children=children, compact=spec.is_compound)
    if spec.kind == "rows":
        rows = raw if isinstance(raw, list) else []
        children = [row_node(spec, name, i, row, trail=trail) for i, row in enumerate(rows)]
        return Node("rows", name, label, here, required=spec.required, children=children)
    return _leaf(spec, name, label, here, raw, spec.required)


def row_node(spec: Spec, list_name: str, position: int, raw: Any, *, trail: str = "") -> Node:
    """The inputs of one row of a list, at a position of the form."""
    name = f"{list_name}.{position}"
    label = _("%(title)s %(number)s") % {"title": _(spec.title), "number": position + 1}
    here = _join(trail, label) if trail else label
    raw = raw if isinstance(raw, dict) else {}
    # The hidden row id first, the row's certainty after what it qualifies.
    ordered = sorted(spec.children, key=lambda c: {"row_id": 0, "certainty": 2}.get(c.name, 1))
    children = [_node(c, f"{name}.{c.name}", raw.get(c.name), here) for c in ordered]
    return Node("row", name, label, here, children=children, number=position + 1)


def empty_row_node(list_name: str, data: QueryDict) -> Node:
    """A new empty row for the htmx add button, placed after the rows the form already has."""
    spec = spec_at(list_name)
    if spec is None or spec.kind != "rows":
        raise KeyError(list_name)
    position = max(_row_positions(list_name, data), default=-1) + 1
    node = row_node(spec, list_name, position, new_row(list_name))
    node.fields[0].autofocus = True
    return node


def _index(node: Node, into: dict[str, Node]) -> dict[str, Node]:
    into[node.name] = node
    for child in node.children:
        _index(child, into)
    return into


def _nearest(name: str, nodes: Mapping[str, Node]) -> Node | None:
    while name:
        if name in nodes:
            return nodes[name]
        name = name.rpartition(".")[0]
    return None


def section_form(section: str, raw: Any, errors: Iterable[ErrorDetails] = ()) -> SectionForm:
    """The form of a section filled with `raw` (stored or typed) and pydantic's errors."""
    spec = section_spec(section)
    if spec.kind == "group":
        raw = raw if isinstance(raw, dict) else {}
        nodes = [_node(c, f"{section}.{c.name}", raw.get(c.name), "") for c in spec.children]
    else:
        nodes = [_node(spec, section, raw, "")]
    by_name: dict[str, Node] = {}
    for node in nodes:
        _index(node, by_name)
    summary: list[ErrorItem] = []
    for error in errors:
        message = error_message(error)
        name = ".".join(str(part) for part in error["loc"])
        target = _nearest(name, by_name)
        if target is not None and target.kind == "hidden":
            target = _nearest(target.name.rpartition(".")[0], by_name)
        if target is None:
            summary.append(ErrorItem("", "", message))
            continue
        target.errors.append(message)
        summary.append(ErrorItem(target.id, target.full_label, message))
    return SectionForm(section, _(spec.title), nodes, summary)


# Sections and what is missing ----------------------------------------------------------


def section_of(path: str) -> str:
    """The section a record path belongs to: "recipients[ab12].name" → "recipients"."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


@dataclass(frozen=True)
class MissingEntry:
    """A fact required before submission, with where to fill it in."""

    section: str
    label: str
    target: str  # the id of its input on the section's form


def missing_entries(record: handling.HandlingRecord) -> list[MissingEntry]:
    """What `handling.missing_for_submission` names, with Japanese titles and row numbers."""
    document = handling.dump(record)
    return [_missing_entry(document, m.path) for m in handling.missing_for_submission(record)]


def _missing_entry(document: dict[str, Any], path: str) -> MissingEntry:
    titles = [_(title) for title in handling.titles_of(path)]
    names: list[str] = []
    raw: Any = document
    for i, (part, row_id) in enumerate(re.findall(r"([a-z_]+)(?:\[([a-z0-9]+)\])?", path)):
        names.append(part)
        raw = raw.get(part) if isinstance(raw, dict) else None
        if row_id and isinstance(raw, list):
            position = next((n for n, r in enumerate(raw) if r.get("row_id") == row_id), 0)
            names.append(str(position))
            titles[i] = _("%(title)s (row %(number)s)") % {
                "title": titles[i],
                "number": position + 1,
            }
            raw = raw[position] if raw else None
    name = ".".join(names)
    spec = spec_at(name)
    if spec is not None and spec.kind == "fact":
        name += ".value"
    return MissingEntry(section_of(path), "／".join(titles), input_id(name))


@dataclass(frozen=True)
class SectionLink:
    """A section in the navigation of the drafting pages."""

    key: str
    title: str
    missing: int
    current: bool


def section_links(record: handling.HandlingRecord, current: str = "") -> list[SectionLink]:
    """Every section, with how many required facts it still lacks."""
    counts: dict[str, int] = {}
    for entry in handling.missing_for_submission(record):
        counts[section_of(entry.path)] = counts.get(section_of(entry.path), 0) + 1
    return [
        SectionLink(spec.name, _(spec.title), counts.get(spec.name, 0), spec.name == current)
        for spec in SCHEMA.children
    ]


def next_section(section: str) -> str | None:
    sections = list(handling.SECTIONS)
    position = sections.index(section)
    return sections[position + 1] if position + 1 < len(sections) else None


# The read-only record, as the council reads it -----------------------------------------


@dataclass
class Shown:
    """One fact as read: its label, the text to show, its certainty when not fixed."""

    label: str
    anchor: str
    text: str
    empty: bool = False
    long: bool = False
    certainty: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)
    opinions: list[Any] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return html_id(self.anchor)


@dataclass
class ShownRow:
    """A row of a list (a data item, a recipient, a sub-contractor)."""

    anchor: str
    number: int
    certainty: str
    cells: list[Shown]
    opinions: list[Any] = field(default_factory=list)

    @property
    def html_id(self) -> str:
        return html_id(self.anchor)


@dataclass
class Block:
    """A table of a section: facts (kind "fields") or the rows of a list (kind "rows")."""

    kind: str
    label: str
    anchor: str
    fields: list[Shown] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[ShownRow] = field(default_factory=list)
    opinions: list[Any] = field(default_factory=list)


@dataclass
class ShownSection:
    """A section of the record as read, with the opinions anchored to it."""

    key: str
    title: str
    blocks: list[Block]
    opinions: list[Any] = field(default_factory=list)
    edit_url: str = ""

    @property
    def html_id(self) -> str:
        return html_id(self.key)


def html_id(anchor: str) -> str:
    """The id of an anchor's element: recipients[ab12].name → record-recipients-ab12-name."""
    return "record-" + re.sub(r"[^a-z0-9_]+", "-", anchor).strip("-")


def _text(spec: Spec, value: Any) -> tuple[str, bool]:
    """The text a reader sees for a value, and whether it is empty."""
    if spec.kind in ("yesno", "checkbox"):
        if value is None:
            return _("Not answered"), True
        return (_("Yes") if value else _("No")), False
    if value is None or value == "" or value == []:
        return _("(not stated)"), True
    if isinstance(value, list):
        return "、".join(_text(Spec("", "", "select", enum=spec.enum), v)[0] for v in value), False
    if isinstance(value, StrEnum):
        return label_of(value), False
    if isinstance(value, dt.date):
        return eras.format_date(value), False
    if isinstance(value, int):
        return f"{value:,}", False
    return str(value), False


def _certainty(value: Any) -> str:
    return "" if value in (None, handling.Certainty.FIXED) else label_of(value)


def _shown(spec: Spec, value: Any, anchor: str, label: str) -> Shown:
    if spec.kind == "fact":
        value_spec = spec.child("value")
        assert value_spec is not None  # noqa: S101
        text, empty = _text(value_spec, value.value)
        long = value_spec.kind == "textarea"
        return Shown(label, anchor, text, empty, long, _certainty(value.certainty))
    if spec.is_compound:
        parts = [c for c in spec.children if c.name != "certainty"]
        text, empty = _text(parts[0], getattr(value, parts[0].name))
        details = [
            (_(c.title), _text(c, getattr(value, c.name))[0])
            for c in parts[1:]
            if not _text(c, getattr(value, c.name))[1]
        ]
        return Shown(label, anchor, text, empty, False, _certainty(value.certainty), details)
    text, empty = _text(spec, value)
    return Shown(label, anchor, text, empty, spec.kind == "textarea")


def _blocks(spec: Spec, model: Any, anchor: str, label: str) -> list[Block]:
    """A group's facts in one table, each nested group and list of rows in tables of their own."""
    main = Block("fields", label, anchor)
    later: list[Block] = []
    for child in spec.children:
        value, path = getattr(model, child.name), f"{anchor}.{child.name}"
        if child.kind == "rows":
            later.append(_rows_block(child, value, path))
        elif child.kind == "group" and not child.is_compound:
            later.extend(_blocks(child, value, path, _join(label, _(child.title))))
        else:
            main.fields.append(_shown(child, value, path, _(child.title)))
    return ([main] if main.fields else []) + later


def _rows_block(spec: Spec, rows: list[Any], anchor: str) -> Block:
    cells = [c for c in spec.children if c.name not in ROW_BOOKKEEPING]
    block = Block("rows", _(spec.title), anchor, columns=[_(c.title) for c in cells])
    for number, row in enumerate(rows, start=1):
        path = f"{anchor}[{row.row_id}]"
        shown = [_shown(c, getattr(row, c.name), f"{path}.{c.name}", _(c.title)) for c in cells]
        block.rows.append(ShownRow(path, number, _certainty(row.certainty), shown))
    return block


def record_sections(
    record: handling.HandlingRecord, *, opinions_by_anchor: Mapping[str, list[Any]] | None = None
) -> list[ShownSection]:
    """The record section by section as the council reads it, opinions beside what they are about.

    `opinions_by_anchor` maps an anchor ("outsourcing.repair_policy", "recipients[ab12]") to
    opinions; each is shown at the most precise part of the record its anchor names (an opinion
    about "recipients[ab12].name" beside that recipient). Anchors naming nothing are left out.
    """
    sections: list[ShownSection] = []
    for spec in SCHEMA.children:
        value = getattr(record, spec.name)
        if spec.kind == "rows":
            blocks = [_rows_block(spec, value, spec.name)]
            blocks[0].label = ""
        else:
            blocks = _blocks(spec, value, spec.name, "")
        sections.append(ShownSection(spec.name, _(spec.title), blocks))
    if opinions_by_anchor:
        _place(sections, opinions_by_anchor)
    return sections


def _holders(sections: list[ShownSection]) -> dict[str, Any]:
    holders: dict[str, Any] = {}
    for section in sections:
        holders[section.key] = section
        for block in section.blocks:
            holders.setdefault(block.anchor, block)
            holders.update({shown.anchor: shown for shown in block.fields})
            holders.update({row.anchor: row for row in block.rows})
    return holders


def _broader(anchor: str) -> Iterator[str]:
    while anchor:
        yield anchor
        anchor = anchor[: anchor.rindex("[")] if anchor.endswith("]") else anchor.rpartition(".")[0]


def _place(sections: list[ShownSection], opinions_by_anchor: Mapping[str, list[Any]]) -> None:
    holders = _holders(sections)
    for anchor, opinions in opinions_by_anchor.items():
        holder = next((holders[a] for a in _broader(anchor) if a in holders), None)
        if holder is not None:
            holder.opinions.extend(opinions)


def opinions_by_anchor(opinions: Iterable[Any]) -> dict[str, list[Any]]:
    """Opinions grouped by the part of the record they are about (unanchored ones left out)."""
    grouped: dict[str, list[Any]] = {}
    for opinion in opinions:
        if opinion.anchor:
            grouped.setdefault(opinion.anchor, []).append(opinion)
    return grouped
