"""The PDF renderer: the standalone HTML page through WeasyPrint, with a Japanese font embedded.

The page, its print stylesheet (documents/document.css: A4, page numbers) and the fonts named
in the letterhead settings make the PDF; WeasyPrint embeds the glyphs used (subset by
HarfBuzz). Without a Japanese font the renderer refuses rather than print empty boxes. The
file's metadata is the title and the author, nothing else.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from mamori.documents import fonts, letterhead
from mamori.documents.model import Document
from mamori.documents.render_html import render_html

STYLESHEET = "documents/document.css"
# Used only while documents/document.css is missing: A4, margins, 「- 1 -」 page numbers.
FALLBACK_CSS = """
@page { size: A4 portrait; margin: 25mm 25mm 25mm 30mm;
  @bottom-center { content: "- " counter(page) " -"; font-size: 9pt; } }
body { font-size: 10.5pt; line-height: 1.6; }
h1 { font-size: 16pt; text-align: center; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: top; }
thead { display: table-header-group; }
"""


def render_pdf(document: Document) -> bytes:
    """The document as the bytes of a PDF file; ImproperlyConfigured without a Japanese font."""
    font = fonts.japanese_font()
    font_config = FontConfiguration()
    fetcher = _LocalFetcher(font.path)
    page = HTML(
        string=render_html(document, standalone=True),
        base_url=str(Path(__file__).resolve().parent),
        url_fetcher=fetcher,
    )
    stylesheets = _stylesheets(font, font_config, fetcher)
    rendered = page.render(font_config=font_config, stylesheets=stylesheets)
    _keep_only_title_and_author(rendered.metadata, document)
    pdf: bytes = rendered.write_pdf(finisher=_drop_producer)
    return pdf


def _stylesheets(
    font: fonts.JapaneseFont, font_config: FontConfiguration, fetcher: _LocalFetcher
) -> list[CSS]:
    found = finders.find(STYLESHEET)
    options = {"font_config": font_config, "url_fetcher": fetcher}
    document_css = (
        CSS(filename=str(found), **options)
        if isinstance(found, str)
        else CSS(string=FALLBACK_CSS, **options)
    )
    return [document_css, CSS(string=_font_css(font), **options)]


def _font_css(font: fonts.JapaneseFont) -> str:
    """The letterhead's PDF font families; a font fontconfig does not know is declared from
    its file under the first family name, so the page finds it."""
    css = letterhead.pdf_font_stylesheet()
    if font.in_fontconfig:
        return css
    family = letterhead.load().fonts.pdf[0] if letterhead.load().fonts.pdf else font.family
    return f'@font-face {{ font-family: "{family}"; src: url("{font.path.as_uri()}"); }}\n{css}'


def _keep_only_title_and_author(metadata: Any, document: Document) -> None:
    """WeasyPrint copies <meta> description, keywords, generator and dates into the PDF."""
    metadata.title = document.title
    metadata.authors = [document.author or letterhead.load().city.name]
    metadata.description = None
    metadata.keywords = []
    metadata.generator = None
    metadata.created = None
    metadata.modified = None
    metadata.custom = {}
    metadata.attachments = []
    metadata.xmp_metadata = []


_UNUSED_TLS_CONTEXT = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _drop_producer(_document: Any, pdf: Any) -> None:
    pdf.info.pop("Producer", None)


class _LocalFetcher(URLFetcher):  # type: ignore[misc]
    """Fetches nothing from the network or the disk but the font file: the stylesheet linked
    by the page is given to WeasyPrint directly, and documents hold no images."""

    def __init__(self, font_path: Path) -> None:
        # A bare TLS context: the default one loads the system's certificates (50 ms), for
        # an HTTPS request this fetcher never makes.
        super().__init__(allowed_protocols={"file"}, ssl_context=_UNUSED_TLS_CONTEXT)
        self.font_url = font_path.as_uri()

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.split("?")[0].endswith(STYLESHEET):
            return URLFetcherResponse(url, body=b"", headers={"Content-Type": "text/css"})
        if url == self.font_url:
            return super().fetch(url, headers)
        raise ValueError(f"Documents load no other resource: {url}")
