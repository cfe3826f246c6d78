"""`mamori export_minutes --year 2009 --number 3`: minutes as HTML on standard output."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from mamori.council import minutes
from mamori.council.models import Council, Meeting


class Command(BaseCommand):
    help = "Write a meeting's minutes as an HTML page to standard output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="fiscal year, e.g. 2009")
        parser.add_argument("--number", type=int, required=True, help="meeting number in the year")
        parser.add_argument("--council", help="the council's short name, where there are several")

    def handle(self, *args: Any, **options: Any) -> None:
        meeting = self._meeting(options["council"], options["year"], options["number"])
        html = render_to_string(
            "council/minutes_standalone.html", {"doc": minutes.compose(meeting)}
        )
        self.stdout.write(html, ending="")

    def _meeting(self, council_slug: str | None, year: int, number: int) -> Meeting:
        councils = Council.objects.all()
        if council_slug:
            councils = councils.filter(slug=council_slug)
        elif councils.count() > 1:
            slugs = ", ".join(councils.values_list("slug", flat=True))
            raise CommandError(
                _("There are several councils; choose one with --council (%(slugs)s).")
                % {"slugs": slugs}
            )
        meeting = Meeting.objects.filter(
            council__in=councils, fiscal_year=year, number=number
        ).first()
        if meeting is None:
            raise CommandError(
                _("No meeting %(number)s in fiscal year %(year)s.")
                % {"number": number, "year": year}
            )
        return meeting
