"""Finding a Japanese font for the PDF renderer, which refuses to print Japanese as empty boxes.

Word files only name their fonts (Word on the reader's machine draws them); a PDF embeds
them, so the machine rendering it needs a Japanese font file. Fontconfig is asked first (it
is also what WeasyPrint uses); a scan of the usual font folders is the fallback.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from mamori.documents import letterhead

# The Debian package that provides the fonts the documents name (Noto Serif/Sans CJK JP).
FONT_PACKAGE = "fonts-noto-cjk"
FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
# File name stems of Japanese fonts with their family names, preferred first: a mincho face
# (the official documents' typeface), then a gothic one.
KNOWN_FILES = (
    ("NotoSerifCJK-Regular", "Noto Serif CJK JP"),
    ("NotoSerifCJKjp-Regular", "Noto Serif CJK JP"),
    ("ipaexm", "IPAexMincho"),
    ("ipam", "IPAMincho"),
    ("NotoSansCJK-Regular", "Noto Sans CJK JP"),
    ("NotoSansCJKjp-Regular", "Noto Sans CJK JP"),
    ("ipaexg", "IPAexGothic"),
    ("ipag", "IPAGothic"),
)
FONT_SUFFIXES = {".ttc", ".otf", ".ttf", ".otc"}


@dataclass(frozen=True)
class WordFonts:
    """The font Word files name on every run, and the one Word substitutes when it is missing
    (游明朝 and ＭＳ 明朝 unless the letterhead settings name others)."""

    name: str
    fallback: str


def word_fonts() -> WordFonts:
    """The fonts named in Word files, from the letterhead settings ([fonts] word, word_fallback)."""
    fonts = letterhead.load().fonts
    return WordFonts(name=fonts.word, fallback=fonts.word_fallback)


@dataclass(frozen=True)
class JapaneseFont:
    """A font file covering Japanese, with the family name a stylesheet asks for."""

    path: Path
    family: str
    # True when fontconfig knows the font, so WeasyPrint finds it by family name alone;
    # otherwise the PDF renderer declares it with @font-face.
    in_fontconfig: bool


def find_japanese_font() -> JapaneseFont | None:
    """The preferred Japanese font on this machine (the letterhead's PDF fonts first), or None
    when there is none."""
    preferred = [*letterhead.load().fonts.pdf, "Noto Serif CJK JP"][0]
    return _from_fontconfig(preferred) or _from_font_dirs(FONT_DIRS)


@functools.cache
def japanese_font() -> JapaneseFont:
    """The Japanese font documents are printed with (looked up once per process);
    ImproperlyConfigured when there is none, rather than a PDF of empty boxes."""
    font = find_japanese_font()
    if font is None:
        raise ImproperlyConfigured(
            "No Japanese font found: PDF documents would show empty boxes instead of Japanese "
            f"text. Install the Debian package {FONT_PACKAGE} (apt-get install {FONT_PACKAGE}, "
            "or run scripts/ensure-system-packages as root)."
        )
    return font


def _from_fontconfig(family: str) -> JapaneseFont | None:
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        found = subprocess.run(  # noqa: S603 - fc-match from PATH, arguments of our own
            [fc_match, "-f", "%{file}\n%{family}\n%{lang}", f"{family}:lang=ja"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, names, langs = [*found.split("\n"), "", "", ""][:3]
    # fc-match always answers with some font; only one that covers Japanese will do.
    if not file or "ja" not in langs.split("|") or not Path(file).is_file():
        return None
    return JapaneseFont(Path(file), names.split(",")[0], in_fontconfig=True)


def _from_font_dirs(roots: tuple[Path, ...]) -> JapaneseFont | None:
    files = [
        path
        for root in roots
        if root.is_dir()
        for path in sorted(root.rglob("*"))
        if path.suffix.lower() in FONT_SUFFIXES
    ]
    for stem, family in KNOWN_FILES:
        for path in files:
            if path.stem.lower() == stem.lower():
                return JapaneseFont(path, family, in_fontconfig=False)
    return None
