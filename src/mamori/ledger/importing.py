"""Importing registrants from an Excel workbook (.xlsx), for `mamori import_registrants` and,
later, an upload page.

Three steps, each timed by the benchmark: `read_workbook` (the file checked by its content and
size, the first sheet read with a header row in Japanese, in any column order), `validate`
(every row checked as the registrants' service checks one, duplicates within the sheet and
against the file; every problem reported with its line, none of the values), and `write`
(all rows in one transaction, inserted in batches, each value encrypted once by its field;
one audit event per batch with the count and the registration numbers, never a name).
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from mamori.audit.services import Action, record
from mamori.consultations.attachments import XLSX, detect_type
from mamori.core import eras
from mamori.ledger import access
from mamori.ledger.models import PersonalInformationFile, Registrant
from mamori.ledger.services.registrants import clean_values

USE_CASE = "ledger.import_registrants"
DEFAULT_BATCH = 1000
MAX_ROWS = 100_000
# The headers a sheet may use for each field (compared after NFKC, without spaces).
HEADERS: dict[str, str] = {
    "登録番号": "registration_number",
    "氏名": "name",
    "ふりがな": "name_kana",
    "フリガナ": "name_kana",
    "よみがな": "name_kana",
    "住所": "address",
    "生年月日": "birth_date",
    "電話番号": "phone",
    "電話": "phone",
    "備考": "notes",
    "登録日": "registered_on",
    "登録年月日": "registered_on",
}
FIELDS = tuple(dict.fromkeys(HEADERS.values()))
REQUIRED = ("registration_number", "name", "registered_on")
DATES = ("birth_date", "registered_on")
# Excel's serial day numbers that are real dates (1900-01-01 to 9999-12-31).
EXCEL_SERIALS = (1, 2_958_465)


class Bar(Protocol):
    def update(self, n: float = 1) -> object: ...

    def close(self) -> None: ...


# Makes a progress bar: (description, total or None) → a bar (tqdm fits).
BarFactory = Callable[[str, int | None], Bar]


class _NoBar:
    def update(self, n: float = 1) -> object:
        return None

    def close(self) -> None:
        return None


def no_bar(desc: str, total: int | None) -> Bar:
    return _NoBar()


class ImportProblem(Exception):
    """The workbook cannot be imported; `errors` lists every reason, in the user's language."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SheetRow:
    """A row as read from the sheet: its line number and its cells by field."""

    line: int
    cells: dict[str, Any]


@dataclass
class ImportResult:
    created: int = 0
    numbers: list[str] = field(default_factory=list)


# Reading ------------------------------------------------------------------------------------


def read_workbook(
    source: bytes | Path | IO[bytes], *, progress: BarFactory = no_bar
) -> list[SheetRow]:
    """The rows of the workbook's first sheet, by field; ImportProblem if it is not an .xlsx
    workbook, too large, has no header row with the required columns, or no rows."""
    data = _bytes_of(source)
    _check_content(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ImportProblem([_("The file cannot be read as an Excel workbook (.xlsx).")]) from error
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise ImportProblem([_("The workbook has no sheet.")])
        total = sheet.max_row if isinstance(sheet.max_row, int) else None
        bar = progress(_("Reading"), total)
        try:
            rows = _rows(sheet.iter_rows(values_only=True), bar)
        finally:
            bar.close()
    finally:
        book.close()
    return rows


def _bytes_of(source: bytes | Path | IO[bytes]) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, Path):
        try:
            return source.read_bytes()
        except OSError as error:
            raise ImportProblem([_("The file cannot be opened.")]) from error
    return source.read()


