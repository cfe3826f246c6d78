"""The HandlingRecord: what a department declares about the personal data of a consultation.

One pydantic schema drives validation, the drafting forms, the API and the JSON Schema that
`mamori handling_schema` prints. A draft may leave any fact empty; `missing_for_submission`
names what must be filled before the record goes to the council. Every fact carries its
certainty (確定 / 予定 / 未定), as the council asked in 2009 when a record rested on plans.

Titles are English msgids marked with gettext_noop; screens and the schema command translate
them, so the schema itself stays language-neutral.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from django.utils.translation import gettext, gettext_noop
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic.config import JsonDict

__all__ = ["HandlingRecord", "ValidationError"]

SHORT = 200
LONG = 4000
MAX_ROWS = 500

# Control characters (other than tab and line breaks) are refused: they have no place in a
# declaration, and PostgreSQL's jsonb cannot store NUL at all.
NO_CONTROLS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=SHORT, pattern=NO_CONTROLS)
]
LongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=LONG, pattern=NO_CONTROLS)
]
RowId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{1,16}$")]

# Marks a fact that must have a value before the record is submitted.
REQUIRED: JsonDict = {"required_for_submission": True}


def new_row_id() -> str:
    """A short id that keeps a row's identity across versions, for anchors and diffs."""
    return secrets.token_hex(4)


class Certainty(StrEnum):
    FIXED = "fixed"
    PLANNED = "planned"
    UNDECIDED = "undecided"


CERTAINTY_LABELS: dict[StrEnum, str] = {
    Certainty.FIXED: gettext_noop("Fixed (確定)"),
    Certainty.PLANNED: gettext_noop("Planned (予定)"),
    Certainty.UNDECIDED: gettext_noop("Undecided (未定)"),
}


class Medium(StrEnum):
    PAPER = "paper"
    ELECTRONIC = "electronic"
    BOTH = "both"


class MediaRule(StrEnum):
    ALLOWED = "allowed"
    WITH_APPROVAL = "with_approval"
    FORBIDDEN = "forbidden"


class Procurement(StrEnum):
    BID = "bid"
    PROPOSAL = "proposal"
    NEGOTIATED = "negotiated"


class Party(StrEnum):
    CITY = "city"
    CONTRACTOR = "contractor"
    SUBCONTRACTOR = "subcontractor"


class Support(StrEnum):
    REMOTE = "remote"
    ON_SITE = "on_site"
    BOTH = "both"


class CertificationKind(StrEnum):
    PRIVACY_MARK = "privacy_mark"
    ISMS = "isms"
    OTHER = "other"


class ChoiceLabels(dict[tuple[type[StrEnum], str], str]):
    """Labels of enum members, keyed by enum and value: Medium.BOTH and Support.BOTH are both
    "both" and equal as strings, so a plain dict keyed by members would mix them up."""

    def get(self, member: object, default: Any = None) -> Any:
        if isinstance(member, StrEnum):
            return super().get((type(member), member.value), default)
        return default

    def __contains__(self, member: object) -> bool:
        return isinstance(member, StrEnum) and super().__contains__((type(member), member.value))


def _labels(members: Mapping[StrEnum, str]) -> ChoiceLabels:
    labels = ChoiceLabels()
    for member, label in members.items():
        labels[(type(member), member.value)] = label
    return labels


