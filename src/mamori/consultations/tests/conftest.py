"""Fixtures for the consultation page tests: 諮問第4号 on the seed's meeting."""

from __future__ import annotations

import datetime as dt

import pytest

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation, ConsultationKind
from mamori.council.models import Meeting


@pytest.fixture
def consultation(personas: Personas) -> Consultation:
    """諮問第4号「障害者就労支援事業業務委託」 of 障害支援課, submitted in 平成21年度."""
    return testing.make_consultation(personas.council, personas.shogai, fiscal_year=2009, number=4)


@pytest.fixture
def meeting(personas: Personas, consultation: Consultation) -> Meeting:
    """平成21年度第3回, 平成21年8月6日, with 諮問第4号 on its agenda."""
    meeting = testing.make_meeting(
        personas.council, fiscal_year=2009, number=3, date=dt.date(2009, 8, 6)
    )
    testing.put_on_agenda(meeting, consultation)
    return meeting


@pytest.fixture
def outsourcing(db: None) -> ConsultationKind:
    """The kind 業務委託, as the migrations seed it."""
    return ConsultationKind.objects.get(name="業務委託")
