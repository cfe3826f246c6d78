"""Recipient rules (R01, R02, S01): each triggered, and not."""

from __future__ import annotations

from mamori.review.tests.fixtures import changed, context, paths

HELLOWORK = "recipients[hellowork]"


def hellowork(**fields: object) -> dict[str, object]:
    row = dict(changed()["recipients"][0])
    row.update(fields)
    return row


class TestProvisionWithoutBasis:
    def test_it_flags_a_recipient_with_neither_consent_nor_legal_basis(self) -> None:
        data = changed(**{"recipients.0": hellowork(written_consent=None)})
        assert paths("R01", context(data)) == [f"{HELLOWORK}.written_consent"]

    def test_it_accepts_a_provision_by_law_without_consent(self) -> None:
        data = changed(**{"recipients.0": hellowork(written_consent=False, legal_basis="法令")})
        assert paths("R01", context(data)) == []

    def test_it_accepts_a_provision_by_written_consent(self) -> None:
        assert paths("R01", context()) == []


class TestConsentProcedure:
    def test_it_asks_how_the_purpose_is_explained_before_consent(self) -> None:
        data = changed(**{"recipients.0": hellowork(explanation_given=None)})
        assert paths("R02", context(data)) == [f"{HELLOWORK}.explanation_given"]

    def test_it_flags_a_consent_procedure_that_is_only_planned(self) -> None:
        data = changed(**{"recipients.0": hellowork(certainty="planned")})
        assert paths("R02", context(data)) == [HELLOWORK]

    def test_it_accepts_a_settled_consent_procedure(self) -> None:
        assert paths("R02", context()) == []


class TestRefusalHonoured:
    def test_it_asks_that_a_refusal_be_honoured(self) -> None:
        data = changed(**{"recipients.0": hellowork(refusal_honoured=None)})
        assert paths("S01", context(data)) == [f"{HELLOWORK}.refusal_honoured"]

    def test_it_does_not_ask_of_a_provision_by_law(self) -> None:
        data = changed(
            **{"recipients.0": hellowork(refusal_honoured=None, legal_basis="障害者雇用促進法")}
        )
        assert paths("S01", context(data)) == []

    def test_it_accepts_a_stated_refusal(self) -> None:
        assert paths("S01", context()) == []
