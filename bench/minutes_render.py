"""Benchmark: compose and render the minutes of a large meeting, and count the queries.

Run with `make bench` or `.venv/bin/python bench/minutes_render.py [--items 50 --opinions 500]`.
It uses a throwaway SQLite database (or DATABASE_URL) and prints its figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--opinions", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    os.environ.setdefault("MAMORI_VAR_DIR", tempfile.mkdtemp(prefix="mamori-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from mamori import testing
    from mamori.accounts.models import Role
    from mamori.council import minutes

    call_command("migrate", verbosity=0)
    council = testing.make_council(slug="bench")
    department = testing.make_department("障害支援課", parent=testing.make_department("健康福祉部"))
    member = testing.make_user(Role.COUNCIL_MEMBER)
    testing.make_membership(council, member=member)
    meeting = testing.make_large_meeting(
        council, department, member, items=args.items, opinions=args.opinions
    )

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            html = render_to_string(
                "council/minutes_standalone.html", {"doc": minutes.compose(meeting)}
            )
        timings.append(time.perf_counter() - started)
    print(
        f"minutes of {args.items} agenda items and {args.opinions} opinions "
        f"({connection.vendor}, {len(html):,} characters of HTML)"
    )
    print(f"  queries per rendering: {len(queries)}")
    print(
        f"  seconds: min {min(timings):.3f}  median {statistics.median(timings):.3f}  "
        f"max {max(timings):.3f}  over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
