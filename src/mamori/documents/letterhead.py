"""The city's letterhead: the wording and layout of its official documents, read from a file.

The default is documents/settings/letterhead.toml; the environment variable
MAMORI_DOCUMENT_SETTINGS names another file. A city changes its name, mayor, seal line,
numbering and fixed sentences there without touching the code. The file is read once per
process (restart after editing it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

ENVIRONMENT_VARIABLE = "MAMORI_DOCUMENT_SETTINGS"
DEFAULT_PATH = Path(__file__).resolve().parent / "settings" / "letterhead.toml"

# Every placeholder a template may use (see the comments at the top of letterhead.toml).
PLACEHOLDERS = frozenset(
    {
        "city",
        "city_short",
        "council",
        "chair",
        "mayor_title",
        "mayor_name",
        "era_year",
        "fiscal_year",
        "number",
        "label",
        "title",
        "department",
        "department_short",
        "date",
        "meeting",
        "count",
        "ground",
        "reference",
    }
)
# What each placeholder is filled with when a file is checked at load (a dry run of every
# template, so a template that cannot be filled is refused then, not when a document is made).
_SAMPLE = dict.fromkeys(PLACEHOLDERS, "x")

_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class City:
    name: str
    mayor_title: str
    short: str
    seal: str


@dataclass(frozen=True)
class Mayor:
    """A mayor and the day they took office (None for the first one listed: since ever)."""

    name: str
    since: dt.date | None


@dataclass(frozen=True)
class Style:
    full_width_numerals: bool
    planned: str
    undecided: str
    withheld_label: str
    closing: str
    particulars: str
    # A yes/no fact of the record, as official documents answer it: 有/無 for what there is
    # (業務の委託 有), 可/否 for what is allowed (持ち出しの可否 否).
    present: str
    absent: str
    allowed: str
    not_allowed: str


@dataclass(frozen=True)
class Fonts:
    word: str
    word_fallback: str
    pdf: list[str]


@dataclass(frozen=True)
class ConsultationText:
    number: str
    subject: str
    addressee: str
    sender: str
    lead: str
    outline_heading: str
    record_heading: str
    attachments_heading: str
    label_label: str
    title_label: str
    department_label: str
    kinds_label: str
    summary_label: str
    fact_column: str
    value_column: str
    number_column: str
    none: str
    file_name: str


@dataclass(frozen=True)
class AnswerText:
    number: str
    subject: str
    file_name: str
    addressee: str
    sender: str
    lead: str
    decision_heading: str
    conditions_heading: str
    opinions_heading: str
    opinion_mark: str
    none: str


@dataclass(frozen=True)
class MinutesText:
    title: str
    file_name: str
    internal_file_name: str
    internal_notice: str
    item_column: str
    content_column: str
    name: str
    held: str
    place: str
    attendance: str
    present: str
    absent: str
    members: str
    secretariat: str
    explainers: str
    nobody: str
    openness: str
    observers: str
    closure_reason: str
    closure_grounds: str
    agenda: str
    contact: str
    proceedings: str
    results: str
    opinions: str
    attached_opinions: str
    opinion_mark: str
    report: str
    explanation: str
    materials: str
    material_column: str
    disclosure_column: str
    disclosed: str
    withheld: str
    undecided: str
    no_materials: str
    materials_all_disclosed: str
    materials_none_disclosed: str
    materials_some_disclosed: str
    reason: str
    reason_grounds: str
    grounds: str


@dataclass(frozen=True)
class Letterhead:
    """The wording of a city's official documents, as its settings file states it."""

    path: Path
    city: City
    style: Style
    fonts: Fonts
    mayors: list[Mayor]
    abbreviations: dict[str, str]
    consultation: ConsultationText
    answer: AnswerText
    minutes: MinutesText

    def fill(self, template: str, **values: Any) -> str:
        """A template with its placeholders filled ({city}, {city_short}, {mayor_title} always
        known; {mayor_name} is today's mayor unless given)."""
        known = {
            "city": self.city.name,
            "city_short": self.city.short,
            "mayor_title": self.city.mayor_title,
            "mayor_name": self.mayor_on(dt.date.today()),
        }
        known.update(values)
        return template.format_map(known)

    def mayor_on(self, day: dt.date) -> str:
        """The name of the mayor in office on the day: the last one listed who took office
        on or before it (the first one listed for an earlier day)."""
        serving = [m for m in self.mayors if m.since is None or m.since <= day]
        return (serving[-1] if serving else self.mayors[0]).name

    def numerals(self, text: str) -> str:
        """The text with full-width numerals when the letters use them (平成２１年８月６日)."""
        if not self.style.full_width_numerals:
            return text
        return text.translate(_FULL_WIDTH_DIGITS)

    def short_name(self, department: str) -> str:
        """A department's abbreviation for document numbers, or its name."""
        return self.abbreviations.get(department, department)


SECTIONS: dict[str, type] = {
    "city": City,
    "style": Style,
    "fonts": Fonts,
    "consultation": ConsultationText,
    "answer": AnswerText,
    "minutes": MinutesText,
}


