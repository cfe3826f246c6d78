"""Benchmark: importing 10,000 registrants from an .xlsx workbook, encrypted (goal: under 30 s);
with `--door N`, importing a door system's CSV export of N entries instead (goal: 5,000 rows
under 5 s, queries not growing with the rows).

Run with `make bench` or `.venv/bin/python bench/ledger_import.py [--rows 10000] [--door 5000]`.
It writes a workbook of fictitious people (or a CSV of entries) into a temporary folder,
imports it into a throwaway SQLite database (or DATABASE_URL) and prints the seconds spent
(reading, validating, encrypting and inserting, and in all; for the door import, the seconds
and the number of queries).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

GOAL_SECONDS = 30.0
DOOR_GOAL_SECONDS = 5.0
HEADER = ["登録日", "登録番号", "氏名", "ふりがな", "住所", "生年月日", "電話番号", "備考"]
# Obviously fictitious names and places (見本 = sample, 試験 = test).
FAMILY = [("見本", "みほん"), ("試験", "しけん"), ("仮名", "かめい"), ("例示", "れいじ")]
GIVEN = [("一郎", "いちろう"), ("花子", "はなこ"), ("次郎", "じろう"), ("桜", "さくら")]
TOWNS = ["見本町", "試験台", "仮名野", "例示ヶ丘"]


def write_workbook(path: Path, rows: int, seed: int = 7) -> None:
    """A workbook (write-only mode) with `rows` people: dates as Excel dates or 和暦 text."""
    from openpyxl import Workbook

    pick = random.Random(seed)  # noqa: S311 - fictitious data, not security
    book = Workbook(write_only=True)
    sheet = book.create_sheet("利用登録者")
    sheet.append(HEADER)
    for number in range(1, rows + 1):
        family, family_kana = pick.choice(FAMILY)
        given, given_kana = pick.choice(GIVEN)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=pick.randrange(20000))
        registered = dt.date(2009, 10, 1) + dt.timedelta(days=pick.randrange(3000))
        sheet.append(
            [
                registered
                if number % 3
                else f"平成{registered.year - 1988}年{registered.month}月{registered.day}日",
                f"R{number:06d}",
                f"{family} {given}{number}",
                f"{family_kana} {given_kana}",
                f"東京都見本市{pick.choice(TOWNS)}{pick.randrange(1, 9)}-{pick.randrange(1, 30)}",
                born,
                f"000-555-{number % 10000:04d}",
                "送迎あり" if number % 7 == 0 else "",
            ]
        )
    book.save(path)


def door_csv(rows: int, code: str) -> bytes:
    """A door export of `rows` entries over working days of 2026, two thirds by card, the
    rest by name only; a few in the evening."""
    lines = ["部屋コード,カードID,氏名,入室,退室"]
    start = dt.datetime(2026, 1, 5, 8, 30)
    for number in range(rows):
        entered = start + dt.timedelta(minutes=7 * number)
        hour = 20 if number % 50 == 0 else entered.hour
        entered = entered.replace(hour=hour)
        left = entered + dt.timedelta(minutes=20)
        card = f"C-{number % 40:04d}" if number % 3 else ""
        name = "" if card else f"見本 {number % 25}"
        lines.append(f"{code},{card},{name},{entered:%Y/%m/%d %H:%M},{left:%Y/%m/%d %H:%M}")
    return ("\n".join(lines) + "\n").encode()


def bench_door(rows: int) -> None:
    """Import a door export of `rows` entries as the room's department staff."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mamori import testing
    from mamori.accounts.models import Role
    from mamori.ledger.models import EntryRecord
    from mamori.ledger.services import rooms

    department = testing.make_department("障害支援課", parent=testing.make_department("健康福祉部"))
    staff = testing.make_user(Role.DEPARTMENT_STAFF, department=department, username="bench")
    room = rooms.create_room(actor=staff, department=department, name="記録保管室", code="R-1")
    for card in range(0, 40, 2):
        rooms.authorize(
            actor=staff,
            room=room,
            person_name=f"見本 {card}",
            card_id=f"C-{card:04d}",
            valid_from=dt.date(2025, 4, 1),
        )
    data = door_csv(rows, room.code)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        report = rooms.import_entries(actor=staff, data=data)
    seconds = time.perf_counter() - started
    verdict = "ok" if seconds < DOOR_GOAL_SECONDS else "OVER GOAL"
    print(f"door import of {rows:,} entries ({len(data):,} bytes)")
    print(
        f"  {seconds:.2f} s, {len(queries):,} queries; "
        f"goal under {DOOR_GOAL_SECONDS:.0f} s: {verdict}"
    )
    print(
        f"  created {report.created:,}, flagged {report.flagged:,}, "
        f"skipped {report.skipped_duplicates:,}, errors {len(report.errors)}; "
        f"saved: {EntryRecord.objects.count():,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--door", type=int, default=0, help="bench the door import instead")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="mamori-bench-ledger-"))
    os.environ.setdefault("MAMORI_VAR_DIR", str(folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    import django

    django.setup()
    if args.door:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        bench_door(args.door)
        return
    from django.core.management import call_command

    from mamori import testing
    from mamori.ledger import importing
    from mamori.ledger.management.commands.import_registrants import progress_bar
    from mamori.ledger.models import Registrant

    call_command("migrate", verbosity=0)
    department = testing.make_department("障害支援課", parent=testing.make_department("健康福祉部"))
    file = testing.make_ledger_file(department, name="利用登録者台帳(ベンチマーク)")

    path = folder / "registrants.xlsx"
    mark = time.perf_counter()
    write_workbook(path, args.rows)
    generated = time.perf_counter() - mark

    figures: dict[str, float] = {}
    started = time.perf_counter()
    rows = importing.read_workbook(path, progress=progress_bar)
    figures["reading"] = time.perf_counter() - started
    mark = time.perf_counter()
    cleaned = importing.validate(file, rows)
    figures["validation"] = time.perf_counter() - mark
    mark = time.perf_counter()
    importing.write(file, cleaned, actor=None, batch=args.batch, progress=progress_bar)
    figures["encryption + insert"] = time.perf_counter() - mark
    total = time.perf_counter() - started

    count = Registrant.objects.filter(file=file).count()
    sample = Registrant.objects.filter(file=file).order_by("registration_number").first()
    verdict = "ok" if total < GOAL_SECONDS else "OVER GOAL"
    print(
        f"import of {args.rows:,} registrants from .xlsx ({path.stat().st_size:,} bytes; "
        f"workbook written in {generated:.2f} s)"
    )
    for name, seconds in figures.items():
        print(f"  {name}: {seconds:.2f} s")
    print(f"  total: {total:.2f} s; goal under {GOAL_SECONDS:.0f} s: {verdict}")
    decrypts = sample is not None and bool(sample.name)
    print(f"  saved: {count:,} registrants; the first one decrypts: {decrypts}")


if __name__ == "__main__":
    main()
