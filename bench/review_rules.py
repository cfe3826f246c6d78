"""Benchmark: every pre-review rule over one full record of 200 data items (goal: under 5 ms).

Run with `.venv/bin/python bench/review_rules.py [--items 200]`. It times `rules.evaluate` over
a HandlingRecord already validated (as `review.services.review` gets it), with an attachment's
declared facts to compare, 20 recipients and 5 sub-contractors; no database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from handling_validate import build


def timings_ms(call: Callable[[], object], runs: int) -> list[float]:
    call()  # warm up (imports the rule modules)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--recipients", type=int, default=20)
    parser.add_argument("--subcontractors", type=int, default=5)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    os.environ.setdefault("MAMORI_DEBUG", "1")
    import django

    django.setup()
    from mamori.consultations import handling
    from mamori.review.rules import Context, DeclaredFact, evaluate
    from mamori.review.tests.fixtures import full_data

    # The benchmark record of handling_validate, made complete with the full fixture's facts
    # and clauses, so the rules that only look at a complete record run too.
    data = full_data()
    big = build(args.items, args.recipients, args.subcontractors)
    data["items"] = big["items"]
    data["recipients"] = big["recipients"]
    data["outsourcing"]["subcontractors"] = big["outsourcing"]["subcontractors"]
    record = handling.parse(data)
    context = Context(
        record=record,
        kinds=frozenset({"outsourcing", "external-provision"}),
        facts=(DeclaredFact("outsourcing.support_method", "remote", "Eメール等", "承認願"),),
        meeting_date=dt.date(2025, 8, 6),
        submitted_on=dt.date(2025, 7, 30),
    )
    findings = evaluate(context)
    timings = timings_ms(lambda: evaluate(context), args.runs)
    median, worst = statistics.median(timings), max(timings)
    print(
        f"rules over a record of {args.items} items, {args.recipients} recipients, "
        f"{args.subcontractors} sub-contractors; {args.runs} runs; {len(findings)} findings"
    )
    print(f"  evaluate                       median {median:7.2f} ms   max {worst:7.2f} ms")
    print(f"  goal: rules over one record under 5 ms -> {'met' if median < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
