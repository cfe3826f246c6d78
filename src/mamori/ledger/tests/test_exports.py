"""The register as .xlsx and CSV: the statutory columns in Japanese, one row a file, formulas
neutralised, only published files in the public exports, the visible ones in the internal."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from mamori import testing
from mamori.conftest import Personas
from mamori.ledger import exports


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def read_xlsx(content: bytes) -> tuple[Any, list[list[str]]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return sheet, [[str(cell or "") for cell in row] for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def files(personas: Personas) -> dict[str, Any]:
    return {
        "published": testing.make_ledger_file(
            personas.shogai,
            name="利用登録者台帳",
            remarks='=HYPERLINK("http://evil.example")',
            regular_recipients="+81 ハローワーク",
            request_office="@SUM(A1)",
            published=True,
        ),
        "hidden": testing.make_ledger_file(personas.shogai, name="内部の台帳"),
        "theirs": testing.make_ledger_file(personas.kodomo, name="子育て台帳", published=True),
    }


def column(rows: list[list[str]], header: str) -> list[str]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def test_the_public_csv_lists_published_files_with_the_statutory_headers(
    client: Client, files: dict[str, Any]
) -> None:
    response = client.get(reverse("ledger:public_export", kwargs={"fmt": "csv"}))
    assert response["Content-Type"].startswith("text/csv")
    assert b"\r\n" in response.content
    rows = read_csv(response.content)
    assert rows[0] == exports.headers()
    assert len(rows[0]) == 15
    assert sorted(column(rows, exports.headers()[0])) == sorted(["利用登録者台帳", "子育て台帳"])


def test_the_public_xlsx_is_a_sheet_with_a_bold_frozen_header(
    client: Client, files: dict[str, Any]
) -> None:
    response = client.get(reverse("ledger:public_export", kwargs={"fmt": "xlsx"}))
    assert response["Content-Type"] == exports.XLSX_TYPE
    sheet, rows = read_xlsx(response.content)
    assert sheet.title == str(exports.SHEET_TITLE)[:31]  # Excel's limit on a sheet's name
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width == 30
    assert rows[0] == exports.headers()
    by_name = {row[0]: row for row in rows[1:]}
    assert sorted(by_name) == sorted(["利用登録者台帳", "子育て台帳"])
    assert by_name["利用登録者台帳"][1:3] == ["東村山市長", "健康福祉部障害支援課"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_that_would_run_as_formulas_get_an_apostrophe(
    client: Client, files: dict[str, Any], fmt: str
) -> None:
    response = client.get(reverse("ledger:public_export", kwargs={"fmt": fmt}))
    rows = read_csv(response.content) if fmt == "csv" else read_xlsx(response.content)[1]
    (first,) = [row for row in rows if row[0] == "利用登録者台帳"]
    assert '\'=HYPERLINK("http://evil.example")' in first
    assert "'+81 ハローワーク" in first
    assert "'@SUM(A1)" in first
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_every_dangerous_start_is_neutralised() -> None:
    for text in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert exports.neutralised(text) == "'" + text
    assert exports.neutralised("利用登録者台帳") == "利用登録者台帳"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_file_name_is_japanese_in_rfc_5987_form(
    client: Client, files: dict[str, Any], fmt: str
) -> None:
    response = client.get(reverse("ledger:public_export", kwargs={"fmt": fmt}))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    title = str(exports.SHEET_TITLE)
    if title.isascii():  # the catalogue not compiled yet: a plain name
        assert f'filename="{title}_' in disposition
    else:
        assert f"filename*=utf-8''{quote(title)}_" in disposition
    assert disposition.endswith((f".{fmt}", f'.{fmt}"'))


def test_another_format_is_a_japanese_404(client: Client, files: dict[str, Any]) -> None:
    response = client.get(reverse("ledger:public_export", kwargs={"fmt": "pdf"}))
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_the_internal_export_holds_the_files_the_user_sees_published_or_not(
    client: Client, personas: Personas, files: dict[str, Any]
) -> None:
    client.force_login(personas.staff)
    response = client.get(reverse("ledger:file_list"), {"export": "xlsx"})
    rows = read_xlsx(response.content)[1]
    assert sorted(column(rows, exports.headers()[0])) == sorted(["利用登録者台帳", "内部の台帳"])


def test_the_internal_export_follows_the_department_filter(
    client: Client, personas: Personas, files: dict[str, Any]
) -> None:
    client.force_login(personas.secretariat)
    everything = read_csv(client.get(reverse("ledger:file_list"), {"export": "csv"}).content)
    assert len(everything) == 4
    narrowed = client.get(
        reverse("ledger:file_list"), {"export": "csv", "department": str(personas.kodomo.pk)}
    )
    assert column(read_csv(narrowed.content), exports.headers()[0]) == ["子育て台帳"]


def test_an_unknown_internal_export_is_not_found(
    client: Client, personas: Personas, files: dict[str, Any]
) -> None:
    client.force_login(personas.staff)
    assert client.get(reverse("ledger:file_list"), {"export": "pdf"}).status_code == 404


def test_the_internal_export_is_closed_to_council_members(
    client: Client, personas: Personas, files: dict[str, Any]
) -> None:
    client.force_login(personas.member)
    assert client.get(reverse("ledger:file_list"), {"export": "csv"}).status_code == 403
