"""Carry-out (持ち出し), transport and media: what may leave, on what, and what may come in."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_noop

from mamori.consultations import handling
from mamori.review.rules import (
    Context,
    Finding,
    Severity,
    blank,
    clause_missing,
    findings_at,
    outsourced,
    rule,
)

SEED_4_CARRY_OUT = gettext_noop(
    "FY2009 3rd meeting, consultation no. 4: members' opinions on the carry-out medium"
)
SEED_5_MEDIA = gettext_noop(
    "FY2009 3rd meeting, consultation no. 5: members' opinion on the ban on bringing media in"
)
NAKANO_TRANSPORT = gettext_noop(
    "Nakano City model clauses for outsourcing, item 7 (protection in transport)"
)

ELECTRONIC = (handling.Medium.ELECTRONIC, handling.Medium.BOTH)


@rule(
    "R10",
    title=gettext_noop("Carry-out allowed without saying on which medium"),
    severity=Severity.MUST_FIX,
    source=SEED_4_CARRY_OUT,
)
def carry_out_medium(context: Context) -> Iterator[Finding]:
    """Carry-out is allowed but a medium is unanswered, or the contract does not bound it."""
    carry = context.record.carry_out
    if True in (carry.paper.allowed.value, carry.electronic.allowed.value):
        yield from _medium_unanswered(context)
    if outsourced(context) and clause_missing(context.record.safeguards.carry_out_control):
        yield from findings_at(
            "R10",
            ["safeguards.carry_out_control"],
            gettext_noop(
                "The contract does not limit carrying personal data out (%(field)s): write "
                "which medium may leave, and that nothing leaves the work location otherwise, "
                "into the specification or the security agreement."
            ),
        )


# One message per medium: the field's own title (持ち出し可) does not say which.
PAPER_UNANSWERED = gettext_noop(
    "Carry-out is allowed, but whether paper may be carried out is not answered: say whether "
    "it may leave."
)
ELECTRONIC_UNANSWERED = gettext_noop(
    "Carry-out is allowed, but whether electronic media may be carried out is not answered: "
    "say whether they may leave."
)


def _medium_unanswered(context: Context) -> Iterator[Finding]:
    carry = context.record.carry_out
    for medium, message in (("paper", PAPER_UNANSWERED), ("electronic", ELECTRONIC_UNANSWERED)):
        if blank(getattr(carry, medium).allowed):
            yield from findings_at("R10", [f"carry_out.{medium}.allowed"], message)
    if (
        carry.paper.allowed.value is True
        and carry.electronic.allowed.value is True
        and context.record.form.medium.value == handling.Medium.PAPER
    ):
        yield from findings_at(
            "R10",
            ["carry_out.electronic.allowed"],
            gettext_noop(
                "The record is kept on paper only, yet electronic carry-out is allowed: "
                "exclude it, or say what electronic data leaves."
            ),
        )


@rule(
    "R11",
    title=gettext_noop("Media banned outright, with no rule against copying data out"),
    severity=Severity.EXPLAIN,
    source=SEED_5_MEDIA,
)
def media_ban_without_copy_rule(context: Context) -> Iterator[Finding]:
    """Bringing media in is forbidden, yet copying personal data out to media is not ruled."""
    media = context.record.media
    ruled = (handling.MediaRule.FORBIDDEN, handling.MediaRule.WITH_APPROVAL)
    if media.bring_in.value == handling.MediaRule.FORBIDDEN and media.copy_out.value not in ruled:
        yield from findings_at(
            "R11",
            ["media.copy_out"],
            gettext_noop(
                "Bringing media in is forbidden outright, though installs and updates usually "
                "need media, and %(field)s is not ruled: forbid copying personal data to media "
                "and carrying it out, and say on what conditions media may be brought in."
            ),
        )


@rule(
    "R12",
    title=gettext_noop("Electronic data moves with no protection in transport"),
    severity=Severity.MUST_FIX,
    source=NAKANO_TRANSPORT,
)
def transport_protection(context: Context) -> Iterator[Finding]:
    """Outsourced electronic data leaves (carry-out or provision) with no transport clause."""
    record = context.record
    moves = record.carry_out.electronic.allowed.value is True or bool(record.recipients)
    if (
        outsourced(context)
        and record.form.medium.value in ELECTRONIC
        and moves
        and clause_missing(record.safeguards.transport_protection)
    ):
        yield from findings_at(
            "R12",
            ["safeguards.transport_protection"],
            gettext_noop(
                "Electronic personal data is kept and leaves the contractor (carried out or "
                "given to recipients), but %(field)s is not in the contract: say how it is "
                "protected in transport (encryption, passwords, hand delivery)."
            ),
        )
