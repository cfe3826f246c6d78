"""The public site's files: published minutes as PDF and Word, disclosed materials, the feed.

No sign-in: everything here is reached through the current snapshot of published minutes,
so nothing of a draft or withdrawn minutes is ever served.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from mamori.core.http import file_download
from mamori.documents import formats, publication
from mamori.documents.feeds import MinutesFeed
from mamori.documents.model import Document

# Published files are the same for everyone and change only when republished.
PUBLIC_CACHE = "public, max-age=300"
PUBLIC_FORMATS = ("pdf", "docx")

public_feed = MinutesFeed()


@require_safe
def public_minutes_file(
    request: HttpRequest, council: str, fiscal_year: int, number: int, fmt: str
) -> FileResponse:
    """The published minutes as PDF or Word (会議録_2009-3.pdf), as they were published."""
    if fmt not in PUBLIC_FORMATS:
        raise Http404
    snapshot = publication.get_public_snapshot(council, fiscal_year, number)
    # The file's name comes from the one definition of the documents' names.
    name = formats.file_name(
        Document(kind="minutes", title="", key=snapshot.minutes.meeting.key), fmt
    )
    stored = snapshot.pdf if fmt == "pdf" else snapshot.docx
    return file_download(stored, name, formats.CONTENT_TYPES[fmt], cache_control=PUBLIC_CACHE)


@require_safe
def public_material(
    request: HttpRequest, council: str, fiscal_year: int, number: int, pk: int
) -> FileResponse:
    """A material the secretariat disclosed with the published minutes."""
    snapshot = publication.get_public_snapshot(council, fiscal_year, number)
    attachment = publication.get_public_material(snapshot, pk)
    name = publication.public_material_name(snapshot, attachment)
    return file_download(attachment.file, name, attachment.content_type, cache_control=PUBLIC_CACHE)
