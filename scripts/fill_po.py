"""Fill a .po catalogue from a JSON dictionary of msgid → Japanese (a maintenance aid)."""

from __future__ import annotations

import json
import sys

import polib


def main() -> None:
    # --only-missing leaves entries that already have a translation as they are.
    only_missing = "--only-missing" in sys.argv
    po_path, json_path = [arg for arg in sys.argv[1:] if not arg.startswith("--")][:2]
    catalogue = polib.pofile(po_path)
    with open(json_path, encoding="utf-8") as handle:
        translations: dict[str, str | list[str] | dict[str, str]] = json.load(handle)
    missing = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        value = translations.get(key)
        translated = bool(entry.msgstr or any(entry.msgstr_plural.values()))
        if only_missing and translated and "fuzzy" not in entry.flags:
            continue
        if value is None:
            if not entry.msgstr and not any(entry.msgstr_plural.values()):
                missing.append(key)
            continue
        if isinstance(value, dict):  # {"msgid_plural": …, "msgstr[0]": …}
            value = str(value.get("msgstr[0]", ""))
        if entry.msgid_plural:
            forms = value if isinstance(value, list) else [value]
            entry.msgstr_plural = {0: forms[0]}
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalogue.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    catalogue.metadata_is_fuzzy = False
    catalogue.save(po_path)
    for msgid in missing:
        print("untranslated:", msgid)


if __name__ == "__main__":
    main()
