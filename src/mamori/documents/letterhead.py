"""The city's letterhead: the wording and layout of its official documents, read from a file.

The default is documents/settings/letterhead.toml; the environment variable
MAMORI_DOCUMENT_SETTINGS names another file. A city changes its name, mayor, seal line,
numbering and fixed sentences there without touching the code. The file is read once per
process (restart after editing it).
"""

from __future__ import annotations

import dataclasses
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
    }
)

_FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass(frozen=True)
class City:
    name: str
    mayor_title: str
    mayor_name: str
    short: str
    seal: str


@dataclass(frozen=True)
class Style:
    full_width_numerals: bool
    planned: str
    undecided: str
    withheld_label: str
    closing: str
    particulars: str


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


@dataclass(frozen=True)
class AnswerText:
    number: str
    subject: str
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
    materials_published: str
    materials_withheld: str
    reason: str


@dataclass(frozen=True)
class Letterhead:
    """The wording of a city's official documents, as its settings file states it."""

    path: Path
    city: City
    style: Style
    fonts: Fonts
    abbreviations: dict[str, str]
    consultation: ConsultationText
    answer: AnswerText
    minutes: MinutesText

    def fill(self, template: str, **values: Any) -> str:
        """A template with its placeholders filled ({city} and {city_short} always known)."""
        known = {"city": self.city.name, "city_short": self.city.short}
        known.update(mayor_title=self.city.mayor_title, mayor_name=self.city.mayor_name, **values)
        return template.format_map(known)

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
    unknown = sorted(set(data) - set(SECTIONS) - {"abbreviations"})
    if unknown:
        raise _error(path, _("unknown section [%(name)s].") % {"name": unknown[0]})
    sections = {name: _section(path, data, name, kind) for name, kind in SECTIONS.items()}
    return Letterhead(path=path, abbreviations=_abbreviations(path, data), **sections)


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
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(value) if name}
    except ValueError as error:
        raise _error(
            path, _("the key “%(key)s” has an unmatched brace.") % {"key": dotted}
        ) from error
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        raise _error(
            path,
            _("the key “%(key)s” uses an unknown placeholder {%(name)s}.")
            % {"key": dotted, "name": unknown[0]},
        )


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