def settings_path() -> Path:
    """The settings file in force: MAMORI_DOCUMENT_SETTINGS, or the default."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return Path(configured) if configured else DEFAULT_PATH


def load() -> Letterhead:
    """The letterhead of the settings file in force, read once per file."""
    return _load(str(settings_path()))


@functools.lru_cache(maxsize=8)
def _load(path_text: str) -> Letterhead:
    path = Path(path_text)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise _error(path, _("the file does not exist.")) from error
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _error(
            path, _("the file cannot be read (%(problem)s).") % {"problem": error}
        ) from error
    unknown = sorted(set(data) - set(SECTIONS) - {"abbreviations", "mayors"})
    if unknown:
        raise _error(path, _("unknown section [%(name)s].") % {"name": unknown[0]})
    sections = {name: _section(path, data, name, kind) for name, kind in SECTIONS.items()}
    return Letterhead(
        path=path, mayors=_mayors(path, data), abbreviations=_abbreviations(path, data), **sections
    )


def _error(path: Path, problem: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        _("The document settings file %(path)s is not usable: %(problem)s")
        % {"path": path, "problem": problem}
    )


def _section(path: Path, data: dict[str, Any], name: str, kind: type) -> Any:
    table = data.get(name)
    if not isinstance(table, dict):
        raise _error(path, _("the section [%(name)s] is missing.") % {"name": name})
    fields = {field.name: field for field in dataclasses.fields(kind)}
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise _error(path, _("unknown key “%(key)s”.") % {"key": f"{name}.{unknown[0]}"})
    values = {
        key: _value(path, f"{name}.{key}", table, key, field.type) for key, field in fields.items()
    }
    return kind(**values)


def _value(path: Path, dotted: str, table: dict[str, Any], key: str, kind: Any) -> Any:
    if key not in table:
        raise _error(path, _("the key “%(key)s” is missing.") % {"key": dotted})
    value = table[key]
    expected: type = {"str": str, "bool": bool, "list[str]": list}[str(kind)]
    wrong = not isinstance(value, expected) or (
        isinstance(value, list) and not all(isinstance(item, str) for item in value)
    )
    if wrong:
        raise _error(path, _("the key “%(key)s” has a value of the wrong type.") % {"key": dotted})
    if isinstance(value, str):
        _check_placeholders(path, dotted, value)
    return value


def _check_placeholders(path: Path, dotted: str, value: str) -> None:
    """Every placeholder is a known name, bare: no conversion ({title!r}), no format spec
    ({number:d}), no position ({} or {0}); and the template fills with sample values."""
    try:
        fields = [
            (name, spec, conversion)
            for _text, name, spec, conversion in string.Formatter().parse(value)
            if name is not None
        ]
    except ValueError as error:
        raise _error(
            path, _("the key “%(key)s” has an unmatched brace.") % {"key": dotted}
        ) from error
    for name, spec, conversion in fields:
        if name not in PLACEHOLDERS:
            raise _error(
                path,
                _("the key “%(key)s” uses an unknown placeholder {%(name)s}.")
                % {"key": dotted, "name": name},
            )
        if spec or conversion:
            raise _error(
                path,
                _("the key “%(key)s” formats the placeholder {%(name)s}: write it bare.")
                % {"key": dotted, "name": name},
            )
    try:
        value.format_map(_SAMPLE)
    except (ValueError, KeyError, IndexError, AttributeError, TypeError) as error:
        raise _error(
            path,
            _("the key “%(key)s” cannot be filled in (%(problem)s).")
            % {"key": dotted, "problem": error},
        ) from error


def _mayors(path: Path, data: dict[str, Any]) -> list[Mayor]:
    """The [[mayors]] in the order they took office; at least one."""
    entries = data.get("mayors")
    if not isinstance(entries, list) or not entries:
        raise _error(path, _("the list [[mayors]] is missing."))
    mayors: list[Mayor] = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        since = entry.get("since") if isinstance(entry, dict) else None
        wrong = (
            not isinstance(entry, dict)
            or set(entry) - {"name", "since"}
            or not isinstance(name, str)
            or not name.strip()
            or not (since is None or type(since) is dt.date)
        )
        if wrong:
            raise _error(
                path,
                _(
                    "each entry of [[mayors]] needs a name and may give the day of taking "
                    "office as since = 2007-04-22."
                ),
            )
        mayors.append(Mayor(name=str(name), since=since))
    previous: dt.date | None = None
    for index, mayor in enumerate(mayors):
        if index and (mayor.since is None or (previous is not None and mayor.since < previous)):
            raise _error(
                path,
                _(
                    "the mayors are listed in the order they took office, each after the "
                    "first with the day (since)."
                ),
            )
        previous = mayor.since
    return mayors


def _abbreviations(path: Path, data: dict[str, Any]) -> dict[str, str]:
    table = data.get("abbreviations", {})
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise _error(path, _("the section [abbreviations] must map names to text."))
    return dict(table)


def pdf_font_stylesheet(letterhead: Letterhead | None = None) -> str:
    """CSS naming the letterhead's PDF fonts, for the PDF renderer to add after document.css."""
    fonts = (letterhead or load()).fonts.pdf
    families = ", ".join(f'"{name}"' for name in fonts)
    return f"body, .document {{ font-family: {families}, serif; }}\n"
