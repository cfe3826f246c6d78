"""Benchmark: validate a HandlingRecord of 200 data items (goal: under 20 ms).

Run with `make bench` or `.venv/bin/python bench/handling_validate.py [--items 200]`.
It times `handling.parse` (pydantic validation of the stored JSON document), the check of
what submission requires and the field-by-field diff against a changed copy; no database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def build(items: int, recipients: int, subcontractors: int) -> dict[str, Any]:
    return {
        "purpose": {
            "purpose": {"value": "障害者の就労支援のため" * 20},
            "legal_basis": {"value": "障害者総合支援法"},
        },
        "subjects": {
            "description": {"value": "利用登録者"},
            "expected_number": {"value": 60, "certainty": "planned"},
        },
        "items": [
            {
                "row_id": f"i{i}",
                "name": f"項目{i}",
                "special_care": i % 7 == 0,
                "my_number": i == 3,
                "certainty": "planned" if i % 3 else "fixed",
            }
            for i in range(items)
        ],
        "form": {"medium": {"value": "both"}, "typed_into_database": {"value": True}},
        "carry_out": {
            "paper": {"allowed": {"value": True}, "approver": {"value": "課長"}},
            "electronic": {"allowed": {"value": False}},
        },
        "recipients": [
            {
                "row_id": f"r{i}",
                "name": f"提供先{i}",
                "items": "氏名、住所",
                "purpose": "就労支援",
                "written_consent": True,
                "refusal_honoured": True,
            }
            for i in range(recipients)
        ],
        "outsourcing": {
            "outsourced": True,
            "procurement": {"value": "proposal"},
            "subcontractors": [
                {"row_id": f"s{i}", "name": f"再委託先{i}", "scope": "保守"}
                for i in range(subcontractors)
            ],
        },
        "retention": {"period": {"value": "5年"}},
    }


def median_ms(call: Callable[[], object], runs: int) -> tuple[float, float]:
    call()  # warm up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--recipients", type=int, default=20)
    parser.add_argument("--subcontractors", type=int, default=5)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    os.environ.setdefault("MAMORI_DEBUG", "1")
    import django

    django.setup()
    from mamori.consultations import handling

    data = build(args.items, args.recipients, args.subcontractors)
    record = handling.parse(data)
    changed = build(args.items, args.recipients, args.subcontractors)
    changed["items"][5]["name"] = "変更後の項目"
    other = handling.parse(changed)

    figures = {
        "validate": median_ms(lambda: handling.parse(data), args.runs),
        "validate + required check": median_ms(
            lambda: handling.missing_for_submission(handling.parse(data)), args.runs
        ),
        "diff against a changed copy": median_ms(lambda: handling.diff(record, other), args.runs),
    }
    print(
        f"HandlingRecord with {args.items} items, {args.recipients} recipients, "
        f"{args.subcontractors} sub-contractors; {args.runs} runs"
    )
    for name, (median, worst) in figures.items():
        print(f"  {name:30} median {median:7.2f} ms   max {worst:7.2f} ms")
    goal = figures["validate"][0]
    print(f"  goal: validation under 20 ms -> {'met' if goal < 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
