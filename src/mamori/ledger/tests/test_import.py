"""`mamori import_registrants`: an .xlsx workbook with a Japanese header row in any order is
checked whole (every problem reported with its line, nothing saved if any), then imported
encrypted, in batches, each batch one audit event with numbers and never a name."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from openpyxl import Workbook

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger import importing
from mamori.ledger.models import PersonalInformationFile, Registrant

pytestmark = pytest.mark.django_db

HEADER = ["登録番号", "氏名", "ふりがな", "住所", "生年月日", "電話番号", "備考", "登録日"]
ROWS: list[list[Any]] = [
    [
        "R001",
        "見本 一郎",
        "みほん いちろう",
        "東京都東村山市本町1-2-3",
        dt.datetime(1980, 4, 1),
        "042-555-0101",
        "",
        dt.datetime(2009, 10, 1),
    ],
    [
        1002,
        "見本　花子",
        "ﾐﾎﾝ ﾊﾅｺ",
        "",
        "昭和55年5月2日",
        None,
        "送迎あり",
        "平成21年10月1日",
    ],
    ["R003", "試験 次郎", None, None, None, None, None, "2009-10-02"],
]


def workbook(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER if header is None else header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shuffled(rows: list[list[Any]], order: list[int]) -> tuple[list[str], list[list[Any]]]:
    return [HEADER[i] for i in order], [[row[i] for i in order] for row in rows]


@pytest.fixture
def file(personas: Personas) -> PersonalInformationFile:
    return testing.make_ledger_file(personas.shogai, name="利用登録者台帳")


def run(path: Path, *options: str, file_key: str = "障害支援課/利用登録者台帳") -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "import_registrants", str(path), "--file", file_key, *options, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def run_failing(path: Path, *options: str) -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command(
            "import_registrants",
            str(path),
            "--file",
            "障害支援課/利用登録者台帳",
            *options,
            stdout=StringIO(),
            stderr=err,
        )
    return str(failed.value), err.getvalue()


def saved(tmp_path: Path, data: bytes, name: str = "台帳.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


class TestAHappyImport:
    def test_rows_are_imported_with_the_header_in_any_order_and_dates_in_any_form(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        header, rows = shuffled(ROWS, [7, 3, 1, 0, 6, 4, 2, 5])
        path = saved(tmp_path, workbook(rows, header))

        out, _err = run(path)

        assert "3" in out
        found = {r.registration_number: r for r in Registrant.objects.filter(file=file)}
        assert set(found) == {"R001", "1002", "R003"}
        assert found["R001"].name == "見本 一郎"
        assert found["R001"].birth_date == dt.date(1980, 4, 1)
        assert found["R001"].registered_on == dt.date(2009, 10, 1)
        assert found["1002"].name == "見本 花子"  # NFKC: the full-width space folded
        assert found["1002"].name_kana == "ミホン ハナコ"
        assert found["1002"].birth_date == dt.date(1980, 5, 2)
        assert found["1002"].registered_on == dt.date(2009, 10, 1)
        assert found["R003"].registered_on == dt.date(2009, 10, 2)
        assert found["R003"].address == ""

    def test_the_values_are_stored_encrypted(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        run(saved(tmp_path, workbook(ROWS)))

        with connection.cursor() as cursor:
            cursor.execute("SELECT name, address, birth_date FROM ledger_registrant")
            stored = [value for row in cursor.fetchall() for value in row if value]
        assert stored and all(value.startswith("v1.") for value in stored)

    def test_each_batch_is_one_audit_event_with_numbers_and_no_names(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        run(saved(tmp_path, workbook(ROWS)), "--batch", "2")

        events = list(AuditEvent.objects.filter(use_case=importing.USE_CASE).order_by("seq"))
        assert [e.changes["registration_numbers"] for e in events] == [["R001", "1002"], ["R003"]]
        assert [e.changes["registrants"] for e in events] == [2, 1]
        assert all(e.object_type == "ledger.personalinformationfile" for e in events)
        trail = " ".join(f"{e.object_repr} {e.changes}" for e in events)
        assert "見本" not in trail and "本町" not in trail

    def test_a_dry_run_checks_everything_and_saves_nothing(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        out, _err = run(saved(tmp_path, workbook(ROWS)), "--dry-run")

        assert "3" in out
        assert not Registrant.objects.exists()
        assert not AuditEvent.objects.filter(use_case=importing.USE_CASE).exists()

    def test_the_file_may_be_named_by_its_number(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        run(saved(tmp_path, workbook(ROWS)), file_key=str(file.pk))

        assert Registrant.objects.filter(file=file).count() == 3

    def test_the_import_is_recorded_as_the_user_given(
        self, file: PersonalInformationFile, tmp_path: Path, personas: Personas
    ) -> None:
        run(saved(tmp_path, workbook(ROWS)), "--user", personas.staff.username)

        assert AuditEvent.objects.get(use_case=importing.USE_CASE).actor == personas.staff

    def test_a_progress_bar_is_drawn_on_standard_error(
        self, file: PersonalInformationFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        run(saved(tmp_path, workbook(ROWS)))

        drawn = capsys.readouterr().err
        assert "3/3" in drawn


class TestRefusals:
    def test_a_bad_date_is_reported_with_its_line_and_nothing_is_saved(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        rows = [*ROWS]
        rows[1] = [*ROWS[1]]
        rows[1][4] = "昭和55年2月30日"
        message, err = run_failing(saved(tmp_path, workbook(rows)))

        assert "1" in message
        assert err.count("\n") == 1 and "3" in err  # line 3 of the sheet
        assert "2月30日" not in err
        assert not Registrant.objects.exists()

    def test_every_problem_of_every_row_is_reported(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        rows = [
            ["R001", "", None, None, "not a date", None, None, "2009-10-01"],
            ["R002", "見本 二郎", None, None, None, "電話なし", None, None],
            ["R003", "見本 三郎", None, None, None, None, None, "2009-10-01"],
        ]
        message, err = run_failing(saved(tmp_path, workbook(rows)))

        lines = err.strip().splitlines()
        assert len(lines) == 4  # line 2: name and birth date; line 3: phone and 登録日
        assert all(line.split(":")[0].strip() for line in lines)
        assert "4" in message
        assert not Registrant.objects.exists()

    def test_a_number_twice_in_the_sheet_is_refused(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        rows = [ROWS[0], ["R001", *ROWS[2][1:]]]
        _message, err = run_failing(saved(tmp_path, workbook(rows)))

        assert "R001" in err and "2" in err
        assert not Registrant.objects.exists()

    def test_a_number_already_in_the_file_is_refused(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        testing.make_registrant(file, registration_number="R003")

        _message, err = run_failing(saved(tmp_path, workbook(ROWS)))

        assert "R003" in err
        assert Registrant.objects.count() == 1

    def test_a_workbook_without_a_name_column_is_refused(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        header = [h for h in HEADER if h != "氏名"]
        rows = [[cell for i, cell in enumerate(row) if i != 1] for row in ROWS]

        _message, err = run_failing(saved(tmp_path, workbook(rows, header)))

        assert "氏名" in err
        assert not Registrant.objects.exists()

    def test_an_empty_workbook_is_refused(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        book = Workbook()
        out = io.BytesIO()
        book.save(out)

        _message, err = run_failing(saved(tmp_path, out.getvalue()))

        assert err.strip()
        assert not Registrant.objects.exists()

    def test_a_header_without_rows_is_refused(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        _message, err = run_failing(saved(tmp_path, workbook([])))

        assert err.strip()

    @pytest.mark.parametrize(
        "content",
        [
            "登録番号,氏名,登録日\nR001,見本 一郎,2009-10-01\n".encode(),
            b"%PDF-1.4\n%%EOF\n",
            b"PK\x03\x04 not really a zip",
            b"",
        ],
    )
    def test_a_file_that_is_not_an_xlsx_workbook_is_refused(
        self, file: PersonalInformationFile, tmp_path: Path, content: bytes
    ) -> None:
        _message, err = run_failing(saved(tmp_path, content))

        assert err.strip()
        assert not Registrant.objects.exists()

    def test_an_unknown_file_is_refused(
        self, file: PersonalInformationFile, tmp_path: Path
    ) -> None:
        with pytest.raises(CommandError):
            run(saved(tmp_path, workbook(ROWS)), file_key="障害支援課/ない台帳")
        with pytest.raises(CommandError):
            run(saved(tmp_path, workbook(ROWS)), file_key="999999")

    def test_a_user_of_another_department_cannot_import(
        self, file: PersonalInformationFile, tmp_path: Path, personas: Personas
    ) -> None:
        with pytest.raises(CommandError):
            run(saved(tmp_path, workbook(ROWS)), "--user", personas.other_staff.username)
        assert not Registrant.objects.exists()


class TestTheReader:
    def test_reading_names_the_lines_and_leaves_other_columns_alone(self) -> None:
        data = workbook(
            [["1", "R001", "見本 一郎", "2009-10-01", "担当A"]],
            header=["通し番号", "登録番号", "氏名", "登録日", "担当者"],
        )

        (row,) = importing.read_workbook(data)

        assert row.line == 2
        assert row.cells == {
            "registration_number": "R001",
            "name": "見本 一郎",
            "registered_on": "2009-10-01",
        }
