"""Benchmark: the minutes of a large meeting as Word and PDF (goals: under 0.5 s and 3 s).

Run with `make bench` or `.venv/bin/python bench/documents.py [--items 20 --opinions 300]`.
It uses a throwaway SQLite database (or DATABASE_URL) and prints its figures.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable

GOALS = {"docx": 0.5, "pdf": 3.0}
# Opinions and responses as long as the seed minutes' (about 100 characters each).
OPINION = (
    "：受託者がハローワークや学校などと連携して就労支援にあたる際に、これらの機関と利用者の"
    "個人情報を共有することが予想される。提供について利用者の同意書をもったほうがよいのではないか。"
)
RESPONSE = (
    "：最初の利用登録時に利用者に十分説明して、書面で同意をとるよう受託者に求める予定である。"
    "利用者が提供を拒否した個人情報は原則、提供しない。"
)


def timed(render: Callable[[], bytes], runs: int) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU seconds of each run (CPU time is what other processes on a busy
    machine do not inflate), and the size of the output."""
    wall, cpu = [], []
    size = 0
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        size = len(render())
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--opinions", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--short", action="store_true", help="keep the factory's one-word opinions")
    args = parser.parse_args()

    os.environ.setdefault("MAMORI_VAR_DIR", tempfile.mkdtemp(prefix="mamori-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from mamori import testing
    from mamori.accounts.models import Role
    from mamori.consultations.models import Opinion, Response
    from mamori.documents.builders import build_minutes
    from mamori.documents.model import plain_text
    from mamori.documents.render_docx import render_docx
    from mamori.documents.render_pdf import render_pdf

    # WeasyPrint reports every CSS property it does not support (screen-only rules).
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    council = testing.make_council(slug="bench")
    department = testing.make_department("障害支援課", parent=testing.make_department("健康福祉部"))
    member = testing.make_user(Role.COUNCIL_MEMBER)
    testing.make_membership(council, member=member)
    meeting = testing.make_large_meeting(
        council, department, member, items=args.items, opinions=args.opinions
    )
    if not args.short:
        Opinion.objects.filter(meeting=meeting).update(text=Concat(F("text"), Value(OPINION)))
        Response.objects.filter(opinion__meeting=meeting).update(
            text=Concat(F("text"), Value(RESPONSE))
        )

    started = time.perf_counter()
    document = build_minutes(meeting)
    built = time.perf_counter() - started
    # The first PDF loads the fonts and WeasyPrint's stylesheets: timed apart.
    started = time.perf_counter()
    render_pdf(document)
    first_pdf = time.perf_counter() - started

    print(
        f"minutes of {args.items} agenda items and {args.opinions} opinions "
        f"({len(document.blocks)} blocks, {len(plain_text(document)):,} characters)"
    )
    print(f"  build_minutes: {built:.3f} s")
    print(f"  first PDF of the process (fonts loaded): {first_pdf:.3f} s")
    for fmt, render in (("docx", render_docx), ("pdf", render_pdf)):
        wall, cpu, size = timed(functools.partial(render, document), args.runs)
        median = statistics.median(wall)
        verdict = "ok" if median < GOALS[fmt] else "OVER GOAL"
        print(
            f"  {fmt}: median {median:.3f} s (min {min(wall):.3f}, max {max(wall):.3f}; "
            f"CPU median {statistics.median(cpu):.3f} s; {args.runs} runs, {size:,} bytes); "
            f"goal under {GOALS[fmt]} s: {verdict}"
        )


if __name__ == "__main__":
    main()
