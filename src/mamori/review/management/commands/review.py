"""`mamori review 2009-4 [--council SLUG] [--json]`: the findings of one consultation."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from mamori.consultations.models import Consultation
from mamori.council.models import Council
from mamori.review import services
from mamori.review.rules import SEVERITY_LABELS, Finding, field_label

KEY = re.compile(r"^(\d{4})-(\d+)$")


def find_consultation(key: str, council_slug: str | None) -> Consultation:
    """The consultation of a key such as 2009-4 (fiscal year and number), or CommandError."""
    match = KEY.match(key.strip())
    if match is None:
        raise CommandError(
            _("%(key)s is not a consultation key: give the fiscal year and number, e.g. 2009-4.")
            % {"key": key}
        )
    councils = Council.objects.all()
    if council_slug:
        councils = councils.filter(slug=council_slug)
        if not councils.exists():
            raise CommandError(_("There is no council %(slug)s.") % {"slug": council_slug})
    found = list(
        Consultation.objects.filter(
            council__in=councils, fiscal_year=int(match[1]), number=int(match[2])
        ).select_related("council")
    )
    if not found:
        raise CommandError(_("There is no consultation %(key)s.") % {"key": key})
    if len(found) > 1:
        slugs = ", ".join(c.council.slug for c in found)
        raise CommandError(
            _(
                "Several councils have a consultation %(key)s; choose one with --council "
                "(%(slugs)s)."
            )
            % {"key": key, "slugs": slugs}
        )
    return found[0]


def width(text: str) -> int:
    """Columns a text takes in a terminal: wide (Japanese) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(rows: list[list[str]]) -> str:
    """Rows as aligned columns, the last column left ragged."""
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def as_row(finding: Finding) -> list[str]:
    return [
        finding.rule,
        _(SEVERITY_LABELS[finding.severity]),
        field_label(finding.path),
        finding.text(),
    ]


def as_json(finding: Finding) -> dict[str, str]:
    return {**finding.as_dict(), "field": field_label(finding.path)}


class Command(BaseCommand):
    help = "Print the pre-review findings of one consultation (fiscal year and number: 2009-4)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="fiscal year and number of the consultation, e.g. 2009-4")
        parser.add_argument("--council", help="the council's short name, where there are several")
        parser.add_argument("--json", action="store_true", help="print a JSON list of findings")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            consultation = find_consultation(options["key"], options["council"])
            findings = services.review(consultation)
            if options["json"]:
                document = [as_json(f) for f in findings]
                self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
                return
            self.stdout.write(f"{consultation.key} {consultation}")
            if not findings:
                self.stdout.write(_("No findings."))
                return
            header = [_("Rule"), _("Severity"), _("Field"), _("Finding")]
            self.stdout.write(table([header, *(as_row(f) for f in findings)]))
            self.stdout.write(_("%(count)s findings.") % {"count": len(findings)})
