"""Legal grounds and timing: special-care data and My Number, consulting before the work
starts, and what the Act asks of large personal information files.

Not implemented, for want of data Mamori holds:
- R27 (reason for collecting from someone other than the data subject): no field for it;
- R29 (public need and safeguards of an online connection): no field for them;
- R31 (why specialist knowledge is needed, Act art. 129): no field for it;
- R32 (reporting a leak to the PPC and the data subjects): Mamori keeps no incident reports;
- R34 (public comment and third-party check of a full PIA): no PIA data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.utils.translation import gettext_noop

from mamori.review.rules import (
    Context,
    Finding,
    Severity,
    blank,
    findings_at,
    reference_date,
    rule,
)

CONSULT_BEFOREHAND = gettext_noop(
    "Kodaira City consultation rules art. 2 (consult before the work starts); ordinance "
    "commentary (hear the council beforehand)"
)
SPECIAL_CARE = gettext_noop(
    "Hamura City (exception to the items that may not be collected); Enforcement Rules art. 43; "
    "My Number Act"
)
FILE_REGISTER = gettext_noop(
    "Act on the Protection of Personal Information art. 75 (register of personal information "
    "files); Hiratsuka City"
)

# Municipalities came under the Act on 1 April 2023 (the register of files applies from then).
ACT_APPLIES_FROM = dt.date(2023, 4, 1)
FILE_REGISTER_THRESHOLD = 1000


@rule(
    "R25",
    title=gettext_noop("The work starts before the council answers"),
    severity=Severity.MUST_FIX,
    source=CONSULT_BEFOREHAND,
)
def starts_before_consultation(context: Context) -> Iterator[Finding]:
    """The work starts before the meeting that deliberates it (or before submission)."""
    starts = context.record.purpose.processing_starts_on
    on = reference_date(context)
    if starts is not None and on is not None and starts < on:
        yield from findings_at(
            "R25",
            ["purpose.processing_starts_on"],
            gettext_noop(
                "%(field)s is before the council deliberates: the council must be consulted "
                "before the work starts. Move the start, or explain."
            ),
        )


@rule(
    "R26",
    title=gettext_noop("Special-care data or My Number without a stated reason and basis"),
    severity=Severity.MUST_FIX,
    source=SPECIAL_CARE,
)
def special_care_basis(context: Context) -> Iterator[Finding]:
    """Special-care items or My Number are handled with no stated need or legal basis."""
    record = context.record
    sensitive = [item.name for item in record.items if item.special_care or item.my_number]
    if sensitive and blank(record.purpose.special_care_reason):
        yield from findings_at(
            "R26",
            ["purpose.special_care_reason"],
            gettext_noop(
                "The record handles special-care information or My Number (%(items)s), but "
                "%(field)s is not stated: give the need and the legal basis."
            ),
            items="、".join(sensitive),
        )


@rule(
    "R33",
    title=gettext_noop("A personal information file of more than 1,000 people"),
    severity=Severity.NOTE,
    source=FILE_REGISTER,
)
def file_register(context: Context) -> Iterator[Finding]:
    """More than 1,000 data subjects, under the Act: the file goes into the register."""
    number = context.record.subjects.expected_number.value
    on = reference_date(context)
    if number is None or number <= FILE_REGISTER_THRESHOLD:
        return
    if on is None or on >= ACT_APPLIES_FROM:
        yield from findings_at(
            "R33",
            ["subjects.expected_number"],
            gettext_noop(
                "More than 1,000 people: the personal information file must be entered in the "
                "register of personal information files (個人情報ファイル簿)."
            ),
        )
