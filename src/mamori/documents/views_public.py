"""The public site's files: published minutes as PDF and Word, disclosed materials, the feed.

No sign-in: everything here is reached through the current snapshot of published minutes,
so nothing of a draft or withdrawn minutes is ever served.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from mamori.core.http import file_download
from mamori.documents import formats, publication
from mamori.documents.access import check_numbers
from mamori.documents.feeds import MinutesFeed
from mamori.documents.models import PublishedMinutes

# Caches must ask again every time (a withdrawn file must not be served from a cache), and
# the ETag lets them keep the file when it has not changed.
PUBLIC_CACHE = "public, no-cache"
PUBLIC_FORMATS = ("pdf", "docx")

public_feed = MinutesFeed()


def _snapshot(council: str, fiscal_year: int, number: int) -> PublishedMinutes:
    check_numbers(fiscal_year, number)
    snapshot = publication.get_public_snapshot(council, fiscal_year, number)
    if snapshot is None:
        raise Http404
    return snapshot


def _not_modified(request: HttpRequest, etag: str) -> bool:
    return bool(etag) and etag in request.headers.get("If-None-Match", "")


@require_safe
def public_minutes_file(
    request: HttpRequest, council: str, fiscal_year: int, number: int, fmt: str
) -> HttpResponseBase:
    """The published minutes as PDF or Word, as they were published."""
    if fmt not in PUBLIC_FORMATS:
        raise Http404
    snapshot = _snapshot(council, fiscal_year, number)
    digest = snapshot.pdf_sha256 if fmt == "pdf" else snapshot.docx_sha256
    etag = f'"{digest}"' if digest else ""
    response: HttpResponseBase
    if _not_modified(request, etag):
        response = HttpResponseNotModified()
    else:
        stem = snapshot.file_stem or f"会議録_{snapshot.minutes.meeting.key}"
        stored = snapshot.pdf if fmt == "pdf" else snapshot.docx
        response = file_download(
            stored, f"{stem}.{fmt}", formats.CONTENT_TYPES[fmt], cache_control=PUBLIC_CACHE
        )
    response["Cache-Control"] = PUBLIC_CACHE
    if etag:
        response["ETag"] = etag
    return response


@require_safe
def public_material(
    request: HttpRequest, council: str, fiscal_year: int, number: int, pk: int
) -> FileResponse:
    """A material the secretariat disclosed with the published minutes."""
    check_numbers(pk)
    found = publication.get_public_material(_snapshot(council, fiscal_year, number), pk)
    if found is None:
        raise Http404
    attachment, name = found
    return file_download(attachment.file, name, attachment.content_type, cache_control=PUBLIC_CACHE)