CHOICE_LABELS = ChoiceLabels()
for _group in (
    CERTAINTY_LABELS,
    {Medium.PAPER: gettext_noop("Paper"), Medium.ELECTRONIC: gettext_noop("Electronic")},
    {Medium.BOTH: gettext_noop("Paper and electronic")},
    {
        MediaRule.ALLOWED: gettext_noop("Allowed"),
        MediaRule.WITH_APPROVAL: gettext_noop("Allowed with approval"),
        MediaRule.FORBIDDEN: gettext_noop("Forbidden"),
    },
    {
        Procurement.BID: gettext_noop("Competitive bidding (入札)"),
        Procurement.PROPOSAL: gettext_noop("Proposal (プロポーザル)"),
        Procurement.NEGOTIATED: gettext_noop("Negotiated contract (随意契約)"),
    },
    {
        Party.CITY: gettext_noop("The city"),
        Party.CONTRACTOR: gettext_noop("The contractor"),
        Party.SUBCONTRACTOR: gettext_noop("The sub-contractor"),
    },
    {
        Support.REMOTE: gettext_noop("Remote (e-mail, fax, telephone)"),
        Support.ON_SITE: gettext_noop("On site"),
    },
    {Support.BOTH: gettext_noop("Remote and on site")},
    {
        CertificationKind.PRIVACY_MARK: gettext_noop("Privacy Mark (プライバシーマーク)"),
        CertificationKind.ISMS: gettext_noop("ISMS (ISO/IEC 27001)"),
        CertificationKind.OTHER: gettext_noop("Other certification"),
    },
):
    CHOICE_LABELS.update(_labels(_group))  # type: ignore[arg-type]


