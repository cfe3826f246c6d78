"""How the vendor and contract pages show a state that depends on the day, not only on the row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from mamori.vendors.models import Contract


@dataclass(frozen=True)
class ShownStatus:
    """A contract's status as shown: its code for CSS and tests, its label, and whether it
    asks the department to act (a live contract past its end date)."""

    code: str
    label: str
    needs_ending: bool = False


def contract_status(contract: Contract, today: dt.date) -> ShownStatus:
    """The recorded status, except that a live contract whose period is over reads
    「契約期間満了（終了手続き未了）」 and one whose period has not begun 「契約開始前」."""
    if contract.status == Contract.Status.LIVE:
        if contract.ends_on < today:
            return ShownStatus(
                "expired", _("Period over (the end of the contract is not yet recorded)"), True
            )
        if contract.starts_on > today:
            return ShownStatus("not_started", _("Not yet started"))
    return ShownStatus(contract.status, str(contract.get_status_display()))
