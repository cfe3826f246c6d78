"""Carry-out (持ち出し) and media: what may leave, on what, and what may be brought in."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_noop

from mamori.consultations import handling
from mamori.review.rules import Context, Finding, Severity, blank, findings_at, rule

SEED_4 = gettext_noop("平成21年度第3回 諮問第4号: 委員意見（持ち出しの媒体）")


@rule(
    "R10",
    title=gettext_noop("Carry-out allowed without saying on which medium"),
    severity=Severity.MUST_FIX,
    source=SEED_4,
)
def carry_out_medium(context: Context) -> Iterator[Finding]:
    """The record allows carry-out but leaves paper or electronic carry-out unanswered."""
    carry = context.record.carry_out
    allowed = [carry.paper.allowed.value, carry.electronic.allowed.value]
    if True not in allowed:
        return
    for medium in ("paper", "electronic"):
        if blank(getattr(carry, medium).allowed):
            yield from findings_at(
                "R10",
                [f"carry_out.{medium}.allowed"],
                gettext_noop(
                    "Carry-out is allowed, but %(field)s is not answered: say whether this "
                    "medium may leave."
                ),
            )
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
