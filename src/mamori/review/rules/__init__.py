"""Pre-review rules: the council's memory as small, named, tested functions.

A rule takes a `Context` (the HandlingRecord, the facts its attachments declare, the
consultation's kinds and the meeting date when known) and yields `Finding`s. Rules live in
one module per theme under this package and register themselves with `@rule(...)`; the ids
follow `../shared/domain/council-domain-ja.md` §5.2 (R01–R42) where a rule comes from there,
and S-numbers for the points the 2009 seed meeting raised that the list does not name.

Messages are English msgids translated when shown; `%(field)s` in a message is replaced by
the Japanese titles of the finding's path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from mamori.consultations import handling


class Severity(StrEnum):
    MUST_FIX = "must_fix"  # 要修正: cannot be submitted without fixing or explaining
    EXPLAIN = "explain"  # 要説明
    NOTE = "note"  # 参考


SEVERITY_LABELS = {
    Severity.MUST_FIX: gettext_noop("Must fix"),
    Severity.EXPLAIN: gettext_noop("Should explain"),
    Severity.NOTE: gettext_noop("Note"),
}
SEVERITY_ORDER = {Severity.MUST_FIX: 0, Severity.EXPLAIN: 1, Severity.NOTE: 2}


@dataclass(frozen=True)
class DeclaredFact:
    """A fact an attachment states: the record's path, the value, and where it is written."""

    path: str
    value: str
    quote: str = ""
    document: str = ""


@dataclass(frozen=True)
class Context:
    """Everything a rule may look at for one consultation."""

    record: handling.HandlingRecord
    kinds: frozenset[str] = frozenset()  # ConsultationKind codes
    facts: tuple[DeclaredFact, ...] = ()
    meeting_date: dt.date | None = None
    submitted_on: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One point raised: which rule, how serious, where in the record, and what to do."""

    rule: str
    severity: Severity
    path: str
    message: str  # an English msgid; see `text`
    params: tuple[tuple[str, str], ...] = ()
    precedent: str = ""  # where the council raised it (a msgid), when known

    @property
    def section(self) -> str:
        """The record's section the finding is about (its path's first part)."""
        return self.path.split(".", 1)[0].split("[", 1)[0]

    def text(self) -> str:
        """The message in the active language, naming the field."""
        values = dict(self.params)
        values.setdefault("field", field_name(self.path))
        return _(self.message) % values

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "path": self.path,
            "message": self.text(),
            "precedent": _(self.precedent) if self.precedent else "",
        }

    @property
    def key(self) -> str:
        """A stable key of the finding: its rule, its path and a short hash of its message's
        msgid, so two findings of one rule on one field are told apart."""
        digest = hashlib.sha256(self.message.encode()).hexdigest()[:10]
        return f"{self.rule}:{self.path}:{digest}"


def field_name(path: str) -> str:
    """The field's own title in brackets, as a sentence names it: 「修理の方針」."""
    try:
        titles = handling.titles_of(path)
    except KeyError:
        return f"「{path}」"
    return f"「{_(titles[-1])}」"


def field_label(path: str) -> str:
    """The Japanese titles leading to a path: 業務委託 / 修理の方針."""
    return handling.path_label(path)


RuleFunction = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # a msgid
    severity: Severity
    source: str  # where the rule comes from (the seed, a guideline), a msgid
    check: RuleFunction


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, *, title: str, severity: Severity, source: str
) -> Callable[[RuleFunction], RuleFunction]:
    """Register a rule under its id (each id once)."""

    def register(check: RuleFunction) -> RuleFunction:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} is registered twice")
        RULES[rule_id] = Rule(rule_id, title, severity, source, check)
        return check

    return register


def evaluate(context: Context, *, only: Iterable[str] | None = None) -> list[Finding]:
    """Every finding of every registered rule (or of the rules named), most serious first."""
    load_rules()
    wanted = set(only) if only is not None else None
    findings = [
        finding
        for rule_id, registered in RULES.items()
        if wanted is None or rule_id in wanted
        for finding in registered.check(context)
    ]
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.path))


def load_rules() -> None:
    """Import the theme modules, which register their rules."""
    from mamori.review.rules import (  # noqa: F401
        carry_out,
        consistency,
        legal,
        meeting,
        outsourcing,
        recipients,
        safeguards,
    )


def blank(value: Any) -> bool:
    """Whether a declared value is missing (None, empty text, an empty Fact)."""
    if isinstance(value, handling.Fact):
        value = value.value
    return value is None or (isinstance(value, str) and not value.strip())


def not_fixed(fact: handling.Fact[Any]) -> bool:
    """Whether a fact is 予定 or 未定 (or empty)."""
    return blank(fact) or fact.certainty != handling.Certainty.FIXED


def findings_at(
    rule_id: str, paths: Iterable[str], message: str, **params: str
) -> Iterator[Finding]:
    """One finding of a registered rule per path, with its registered severity."""
    registered = RULES[rule_id]
    for path in paths:
        yield Finding(
            rule_id,
            registered.severity,
            path,
            message,
            tuple(params.items()),
            registered.source,
        )


# --- Helpers shared by the theme modules (issue 4) --------------------------------------------


def outsourced(context: Context) -> bool:
    """Whether the record's work is outsourced (contract clauses apply only then)."""
    return context.record.outsourcing.outsourced


def clause_missing(clause: handling.Clause) -> bool:
    """Whether a contract clause is not declared present (absent, or not answered)."""
    return clause.present is not True


def reference_date(context: Context) -> dt.date | None:
    """The day the council looks at the record: its meeting, else the day it was submitted."""
    return context.meeting_date or context.submitted_on


def row_path(section: str, row: handling.Row, name: str = "") -> str:
    """The path of a row (or of one of its fields): recipients[a1b2c3d4].written_consent."""
    path = f"{section}[{row.row_id}]"
    return f"{path}.{name}" if name else path