def _check_content(data: bytes) -> None:
    limit = settings.MAMORI_MAX_UPLOAD_BYTES
    if not data:
        raise ImportProblem([_("The file is empty.")])
    if len(data) > limit:
        raise ImportProblem(
            [_("The file is too large: %(limit)s MB at most.") % {"limit": limit // (1024 * 1024)}]
        )
    if detect_type(io.BytesIO(data)) != XLSX:
        raise ImportProblem(
            [_("This is not an Excel workbook (.xlsx): save the sheet as .xlsx and try again.")]
        )


def _header_key(value: Any) -> str:
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return "".join(text.split())


def _columns(header: tuple[Any, ...], line: int) -> dict[int, str]:
    columns: dict[int, str] = {}
    errors = []
    for index, cell in enumerate(header):
        name = HEADERS.get(_header_key(cell))
        if name is None:
            continue  # other columns (通し番号, 担当者…) are left alone
        if name in columns.values():
            errors.append(
                _("Line %(line)s: the column “%(header)s” appears twice.")
                % {"line": line, "header": _header_key(cell)}
            )
        columns[index] = name
    missing = [key for key in REQUIRED if key not in columns.values()]
    for key in missing:
        errors.append(
            _("Line %(line)s: the header row has no column “%(header)s”.")
            % {"line": line, "header": next(h for h, k in HEADERS.items() if k == key)}
        )
    if errors:
        raise ImportProblem(errors)
    return columns


def _blank(values: Iterable[Any]) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def _rows(cells: Iterator[tuple[Any, ...]], bar: Bar) -> list[SheetRow]:
    columns: dict[int, str] | None = None
    rows: list[SheetRow] = []
    for line, values in enumerate(cells, start=1):
        bar.update(1)
        if _blank(values):
            continue
        if columns is None:
            columns = _columns(values, line)
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportProblem(
                [_("The sheet has more than %(max)s rows: split it.") % {"max": MAX_ROWS}]
            )
        row = {name: values[i] if i < len(values) else None for i, name in columns.items()}
        rows.append(SheetRow(line, row))
    if columns is None:
        raise ImportProblem([_("The sheet is empty: the first row must be the header row.")])
    if not rows:
        raise ImportProblem([_("The sheet has a header row but no registrants.")])
    return rows


# Validating ---------------------------------------------------------------------------------


def validate(
    file: PersonalInformationFile, rows: list[SheetRow], *, today: dt.date | None = None
) -> list[tuple[int, dict[str, Any]]]:
    """Every row cleaned as create_registrant cleans one, as (line, values); ImportProblem
    lists every problem of every row (with its line), and then nothing may be saved."""
    today = today or timezone.localdate()
    errors: list[tuple[int, str]] = []
    cleaned: list[tuple[int, dict[str, Any]]] = []
    first_line: dict[str, int] = {}
    for row in rows:
        typed, problems = _typed(row)
        try:
            values = clean_values(typed, today=today)
        except ValidationError as error:
            problems += error.messages
        if problems:
            errors += [(row.line, message) for message in problems]
            continue
        number = values["registration_number"]
        if number in first_line:
            message = _("registration number %(number)s is also on line %(first)s.") % {
                "number": number,
                "first": first_line[number],
            }
            errors.append((row.line, message))
            continue
        first_line[number] = row.line
        cleaned.append((row.line, values))
    errors += _already_registered(file, first_line)
    if errors:
        raise ImportProblem(
            [
                _("Line %(line)s: %(message)s") % {"line": line, "message": message}
                for line, message in sorted(errors, key=lambda error: error[0])
            ]
        )
    return cleaned


def _already_registered(
    file: PersonalInformationFile, lines: dict[str, int]
) -> list[tuple[int, str]]:
    taken = Registrant.objects.filter(file=file, registration_number__in=list(lines)).values_list(
        "registration_number", flat=True
    )
    return [
        (
            lines[number],
            _("registration number %(number)s is already registered in this file.")
            % {"number": number},
        )
        for number in taken
    ]


def _typed(row: SheetRow) -> tuple[dict[str, Any], list[str]]:
    """The row's values as the service takes them, and the dates that could not be read
    (left out of the values, so they are reported once)."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name in FIELDS:
        cell = row.cells.get(name)
        if name not in DATES:
            values[name] = _text(cell)
            continue
        try:
            values[name] = _date(name, cell)
        except ValidationError as error:
            problems += error.messages
    return values, problems


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell)


def _date(name: str, cell: Any) -> dt.date | None:
    """A date cell: an Excel date, its serial number, or text (平成21年10月1日, 2009-10-01).
    The message of a bad date names the column, never what it held."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float) and EXCEL_SERIALS[0] <= cell <= EXCEL_SERIALS[1]:
        return _as_date(from_excel(cell))
    if isinstance(cell, str):
        try:
            return eras.parse_date(cell)
        except eras.EraDateError:
            pass
    label = str(getattr(Registrant._meta.get_field(name), "verbose_name", name))
    raise ValidationError(
        _("%(field)s is not a date (write it as 平成21年10月1日 or 2009-10-01).")
        % {"field": label},
        code="bad_date",
    )


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# Writing ------------------------------------------------------------------------------------


@transaction.atomic
def write(
    file: PersonalInformationFile,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    actor: Any,
    batch: int = DEFAULT_BATCH,
    progress: BarFactory = no_bar,
) -> ImportResult:
    """Create the registrants, all or none; one audit event per batch (counts and numbers)."""
    if actor is not None and not access.may_see_personal_data(actor, file):
        raise PermissionDenied
    result = ImportResult()
    bar = progress(_("Encrypting and saving"), len(rows))
    try:
        for start in range(0, len(rows), batch):
            chunk = [
                Registrant(file=file, **values) for _line, values in rows[start : start + batch]
            ]
            Registrant.objects.bulk_create(chunk)
            numbers = [r.registration_number for r in chunk]
            _record_batch(actor, file, numbers, start // batch + 1)
            result.created += len(chunk)
            result.numbers += numbers
            bar.update(len(chunk))
    finally:
        bar.close()
    return result


def _record_batch(
    actor: Any, file: PersonalInformationFile, numbers: list[str], batch_number: int
) -> None:
    shown = numbers[0] if len(numbers) == 1 else f"{numbers[0]} … {numbers[-1]}"
    record(
        actor=actor,
        action=Action.CREATE,
        use_case=USE_CASE,
        obj=file,
        object_repr=f"{shown} ({len(numbers)})",
        changes={
            "batch": batch_number,
            "registrants": len(numbers),
            "registration_numbers": numbers,
        },
    )


def import_registrants(
    file: PersonalInformationFile,
    source: bytes | Path | IO[bytes],
    *,
    actor: Any,
    dry_run: bool = False,
    batch: int = DEFAULT_BATCH,
    progress: BarFactory = no_bar,
) -> ImportResult:
    """Read, validate and (unless a dry run) write; ImportProblem lists what is wrong."""
    if actor is not None and not access.may_see_personal_data(actor, file):
        raise PermissionDenied
    rows = validate(file, read_workbook(source, progress=progress))
    if dry_run:
        return ImportResult(
            created=0, numbers=[values["registration_number"] for _l, values in rows]
        )
    return write(file, rows, actor=actor, batch=batch, progress=progress)
