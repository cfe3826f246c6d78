"""The register of personal information files (個人情報ファイル簿) as a spreadsheet: CSV (UTF-8
with a BOM and CRLF, as Excel opens it) and .xlsx, with the statutory columns in Japanese.

A cell a spreadsheet would read as a formula (= + - @, or a leading tab or carriage return)
gets a leading apostrophe, so text typed into a file's description never runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from mamori.ledger.models import PersonalInformationFile
from mamori.ledger.services.files import default_agency_name

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def neutralised(value: str) -> str:
    """The text, with a leading apostrophe when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _yes_no(flag: bool) -> str:
    return _("Included") if flag else _("Not included")


def not_applicable() -> str:
    """What the register says for an item that does not apply (該当なし)."""
    return pgettext("register", "None")


def _or_none(text: str) -> str:
    return text.strip() or not_applicable()


def agency_of(file: PersonalInformationFile) -> str:
    """The public body keeping the file, the city's mayor when a file predates the item."""
    return file.agency_name.strip() or default_agency_name()


@dataclass(frozen=True)
class Column:
    header: object  # a lazy translation
    value: Callable[[PersonalInformationFile], str]
    width: int


# The columns of the register, in the order of the statutory 個人情報ファイル簿 (法第75条第1項,
# 施行令第20条), then the city's own items (retention, remarks).
COLUMNS: tuple[Column, ...] = (
    Column(pgettext_lazy("register", "Name of the file"), lambda f: f.name, 30),
    Column(pgettext_lazy("register", "Name of the public body"), agency_of, 16),
    Column(
        pgettext_lazy("register", "Office in charge of the work the file is used for"),
        lambda f: f.department.full_name,
        28,
    ),
    Column(pgettext_lazy("register", "Purpose of use"), lambda f: f.purpose, 40),
    Column(pgettext_lazy("register", "Items recorded"), lambda f: "\n".join(f.item_list()), 30),
    Column(pgettext_lazy("register", "People recorded"), lambda f: f.data_subjects, 30),
    Column(pgettext_lazy("register", "How the data is collected"), lambda f: f.sources, 30),
    Column(
        pgettext_lazy("register", "Special-care information"),
        lambda f: _yes_no(f.contains_special_care),
        16,
    ),
    Column(
        pgettext_lazy("register", "Regular recipients"),
        lambda f: _or_none(f.regular_recipients),
        30,
    ),
    Column(
        pgettext_lazy("register", "Office receiving requests for disclosure and the like"),
        lambda f: _or_none(f.request_office),
        30,
    ),
    Column(
        pgettext_lazy(
            "register", "Special procedures for correction and suspension under other laws"
        ),
        lambda f: _or_none(f.special_procedures),
        30,
    ),
    Column(pgettext_lazy("register", "Kind of file"), lambda f: str(f.get_form_display()), 22),
    Column(
        pgettext_lazy("register", "Anonymously processed information held by public bodies"),
        lambda f: _or_none(f.anonymized_information),
        30,
    ),
    Column(pgettext_lazy("register", "Retention period"), lambda f: f.retention, 16),
    Column(pgettext_lazy("register", "Remarks"), lambda f: _or_none(f.remarks), 30),
)


def register_rows(file: PersonalInformationFile) -> list[tuple[str, str]]:
    """The file's register as (item, value) pairs in the statutory order, as published."""
    return [(str(column.header), column.value(file) or "") for column in COLUMNS]


SHEET_TITLE = gettext_lazy("Personal information file register")


def headers() -> list[str]:
    return [str(column.header) for column in COLUMNS]


def rows(files: Iterable[PersonalInformationFile]) -> list[list[str]]:
    """One row a file, every cell neutralised."""
    return [[neutralised(column.value(file) or "") for column in COLUMNS] for file in files]


def as_csv(files: Iterable[PersonalInformationFile]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(headers())
    writer.writerows(rows(files))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(files: Iterable[PersonalInformationFile]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = str(SHEET_TITLE)[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows(files):
        sheet.append(row)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            # Text stays text: a neutralised value is never re-read as a formula.
            cell.data_type = "s"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(fmt: str) -> str:
    """個人情報ファイル簿_20260401.xlsx (the register's Japanese title and today's date)."""
    return f"{SHEET_TITLE}_{timezone.localdate():%Y%m%d}.{fmt}"


def export_response(files: Iterable[PersonalInformationFile], fmt: str) -> HttpResponse:
    """The files as a download in fmt ("csv" or "xlsx"), under a Japanese file name."""
    listed = list(files)
    if fmt == "xlsx":
        response = HttpResponse(as_xlsx(listed), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(as_csv(listed), content_type=CSV_TYPE)
    disposition = content_disposition_header(as_attachment=True, filename=filename(fmt))
    response["Content-Disposition"] = disposition or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
