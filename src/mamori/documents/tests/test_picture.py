"""A picture check: the first page of the demo minutes as PDF, rendered to PNG, shows Japanese
text; the picture is kept as var/screenshots/minutes-page1.png."""

from __future__ import annotations

import io
import shutil
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from PIL import Image
from pypdf import PdfReader

from mamori.council.models import Meeting
from mamori.documents.builders import build_minutes
from mamori.documents.render_pdf import render_pdf
from mamori.documents.tests.test_render_pdf import embedded, fonts_of, squeeze

pytestmark = pytest.mark.django_db

DEMO_TITLE = "平成21年度第3回個人情報保護運営審議会会議録"


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} not installed (Debian poppler-utils)")
    return path


@pytest.fixture
def minutes_pdf(settings: Any, tmp_path: Path) -> Path:
    """The demo's minutes of 平成21年度第3回 (2009-08-06) as a PDF file."""
    settings.DEBUG = True  # the demo loads only on a development machine
    call_command("demo", stdout=StringIO())
    meeting = Meeting.objects.get(council__slug="kojin-hogo", fiscal_year=2009, number=3)
    path = tmp_path / "minutes.pdf"
    path.write_bytes(render_pdf(build_minutes(meeting)))
    return path


def test_the_first_page_of_the_demo_minutes_shows_japanese_text(
    minutes_pdf: Path, screenshot_dir: Path
) -> None:
    pdftoppm = poppler("pdftoppm")
    picture = screenshot_dir / "minutes-page1.png"
    picture.unlink(missing_ok=True)
    subprocess.run(  # noqa: S603 - poppler on a file of ours
        [
            pdftoppm,
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            minutes_pdf,
            picture.with_suffix(""),
        ],
        check=True,
        timeout=60,
    )
    with Image.open(picture) as image:
        # A4 at 80 dpi: 661 × 935 pixels.
        assert (round(image.width / 80 * 25.4), round(image.height / 80 * 25.4)) == (210, 297)
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128]) / (grey.width * grey.height)
    # Lines of text cover a few per cent of a page (3 % here), a blank page next to nothing and
    # a page printed black most of it; the text itself is checked below.
    assert 0.01 < dark < 0.3, dark

    pdftotext = poppler("pdftotext")
    text = subprocess.run(  # noqa: S603 - poppler on a file of ours
        [pdftotext, "-f", "1", "-l", "1", minutes_pdf, "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert DEMO_TITLE in squeeze(text)
    assert "開催日時" in squeeze(text)


def test_the_first_page_of_the_demo_minutes_embeds_japanese_fonts(minutes_pdf: Path) -> None:
    reader = PdfReader(io.BytesIO(minutes_pdf.read_bytes()))
    used = list(fonts_of(reader.pages[:1]))
    assert used
    assert all(embedded(font) for font in used)
    assert all("CJK" in str(font["/BaseFont"]) for font in used), used