class Strict(BaseModel):
    """Unknown keys are refused: a typo must not silently drop a declaration."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Fact[T](Strict):
    """A declared fact: its value (empty while unknown) and how certain it is."""

    value: T | None = None
    certainty: Certainty = Field(Certainty.FIXED, title=gettext_noop("Certainty"))


Count = Annotated[int, Field(ge=0, le=100_000_000)]


# Named facts, so the JSON Schema reads as well as the code.
class ShortFact(Fact[ShortText]):
    pass


class LongFact(Fact[LongText]):
    pass


class CountFact(Fact[Count]):
    pass


class YesNoFact(Fact[bool]):
    pass


class MediumFact(Fact[Medium]):
    pass


class MediaRuleFact(Fact[MediaRule]):
    pass


class ProcurementFact(Fact[Procurement]):
    pass


class PartyFact(Fact[Party]):
    pass


class SupportFact(Fact[Support]):
    pass


class Row(Strict):
    """A row of a list section; its id survives versions so opinions and diffs can find it."""

    row_id: RowId = Field(default_factory=new_row_id, title=gettext_noop("Row"))
    certainty: Certainty = Field(Certainty.FIXED, title=gettext_noop("Certainty"))


class Purpose(Strict):
    purpose: LongFact = Field(
        default_factory=LongFact, title=gettext_noop("Purpose of use"), json_schema_extra=REQUIRED
    )
    legal_basis: LongFact = Field(
        default_factory=LongFact, title=gettext_noop("Legal basis"), json_schema_extra=REQUIRED
    )
    special_care_reason: LongFact = Field(
        default_factory=LongFact,
        title=gettext_noop("Why special-care information or My Number is needed"),
    )
    processing_starts_on: dt.date | None = Field(None, title=gettext_noop("The work starts on"))


class Subjects(Strict):
    description: LongFact = Field(
        default_factory=LongFact,
        title=gettext_noop("Data subjects"),
        json_schema_extra=REQUIRED,
    )
    expected_number: CountFact = Field(
        default_factory=CountFact,
        title=gettext_noop("Expected number of people"),
        json_schema_extra=REQUIRED,
    )


class DataItem(Row):
    name: ShortText = Field("", title=gettext_noop("Data item"), json_schema_extra=REQUIRED)
    special_care: bool = Field(
        False, title=gettext_noop("Special-care information (要配慮個人情報)")
    )
    my_number: bool = Field(False, title=gettext_noop("My Number (マイナンバー)"))


class Storage(Strict):
    location: ShortFact = Field(default_factory=ShortFact, title=gettext_noop("Where it is kept"))
    access: ShortFact = Field(default_factory=ShortFact, title=gettext_noop("Who may access"))


class Form(Strict):
    medium: MediumFact = Field(
        default_factory=MediumFact, title=gettext_noop("Form"), json_schema_extra=REQUIRED
    )
    paper: Storage = Field(default_factory=Storage, title=gettext_noop("Paper"))
    electronic: Storage = Field(default_factory=Storage, title=gettext_noop("Electronic data"))
    typed_into_database: YesNoFact = Field(
        default_factory=YesNoFact, title=gettext_noop("Basic items typed into a database")
    )


class CarryOutRule(Strict):
    allowed: YesNoFact = Field(
        default_factory=YesNoFact,
        title=gettext_noop("Carry-out allowed"),
        json_schema_extra=REQUIRED,
    )
    approver: ShortFact = Field(default_factory=ShortFact, title=gettext_noop("Approved by"))
    logging: ShortFact = Field(default_factory=ShortFact, title=gettext_noop("How it is logged"))


class CarryOut(Strict):
    paper: CarryOutRule = Field(default_factory=CarryOutRule, title=gettext_noop("Paper"))
    electronic: CarryOutRule = Field(
        default_factory=CarryOutRule, title=gettext_noop("Electronic media")
    )


class Media(Strict):
    bring_in: MediaRuleFact = Field(
        default_factory=MediaRuleFact,
        title=gettext_noop("Bringing media in (installs, updates)"),
    )
    bring_in_note: ShortFact = Field(
        default_factory=ShortFact, title=gettext_noop("Conditions for bringing media in")
    )
    copy_out: MediaRuleFact = Field(
        default_factory=MediaRuleFact, title=gettext_noop("Copying personal data out to media")
    )
    copy_out_note: ShortFact = Field(
        default_factory=ShortFact, title=gettext_noop("Conditions for copying data out")
    )


class Recipient(Row):
    name: ShortText = Field("", title=gettext_noop("Recipient"), json_schema_extra=REQUIRED)
    items: ShortText = Field("", title=gettext_noop("Items given"), json_schema_extra=REQUIRED)
    purpose: ShortText = Field(
        "", title=gettext_noop("Purpose of provision"), json_schema_extra=REQUIRED
    )
    written_consent: bool | None = Field(
        None, title=gettext_noop("Written consent at registration")
    )
    explanation_given: bool | None = Field(None, title=gettext_noop("Purpose explained beforehand"))
    guideline: ShortText = Field("", title=gettext_noop("Guideline followed"))
    refusal_honoured: bool | None = Field(None, title=gettext_noop("A refusal is honoured"))
    legal_basis: ShortText = Field(
        "", title=gettext_noop("Legal basis for the provision (when not by consent)")
    )


class Subcontractor(Row):
    name: ShortText = Field("", title=gettext_noop("Sub-contractor"), json_schema_extra=REQUIRED)
    scope: ShortText = Field(
        "", title=gettext_noop("Work sub-contracted"), json_schema_extra=REQUIRED
    )
    certifications: list[CertificationKind] = Field(
        default_factory=list, max_length=3, title=gettext_noop("Certifications")
    )
    certification_note: ShortText = Field(
        "", title=gettext_noop("Certification numbers and expiry")
    )
    approval_request_on_file: bool = Field(
        False, title=gettext_noop("Approval request (承認願) on file")
    )
    certification_expires: dt.date | None = Field(
        None, title=gettext_noop("Certification valid until")
    )
    same_obligations: bool | None = Field(
        None, title=gettext_noop("Bound by the same obligations as the contractor")
    )
    subsidiary: bool = Field(False, title=gettext_noop("A subsidiary of the contractor"))
    approved_on: dt.date | None = Field(None, title=gettext_noop("Approved by the city on"))


class Outsourcing(Strict):
    outsourced: bool = Field(False, title=gettext_noop("Work is outsourced"))
    procurement: ProcurementFact = Field(
        default_factory=ProcurementFact, title=gettext_noop("Procurement")
    )
    contractor: ShortFact = Field(
        default_factory=ShortFact, title=gettext_noop("Contractor (empty while not yet chosen)")
    )
    staff_count: CountFact = Field(
        default_factory=CountFact,
        title=gettext_noop("Contractor staff handling the data"),
    )
    work_location: ShortFact = Field(
        default_factory=ShortFact, title=gettext_noop("Where the work is done")
    )
    equipment_managed_by: PartyFact = Field(
        default_factory=PartyFact, title=gettext_noop("Who installs and manages the equipment")
    )
    repair_policy: LongFact = Field(
        default_factory=LongFact,
        title=gettext_noop("Repair of equipment holding personal data"),
    )
    contractor_certifications: list[CertificationKind] = Field(
        default_factory=list, max_length=3, title=gettext_noop("Contractor's certifications")
    )
    contractor_certification_expires: dt.date | None = Field(
        None, title=gettext_noop("Contractor's certification valid until")
    )
    data_storage_location: ShortFact = Field(
        default_factory=ShortFact, title=gettext_noop("Where the data is stored")
    )
    previous_contractor: ShortFact = Field(
        default_factory=ShortFact,
        title=gettext_noop("Previous contractor (when the contractor changes)"),
    )
    support_method: SupportFact = Field(
        default_factory=SupportFact, title=gettext_noop("Support method")
    )
    subcontractors: list[Subcontractor] = Field(
        default_factory=list, max_length=MAX_ROWS, title=gettext_noop("Sub-contractors")
    )


class Clause(Strict):
    """A contract safeguard: present with its reference (契約書約款第7条), or missing."""

    present: bool | None = Field(None, title=gettext_noop("In the contract"))
    reference: ShortText = Field("", title=gettext_noop("Clause reference"))
    certainty: Certainty = Field(Certainty.FIXED, title=gettext_noop("Certainty"))


class Safeguards(Strict):
    confidentiality: Clause = Field(default_factory=Clause, title=gettext_noop("Confidentiality"))
    penalty_equal_to_staff: Clause = Field(
        default_factory=Clause,
        title=gettext_noop("Penalties for contractor staff equal to city staff"),
    )
    return_or_erasure_paper: Clause = Field(
        default_factory=Clause, title=gettext_noop("Return or erasure at the end: paper")
    )
    return_or_erasure_electronic: Clause = Field(
        default_factory=Clause, title=gettext_noop("Return or erasure at the end: electronic data")
    )
    handover_via_city: Clause = Field(
        default_factory=Clause, title=gettext_noop("Handover between contractors through the city")
    )
    incident_reporting: Clause = Field(
        default_factory=Clause, title=gettext_noop("Incident reporting")
    )
    audit_rights: Clause = Field(
        default_factory=Clause, title=gettext_noop("Audit and inspection rights")
    )
    staff_training: Clause = Field(default_factory=Clause, title=gettext_noop("Staff training"))
    subcontracting_approval: Clause = Field(
        default_factory=Clause,
        title=gettext_noop("Sub-contracting only with the city's prior approval"),
    )
    staff_confidentiality: Clause = Field(
        default_factory=Clause,
        title=gettext_noop("Confidentiality of contractor staff, during and after employment"),
    )
    purpose_limitation: Clause = Field(
        default_factory=Clause,
        title=gettext_noop("No use or provision outside the contract's purpose"),
    )
    copy_prohibition: Clause = Field(
        default_factory=Clause, title=gettext_noop("No copying without the city's consent")
    )
    carry_out_control: Clause = Field(
        default_factory=Clause, title=gettext_noop("No carrying out beyond the work location")
    )
    transport_protection: Clause = Field(
        default_factory=Clause, title=gettext_noop("Protection in transport (encryption)")
    )
    device_repair_disposal: Clause = Field(
        default_factory=Clause,
        title=gettext_noop("Confidentiality and erasure when equipment is repaired or disposed of"),
    )
    erasure_certificate: Clause = Field(
        default_factory=Clause,
        title=gettext_noop("Erasure method and certificate of erasure"),
    )
    staff_list: Clause = Field(
        default_factory=Clause,
        title=gettext_noop("Notice of the person in charge, staff list and work location"),
    )
    periodic_report: Clause = Field(
        default_factory=Clause, title=gettext_noop("Periodic reports on the handling")
    )
    breach_sanctions: Clause = Field(
        default_factory=Clause,
        title=gettext_noop("Measures on breach (termination, damages)"),
    )


class Retention(Strict):
    period: ShortFact = Field(
        default_factory=ShortFact,
        title=gettext_noop("Retention period"),
        json_schema_extra=REQUIRED,
    )
    end_of_contract: LongFact = Field(
        default_factory=LongFact, title=gettext_noop("Handling at the end of the contract")
    )


class HandlingRecord(Strict):
    """What a department declares about the personal data of one consultation."""

    model_config = ConfigDict(
        extra="forbid", title="HandlingRecord", json_schema_extra={"version": 1}
    )

    purpose: Purpose = Field(default_factory=Purpose, title=gettext_noop("Purpose and legal basis"))
    subjects: Subjects = Field(default_factory=Subjects, title=gettext_noop("Data subjects"))
    items: list[DataItem] = Field(
        default_factory=list, max_length=MAX_ROWS, title=gettext_noop("Data items")
    )
    form: Form = Field(default_factory=Form, title=gettext_noop("Form and storage"))
    carry_out: CarryOut = Field(
        default_factory=CarryOut, title=gettext_noop("Carry-out (持ち出し)")
    )
    media: Media = Field(default_factory=Media, title=gettext_noop("Media"))
    recipients: list[Recipient] = Field(
        default_factory=list, max_length=MAX_ROWS, title=gettext_noop("Recipients (提供先)")
    )
    outsourcing: Outsourcing = Field(default_factory=Outsourcing, title=gettext_noop("Outsourcing"))
    safeguards: Safeguards = Field(
        default_factory=Safeguards, title=gettext_noop("Contract safeguards")
    )
    retention: Retention = Field(
        default_factory=Retention, title=gettext_noop("Retention and the end")
    )

    @model_validator(mode="after")
    def _rows_have_distinct_ids(self) -> HandlingRecord:
        rows = [*self.items, *self.recipients, *self.outsourcing.subcontractors]
        if len({row.row_id for row in rows}) != len(rows):
            raise ValueError("row ids must be distinct")
        return self


SECTIONS: tuple[str, ...] = tuple(HandlingRecord.model_fields)
LIST_SECTIONS = {"items": DataItem, "recipients": Recipient}
# Sections that only apply when the work is outsourced.
OUTSOURCING_SECTIONS = {"safeguards"}


def parse(data: Any) -> HandlingRecord:
    """Validate a stored or submitted document; raises pydantic's ValidationError."""
    return HandlingRecord.model_validate(data)


