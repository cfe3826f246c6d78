"""Anchors: the field or row of a HandlingRecord that a member's opinion is about.

A field is named by its path ("outsourcing.repair_policy"; a contract clause by the clause,
"safeguards.confidentiality"), a row by its section and id ("recipients[3fa2c1d0]",
"outsourcing.subcontractors[9b1e]"), so an anchor survives new versions of the record.
Labels are Japanese: titles of the schema through gettext, a row by its list's title and
its name, as in 提供先「ハローワーク」.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from mamori.consultations import access, handling, lifecycle
from mamori.consultations.models import Consultation, Opinion

SEPARATOR = "："
# A clause is one anchor, though the record flattens it into these two facts.
CLAUSE_PARTS = (".present", ".reference")

type Choices = list[tuple[str, list[tuple[str, str]]]]


@dataclass(frozen=True)
class Anchor:
    """One anchorable field or row, with its section title and its label within the section."""

    path: str
    section: str
    label: str

    @property
    def full_label(self) -> str:
        """The label with its section: 外部委託：機器の修理, or a row: 提供先「ハローワーク」."""
        if handling.row_of(self.path) is not None:
            return self.label
        return f"{self.section}{SEPARATOR}{self.label}" if self.label else self.section


def _titles(titles: Iterable[str]) -> list[str]:
    return [gettext(title) for title in titles]


def _row_label(list_title: str, name: object) -> str:
    if not name:
        return gettext("%(title)s (no name yet)") % {"title": list_title}
    return f"{list_title}「{name}」"


def _field_anchor(entry: handling.Entry) -> Anchor:
    path, titles = entry.path, entry.titles
    if path.endswith(CLAUSE_PARTS):
        path = path.rsplit(".", 1)[0]
        titles = titles[: len(path.split("."))]
    translated = _titles(titles)
    return Anchor(path, translated[0], SEPARATOR.join(translated[1:]))


def anchors_of(record: handling.HandlingRecord) -> list[Anchor]:
    """Every field and row of the record a member may anchor an opinion to, in document order."""
    found: dict[str, Anchor] = {}
    names = {entry.path: entry.value for entry in handling.flatten(record)}
    for entry in handling.flatten(record):
        if "[" in entry.path:
            path = entry.path.split("]", 1)[0] + "]"
            if path not in found:
                translated = _titles(entry.titles)
                label = _row_label(translated[-2], names.get(f"{path}.name"))
                found[path] = Anchor(path, translated[0], label)
        else:
            anchor = _field_anchor(entry)
            found.setdefault(anchor.path, anchor)
    return list(found.values())


def anchor_choices(record: handling.HandlingRecord) -> Choices:
    """The anchors as select choices grouped by section: [(section, [(path, label)…])…]."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for anchor in anchors_of(record):
        groups.setdefault(anchor.section, []).append((anchor.path, anchor.label))
    return list(groups.items())


def label_of(anchor: str, known: dict[str, Anchor]) -> str:
    """The Japanese label of an anchor, also for a row no longer in the record."""
    if anchor in known:
        return known[anchor].full_label
    try:
        titles = _titles(handling.titles_of(anchor))
    except KeyError:
        return anchor
    if handling.row_of(anchor) is not None:
        return gettext("%(title)s (a row no longer in the record)") % {"title": titles[-1]}
    return SEPARATOR.join(titles)


def record_visible_to(user: Any, consultation: Consultation) -> handling.HandlingRecord:
    """The record a user's opinion is about: the working record for those who may see the
    draft, else the latest submitted version (or an empty record)."""
    if access.may_see_drafts(user, consultation):
        return lifecycle.working_record(consultation)
    version = lifecycle.latest_submitted_version(consultation)
    return version.record() if version is not None else handling.HandlingRecord()


def _known_anchors(consultation: Consultation, *, drafts: bool) -> dict[str, Anchor]:
    """The anchors of the latest submitted version and, with drafts, of the draft first."""
    versions = [lifecycle.latest_submitted_version(consultation)]
    if drafts:
        versions.insert(0, lifecycle.draft_version(consultation))
    known: dict[str, Anchor] = {}
    for version in versions:
        if version is not None:
            for anchor in anchors_of(version.record()):
                known.setdefault(anchor.path, anchor)
    return known


def anchor_labels(
    consultation: Consultation, opinions: Iterable[Opinion], *, user: Any
) -> dict[int, str]:
    """The label of each anchored opinion's anchor, by opinion id, from the record the user
    may read: members never learn the names in the department's unsubmitted draft."""
    anchored = [opinion for opinion in opinions if opinion.anchor]
    if not anchored:
        return {}
    known = _known_anchors(consultation, drafts=access.may_see_drafts(user, consultation))
    return {opinion.pk: label_of(opinion.anchor, known) for opinion in anchored}


def opinions_by_anchor(opinions: Iterable[Opinion]) -> dict[str, list[Opinion]]:
    """Anchored opinions grouped by anchor, each list in the order given."""
    grouped: dict[str, list[Opinion]] = {}
    for opinion in opinions:
        if opinion.anchor:
            grouped.setdefault(opinion.anchor, []).append(opinion)
    return grouped
