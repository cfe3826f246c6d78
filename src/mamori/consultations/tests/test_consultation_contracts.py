"""The consultation page lists the contracts resting on it, with what they lack."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from mamori import testing
from mamori.conftest import Personas
from mamori.consultations.models import Consultation
from mamori.consultations.tests.helpers import page_text, signed_in, url_of
from mamori.vendors import services
from mamori.vendors.models import Clause, Contract, SubcontractApproval

pytestmark = pytest.mark.django_db

GAP = "A clause the answered handling record promised is missing from the contract: %(clauses)s"
UNAPPROVED = "Sub-contractors working without an approval on file: %(names)s"


def answered(personas: Personas) -> Consultation:
    """Answered on a record that promises return or erasure at the end (特約条項第12条)."""
    data = testing.record_data(
        safeguards={"return_or_erasure_paper": {"present": True, "reference": "特約条項第12条"}}
    )
    consultation = testing.make_answered_consultation(personas.council, personas.shogai, data=data)
    testing.put_on_agenda(testing.make_meeting(personas.council), consultation)
    return consultation


def contract_on(personas: Personas, consultation: Consultation, **overrides: Any) -> Contract:
    contract: Contract = testing.make_contract(
        personas.shogai, consultation=consultation, **overrides
    )
    return contract


def gap_message(*kinds: Clause.Kind) -> str:
    with translation.override("ja"):
        labels = translation.pgettext("list separator", ", ").join(str(k.label) for k in kinds)
        return escape(gettext(GAP) % {"clauses": labels})


def get(client: Client, personas: Personas, role: str, consultation: Consultation) -> Any:
    response = signed_in(client, personas, role).get(url_of("consultation_detail", consultation))
    assert response.status_code == 200
    return response


class TestTheContractsSection:
    @pytest.mark.parametrize("role", ["staff", "secretariat"])
    def test_it_shows_a_clause_gap_to_the_department_and_the_secretariat(
        self, client: Client, personas: Personas, role: str
    ) -> None:
        consultation = answered(personas)
        contract = contract_on(personas, consultation)
        text = page_text(get(client, personas, role, consultation))
        assert reverse("vendors:contract_detail", args=[contract.pk]) in text
        assert escape(contract.vendor.legal_name) in text
        assert gap_message(Clause.Kind.RETURN_ERASURE) in text

    def test_it_is_absent_for_a_council_member(self, client: Client, personas: Personas) -> None:
        consultation = answered(personas)
        contract = contract_on(personas, consultation)
        response = get(client, personas, "member", consultation)
        assert response.context["contracts"] is None
        text = page_text(response)
        assert reverse("vendors:contract_detail", args=[contract.pk]) not in text
        assert 'id="contracts"' not in text

    def test_the_gap_disappears_once_the_clause_is_set(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas)
        contract = contract_on(personas, consultation)
        services.set_clauses(
            actor=personas.staff,
            contract=contract,
            clauses={Clause.Kind.RETURN_ERASURE: (True, "特約条項第12条")},
        )
        text = page_text(get(client, personas, "staff", consultation))
        assert reverse("vendors:contract_detail", args=[contract.pk]) in text
        assert gap_message(Clause.Kind.RETURN_ERASURE) not in text

    def test_it_flags_a_sub_contractor_without_approval(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas)
        contract = contract_on(personas, consultation)
        SubcontractApproval.objects.create(
            contract=contract,
            subcontractor=testing.make_vendor(legal_name="有限会社ひばりシステム"),
            scope="システムの保守",
        )
        response = get(client, personas, "staff", consultation)
        (row,) = response.context["contracts"]
        assert row.unapproved
        assert all(name.startswith("有限会社ひばりシステム") for name in row.unapproved)
        with translation.override("ja"):
            message = gettext(UNAPPROVED) % {"names": row.unapproved_text}
        assert escape(message) in page_text(response)

    def test_it_says_so_when_no_contract_rests_on_it(
        self, client: Client, personas: Personas
    ) -> None:
        consultation = answered(personas)
        response = get(client, personas, "staff", consultation)
        assert response.context["contracts"] == []
        assert 'id="contracts"' in page_text(response)

    def test_contracts_of_other_departments_stay_hidden_from_staff(
        self, client: Client, personas: Personas
    ) -> None:
        """A contract on the consultation held by another department (made directly)."""
        consultation = answered(personas)
        theirs: Contract = testing.make_contract(personas.kodomo, consultation=consultation)
        staff_rows = get(client, personas, "staff", consultation).context["contracts"]
        secretariat_rows = get(client, personas, "secretariat", consultation).context["contracts"]
        assert theirs.pk not in {row.contract.pk for row in staff_rows}
        assert theirs.pk in {row.contract.pk for row in secretariat_rows}


class TestTheQueries:
    def test_more_contracts_take_no_more_queries(self, client: Client, personas: Personas) -> None:
        small, large = answered(personas), answered(personas)
        contract_on(personas, small)
        for _ in range(4):
            contract = contract_on(personas, large)
            SubcontractApproval.objects.create(
                contract=contract, subcontractor=testing.make_vendor(), scope="保守"
            )
        client = signed_in(client, personas, "staff")
        counts = []
        for consultation in (small, large):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url_of("consultation_detail", consultation))
            assert response.status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_the_section_adds_a_constant_few_queries(
        self, client: Client, personas: Personas
    ) -> None:
        bare, with_contract = answered(personas), answered(personas)
        contract_on(personas, with_contract)
        client = signed_in(client, personas, "staff")
        counts = []
        for consultation in (bare, with_contract):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url_of("consultation_detail", consultation)).status_code == 200
            counts.append(len(queries))
        # The flags: contracts, their bases, clauses and sub-contractors.
        assert counts[1] - counts[0] <= 5
