"""Benchmark: precedent search over 100,000 consultations and 1,000,000 opinions.

Run with `.venv/bin/python bench/search.py [--scale 1.0] [--runs 5]`. It uses a throwaway
SQLite database (or DATABASE_URL), writes consultations and opinions with bulk_create (no
signals), builds the index in bulk (`rebuild_index`), then times `search()` as the secretariat
over a set of Japanese queries, and the same queries as plain `LIKE '%…%'` over the same
document table in the same run, and prints p50/p95 of each and their ratio. --scale 0.1 builds
10,000 consultations and 100,000 opinions.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from typing import Any

QUERIES = [
    "再委託",
    "子育て応援特別手当",
    "ISMS認証",
    "ＰＣ修理",
    "持ち出し 電子媒体",
    "返還又は消去",
    "プライバシーマーク",
    "守秘義務",
    "ハローワーク",
    "業務委託 罰則",
    "委託",
    "同意",
    "RARE0",
    "RARE1 株式会社",
    "RARE2",
    "該無",  # two characters found nowhere: the LIKE fallback reads the whole table
]
WORDS = [
    "再委託先",
    "持ち出し",
    "電子媒体",
    "紙媒体",
    "返還又は消去",
    "守秘義務",
    "罰則",
    "プライバシーマーク",
    "ISMS認証",
    "PC修理",
    "引継ぎ",
    "同意書",
    "提供先",
    "ハローワーク",
    "就労支援",
    "子育て応援特別手当",
    "保育所",
    "介護保険",
    "住民基本台帳",
    "マイナンバー",
    "要配慮個人情報",
    "監査",
    "研修",
    "事故報告",
    "作業場所",
    "媒体の持込み",
    "コピーの禁止",
]
TITLES = ["業務委託", "システム更新", "目的外利用", "外部提供", "事務委託", "電算処理"]


KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
# Rare words (names of vendors, systems, places): each in about 1 text of 2,000.
RARE = ["".join(random.Random(n).choices(KANA, k=5)) for n in range(400)]  # noqa: S311


def text(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    if rng.random() < 0.2:
        chosen.append(rng.choice(RARE) + "株式会社")
    return "、".join(chosen) + "について確認したい。"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 / 1,000,000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = None
    if "MAMORI_VAR_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
        scratch = tempfile.mkdtemp(prefix="mamori-bench-")
        os.environ["MAMORI_VAR_DIR"] = scratch
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    consultations = int(100_000 * args.scale)
    started = time.perf_counter()
    secretariat = build(consultations, opinions_each=10)
    print(
        f"built {consultations:,} consultations and {consultations * 10:,} opinions "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    from mamori.review.search_index import rebuild_index

    started = time.perf_counter()
    total = rebuild_index(progress=lambda n: print(f"  indexed {n:,}", end="\r", flush=True))
    print(f"indexed {total:,} documents in {time.perf_counter() - started:.0f} s", flush=True)
    try:
        measure(secretariat, args.runs)
        measure_rules(args.runs * 20)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)  # a full-size database is ~700 MB


def measure_rules(runs: int) -> None:
    """Every pre-review rule over one consultation of this archive: its 200-item record, its
    attachments' facts, kinds and meeting date read from the database (goal under 5 ms)."""
    from mamori import testing
    from mamori.consultations.models import Consultation
    from mamori.review import services
    from mamori.review.tests.fixtures import full_data

    consultation = Consultation.objects.order_by("-pk").first()
    assert consultation is not None  # noqa: S101
    data = full_data()
    data["items"] = [{"row_id": f"i{n}", "name": f"項目{n}"} for n in range(200)]
    testing.make_version(consultation, data=data, submitted=True)
    services.review(consultation)  # warm up
    from mamori.review.rules import evaluate

    context = services.context_for(consultation)
    alone = []
    for _ in range(runs):
        started = time.perf_counter()
        evaluate(context)
        alone.append((time.perf_counter() - started) * 1000)
    print(f"\nrules alone over that record: p50 {percentile(alone, 0.5):.2f} ms", end="")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        services.review(consultation)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"\nrules over one consultation (200 items, read from the database): "
        f"p50 {percentile(timings, 0.5):.2f} ms  p95 {percentile(timings, 0.95):.2f} ms  "
        f"(goal < 5 ms)"
    )


