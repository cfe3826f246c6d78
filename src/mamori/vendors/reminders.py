"""`mamori remind`: e-mail each person what is due soon and what is overdue.

Follow-ups go to the staff of the owning department (the secretariat for its own), return
or erasure tasks to the contract's department and the contractor's users, documents asked of
a contractor to its users, expiring certifications (confirmed by the city, not yet
renewed) of vendors under a live contract to the vendor's users and the departments holding
those contracts, the next report (速報, 確報) of an open incident to its department, and
carry-outs not back on time to the file's department and to who took them out. Each item
sent is logged per person and day (ReminderLog), so a second run the same day sends only what
is new.
Mails name kinds, numbers, contracts and dates only, never free text typed by staff or
contractors that might name a resident (a follow-up's commitment, a task's data, a document
request's title and details, an incident's title, what a carry-out took are left on their
pages).
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from mamori.accounts.models import Department, Role, User
from mamori.consultations.models import FollowUp
from mamori.core import eras
from mamori.council.models import Council
from mamori.ledger.deadlines import incident_duties, report_outstanding_q
from mamori.ledger.models import CarryOut, Incident
from mamori.vendors.models import (
    Certification,
    CertificationQuerySet,
    Contract,
    DocumentRequest,
    ReminderLog,
    ReturnErasure,
    SubcontractApproval,
    Vendor,
    VendorUser,
)

OVERDUE, DUE_SOON, TO_VERIFY, EXPIRING = "overdue", "due_soon", "to_verify", "expiring"
STATES = (OVERDUE, DUE_SOON, TO_VERIFY, EXPIRING)
BODY_TEMPLATE = "vendors/email/reminder.txt"


@dataclass(frozen=True)
class Item:
    """One thing to remind: its log key ("followup:12:overdue"), state, text, date and page."""

    key: str
    state: str
    what: str
    due_on: dt.date | None
    path: str


@dataclass
class Summary:
    """What one run did (or, in a dry run, would do)."""

    day: dt.date
    dry_run: bool
    sent: list[tuple[User, int]] = field(default_factory=list)
    nothing_new: list[User] = field(default_factory=list)
    skipped: list[User] = field(default_factory=list)
    failed: list[tuple[User, str]] = field(default_factory=list)


class _People:
    """Who answers for what, read once per run: staff by department, secretariat, contractors."""

    def __init__(self) -> None:
        self.parents = dict(Department.objects.values_list("pk", "parent_id"))
        active = User.objects.filter(is_active=True)
        self.staff: dict[int, list[User]] = defaultdict(list)
        for user in active.filter(role=Role.DEPARTMENT_STAFF, department__isnull=False):
            if user.department_id is not None:
                self.staff[user.department_id].append(user)
        self.secretariat = list(active.filter(role=Role.SECRETARIAT))
        self.secretariat_departments = set(
            Council.objects.values_list("secretariat_department_id", flat=True)
        )
        self.contractors: dict[int, list[User]] = defaultdict(list)
        links = VendorUser.objects.filter(
            user__is_active=True, user__role=Role.CONTRACTOR
        ).select_related("user")
        for link in links:
            self.contractors[link.vendor_id].append(link.user)

    def staff_of(self, department_id: int) -> list[User]:
        """Staff who may act for the department: its own and those of the departments above."""
        users: list[User] = []
        node: int | None = department_id
        while node is not None:
            users += self.staff.get(node, [])
            node = self.parents.get(node)
        return users

    def owners_of(self, department_id: int) -> list[User]:
        """Those answering for a follow-up: the secretariat for its own department."""
        if department_id in self.secretariat_departments:
            return self.secretariat
        return self.staff_of(department_id)


class _Collector:
    def __init__(self) -> None:
        self.items: dict[User, dict[str, Item]] = defaultdict(dict)

    def add(self, users: Iterable[User], item: Item) -> None:
        for user in users:
            self.items[user][item.key] = item

    def result(self) -> dict[User, list[Item]]:
        order = {state: n for n, state in enumerate(STATES)}
        return {
            user: sorted(
                items.values(),
                key=lambda i: (order[i.state], i.due_on or dt.date.max, i.key),
            )
            for user, items in sorted(self.items.items(), key=lambda pair: pair[0].username)
        }


def _dated_state(due_on: dt.date | None, today: dt.date) -> str:
    return OVERDUE if due_on is not None and due_on < today else DUE_SOON


def collect_reminders(today: dt.date) -> dict[User, list[Item]]:
    """Per person, what is overdue or due within MAMORI_REMIND_SOON_DAYS on that day, and the
    certifications expiring within MAMORI_CERTIFICATION_WARNING_DAYS."""
    soon = today + dt.timedelta(days=settings.MAMORI_REMIND_SOON_DAYS)
    people = _People()
    collector = _Collector()
    _follow_ups(collector, people, today, soon)
    _erasures(collector, people, today, soon)
    _document_requests(collector, people, today, soon)
    _certifications(collector, people, today)
    _incident_reports(collector, people, today, soon)
    _carry_outs(collector, people, today)
    return collector.result()


def _follow_ups(collector: _Collector, people: _People, today: dt.date, soon: dt.date) -> None:
    follow_ups = (
        FollowUp.objects.open()
        .filter(due_on__isnull=False, due_on__lte=soon)
        .select_related("consultation")
    )
    for follow_up in follow_ups:
        state = _dated_state(follow_up.due_on, today)
        # The commitment's own words stay on the page: free text may name a resident.
        what = (
            gettext("Follow-up no. %(number)d of %(consultation)s")
            % {"number": follow_up.pk, "consultation": follow_up.consultation}
            if follow_up.consultation is not None
            else gettext("Follow-up no. %(number)d") % {"number": follow_up.pk}
        )
        collector.add(
            people.owners_of(follow_up.owner_id),
            Item(
                key=f"followup:{follow_up.pk}:{state}",
                state=state,
                what=what,
                due_on=follow_up.due_on,
                path=reverse("consultations:followup_update", args=[follow_up.pk]),
            ),
        )


def _erasures(collector: _Collector, people: _People, today: dt.date, soon: dt.date) -> None:
    tasks = (
        ReturnErasure.objects.filter(
            Q(status=ReturnErasure.Status.OPEN, due_on__lte=soon)
            | Q(status=ReturnErasure.Status.SUBMITTED)
        )
        .select_related("contract")
        .order_by("due_on", "pk")
    )
    for task in tasks:
        contract = task.contract
        awaiting = task.status == ReturnErasure.Status.SUBMITTED
        state = TO_VERIFY if awaiting else _dated_state(task.due_on, today)
        # The form and the action, not the data's description: free text may name a resident.
        item = Item(
            key=f"erasure:{task.pk}:{state}",
            state=state,
            what=gettext("%(action)s of the %(medium)s (contract %(contract)s)")
            % {
                "action": task.get_action_display(),
                "medium": task.get_medium_display(),
                "contract": contract_label(contract),
            },
            due_on=task.due_on,
            path=reverse("vendors:erasure_detail", args=[task.pk]),
        )
        recipients = people.staff_of(contract.department_id)
        if not awaiting:
            recipients = recipients + people.contractors.get(contract.vendor_id, [])
        collector.add(recipients, item)


def _document_requests(
    collector: _Collector, people: _People, today: dt.date, soon: dt.date
) -> None:
    requests = DocumentRequest.objects.filter(
        status=DocumentRequest.Status.OPEN, due_on__isnull=False, due_on__lte=soon
    ).select_related("contract")
    for request in requests:
        state = _dated_state(request.due_on, today)
        collector.add(
            people.contractors.get(request.contract.vendor_id, []),
            Item(
                key=f"document:{request.pk}:{state}",
                state=state,
                what=gettext("Document request (No. %(number)d) (contract %(contract)s)")
                % {"number": request.pk, "contract": contract_label(request.contract)},
                due_on=request.due_on,
                path=reverse("vendors:document_request_file", args=[request.pk]),
            ),
        )


def _incident_reports(
    collector: _Collector, people: _People, today: dt.date, soon: dt.date
) -> None:
    """The next report (速報, 確報) of each open incident, to its department's staff."""
    incidents = Incident.objects.filter(
        report_outstanding_q(), status=Incident.Status.OPEN
    ).select_related("department")
    for incident in incidents:
        deadline = incident_duties(incident, today).next_deadline
        if deadline is None or deadline.due_on > soon:
            continue
        state = OVERDUE if deadline.overdue else DUE_SOON
        report = (
            gettext("Prompt report (速報)")
            if deadline.kind == "prompt"
            else gettext("Final report (確報)")
        )
        # The incident's title and account stay on the page: free text may name a resident.
        collector.add(
            people.staff_of(incident.department_id),
            Item(
                key=f"incident:{incident.pk}:{deadline.kind}:{state}",
                state=state,
                what=gettext("%(report)s of incident No. %(number)d (%(department)s)")
                % {
                    "report": report,
                    "number": incident.pk,
                    "department": incident.department.name,
                },
                due_on=deadline.due_on,
                path=reverse("ledger:incident_detail", args=[incident.pk]),
            ),
        )


