"""`mamori export_document consultation|answer|minutes KEY --format docx|pdf|html -o FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mamori.consultations.models import Consultation
from mamori.core import eras
from mamori.council.models import Council, Meeting
from mamori.documents import builders, formats
from mamori.documents.model import Document
from mamori.documents.models import PublishedMinutes
from mamori.documents.render_html import standalone_page

KINDS = ("consultation", "answer", "minutes")
DEMO_COUNCIL = "kojin-hogo"


class Command(BaseCommand):
    help = (
        "Write an official document to a file: a consultation (諮問書), an answer (答申書) or "
        "minutes (会議録), by its key (2009-4: consultation 4 of fiscal year 2009; 2009-3: "
        "the third meeting of fiscal year 2009)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="consultation, answer or minutes")
        parser.add_argument("key", help="fiscal year and number, e.g. 2009-4")
        parser.add_argument("--format", dest="fmt", default="pdf", help="docx, pdf or html")
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--council", help="the council's short name, where there are several")
        parser.add_argument(
            "--published",
            action="store_true",
            help="minutes as published: the files of the current public snapshot",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind, fmt = options["kind"], options["fmt"]
        if kind not in KINDS:
            raise CommandError(
                _("Unknown document “%(kind)s”: choose consultation, answer or minutes.")
                % {"kind": kind}
            )
        if fmt not in formats.FORMATS:
            raise CommandError(
                _("Unknown format “%(format)s”: choose docx, pdf or html.") % {"format": fmt}
            )
        council = _council(options["council"])
        year, number = _key(options["key"])
        path = Path(options["output"])
        if options["published"]:
            if kind != "minutes":
                raise CommandError(_("Only minutes are published: --published is for minutes."))
            snapshot = _snapshot(_meeting(council, year, number))
            _write(path, _published_content(snapshot, fmt))
            self.stdout.write(
                _("Wrote the published %(title)s (published on %(date)s) to %(path)s.")
                % {
                    "title": snapshot.title or snapshot.minutes.meeting.title,
                    "date": eras.format_date(eras.as_date(snapshot.published_at)),
                    "path": path,
                }
            )
            return
        try:
            document = _document(council, kind, year, number)
            rendered = formats.render(document, fmt)
        except (builders.DocumentError, ImproperlyConfigured) as error:
            raise CommandError(str(error)) from error
        _write(path, rendered.content)
        self.stdout.write(
            _("Wrote %(title)s to %(path)s.") % {"title": document.title, "path": path}
        )


def _write(path: Path, content: bytes) -> None:
    try:
        path.write_bytes(content)
    except OSError as error:
        raise CommandError(
            _("Cannot write %(path)s: %(problem)s") % {"path": path, "problem": error}
        ) from error


def _fiscal_year(year: int) -> str:
    """平成21年度; the number as written for a year no era names."""
    try:
        return eras.format_fiscal_year(year)
    except (ValueError, OverflowError, LookupError):
        return _("fiscal year %(year)s") % {"year": year}


def _meeting(council: Council, year: int, number: int) -> Meeting:
    meeting = Meeting.objects.filter(council=council, fiscal_year=year, number=number).first()
    if meeting is None:
        raise CommandError(
            _("There is no meeting %(number)s in %(fiscal_year)s.")
            % {"number": number, "fiscal_year": _fiscal_year(year)}
        )
    return meeting


def _snapshot(meeting: Meeting) -> PublishedMinutes:
    """The meeting's minutes as the public reads them now; refused when not published."""
    snapshot = (
        PublishedMinutes.objects.current()
        .filter(minutes__meeting=meeting)
        .select_related("minutes__meeting")
        .order_by("-published_at", "-id")
        .first()
    )
    if snapshot is None:
        raise CommandError(
            _(
                "The minutes of %(meeting)s are not published; leave out --published for "
                "the minutes as recorded."
            )
            % {"meeting": meeting.title}
        )
    return snapshot


def _published_content(snapshot: PublishedMinutes, fmt: str) -> bytes:
    """The file the public downloads (PDF, Word), or the published page as a whole HTML file:
    what was stored at publication, not rendered again from today's records."""
    if fmt == "html":
        title = snapshot.title or snapshot.text.split("\n", 1)[0]
        return standalone_page(snapshot.html, title=title).encode("utf-8")
    stored = snapshot.pdf if fmt == "pdf" else snapshot.docx
    try:
        with stored.storage.open(stored.name or "", "rb") as handle:
            content: bytes = handle.read()
    except (OSError, ValueError) as error:
        raise CommandError(
            _("The published file %(name)s cannot be read: %(problem)s")
            % {"name": stored.name, "problem": error}
        ) from error
    return content


def _council(slug: str | None) -> Council:
    if slug:
        council = Council.objects.filter(slug=slug).first()
        if council is None:
            raise CommandError(_("There is no council “%(slug)s”.") % {"slug": slug})
        return council
    councils = list(Council.objects.order_by("id")[:2])
    if len(councils) == 1:
        return councils[0]
    demo = Council.objects.filter(slug=DEMO_COUNCIL).first()
    if demo is not None:
        return demo
    if not councils:
        raise CommandError(_("There is no council yet."))
    slugs = ", ".join(Council.objects.values_list("slug", flat=True))
    raise CommandError(
        _("There are several councils; choose one with --council (%(slugs)s).") % {"slugs": slugs}
    )


def _key(key: str) -> tuple[int, int]:
    try:
        year_text, number_text = key.split("-", 1)
        return int(year_text), int(number_text)
    except ValueError as error:
        raise CommandError(
            _("The key “%(key)s” is not a fiscal year and a number such as 2009-4.") % {"key": key}
        ) from error


def _document(council: Council, kind: str, year: int, number: int) -> Document:
    if kind == "minutes":
        return builders.build_minutes(_meeting(council, year, number))
    consultation = Consultation.objects.filter(
        council=council, fiscal_year=year, number=number
    ).first()
    if consultation is None:
        raise CommandError(
            _("There is no consultation %(number)s in %(fiscal_year)s.")
            % {"number": number, "fiscal_year": _fiscal_year(year)}
        )
    if kind == "consultation":
        return builders.build_consultation(consultation)
    decision = consultation.decisions.latest_answer()
    if decision is None:
        raise CommandError(
            _("%(label)s has not been answered yet.") % {"label": consultation.label}
        )
    return builders.build_answer(decision)
