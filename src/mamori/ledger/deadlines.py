"""The reporting rule for incidents (漏えい等) of a public body, and its deadlines.

Sources (the Personal Information Protection Commission's rules and guidance for 行政機関等):
- 個人情報の保護に関する法律 第68条第1項: a 行政機関の長等 reports to the Commission a leak,
  loss or damage (or its risk) that the Commission's rules name as likely to harm people's
  rights and interests; 第68条第2項: it then also notifies the people concerned, unless that
  is difficult and a substitute measure (such as publication, 公表) protects them.
- 個人情報の保護に関する法律施行規則 第43条: the cases to report — (1) 要配慮個人情報,
  (2) data whose misuse may cause financial harm, (3) an incident possibly caused with
  malicious intent (不正の目的), (4) more than 100 people, (5) 条例要配慮個人情報 — each "including
  the risk of it" (発生したおそれがある事態を含む), so a suspected incident counts the same.
- 同規則 第44条 (and the PPC guidance 「個人情報の保護に関する法律についてのガイドライン
  (行政機関等編)」 on 漏えい等の報告, which follows 通則編 3-5-3-3 and 3-5-3-4): a prompt report
  (速報) 「速やかに」 — the guidance reads this as about 3 to 5 days from knowing of it — and a
  final report (確報) within 30 days, or 60 days for an incident possibly caused with malicious
  intent. The prompt report's days are settings.MAMORI_INCIDENT_PROMPT_REPORT_DAYS.
- How the days count (3-5-3-3, 3-5-3-4): the day the incident became known (「知った」日) is
  day 1, so the 30th day is that day + 29 (the 60th, + 59; the prompt report's Nth, + N - 1);
  a 30th or 60th day that falls on a Saturday, Sunday, national holiday or the year-end
  closure (29 December to 3 January: 行政機関の休日に関する法律 第2条) moves to the next day
  the office is open. The prompt report's last day is moved the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from mamori.core import eras
from mamori.core.business_days import is_business_day
from mamori.ledger.models import Incident

# 施行規則第43条第4号: more than this many people.
PEOPLE_THRESHOLD = 100
FINAL_REPORT_DAYS = 30
FINAL_REPORT_DAYS_MALICIOUS = 60


def next_business_day(day: dt.date) -> dt.date:
    """The day itself when the office is open, else the next day it is."""
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Deadline:
    """A report's last day and, once made, the day it was made; its state on `today`."""

    kind: str  # "prompt" (速報) or "final" (確報)
    due_on: dt.date
    done_on: dt.date | None
    today: dt.date

    @property
    def met(self) -> bool:
        return self.done_on is not None

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.today > self.due_on

    @property
    def days_left(self) -> int:
        """Days until the last day (negative once past it)."""
        return (self.due_on - self.today).days

    @property
    def late(self) -> bool:
        """Made, but after the last day."""
        return self.done_on is not None and self.done_on > self.due_on

    @property
    def state(self) -> str:
        if self.met:
            return "met"
        return "overdue" if self.overdue else "due"

    def describe(self) -> str:
        """「速報期限まであと2日」「確報期限を3日超過」「速報は令和8年11月20日に報告済み」."""
        if self.done_on is not None:
            return _("%(report)s made on %(date)s") % {
                "report": self._title(),
                "date": eras.format_date(self.done_on),
            }
        if self.overdue:
            days = -self.days_left
            return ngettext(
                "%(report)s deadline passed %(days)s day ago",
                "%(report)s deadline passed %(days)s days ago",
                days,
            ) % {"report": self._title(), "days": days}
        if self.days_left == 0:
            return _("%(report)s deadline is today") % {"report": self._title()}
        return ngettext(
            "%(days)s day left until the %(report)s deadline",
            "%(days)s days left until the %(report)s deadline",
            self.days_left,
        ) % {"report": self._title(), "days": self.days_left}

    def _title(self) -> str:
        return _("Prompt report") if self.kind == "prompt" else _("Final report")


@dataclass(frozen=True)
class IncidentDuties:
    """What the law asks of the city for one incident, on a given day."""

    report_required: bool
    triggers: list[str]
    notify_required: bool
    prompt: Deadline | None
    final: Deadline | None
    notified_on: dt.date | None
    notification_note: str

    @property
    def deadlines(self) -> list[Deadline]:
        return [d for d in (self.prompt, self.final) if d is not None]

    @property
    def next_deadline(self) -> Deadline | None:
        """The earliest report still to make, or None when none is."""
        open_ones = [d for d in self.deadlines if not d.met]
        return min(open_ones, key=lambda d: d.due_on) if open_ones else None

    @property
    def notification_done(self) -> bool:
        """The people were notified, or the note says why not and what was done instead."""
        return self.notified_on is not None or bool(self.notification_note.strip())

    @property
    def complete(self) -> bool:
        """Every required report made and the people notified (or the note explains)."""
        if not self.report_required:
            return True
        return all(d.met for d in self.deadlines) and self.notification_done


