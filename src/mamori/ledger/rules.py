"""What the council's answer allows a file's keepers to do: the carry-out rule of the answered
HandlingRecord the file rests on (紙のみ, 電子媒体不可…)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from mamori.consultations import handling
from mamori.consultations.models import Decision, HandlingRecordVersion
from mamori.core import eras
from mamori.ledger.models import Medium, PersonalInformationFile


@dataclass(frozen=True)
class RuleVerdict:
    """allowed True: the answer allows it; False: it forbids it (reason says so); None: the
    answer says nothing, so it is allowed with the reason shown as a warning."""

    allowed: bool | None
    reason: str

    @property
    def refused(self) -> bool:
        return self.allowed is False

    @property
    def warning(self) -> bool:
        return self.allowed is None


def answer_of(
    file: PersonalInformationFile,
) -> tuple[Decision | None, HandlingRecordVersion | None]:
    """The answer the file rests on and the version of the record it answered."""
    decision = file.decision
    consultation = file.consultation
    if decision is None and consultation is not None:
        decision = consultation.decisions.order_by("-decided_on", "-id").first()
    version = decision.answered_version if decision is not None else None
    if version is None and consultation is not None:
        version = consultation.answered_version
    return decision, version


def _record(version: HandlingRecordVersion | None) -> handling.HandlingRecord | None:
    if version is None:
        return None
    try:
        return version.record()
    except handling.ValidationError:
        return None


def _refusal(medium: str, decided_on: dt.date | None) -> str:
    if decided_on is None:
        if medium == Medium.ELECTRONIC:
            return _("The council's answer does not allow carrying out on electronic media.")
        return _("The council's answer does not allow carrying out on paper.")
    date = eras.format_date(decided_on)
    if medium == Medium.ELECTRONIC:
        return _("The answer (%(date)s) does not allow carrying out on electronic media.") % {
            "date": date
        }
    return _("The answer (%(date)s) does not allow carrying out on paper.") % {"date": date}


def no_rule_warning() -> str:
    return _("The answered handling record says nothing about carrying out.")


def carry_out_rule(file: PersonalInformationFile, medium: str) -> RuleVerdict:
    """Whether the answered HandlingRecord lets the file be carried out on the medium."""
    decision, version = answer_of(file)
    record = _record(version)
    if record is None:
        return RuleVerdict(None, no_rule_warning())
    rule = record.carry_out.electronic if medium == Medium.ELECTRONIC else record.carry_out.paper
    allowed = rule.allowed.value
    if allowed is None:
        return RuleVerdict(None, no_rule_warning())
    if allowed is False:
        return RuleVerdict(False, _refusal(medium, decision.decided_on if decision else None))
    return RuleVerdict(True, "")


def answered_written_consent(file: PersonalInformationFile) -> dict[str, bool | None]:
    """The recipients of the answered HandlingRecord by name, each with whether consent to it
    is taken in writing (「書面で同意をとる」; None when the record does not say)."""
    record = _record(answer_of(file)[1])
    if record is None:
        return {}
    said: dict[str, bool | None] = {}
    for row in record.recipients:
        name = row.name.strip()
        if not name:
            continue
        # Several rows may name one recipient (one per purpose): writing, if any asks it.
        if said.get(name) is not True and row.written_consent is not None:
            said[name] = row.written_consent
        else:
            said.setdefault(name, None)
    return said


def written_consent_required(file: PersonalInformationFile, name: str) -> bool:
    """Whether a consent to the recipient counts only with the signed form: as the answered
    record says for a recipient of that name, and yes when it says nothing."""
    return answered_written_consent(file).get(name.strip()) is not False


def carry_out_rules(file: PersonalInformationFile) -> dict[str, RuleVerdict]:
    """The rule for each medium, for the screens."""
    return {medium.value: carry_out_rule(file, medium.value) for medium in Medium}
