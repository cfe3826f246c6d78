"""Carry-outs: a request checked against the answer, approval by the department (never by the
one who carries it), the return, the overdue ones, and two pages acting on one row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.accounts.models import Role
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger import services
from mamori.ledger.models import CarryOut, Medium, PersonalInformationFile
from mamori.ledger.views_carry import overdue_by


@pytest.fixture
def file(personas: Personas) -> PersonalInformationFile:
    """利用登録者台帳 on the answer of 平成21年8月6日 (paper only), kept with a contractor whose
    contract is in force."""
    consultation = testing.make_answered_consultation(personas.council, personas.shogai)
    today = timezone.localdate()
    vendor = testing.make_vendor()
    testing.link_vendor_user(personas.contractor, vendor)
    contract = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    made: PersonalInformationFile = testing.make_ledger_file(
        personas.shogai,
        consultation=consultation,
        decision=consultation.decisions.get(),
        contracts=[contract],
    )
    return made


@pytest.fixture
def colleague(personas: Personas) -> Any:
    return testing.make_user(Role.DEPARTMENT_STAFF, department=personas.shogai, username="kakari")


def request(personas: Personas, file: PersonalInformationFile, **overrides: Any) -> CarryOut:
    now = timezone.now()
    fields: dict[str, Any] = {
        "medium": Medium.PAPER,
        "description": "台帳の写し",
        "record_count": 3,
        "purpose": "家庭訪問",
        "destination": "訪問先",
        "carried_by": personas.staff,
        "leaves_at": now - dt.timedelta(hours=1),
        "due_back_at": now + dt.timedelta(hours=3),
    }
    fields.update(overrides)
    actor = fields.pop("actor", personas.staff)
    return services.request_carry_out(actor=actor, file=file, **fields)


def events(use_case: str) -> int:
    return AuditEvent.objects.filter(use_case=use_case).count()


class TestRequesting:
    def test_a_paper_carry_out_is_requested_and_audited(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        carry_out = request(personas, file)
        assert carry_out.status == CarryOut.Status.REQUESTED
        assert carry_out.recorded_by == personas.staff
        assert events("ledger.request_carry_out") == 1

    def test_an_electronic_carry_out_of_a_paper_only_file_is_refused_and_nothing_recorded(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        with pytest.raises(services.CarryOutNotAllowed) as refusal:
            request(personas, file, medium=Medium.ELECTRONIC)
        assert "平成21年8月6日" in str(refusal.value)
        assert not CarryOut.objects.exists()
        assert events("ledger.request_carry_out") == 0

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"record_count": 0}, "record_count"),
            ({"description": "  "}, "description"),
            ({"purpose": ""}, "purpose"),
            ({"destination": ""}, "destination"),
        ],
    )
    def test_bad_input_is_refused(
        self,
        personas: Personas,
        file: PersonalInformationFile,
        overrides: dict[str, Any],
        field: str,
    ) -> None:
        with pytest.raises(ValidationError) as error:
            request(personas, file, **overrides)
        assert field in error.value.message_dict
        assert not CarryOut.objects.exists()

    def test_it_must_be_due_back_after_it_leaves(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        now = timezone.now()
        with pytest.raises(ValidationError) as error:
            request(personas, file, leaves_at=now, due_back_at=now)
        assert "due_back_at" in error.value.message_dict

    def test_the_carrier_must_be_allowed_to_see_the_data(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        with pytest.raises(ValidationError) as error:
            request(personas, file, carried_by=personas.other_staff)
        assert "carried_by" in error.value.message_dict

    def test_the_contract_must_be_one_of_the_files(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        other = testing.make_contract(personas.shogai)
        with pytest.raises(ValidationError) as error:
            request(personas, file, contract=other)
        assert "contract" in error.value.message_dict

    def test_a_contractor_requests_under_its_contract(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        carry_out = request(
            personas, file, actor=personas.contractor, carried_by=personas.contractor
        )
        assert carry_out.contract == file.contracts.get()

    def test_other_departments_may_not_request(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        with pytest.raises(PermissionDenied):
            request(personas, file, actor=personas.other_staff)


class TestApproving:
    def test_a_colleague_approves_and_it_is_out(
        self, personas: Personas, file: PersonalInformationFile, colleague: Any
    ) -> None:
        carry_out = request(personas, file)
        services.approve_carry_out(actor=colleague, carry_out=carry_out)
        carry_out.refresh_from_db()
        assert (carry_out.status, carry_out.approved_by) == (CarryOut.Status.OUT, colleague)
        assert events("ledger.approve_carry_out") == 1

    def test_staff_may_not_approve_what_they_carry(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        carry_out = request(personas, file)
        with pytest.raises(ValidationError) as error:
            services.approve_carry_out(actor=personas.staff, carry_out=carry_out)
        assert error.value.code == "own"
        carry_out.refresh_from_db()
        assert carry_out.status == CarryOut.Status.REQUESTED

    def test_a_contractor_never_approves(
        self, personas: Personas, file: PersonalInformationFile
    ) -> None:
        carry_out = request(personas, file)
        with pytest.raises(PermissionDenied):
            services.approve_carry_out(actor=personas.contractor, carry_out=carry_out)

    def test_a_refusal_needs_a_reason(
        self, personas: Personas, file: PersonalInformationFile, colleague: Any
    ) -> None:
        carry_out = request(personas, file)
        with pytest.raises(ValidationError):
            services.refuse_carry_out(actor=colleague, carry_out=carry_out, reason=" ")
        services.refuse_carry_out(actor=colleague, carry_out=carry_out, reason="不要")
        carry_out.refresh_from_db()
        assert (carry_out.status, carry_out.refusal_reason) == (CarryOut.Status.REFUSED, "不要")


class TestReturning:
    def test_the_return_is_checked_by_the_actor(
        self, personas: Personas, file: PersonalInformationFile, colleague: Any
    ) -> None:
        carry_out = request(personas, file)
        services.approve_carry_out(actor=colleague, carry_out=carry_out)
        back = timezone.now() - dt.timedelta(minutes=5)
        services.return_carry_out(actor=colleague, carry_out=carry_out, returned_at=back)
        carry_out.refresh_from_db()
        assert carry_out.status == CarryOut.Status.RETURNED
        assert (carry_out.returned_at, carry_out.return_checked_by) == (back, colleague)
        assert events("ledger.return_carry_out") == 1

    def test_a_return_in_the_future_or_before_leaving_is_refused(
        self, personas: Personas, file: PersonalInformationFile, colleague: Any
    ) -> None:
        carry_out = request(personas, file)
        services.approve_carry_out(actor=colleague, carry_out=carry_out)
        for when in (
            timezone.now() + dt.timedelta(hours=1),
            carry_out.leaves_at - dt.timedelta(minutes=1),
        ):
            with pytest.raises(ValidationError):
                services.return_carry_out(actor=colleague, carry_out=carry_out, returned_at=when)
        carry_out.refresh_from_db()
        assert carry_out.status == CarryOut.Status.OUT

    def test_only_a_carry_out_that_is_out_can_be_returned(
        self, personas: Personas, file: PersonalInformationFile, colleague: Any
    ) -> None:
        carry_out = request(personas, file)
        with pytest.raises(ValidationError) as error:
            services.return_carry_out(
                actor=colleague, carry_out=carry_out, returned_at=timezone.now()
            )
        assert error.value.code == "not_out"


def two_copies(carry_out: CarryOut) -> tuple[CarryOut, CarryOut]:
    return CarryOut.objects.get(pk=carry_out.pk), CarryOut.objects.get(pk=carry_out.pk)


class TestTwoPages:
    def test_approving_twice_approves_once(
        self, personas: Personas, file: PersonalInformationFile, colleague: Any
    ) -> None:
        first, second = two_copies(request(personas, file))
        services.approve_carry_out(actor=colleague, carry_out=first)
        with pytest.raises(ValidationError) as error:
            services.approve_carry_out(actor=colleague, carry_out=second)
        assert error.value.code == "not_requested"
        assert events("ledger.approve_carry_out") == 1

    def test_a_refusal_from_a_stale_page_cannot_undo_an_approval(
        self, personas: Personas, file: PersonalInformationFile, colleague: Any
    ) -> None:
        first, second = two_copies(request(personas, file))
        services.approve_carry_out(actor=colleague, carry_out=first)
        with pytest.raises(ValidationError):
            services.refuse_carry_out(actor=colleague, carry_out=second, reason="遅い")
        assert CarryOut.objects.get(pk=first.pk).status == CarryOut.Status.OUT

    def test_returning_twice_returns_once(
        self, personas: Personas, file: PersonalInformationFile, colleague: Any
    ) -> None:
        carry_out = request(personas, file)
        services.approve_carry_out(actor=colleague, carry_out=carry_out)
        first, second = two_copies(carry_out)
        back = timezone.now() - dt.timedelta(minutes=5)
        services.return_carry_out(actor=colleague, carry_out=first, returned_at=back)
        with pytest.raises(ValidationError) as error:
            services.return_carry_out(actor=colleague, carry_out=second, returned_at=timezone.now())
        assert error.value.code == "not_out"
        assert CarryOut.objects.get(pk=carry_out.pk).returned_at == back
        assert events("ledger.return_carry_out") == 1


def form_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "medium": "paper",
        "description": "台帳の写し",
        "record_count": "2",
        "purpose": "家庭訪問",
        "destination": "訪問先",
        "carried_by": "",
        "contract": "",
        "leaves_on": today.isoformat(),
        "leaves_time": "00:00",
        "due_on": (today + dt.timedelta(days=1)).isoformat(),
        "due_time": "17:00",
    }
    data.update(overrides)
    return data


class TestPages:
    def test_staff_request_a_paper_carry_out_and_see_its_page(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        client.force_login(personas.staff)
        url = reverse("ledger:carry_out_create", kwargs={"pk": file.pk})
        response = client.post(url, form_data(carried_by=str(personas.staff.pk)))
        carry_out = CarryOut.objects.get()
        assert response["Location"] == reverse(
            "ledger:carry_out_detail", kwargs={"pk": carry_out.pk}
        )
        page = client.get(response["Location"]).content.decode()
        assert 'data-status="requested"' in page

    def test_the_form_shows_the_rule_of_each_medium(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        client.force_login(personas.staff)
        page = client.get(reverse("ledger:carry_out_create", kwargs={"pk": file.pk}))
        body = page.content.decode()
        assert 'data-rule="paper" data-allowed="yes"' in body
        assert 'data-rule="electronic" data-allowed="no"' in body
        assert "平成21年8月6日" in body

    def test_an_electronic_request_on_a_paper_only_file_is_refused_with_the_reason(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        client.force_login(personas.staff)
        url = reverse("ledger:carry_out_create", kwargs={"pk": file.pk})
        response = client.post(
            url, form_data(medium="electronic", carried_by=str(personas.staff.pk))
        )
        assert response.status_code == 200
        assert any("平成21年8月6日" in e for e in response.context["form"].errors["medium"])
        assert not CarryOut.objects.exists()

    @pytest.mark.parametrize(
        "overrides",
        [
            {"record_count": "0"},
            {"record_count": "三"},
            {"leaves_on": "平成21年2月30日"},
            {"due_time": "25:00"},
            {"due_on": "2000-01-01"},
            {"description": ""},
            {"medium": "floppy"},
        ],
    )
    def test_bad_input_is_shown_and_nothing_saved(
        self,
        client: Client,
        personas: Personas,
        file: PersonalInformationFile,
        overrides: dict[str, str],
    ) -> None:
        client.force_login(personas.staff)
        url = reverse("ledger:carry_out_create", kwargs={"pk": file.pk})
        response = client.post(url, form_data(carried_by=str(personas.staff.pk), **overrides))
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not CarryOut.objects.exists()

    def test_a_contractor_may_name_only_its_own_people(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        client.force_login(personas.contractor)
        url = reverse("ledger:carry_out_create", kwargs={"pk": file.pk})
        response = client.post(url, form_data(carried_by=str(personas.staff.pk)))
        assert "carried_by" in response.context["form"].errors
        client.post(url, form_data(carried_by=str(personas.contractor.pk)))
        assert CarryOut.objects.get().contract == file.contracts.get()

    def test_a_colleague_approves_and_records_the_return_on_the_page(
        self,
        client: Client,
        personas: Personas,
        file: PersonalInformationFile,
        colleague: Any,
    ) -> None:
        carry_out = request(personas, file)
        client.force_login(colleague)
        client.post(reverse("ledger:carry_out_approve", kwargs={"pk": carry_out.pk}))
        carry_out.refresh_from_db()
        assert carry_out.status == CarryOut.Status.OUT
        url = reverse("ledger:carry_out_return", kwargs={"pk": carry_out.pk})
        bad = client.post(url, {"returned_on": "未定", "returned_time": "10:00"})
        assert bad.status_code == 200 and bad.context["return_form"].errors
        now = timezone.localtime()
        client.post(
            url, {"returned_on": now.date().isoformat(), "returned_time": now.strftime("%H:%M")}
        )
        carry_out.refresh_from_db()
        assert carry_out.status == CarryOut.Status.RETURNED

    def test_the_carrier_sees_no_approve_button_and_is_refused_with_a_message(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        carry_out = request(personas, file)
        client.force_login(personas.staff)
        detail = client.get(reverse("ledger:carry_out_detail", kwargs={"pk": carry_out.pk}))
        assert reverse("ledger:carry_out_approve", kwargs={"pk": carry_out.pk}) not in (
            detail.content.decode()
        )
        response = client.post(
            reverse("ledger:carry_out_approve", kwargs={"pk": carry_out.pk}), follow=True
        )
        assert len(list(response.context["messages"])) == 1
        assert CarryOut.objects.get().status == CarryOut.Status.REQUESTED

    def test_a_refusal_without_a_reason_is_shown(
        self,
        client: Client,
        personas: Personas,
        file: PersonalInformationFile,
        colleague: Any,
    ) -> None:
        carry_out = request(personas, file)
        client.force_login(colleague)
        response = client.post(reverse("ledger:carry_out_refuse", kwargs={"pk": carry_out.pk}))
        assert response.status_code == 200
        assert response.context["refuse_form"].errors
        assert CarryOut.objects.get().status == CarryOut.Status.REQUESTED

    def test_an_overdue_carry_out_is_flagged_in_the_list_with_how_long(
        self,
        client: Client,
        personas: Personas,
        file: PersonalInformationFile,
        colleague: Any,
    ) -> None:
        now = timezone.now()
        late = request(
            personas,
            file,
            leaves_at=now - dt.timedelta(days=4),
            due_back_at=now - dt.timedelta(days=3, hours=1),
        )
        services.approve_carry_out(actor=colleague, carry_out=late)
        on_time = request(personas, file)
        services.approve_carry_out(actor=colleague, carry_out=on_time)
        client.force_login(personas.auditor)
        response = client.get(reverse("ledger:carry_out_list", kwargs={"pk": file.pk}))
        rows = {c: overdue for c, overdue, _status in response.context["rows"]}
        assert rows[late] == overdue_by(dt.timedelta(days=3, hours=1))
        assert rows[on_time] == ""
        assert response.content.decode().count("data-overdue") == 1

    def test_other_departments_see_nothing(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        carry_out = request(personas, file)
        client.force_login(personas.other_staff)
        for name, pk in (
            ("ledger:carry_out_list", file.pk),
            ("ledger:carry_out_create", file.pk),
            ("ledger:carry_out_detail", carry_out.pk),
        ):
            assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 403

    def test_signed_out_visitors_are_sent_to_sign_in(
        self, client: Client, file: PersonalInformationFile
    ) -> None:
        response = client.get(reverse("ledger:carry_out_list", kwargs={"pk": file.pk}))
        assert response["Location"].startswith(reverse("accounts:login"))


def test_how_long_overdue_is_said_in_days_hours_or_under_an_hour() -> None:
    assert overdue_by(dt.timedelta(days=3, hours=1)) != overdue_by(dt.timedelta(hours=5))
    assert "3" in overdue_by(dt.timedelta(days=3, hours=1))
    assert "5" in overdue_by(dt.timedelta(hours=5))
    assert overdue_by(dt.timedelta(minutes=20)) == overdue_by(dt.timedelta(minutes=50))