def build(consultations: int, opinions_each: int) -> Any:
    from mamori import testing
    from mamori.accounts.models import Role
    from mamori.consultations.models import Consultation, Opinion

    rng = random.Random(4)  # noqa: S311 (test data, not secrets)
    council = testing.make_council(slug="kojin")
    department = testing.make_department("障害支援課", parent=testing.make_department("健康福祉部"))
    secretariat = testing.make_user(
        Role.SECRETARIAT, department=council.secretariat_department, username="secretariat"
    )
    batch = 5_000
    for first in range(0, consultations, batch):
        rows = [
            Consultation(
                council=council,
                department=department,
                fiscal_year=1990 + n // 3_000,
                numbering_scope=1990 + n // 3_000,
                number=n % 3_000 + 1,
                title=f"{rng.choice(WORDS)}{rng.choice(TITLES)}",
                summary=text(rng, 4),
                status=Consultation.Status.ANSWERED,
            )
            for n in range(first, min(first + batch, consultations))
        ]
        made = Consultation.objects.bulk_create(rows)
        Opinion.objects.bulk_create(
            Opinion(consultation=c, order=k, text=text(rng, 3))
            for c in made
            for k in range(1, opinions_each + 1)
        )
        print(f"  consultations {first + len(made):,}", end="\r", flush=True)
    print()
    return secretariat


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(user: Any, runs: int) -> None:
    from django.db import connection

    from mamori.review.search import like_pattern, search, terms_of

    operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    fast: list[float] = []
    slow: list[float] = []
    print(f"\n{'query':<22}{'search p50':>12}{'LIKE p50':>12}{'hits':>6}")
    queries = [
        q.replace("RARE0", RARE[0]).replace("RARE1", RARE[1]).replace("RARE2", RARE[2])
        for q in QUERIES
    ]
    for query in queries:
        mine, theirs = [], []
        hits = 0
        terms = terms_of(query)
        where = " AND ".join(f"body {operator} %s ESCAPE '\\'" for _ in terms)
        # The same question ranked the simplest way: title hits first, newest first.
        title = " AND ".join(f"title {operator} %s ESCAPE '\\'" for _ in terms)
        like_sql = (
            f"SELECT id, body, ({title}) AS title_hit FROM review_searchdocument "  # noqa: S608
            f"WHERE {where} ORDER BY title_hit DESC, id DESC LIMIT 20"
        )
        for _ in range(runs):
            started = time.perf_counter()
            hits = len(search(user, query))
            mine.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                patterns = [like_pattern(t) for t in terms]
                cursor.execute(like_sql, patterns + patterns)
                cursor.fetchall()
            theirs.append((time.perf_counter() - started) * 1000)
        fast += mine
        slow += theirs
        print(
            f"{query:<20}{statistics.median(mine):>10.1f}ms{statistics.median(theirs):>10.1f}ms"
            f"{hits:>6}"
        )
    short = sum(min(len(t) for t in terms_of(q)) < 3 for q in queries)
    print(f"(queries with a term of 1–2 characters: {short}; see search.trigrams_beginning)")
    p50, p95 = percentile(fast, 0.5), percentile(fast, 0.95)
    l50, l95 = percentile(slow, 0.5), percentile(slow, 0.95)
    print(f"\nsearch():      p50 {p50:.1f} ms  p95 {p95:.1f} ms  (goal p95 < 50 ms)")
    print(f"LIKE '%…%':    p50 {l50:.1f} ms  p95 {l95:.1f} ms")
    print(f"ratio LIKE / search: p50 {l50 / p50:.1f}×  p95 {l95 / p95:.1f}×")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