def dump(record: HandlingRecord) -> dict[str, Any]:
    """The JSON-ready form stored in the database."""
    return record.model_dump(mode="json")


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the record, with English titles."""
    return HandlingRecord.model_json_schema()


@dataclass(frozen=True)
class Missing:
    """A fact that must be filled before submission."""

    path: str
    title: str


def _required(info: Any) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("required_for_submission"))


def _empty(value: Any) -> bool:
    if isinstance(value, Fact):
        value = value.value
    return value is None or value == ""


def _walk_required(model: BaseModel, prefix: str) -> Iterator[Missing]:
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if _required(info) and _empty(value):
            yield Missing(path, info.title or name)
        elif isinstance(value, BaseModel) and not isinstance(value, Fact):
            yield from _walk_required(value, f"{path}.")
        elif isinstance(value, list):
            for row in value:
                if isinstance(row, Row):
                    yield from _walk_required(row, f"{path}[{row.row_id}].")


def missing_for_submission(record: HandlingRecord) -> list[Missing]:
    """Every required fact still empty; outsourcing details only when work is outsourced."""
    missing: list[Missing] = []
    for section in SECTIONS:
        value = getattr(record, section)
        info = HandlingRecord.model_fields[section]
        if section in OUTSOURCING_SECTIONS and not record.outsourcing.outsourced:
            continue
        if isinstance(value, list):
            if section == "items" and not value:
                missing.append(Missing(section, info.title or section))
            for row in value:
                missing.extend(_walk_required(row, f"{section}[{row.row_id}]."))
        else:
            missing.extend(_walk_required(value, f"{section}."))
    if record.outsourcing.outsourced:
        for name in ("procurement", "work_location", "support_method"):
            fact = getattr(record.outsourcing, name)
            if _empty(fact):
                title = Outsourcing.model_fields[name].title or name
                missing.append(Missing(f"outsourcing.{name}", title))
    return missing


@dataclass(frozen=True)
class Entry:
    """One fact of a record, flattened: its path, the titles leading to it, value, certainty."""

    path: str
    titles: tuple[str, ...]
    value: Any
    certainty: Certainty | None


def _flatten_model(model: BaseModel, prefix: str, titles: tuple[str, ...]) -> Iterator[Entry]:
    for name, info in type(model).model_fields.items():
        if name in ("row_id", "certainty") and isinstance(model, (Row, Clause)):
            continue
        value = getattr(model, name)
        path = f"{prefix}{name}"
        here = (*titles, info.title or name)
        if isinstance(value, Fact):
            yield Entry(path, here, value.value, value.certainty)
        elif isinstance(value, Clause):
            yield Entry(f"{path}.present", here, value.present, value.certainty)
            yield Entry(
                f"{path}.reference",
                (*here, gettext_noop("Clause reference")),
                value.reference,
                value.certainty,
            )
        elif isinstance(value, BaseModel):
            yield from _flatten_model(value, f"{path}.", here)
        elif isinstance(value, list) and value and isinstance(value[0], Row):
            for row in value:
                yield from _flatten_row(row, f"{path}[{row.row_id}]", here)
        else:
            certainty = getattr(model, "certainty", None) if isinstance(model, Row) else None
            yield Entry(path, here, value, certainty)


def _flatten_row(row: Row, path: str, titles: tuple[str, ...]) -> Iterator[Entry]:
    yield from _flatten_model(row, f"{path}.", titles)


def flatten(record: HandlingRecord) -> list[Entry]:
    """Every fact of the record in document order."""
    return list(_flatten_model(record, "", ()))


@dataclass(frozen=True)
class Change:
    """A difference between two versions at one path."""

    path: str
    titles: tuple[str, ...]
    kind: str  # "added", "removed" or "changed"
    before: Entry | None
    after: Entry | None


def _worth_showing(value: Any) -> bool:
    return not _empty(value) and value is not False and value != []


def diff(before: HandlingRecord, after: HandlingRecord) -> list[Change]:
    """Field by field, what changed from one version to the next (value or certainty)."""
    old = {entry.path: entry for entry in flatten(before)}
    new = {entry.path: entry for entry in flatten(after)}
    changes: list[Change] = []
    for path, entry in new.items():
        previous = old.get(path)
        if previous is None:
            if _worth_showing(entry.value):
                changes.append(Change(path, entry.titles, "added", None, entry))
        elif _empty(previous.value) and _empty(entry.value):
            continue  # the certainty of a fact nobody has filled in is not a change to show
        elif (previous.value, previous.certainty) != (entry.value, entry.certainty):
            changes.append(Change(path, entry.titles, "changed", previous, entry))
    for path, entry in old.items():
        if path not in new and _worth_showing(entry.value):
            changes.append(Change(path, entry.titles, "removed", entry, None))
    return changes


def row_of(path: str) -> str | None:
    """The row id in a path such as recipients[a1b2c3d4].name, or None."""
    if "[" not in path:
        return None
    return path.split("[", 1)[1].split("]", 1)[0]


def path_label(path: str) -> str:
    """The titles leading to a path in the active language: 業務委託 / 修理の方針 (the path
    itself when the schema does not know it, as for a fact declared under an older schema)."""
    try:
        titles = titles_of(path)
    except KeyError:
        return path
    return " / ".join(gettext(title) for title in titles)


def titles_of(path: str) -> tuple[str, ...]:
    """The titles leading to a path of the schema (rows by their section's title)."""
    titles: list[str] = []
    model: type[BaseModel] = HandlingRecord
    for part in path.split("."):
        name = part.split("[", 1)[0]
        info = model.model_fields.get(name)
        if info is None:
            raise KeyError(path)
        titles.append(info.title or name)
        annotation = info.annotation
        inner = getattr(annotation, "__args__", None)
        if inner and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
            model = inner[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return tuple(titles)
