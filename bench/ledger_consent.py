"""Benchmark: the consent decision asked before one provision (goal: under 2 ms) at 100,000
registrants and 1,000,000 consent events.

Run with `make bench` or `.venv/bin/python bench/ledger_consent.py [--registrants 100000
--events 1000000 --asks 1000]`. It builds a throwaway SQLite database in a temporary folder;
`--configured-database` uses the configured one instead (DATABASE_URL or var/), adding a file
of fictitious registrants to it. It prints the time to build the data and the decision's
median and 95th percentile.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import os
import random
import statistics
import tempfile
import time

GOAL_MS = 2.0
RECIPIENTS = ("ハローワーク", "学校", "作業所", "市")
GROUPS = ("基本情報", "障害の状況", "就労に関する希望")
PURPOSES = ("就労先の紹介", "在学状況の確認")
STATUSES = ("given",) * 6 + ("refused",) * 3 + ("withdrawn",)
CHUNK = 5_000
EVENT_CHUNK = 50_000


def setup_environment(configured: bool) -> None:
    if not configured:
        # MAMORI_BENCH_DIR keeps the database in a folder of one's choice (to look at it).
        folder = os.environ.get("MAMORI_BENCH_DIR") or tempfile.mkdtemp(prefix="mamori-bench-")
        os.environ["MAMORI_VAR_DIR"] = folder
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    if not os.environ.get("MAMORI_DATA_KEYS"):
        key = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        os.environ["MAMORI_DATA_KEYS"] = f"bench:{key}"


def random_day(rng: random.Random) -> dt.date:
    return dt.date(2009, 4, 1) + dt.timedelta(days=rng.randrange(16 * 365))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--registrants", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--asks", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--configured-database",
        action="store_true",
        help="use the configured database instead of a throwaway SQLite file",
    )
    args = parser.parse_args()
    setup_environment(args.configured_database)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from mamori import testing
    from mamori.accounts.models import Role
    from mamori.ledger.consent import decide
    from mamori.ledger.models import ConsentEvent, ItemGroup, Recipient, Registrant

    rng = random.Random(args.seed)  # noqa: S311 - made-up data, not secrets
    call_command("migrate", verbosity=0)
    department = testing.make_department(f"障害支援課{rng.randrange(10**6)}")
    staff = testing.make_user(Role.DEPARTMENT_STAFF, department=department)
    file = testing.make_ledger_file(department)
    for name in RECIPIENTS[2:]:
        Recipient.objects.create(file=file, name=name)
    ItemGroup.objects.create(file=file, name=GROUPS[2])
    recipient_ids = list(file.recipients.values_list("pk", flat=True))
    group_ids = list(file.item_groups.values_list("pk", flat=True))
    purpose_ids = list(file.purposes.values_list("pk", flat=True))

    started = time.perf_counter()
    registered = dt.date(2009, 10, 1)
    with transaction.atomic():
        for start in range(0, args.registrants, CHUNK):
            Registrant.objects.bulk_create(
                Registrant(
                    file=file,
                    registration_number=f"B{number:07d}",
                    name=f"利用者 {number}",
                    registered_on=registered,
                )
                for number in range(start, min(start + CHUNK, args.registrants))
            )
    registrant_ids = list(file.registrants.values_list("pk", flat=True))
    made_registrants = time.perf_counter() - started

    started = time.perf_counter()
    table = ConsentEvent._meta.db_table
    columns = (
        "registrant_id, recipient_id, item_group_id, purpose_id, status, effective_on, "
        "expires_on, written_form_on_file, explanation_given, recorded_by_id, recorded_at"
    )
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * 11)})"  # noqa: S608
    now = timezone.now().replace(tzinfo=None).isoformat(sep=" ")
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, args.events, EVENT_CHUNK):
            rows = []
            for _ in range(min(EVENT_CHUNK, args.events - start)):
                day = random_day(rng)
                status = rng.choice(STATUSES)
                expires = (
                    (day + dt.timedelta(days=rng.randrange(30, 2000))).isoformat()
                    if status == "given" and rng.random() < 0.2
                    else None
                )
                rows.append(
                    (
                        rng.choice(registrant_ids),
                        rng.choice(recipient_ids),
                        rng.choice(group_ids),
                        rng.choice(purpose_ids),
                        status,
                        day.isoformat(),
                        expires,
                        True,
                        True,
                        staff.pk,
                        now,
                    )
                )
            cursor.executemany(sql, rows)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    made_events = time.perf_counter() - started

    asks = [
        {
            "registrant_id": rng.choice(registrant_ids),
            "recipient_id": rng.choice(recipient_ids),
            "purpose_id": rng.choice(purpose_ids),
            "item_group_ids": rng.sample(group_ids, rng.randint(1, len(group_ids))),
            "on": random_day(rng),
        }
        for _ in range(args.asks)
    ]
    for ask in asks[:50]:  # warm the caches and the connection
        decide(**ask)
    timings, allowed = [], 0
    for ask in asks:
        started = time.perf_counter()
        decision = decide(**ask)
        timings.append((time.perf_counter() - started) * 1000)
        allowed += decision.allowed

    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=100)[94]
    verdict = "ok" if p95 < GOAL_MS else "OVER GOAL"
    print(
        f"{args.registrants:,} registrants (names encrypted) in {made_registrants:.1f} s; "
        f"{args.events:,} consent events in {made_events:.1f} s ({connection.vendor})"
    )
    print(
        f"  decide(): median {median:.3f} ms, p95 {p95:.3f} ms, max {max(timings):.3f} ms "
        f"over {args.asks:,} provisions ({allowed} allowed); goal under {GOAL_MS} ms: {verdict}"
    )


if __name__ == "__main__":
    main()