def _carry_outs(collector: _Collector, people: _People, today: dt.date) -> None:
    """Carry-outs not back by their due time, to the file's department and to who took them:
    due before now, or before the end of `today` when it is past."""
    end_of_day = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time()))
    cutoff = min(timezone.now(), end_of_day)
    carry_outs = CarryOut.objects.overdue(cutoff).select_related("file", "carried_by")
    for carry_out in carry_outs:
        recipients = list(people.staff_of(carry_out.file.department_id))
        if carry_out.carried_by.is_active and carry_out.carried_by not in recipients:
            recipients.append(carry_out.carried_by)
        # What was taken stays on the page: free text may name a resident.
        collector.add(
            recipients,
            Item(
                key=f"carry_out:{carry_out.pk}:{OVERDUE}",
                state=OVERDUE,
                what=gettext("Return of carry-out No. %(number)d (%(file)s)")
                % {"number": carry_out.pk, "file": carry_out.file.name},
                due_on=timezone.localdate(carry_out.due_back_at),
                path=reverse("ledger:carry_out_detail", args=[carry_out.pk]),
            ),
        )


def contract_label(contract: Contract) -> str:
    """A contract as a mail names it: its title and, when it has one, its number."""
    if contract.number:
        return gettext("%(title)s (%(number)s)") % {
            "title": contract.title,
            "number": contract.number,
        }
    return contract.title


