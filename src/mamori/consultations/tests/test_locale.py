"""The Japanese catalogue of the consultations app is complete and compiled."""

from __future__ import annotations

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "ja" / "LC_MESSAGES" / "django.po"


def translations(catalogue: polib._BaseFile) -> dict[tuple[str, str], str]:
    return {
        (entry.msgctxt or "", entry.msgid): entry.msgstr or repr(entry.msgstr_plural)
        for entry in catalogue
        if not entry.obsolete
    }


def test_every_message_has_a_japanese_translation() -> None:
    untranslated = [
        entry.msgid
        for entry in polib.pofile(str(CATALOGUE))
        if not entry.msgstr and not any(entry.msgstr_plural.values())
    ]
    assert untranslated == []


def test_no_translation_is_left_fuzzy() -> None:
    assert [entry.msgid for entry in polib.pofile(str(CATALOGUE)) if entry.fuzzy] == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    source = translations(polib.pofile(str(CATALOGUE)))
    compiled = translations(polib.mofile(str(CATALOGUE.with_suffix(".mo"))))
    source.pop(("", ""), None)
    compiled.pop(("", ""), None)
    assert compiled == source
