"""Recipients (提供先): on what basis personal data is given, and how consent is obtained.

Not implemented here, for want of data Mamori holds: R28 (whether the data subjects are
notified of a provision; the record has no notice field).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_noop

from mamori.consultations import handling
from mamori.review.rules import Context, Finding, Severity, blank, findings_at, row_path, rule

SEED_4_CONSENT = gettext_noop(
    "FY2009 3rd meeting, consultation no. 4: members' opinion on consent for sharing with "
    "Hello Work and schools"
)
ORDINANCE_EXCEPTIONS = gettext_noop(
    "Exceptions to provision in the personal information ordinances (e.g. Hokkaido art. 8); "
    "Act on the Protection of Personal Information art. 69(2)"
)


def _by_consent(recipient: handling.Recipient) -> bool:
    """Whether the provision rests on the data subject's consent (no legal basis stated)."""
    return blank(recipient.legal_basis) and recipient.written_consent is True


@rule(
    "R01",
    title=gettext_noop("Provision with neither consent nor a legal basis"),
    severity=Severity.MUST_FIX,
    source=ORDINANCE_EXCEPTIONS,
)
def provision_without_basis(context: Context) -> Iterator[Finding]:
    """A recipient is given personal data with no consent recorded and no legal basis."""
    for recipient in context.record.recipients:
        if blank(recipient.legal_basis) and recipient.written_consent is not True:
            yield from findings_at(
                "R01",
                [row_path("recipients", recipient, "written_consent")],
                gettext_noop(
                    "Personal data is given to %(name)s with no consent recorded and no legal "
                    "basis: record how consent is obtained, or the law that allows it."
                ),
                name=recipient.name,
            )


@rule(
    "R02",
    title=gettext_noop("Consent procedure not recorded or not settled"),
    severity=Severity.MUST_FIX,
    source=SEED_4_CONSENT,
)
def consent_procedure(context: Context) -> Iterator[Finding]:
    """A provision by consent lacks the prior explanation, or the procedure is only planned."""
    for recipient in context.record.recipients:
        if not _by_consent(recipient):
            continue
        if recipient.explanation_given is not True:
            yield from findings_at(
                "R02",
                [row_path("recipients", recipient, "explanation_given")],
                gettext_noop(
                    "Consent is taken for giving data to %(name)s, but %(field)s is not "
                    "answered: say how the purpose and the data given are explained first."
                ),
                name=recipient.name,
            )
        elif recipient.certainty != handling.Certainty.FIXED:
            yield from findings_at(
                "R02",
                [row_path("recipients", recipient)],
                gettext_noop(
                    "The written consent for giving data to %(name)s is only planned: settle "
                    "the consent form and when it is taken, or explain."
                ),
                name=recipient.name,
            )


@rule(
    "S01",
    title=gettext_noop("No statement that a refusal is honoured"),
    severity=Severity.MUST_FIX,
    source=SEED_4_CONSENT,
)
def refusal_honoured(context: Context) -> Iterator[Finding]:
    """A provision by consent does not say that data the subject refuses is not given."""
    for recipient in context.record.recipients:
        if _by_consent(recipient) and recipient.refusal_honoured is not True:
            yield from findings_at(
                "S01",
                [row_path("recipients", recipient, "refusal_honoured")],
                gettext_noop(
                    "Data is given to %(name)s by consent, but %(field)s is not stated: say "
                    "that data the person refuses to have given is not given."
                ),
                name=recipient.name,
            )
