"""`mamori review_all`: re-run every rule over every consultation and report what changed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mamori.consultations.models import Consultation
from mamori.review import services
from mamori.review.models import ReviewResult

Key = tuple[str, str]  # (rule, path): a finding's identity across runs


def _by_key(findings: list[dict[str, str]]) -> dict[Key, dict[str, str]]:
    return {(f["rule"], f["path"]): f for f in findings}


class Command(BaseCommand):
    help = "Re-run all pre-review rules over every consultation and report what changed."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            appeared = disappeared = changed = 0
            consultations = Consultation.objects.select_related("review_result").order_by(
                "council_id", "fiscal_year", "number"
            )
            total = 0
            for consultation in consultations.iterator(chunk_size=200):
                total += 1
                new, old = self._rerun(consultation)
                gained = [new[k] for k in sorted(new.keys() - old.keys())]
                lost = [old[k] for k in sorted(old.keys() - new.keys())]
                if gained or lost:
                    changed += 1
                    self._report(consultation, gained, lost)
                appeared += len(gained)
                disappeared += len(lost)
            self.stdout.write(
                _(
                    "%(total)s consultations reviewed, %(changed)s changed: %(appeared)s findings "
                    "appeared, %(disappeared)s disappeared."
                )
                % {
                    "total": total,
                    "changed": changed,
                    "appeared": appeared,
                    "disappeared": disappeared,
                }
            )

    def _rerun(self, consultation: Consultation) -> tuple[dict[Key, Any], dict[Key, Any]]:
        """The new findings and the ones stored last time; the new ones are stored."""
        findings = [f.as_dict() for f in services.review(consultation)]
        try:
            stored: ReviewResult | None = consultation.review_result
        except ReviewResult.DoesNotExist:
            stored = None
        old = _by_key(stored.findings) if stored is not None else {}
        # Derived data, recomputed from the audited record at will: saved directly, no audit
        # event (the record versions and explanations it derives from are audited).
        ReviewResult.objects.update_or_create(
            consultation=consultation,
            defaults={"findings": findings, "computed_at": timezone.now()},
        )
        return _by_key(findings), old

    def _report(
        self, consultation: Consultation, gained: list[dict[str, str]], lost: list[dict[str, str]]
    ) -> None:
        self.stdout.write(f"{consultation.key} {consultation}")
        for mark, findings in (("+", gained), ("-", lost)):
            for f in findings:
                self.stdout.write(f"  {mark} {f['rule']} {f['path']}: {f['message']}")
