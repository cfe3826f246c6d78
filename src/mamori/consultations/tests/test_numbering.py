"""Consultation numbers: unique per fiscal year, or continuous, as the council chooses."""

from __future__ import annotations

from mamori.conftest import Personas
from mamori.consultations import services
from mamori.council.models import Council


def test_per_year_numbering_starts_again_each_fiscal_year(personas: Personas) -> None:
    make = services.create_consultation
    first = make(
        actor=personas.secretariat,
        council=personas.council,
        fiscal_year=2009,
        title="甲",
        department=personas.shogai,
    )
    second = make(
        actor=personas.secretariat,
        council=personas.council,
        fiscal_year=2010,
        title="乙",
        department=personas.shogai,
    )
    assert (first.label, second.label) == ("諮問第1号", "諮問第1号")
    assert services.number_is_taken(personas.council, 2009, 1)
    assert not services.number_is_taken(personas.council, 2011, 1)


def test_continuous_numbering_runs_on_across_fiscal_years(personas: Personas) -> None:
    council = personas.council
    council.consultation_numbering = Council.Numbering.CONTINUOUS
    council.save(update_fields=["consultation_numbering"])
    make = services.create_consultation
    first = make(
        actor=personas.secretariat,
        council=council,
        fiscal_year=2009,
        title="甲",
        department=personas.shogai,
    )
    second = make(
        actor=personas.secretariat,
        council=council,
        fiscal_year=2010,
        title="乙",
        department=personas.shogai,
    )
    assert (first.number, second.number) == (1, 2)
    assert services.number_is_taken(council, 2011, 1)