def triggers_of(incident: Incident) -> list[str]:
    """Which cases of 施行規則第43条 apply, as sentences."""
    triggers: list[str] = []
    if incident.special_care:
        triggers.append(
            _(
                "Special-care personal information (要配慮個人情報) is involved "
                "(Enforcement Rules, Article 43, item 1)."
            )
        )
    if incident.financial_harm:
        triggers.append(
            _(
                "The data could be misused to cause financial harm "
                "(Enforcement Rules, Article 43, item 2)."
            )
        )
    if incident.malicious:
        triggers.append(
            _(
                "It may have been done with malicious intent (不正の目的) "
                "(Enforcement Rules, Article 43, item 3)."
            )
        )
    if incident.people_count > PEOPLE_THRESHOLD:
        triggers.append(
            _(
                "More than %(threshold)s people are involved (%(count)s; "
                "Enforcement Rules, Article 43, item 4)."
            )
            % {"threshold": PEOPLE_THRESHOLD, "count": incident.people_count}
        )
    if incident.ordinance_special_care:
        triggers.append(
            _(
                "Information the city's ordinance requires special care for is involved "
                "(Enforcement Rules, Article 43, item 5)."
            )
        )
    return triggers


def report_outstanding_q() -> Q:
    """Incidents a case of 施行規則第43条 applies to (as triggers_of) with a report (速報 or
    確報) not yet made, as a filter: only those can have a report deadline open."""
    reportable = (
        Q(special_care=True)
        | Q(financial_harm=True)
        | Q(malicious=True)
        | Q(ordinance_special_care=True)
        | Q(people_count__gt=PEOPLE_THRESHOLD)
    )
    return reportable & (Q(prompt_reported_on__isnull=True) | Q(final_reported_on__isnull=True))


def nth_day(known_on: dt.date, days: int) -> dt.date:
    """The `days`-th day counting the day the incident became known as day 1."""
    return known_on + dt.timedelta(days=max(days, 1) - 1)


def prompt_report_due(discovered_on: dt.date) -> dt.date:
    days = settings.MAMORI_INCIDENT_PROMPT_REPORT_DAYS
    return next_business_day(nth_day(discovered_on, days))


def final_report_due(discovered_on: dt.date, *, malicious: bool) -> dt.date:
    days = FINAL_REPORT_DAYS_MALICIOUS if malicious else FINAL_REPORT_DAYS
    return next_business_day(nth_day(discovered_on, days))


def incident_duties(incident: Incident, today: dt.date) -> IncidentDuties:
    """The duty to report and to notify, with each report's deadline and its state today."""
    triggers = triggers_of(incident)
    required = bool(triggers)
    prompt = final = None
    if required:
        prompt = Deadline(
            "prompt", prompt_report_due(incident.discovered_on), incident.prompt_reported_on, today
        )
        final = Deadline(
            "final",
            final_report_due(incident.discovered_on, malicious=incident.malicious),
            incident.final_reported_on,
            today,
        )
    return IncidentDuties(
        report_required=required,
        triggers=triggers,
        notify_required=required,
        prompt=prompt,
        final=final,
        notified_on=incident.people_notified_on,
        notification_note=incident.notification_note or "",
    )


@dataclass(frozen=True)
class ReportItem:
    """One matter the report to the Commission states, and what the record says of it."""

    label: str
    value: str
    missing: bool


def report_items(incident: Incident) -> list[ReportItem]:
    """The matters a report to the Commission states, in its order, each with the record's
    text and whether it is still to be written (the final report needs them all)."""

    def item(label: str, value: str) -> ReportItem:
        return ReportItem(label, value, not value.strip())

    if incident.people_notified_on is not None:
        notified = str(
            _("Notified on %(date)s") % {"date": eras.format_date(incident.people_notified_on)}
        )
        if incident.notification_note:
            notified = f"{notified}\n{incident.notification_note}"
    else:
        notified = incident.notification_note or ""
    return [
        item(_("Outline"), incident.what_happened or ""),
        item(_("Items of personal information concerned"), incident.items_concerned),
        item(_("Number of people concerned"), str(incident.people_count)),
        item(_("Cause"), incident.cause or ""),
        item(_("Secondary harm, or the risk of it"), incident.secondary_harm or ""),
        item(_("What was done for the people concerned"), notified),
        item(pgettext("incident report", "Publication"), incident.publication or ""),
        item(_("Measures to prevent it happening again"), incident.prevention or ""),
        # Optional: never "still to be written".
        ReportItem(_("Other matters for reference"), incident.other_matters or "", False),
    ]


def missing_report_items(incident: Incident) -> list[str]:
    return [entry.label for entry in report_items(incident) if entry.missing]
