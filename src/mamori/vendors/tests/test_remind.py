"""`mamori remind` e-mails each person what is due soon and overdue, once a day."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from mamori import testing
from mamori.accounts.models import Role, User
from mamori.conftest import Personas
from mamori.consultations.models import FollowUp
from mamori.vendors.models import (
    Certification,
    Contract,
    DocumentRequest,
    Medium,
    ReminderLog,
    ReturnErasure,
    Vendor,
)
from mamori.vendors.reminders import send_reminders

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 2)
DAY = dt.timedelta(days=1)


@pytest.fixture
def people(personas: Personas) -> Personas:
    """The personas with e-mail addresses, the contractor working for a vendor."""
    for user in (
        personas.secretariat,
        personas.staff,
        personas.other_staff,
        personas.contractor,
        personas.member,
    ):
        user.email = f"{user.username}@example.jp"
        user.save(update_fields=["email"])
    testing.link_vendor_user(personas.contractor, vendor())
    return personas


def vendor() -> Vendor:
    return Vendor.objects.get_or_create(legal_name="株式会社まもり", entity_kind="kabushiki")[0]


def follow_up(personas: Personas, *, due_on: dt.date, owner: object = None) -> FollowUp:
    consultation = testing.make_consultation(personas.council, personas.shogai)
    return FollowUp.objects.create(
        consultation=consultation,
        commitment="持ち出しを紙に限る旨を仕様書に明記する。",
        owner=owner or personas.shogai,
        due_on=due_on,
    )


def live_contract(personas: Personas, **overrides: object) -> Contract:
    fields: dict[str, object] = {
        "starts_on": TODAY - 100 * DAY,
        "ends_on": TODAY + 200 * DAY,
        "vendor": vendor(),
    }
    fields.update(overrides)
    contract: Contract = testing.make_contract(personas.shogai, **fields)
    return contract


def erasure(contract: Contract, *, due_on: dt.date, **fields: object) -> ReturnErasure:
    values: dict[str, object] = {"description": "利用登録者データベース"}
    values.update(fields)
    return ReturnErasure.objects.create(
        contract=contract,
        medium=Medium.ELECTRONIC,
        action=ReturnErasure.Action.ERASE,
        due_on=due_on,
        **values,
    )


def certification(vendor: Vendor, *, expires_on: dt.date, confirmed: bool = True) -> Certification:
    """A Privacy Mark of two years, confirmed by the city unless told otherwise."""
    confirmer = User.objects.filter(role=Role.SECRETARIAT).order_by("pk").first()
    return Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.PRIVACY_MARK,
        number="10820001(05)",
        valid_from=expires_on - 730 * DAY,
        expires_on=expires_on,
        confirmed_on=TODAY - 300 * DAY if confirmed else None,
        confirmed_by=confirmer if confirmed else None,
    )


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def body_to(user: User) -> str:
    (message,) = [m for m in mail.outbox if m.to == [user.email]]
    return str(message.body)


def run(*args: str) -> str:
    out = StringIO()
    call_command("remind", *args, stdout=out)
    return out.getvalue()


class TestWhoIsReminded:
    def test_an_overdue_follow_up_mails_its_departments_staff_without_its_text(
        self, people: Personas
    ) -> None:
        item = follow_up(people, due_on=TODAY - DAY)
        send_reminders(TODAY)
        assert recipients() == [people.staff.email]
        body = body_to(people.staff)
        assert reverse("consultations:followup_update", args=[item.pk]) in body
        assert "持ち出しを紙に限る旨" not in body
        assert ReminderLog.objects.filter(
            user=people.staff, sent_on=TODAY, item=f"followup:{item.pk}:overdue"
        ).exists()

    def test_a_follow_up_of_the_secretariat_mails_the_secretariat(self, people: Personas) -> None:
        follow_up(people, due_on=TODAY + 3 * DAY, owner=people.secretariat_dept)
        send_reminders(TODAY)
        assert recipients() == [people.secretariat.email]

    def test_a_follow_up_done_or_due_later_mails_nobody(self, people: Personas) -> None:
        follow_up(people, due_on=TODAY + 60 * DAY)
        done = follow_up(people, due_on=TODAY - DAY)
        FollowUp.objects.filter(pk=done.pk).update(status=FollowUp.Status.DONE, done_on=TODAY)
        send_reminders(TODAY)
        assert mail.outbox == []

    def test_an_overdue_erasure_mails_the_staff_and_the_contractor(self, people: Personas) -> None:
        contract = live_contract(people, ends_on=TODAY - 20 * DAY)
        task = erasure(contract, due_on=TODAY - 5 * DAY)
        send_reminders(TODAY)
        assert recipients() == sorted([people.staff.email, people.contractor.email])
        body = body_to(people.contractor)
        assert reverse("vendors:erasure_detail", args=[task.pk]) in body

    def test_an_erasure_is_named_by_its_form_and_contract_not_by_its_data(
        self, people: Personas
    ) -> None:
        contract = live_contract(
            people,
            ends_on=TODAY - 20 * DAY,
            title="就労支援業務委託",
            number="令和7年度障支委第4号",
        )
        erasure(contract, due_on=TODAY - 5 * DAY, description="山田太郎の支援記録")
        send_reminders(TODAY)
        body = body_to(people.staff)
        assert "山田太郎" not in body
        assert "就労支援業務委託" in body and "令和7年度障支委第4号" in body
        with translation.override("ja"):
            assert f"{Medium.ELECTRONIC.label}" in body
            assert f"{ReturnErasure.Action.ERASE.label}" in body

    def test_a_filed_certificate_asks_only_the_staff_to_verify(self, people: Personas) -> None:
        contract = live_contract(people, ends_on=TODAY - 20 * DAY)
        document = contract.vendor.documents.create(
            kind="erasure_certificate",
            title="消去証明書",
            file="vendors/1/x",
            original_name="消去証明書.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=people.contractor,
            uploaded_at=dt.datetime(2025, 5, 30, tzinfo=dt.UTC),
        )
        erasure(
            contract,
            due_on=TODAY - 5 * DAY,
            status=ReturnErasure.Status.SUBMITTED,
            certificate=document,
        )
        send_reminders(TODAY)
        assert recipients() == [people.staff.email]

    def test_a_document_asked_for_mails_the_contractor_without_its_title(
        self, people: Personas
    ) -> None:
        asked = DocumentRequest.objects.create(
            contract=live_contract(people, title="就労支援業務委託"),
            title="山田太郎に関する報告書",
            description="山田太郎の件",
            due_on=TODAY + 5 * DAY,
            requested_by=people.staff,
            requested_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
        )
        send_reminders(TODAY)
        assert recipients() == [people.contractor.email]
        body = body_to(people.contractor)
        assert "山田太郎" not in body
        assert "就労支援業務委託" in body
        assert f"{asked.pk}" in body
        assert reverse("vendors:document_request_file", args=[asked.pk]) in body

    def test_an_expiring_certification_of_a_vendor_under_contract_mails(
        self, people: Personas
    ) -> None:
        live_contract(people)
        certification(vendor(), expires_on=TODAY + 60 * DAY)
        send_reminders(TODAY)
        assert recipients() == sorted([people.staff.email, people.contractor.email])

    def test_a_vendor_whose_contracts_all_ended_is_not_reminded(self, people: Personas) -> None:
        contract = live_contract(people, ends_on=TODAY - 30 * DAY)
        Contract.objects.filter(pk=contract.pk).update(
            status=Contract.Status.ENDED, ended_on=TODAY - 30 * DAY
        )
        certification(vendor(), expires_on=TODAY + 60 * DAY)
        send_reminders(TODAY)
        assert mail.outbox == []

    def test_an_unconfirmed_certification_is_not_reminded(self, people: Personas) -> None:
        live_contract(people)
        certification(vendor(), expires_on=TODAY + 60 * DAY, confirmed=False)
        send_reminders(TODAY)
        assert mail.outbox == []

    def test_a_renewed_certification_is_not_reminded(self, people: Personas) -> None:
        live_contract(people)
        old = certification(vendor(), expires_on=TODAY + 60 * DAY)
        certification(vendor(), expires_on=old.expires_on + 730 * DAY)
        send_reminders(TODAY)
        assert mail.outbox == []

    def test_a_renewal_not_yet_confirmed_does_not_silence_the_reminder(
        self, people: Personas
    ) -> None:
        live_contract(people)
        old = certification(vendor(), expires_on=TODAY + 60 * DAY)
        certification(vendor(), expires_on=old.expires_on + 730 * DAY, confirmed=False)
        send_reminders(TODAY)
        assert recipients() == sorted([people.staff.email, people.contractor.email])
        assert ReminderLog.objects.filter(item=f"certification:{old.pk}").count() == 2

    def test_a_certification_expiring_later_is_not_reminded(self, people: Personas) -> None:
        live_contract(people)
        certification(vendor(), expires_on=TODAY + 200 * DAY)
        send_reminders(TODAY)
        assert mail.outbox == []


class TestTheMail:
    def test_it_asks_to_log_in(self, people: Personas) -> None:
        follow_up(people, due_on=TODAY - DAY)
        send_reminders(TODAY)
        with translation.override("ja"):
            log_in = gettext("Log in to Mamori to see the details and record what was done.")
        assert log_in in body_to(people.staff)


class TestOncePerDay:
    def test_running_twice_the_same_day_sends_nothing_the_second_time(
        self, people: Personas
    ) -> None:
        follow_up(people, due_on=TODAY - DAY)
        first = send_reminders(TODAY)
        second = send_reminders(TODAY)
        assert len(mail.outbox) == 1
        assert len(first.sent) == 1
        assert second.sent == []
        assert second.nothing_new == [people.staff]

    def test_a_new_item_between_two_runs_is_sent_alone(self, people: Personas) -> None:
        old = follow_up(people, due_on=TODAY - DAY)
        send_reminders(TODAY)
        new = follow_up(people, due_on=TODAY + DAY)
        send_reminders(TODAY)
        assert len(mail.outbox) == 2
        second = mail.outbox[1].body
        assert reverse("consultations:followup_update", args=[new.pk]) in second
        assert reverse("consultations:followup_update", args=[old.pk]) not in second

    def test_the_next_day_sends_again(self, people: Personas) -> None:
        follow_up(people, due_on=TODAY - DAY)
        send_reminders(TODAY)
        send_reminders(TODAY + DAY)
        assert len(mail.outbox) == 2
        assert ReminderLog.objects.filter(user=people.staff).count() == 2

    def test_a_user_without_an_e_mail_address_is_skipped(self, people: Personas) -> None:
        User.objects.filter(pk=people.staff.pk).update(email="")
        follow_up(people, due_on=TODAY - DAY)
        summary = send_reminders(TODAY)
        assert mail.outbox == []
        assert [user.pk for user in summary.skipped] == [people.staff.pk]
        assert not ReminderLog.objects.exists()

    def test_an_inactive_user_is_not_reminded(self, people: Personas) -> None:
        User.objects.filter(pk=people.staff.pk).update(is_active=False)
        follow_up(people, due_on=TODAY - DAY)
        send_reminders(TODAY)
        assert mail.outbox == []


class TestTheCommand:
    def test_it_sends_and_prints_a_summary(self, people: Personas) -> None:
        follow_up(people, due_on=TODAY - DAY)
        first = run("--date", TODAY.isoformat())
        second = run("--date", TODAY.isoformat())
        assert len(mail.outbox) == 1
        assert "staff" in first
        with translation.override("ja"):
            summary = gettext("Sent %(sent)d, nothing new for %(unchanged)d, skipped %(skipped)d.")
        assert summary % {"sent": 1, "unchanged": 0, "skipped": 0} in first
        assert summary % {"sent": 0, "unchanged": 1, "skipped": 0} in second

    def test_a_dry_run_sends_and_logs_nothing(self, people: Personas) -> None:
        follow_up(people, due_on=TODAY - DAY)
        output = run("--date", TODAY.isoformat(), "--dry-run")
        assert mail.outbox == []
        assert not ReminderLog.objects.exists()
        assert "staff" in output
        with translation.override("ja"):
            summary = gettext(
                "Test run (nothing sent or recorded): %(sent)d e-mails would be sent, "
                "nothing new for %(unchanged)d, skipped %(skipped)d."
            )
        assert summary % {"sent": 1, "unchanged": 0, "skipped": 0} in output
        run("--date", TODAY.isoformat())
        assert len(mail.outbox) == 1

    def test_it_lists_those_skipped_for_want_of_an_address(self, people: Personas) -> None:
        User.objects.filter(pk=people.staff.pk).update(email="")
        follow_up(people, due_on=TODAY - DAY)
        output = run("--date", TODAY.isoformat())
        with translation.override("ja"):
            skipped = gettext("Skipped (no e-mail address): %(user)s")
        assert skipped % {"user": f"{people.staff} (staff)"} in output

    def test_it_defaults_to_today(self, people: Personas) -> None:
        follow_up(people, due_on=dt.date.today() - 3 * DAY)
        run()
        assert recipients() == [people.staff.email]

    def test_it_refuses_a_date_it_cannot_read(self, people: Personas) -> None:
        with pytest.raises(CommandError):
            run("--date", "2025-13-01")
