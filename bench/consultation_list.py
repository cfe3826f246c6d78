"""Benchmark: the consultation list with 10,000 consultations and 100,000 opinions.

Run with `.venv/bin/python bench/consultation_list.py [--consultations 10000 --opinions 10]`.
It uses a throwaway SQLite database (or DATABASE_URL), builds the data with bulk_create, asks
for the list as the secretariat through Django's test client with several filters, and
prints, for each, the median time and the number of queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from typing import Any

FILTERS: list[tuple[str, dict[str, str]]] = [
    ("no filter", {}),
    ("page 100", {"page": "100"}),
    ("fiscal year", {"fiscal_year": "2015"}),
    ("department", {"department": "DEPARTMENT"}),
    ("kind", {"kind": "KIND"}),
    ("state", {"status": "follow_up"}),
    ("changed since the answer", {"changed": "on"}),
    ("open follow-ups", {"follow_ups": "open"}),
    ("overdue follow-ups", {"follow_ups": "overdue"}),
    (
        "year + state + overdue",
        {"fiscal_year": "2015", "status": "follow_up", "follow_ups": "overdue"},
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--consultations", type=int, default=10_000)
    parser.add_argument("--opinions", type=int, default=10, help="opinions per consultation")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    os.environ.setdefault("MAMORI_VAR_DIR", tempfile.mkdtemp(prefix="mamori-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    secretariat, ids = build(args.consultations, args.opinions)
    built = time.perf_counter() - started

    client = Client()
    client.force_login(secretariat)
    print(
        f"consultation list: {args.consultations:,} consultations, "
        f"{args.consultations * args.opinions:,} opinions ({connection.vendor}, "
        f"data built in {built:.1f} s)"
    )
    for name, query in FILTERS:
        query = {key: ids.get(value, value) for key, value in query.items()}
        timings, queries, rows = [], 0, ""
        for _ in range(args.runs):
            began = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get("/consultations/", query)
            timings.append(time.perf_counter() - began)
            queries = len(captured)
            assert response.status_code == 200, response.status_code  # noqa: S101
            rows = str(response.context["page_obj"].paginator.count)
        print(
            f"  {name:<26} median {statistics.median(timings) * 1000:7.1f} ms  "
            f"(min {min(timings) * 1000:6.1f}, max {max(timings) * 1000:6.1f})  "
            f"{queries:2d} queries  {int(rows):>6,} consultations match"
        )


def build(count: int, per_consultation: int) -> tuple[Any, dict[str, str]]:
    """The council, departments, kinds, consultations, opinions, follow-ups and versions."""
    from django.utils import timezone

    from mamori import testing
    from mamori.accounts.models import Role
    from mamori.consultations.models import (
        Consultation,
        ConsultationKind,
        FollowUp,
        HandlingRecordVersion,
        Opinion,
    )
    from mamori.consultations.services import numbering_scope

    council = testing.make_council(slug="bench")
    secretariat = testing.make_user(Role.SECRETARIAT, department=council.secretariat_department)
    member = testing.make_user(Role.COUNCIL_MEMBER)
    divisions = [testing.make_department(f"第{n}部") for n in range(1, 6)]
    sections = [
        testing.make_department(f"第{n}課", parent=divisions[n % len(divisions)])
        for n in range(1, 31)
    ]
    kinds = list(ConsultationKind.objects.all()) or [
        ConsultationKind.objects.create(code="outsourcing", name="業務委託")
    ]
    statuses = Consultation.Status.values
    consultations = Consultation.objects.bulk_create(
        Consultation(
            council=council,
            fiscal_year=2005 + n % 20,
            number=n + 1,
            numbering_scope=numbering_scope(council, 2005 + n % 20),
            title=f"業務委託の諮問{n + 1}",
            department=sections[n % len(sections)],
            status=statuses[n % len(statuses)],
        )
        for n in range(count)
    )
    through = Consultation.kinds.through
    through.objects.bulk_create(
        through(consultation_id=c.pk, consultationkind_id=kinds[i % len(kinds)].pk)
        for i, c in enumerate(consultations)
    )
    states = Opinion.State.values
    Opinion.objects.bulk_create(
        (
            Opinion(
                consultation=c,
                member=member,
                order=k + 1,
                text="持ち出しは紙に限るのか。",
                state=states[(i + k) % len(states)],
            )
            for i, c in enumerate(consultations)
            for k in range(per_consultation)
        ),
        batch_size=5000,
    )
    today = timezone.localdate()
    FollowUp.objects.bulk_create(
        FollowUp(
            consultation=c,
            commitment="仕様書に明記する",
            owner_id=c.department_id,
            due_on=today + dt.timedelta(days=(i % 60) - 30),
            status="open" if i % 3 else "done",
            done_on=None if i % 3 else today,
        )
        for i, c in enumerate(consultations)
        if c.status in ("follow_up", "closed", "answered")
    )
    changed_since_answer(consultations[:: max(1, count // 200)], secretariat, HandlingRecordVersion)
    ids = {"DEPARTMENT": str(sections[0].parent_id), "KIND": str(kinds[0].pk)}
    return secretariat, ids


def changed_since_answer(consultations: list[Any], author: Any, version_model: Any) -> None:
    """Give some consultations an answered version and a later, unassessed one."""
    from django.utils import timezone

    from mamori import testing
    from mamori.consultations.models import Consultation

    now = timezone.now()
    answered = version_model.objects.bulk_create(
        version_model(
            consultation=c,
            number=number,
            data=testing.record_data(),
            created_by=author,
            created_at=now,
            updated_at=now,
            submitted_by=author,
            submitted_at=now,
        )
        for c in consultations
        for number in (1, 2)
    )
    for consultation, version in zip(consultations, answered[::2], strict=True):
        consultation.answered_version = version
    Consultation.objects.bulk_update(consultations, ["answered_version"])


if __name__ == "__main__":
    main()
