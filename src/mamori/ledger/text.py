"""The one place text typed into the ledger is normalised.

``clean`` is what is stored: NFKC (full-width digits and letters to half-width, half-width
kana to full-width), runs of white space inside a line folded to one space, ends trimmed,
line breaks kept. ``search_key`` is what two texts are compared by when a person searches or
matches names: NFKC, case folded, katakana read as hiragana, no white space at all — so
「ヤマダ　タロウ」, 「やまだたろう」 and 「ﾔﾏﾀﾞ ﾀﾛｳ」 give the same key.
"""

from __future__ import annotations

import unicodedata

# Katakana ァ (U+30A1) .. ヶ (U+30F6) and the iteration marks ヽヾ sit 0x60 above their
# hiragana; ヷヸヹヺ and ー have no hiragana of their own and stay as they are.
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)} | {
    0x30FD: 0x309D,
    0x30FE: 0x309E,
}


def clean(text: object) -> str:
    """Text as it is stored: NFKC, white space folded within each line, ends trimmed.

    ``None`` gives the empty string; anything else is read as ``str(text)``."""
    normal = unicodedata.normalize("NFKC", "" if text is None else str(text))
    lines = [" ".join(line.split()) for line in normal.splitlines()]
    return "\n".join(lines).strip()


def search_key(text: object) -> str:
    """Text as a search compares it: NFKC, case folded, katakana as hiragana, no spaces."""
    normal = unicodedata.normalize("NFKC", "" if text is None else str(text))
    folded = "".join(normal.split()).casefold()
    return folded.translate(_KATAKANA_TO_HIRAGANA)
