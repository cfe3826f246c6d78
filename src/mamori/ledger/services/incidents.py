"""Incidents (漏えい等): recorded, updated, and their reports and notifications dated."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mamori.accounts.models import Department
from mamori.ledger.models import Incident


def record_incident(*, actor: Any, department: Department, **fields: Any) -> Incident:
    raise NotImplementedError


def update_incident(*, actor: Any, incident: Incident, **fields: Any) -> None:
    raise NotImplementedError


def record_reports(
    *,
    actor: Any,
    incident: Incident,
    prompt_reported_on: dt.date | None = None,
    final_reported_on: dt.date | None = None,
    people_notified_on: dt.date | None = None,
    notification_note: str | None = None,
) -> None:
    raise NotImplementedError
