"""`mamori export_document consultation|answer|minutes KEY --format docx|pdf|html -o FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from mamori.consultations.models import Consultation
from mamori.council.models import Council, Meeting
from mamori.documents import builders, formats
from mamori.documents.model import Document
from mamori.documents.views_documents import latest_answer

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
            help="minutes as published: withheld text and materials replaced by the mark",
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
        try:
            document = _document(council, kind, year, number, published=options["published"])
            rendered = formats.render(document, fmt)
        except (builders.DocumentError, ImproperlyConfigured) as error:
            raise CommandError(str(error)) from error
        path = Path(options["output"])
        try:
            path.write_bytes(rendered.content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(problem)s") % {"path": path, "problem": error}
            ) from error
        self.stdout.write(
            _("Wrote %(title)s to %(path)s.") % {"title": document.title, "path": path}
        )


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


def _document(council: Council, kind: str, year: int, number: int, *, published: bool) -> Document:
    if kind == "minutes":
        meeting = Meeting.objects.filter(council=council, fiscal_year=year, number=number).first()
        if meeting is None:
            raise CommandError(
                _("No meeting %(number)s in fiscal year %(year)s.")
                % {"number": number, "year": year}
            )
        return builders.build_minutes(meeting, for_publication=published)
    consultation = Consultation.objects.filter(
        council=council, fiscal_year=year, number=number
    ).first()
    if consultation is None:
        raise CommandError(
            _("No consultation %(number)s in fiscal year %(year)s.")
            % {"number": number, "year": year}
        )
    if kind == "consultation":
        return builders.build_consultation(consultation)
    decision = latest_answer(consultation)
    if decision is None:
        raise CommandError(
            _("%(label)s has not been answered yet.") % {"label": consultation.label}
        )
    return builders.build_answer(decision)