def expiring_certifications(today: dt.date, days: int) -> CertificationQuerySet:
    """Certifications confirmed by the city, still valid today, expiring within `days`, and
    not renewed: the vendor has no confirmed certification of the same kind valid past it."""
    renewal = Certification.objects.confirmed().filter(
        vendor=OuterRef("vendor"),
        kind=OuterRef("kind"),
        name=OuterRef("name"),
        expires_on__gt=OuterRef("expires_on"),
    )
    return Certification.objects.confirmed().expiring(today, days).exclude(Exists(renewal))


def _certifications(collector: _Collector, people: _People, today: dt.date) -> None:
    certifications = (
        expiring_certifications(today, settings.MAMORI_CERTIFICATION_WARNING_DAYS)
        .filter(vendor__in=Vendor.objects.under_live_contract(today))
        .select_related("vendor")
    )
    departments = _departments_by_vendor(today)
    for certification in certifications:
        vendor = certification.vendor
        recipients = list(people.contractors.get(vendor.pk, []))
        for department_id in sorted(departments.get(vendor.pk, set())):
            recipients += people.staff_of(department_id)
        collector.add(
            recipients,
            Item(
                key=f"certification:{certification.pk}",
                state=EXPIRING,
                what=gettext("%(certification)s of %(vendor)s")
                % {"certification": certification, "vendor": vendor.legal_name},
                due_on=certification.expires_on,
                path=reverse("vendors:vendor_detail", args=[vendor.pk]),
            ),
        )


def _departments_by_vendor(today: dt.date) -> dict[int, set[int]]:
    """The departments holding live contracts with each vendor, as contractor or as an
    approved sub-contractor."""
    live = Contract.objects.live(today)
    departments: dict[int, set[int]] = defaultdict(set)
    for vendor_id, department_id in live.values_list("vendor_id", "department_id"):
        departments[vendor_id].add(department_id)
    subcontracts = SubcontractApproval.objects.filter(
        contract__in=live, approved_on__isnull=False
    ).values_list("subcontractor_id", "contract__department_id")
    for vendor_id, department_id in subcontracts:
        departments[vendor_id].add(department_id)
    return departments


# Sending ------------------------------------------------------------------------------------


def send_reminders(today: dt.date, *, dry_run: bool = False) -> Summary:
    """Mail each person the items not yet sent to them that day and log them; a dry run only
    reports what it would send."""
    with translation.override(settings.LANGUAGE_CODE):
        reminders = collect_reminders(today)
        logged = set(
            ReminderLog.objects.filter(sent_on=today, user__in=list(reminders)).values_list(
                "user_id", "item"
            )
        )
        summary = Summary(day=today, dry_run=dry_run)
        for user, items in reminders.items():
            new = [item for item in items if (user.pk, item.key) not in logged]
            if not new:
                summary.nothing_new.append(user)
            elif not user.email:
                summary.skipped.append(user)
            elif dry_run:
                summary.sent.append((user, len(new)))
            else:
                _send_and_log(summary, user, new, today)
        return summary


def _send_and_log(summary: Summary, user: User, items: list[Item], today: dt.date) -> None:
    try:
        reminder_message(user, items, today).send(using="default")
    except (smtplib.SMTPException, OSError) as error:
        summary.failed.append((user, str(error)))
        return
    with transaction.atomic():
        ReminderLog.objects.bulk_create(
            [ReminderLog(user=user, sent_on=today, item=item.key) for item in items],
            ignore_conflicts=True,
        )
    summary.sent.append((user, len(items)))


def reminder_message(user: User, items: list[Item], today: dt.date) -> EmailMessage:
    """The Japanese mail of one person's reminder."""
    site = settings.MAMORI_SITE_URL.rstrip("/")
    headings = {
        OVERDUE: gettext("Overdue"),
        DUE_SOON: gettext("Due within %(days)d days") % {"days": settings.MAMORI_REMIND_SOON_DAYS},
        TO_VERIFY: gettext("Certificates filed, awaiting your verification"),
        EXPIRING: gettext("Certifications expiring"),
    }
    groups = [
        {
            "heading": headings[state],
            "date_label": gettext("Valid until") if state == EXPIRING else gettext("Due on"),
            "items": [item for item in items if item.state == state],
        }
        for state in STATES
    ]
    body = render_to_string(
        BODY_TEMPLATE,
        {"name": str(user), "today": today, "site": site, "groups": groups},
    ).strip()
    subject = gettext("[Mamori] Due soon and overdue (%(date)s)") % {
        "date": eras.format_date(today)
    }
    return EmailMessage(subject=subject, body=body + "\n", to=[user.email])
