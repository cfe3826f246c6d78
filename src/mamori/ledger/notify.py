"""Mail the department when a contractor reports an incident.

The prompt report to the Commission is due within days, so the department hears of a
contractor's report at once rather than at its next visit to Mamori. The mail names the
contractor, the department and the page only: never the title or the account typed by the
contractor, which might name a resident. A mail that cannot be sent is logged (by the
incident's number) and never undoes the report, which waits on the department's pages.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from mamori.accounts.models import Role, User
from mamori.ledger.deadlines import incident_duties
from mamori.ledger.models import Incident

logger = logging.getLogger(__name__)
BODY_TEMPLATE = "ledger/email/contractor_report.txt"


def recipients_of(incident: Incident) -> list[User]:
    """The active staff who may act for the incident's department (its own and those of the
    departments above it) with an e-mail address; the secretariat when there are none."""
    active = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    staff = list(
        active.filter(
            role=Role.DEPARTMENT_STAFF,
            department_id__in=[d.pk for d in incident.department.lineage()],
        )
    )
    return staff or list(active.filter(role=Role.SECRETARIAT))


def contractor_report_message(incident: Incident, to: list[str]) -> EmailMessage:
    """The Japanese mail telling a department of a contractor's report."""
    vendor = incident.contract.vendor.legal_name if incident.contract else ""
    duties = incident_duties(incident, timezone.localdate())
    body = render_to_string(
        BODY_TEMPLATE,
        {
            "vendor": vendor,
            "number": incident.pk,
            "prompt_due": duties.prompt.due_on if duties.prompt else None,
            "department": incident.department.name,
            "url": settings.MAMORI_SITE_URL.rstrip("/")
            + reverse("ledger:incident_detail", args=[incident.pk]),
        },
    ).strip()
    subject = gettext("[Mamori] A contractor reported a leak or other incident")
    return EmailMessage(subject=subject, body=body + "\n", to=to)


def notify_contractor_report(incident_id: int) -> int:
    """Mail the department's staff of a contractor's report; the number of mails sent."""
    incident = Incident.objects.select_related("department", "contract__vendor").get(pk=incident_id)
    addresses = [user.email for user in recipients_of(incident)]
    if not addresses:
        logger.warning("incident %s: nobody with an address to tell of the report", incident_id)
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        message = contractor_report_message(incident, addresses)
    try:
        return message.send(using="default")
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("incident %s: report mail not sent (%s)", incident_id, type(error).__name__)
        return 0
