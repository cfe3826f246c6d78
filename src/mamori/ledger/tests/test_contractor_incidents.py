"""A contractor reports an incident under its contract in force: the report reaches the
contract's department, which sees it first in its list and on its home page until it
acknowledges receipt; other contractors see nothing of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.models import Incident, IncidentKind
from mamori.ledger.services import incidents as services

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class World:
    contract: Any
    file: Any
    other_file: Any
    ended: Any


@pytest.fixture
def world(personas: Personas) -> World:
    """The contractor's vendor holds a contract in force with 障害支援課 for one file, and an
    ended one; another file of the department is kept under no contract of the vendor."""
    vendor = testing.make_vendor()
    testing.link_vendor_user(personas.contractor, vendor)
    testing.link_vendor_user(personas.other_contractor, testing.make_vendor())
    contract = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today() - dt.timedelta(days=30),
        ends_on=today() + dt.timedelta(days=300),
    )
    ended = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today() - dt.timedelta(days=400),
        ends_on=today() - dt.timedelta(days=40),
    )
    file = testing.make_ledger_file(personas.shogai, contracts=[contract])
    other_file = testing.make_ledger_file(personas.shogai, name="別の台帳")
    return World(contract=contract, file=file, other_file=other_file, ended=ended)


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "contract": world.contract.pk,
        "file": world.file.pk,
        "title": "委託先での台帳の写しの紛失",
        "kind": "loss",
        "suspected": "no",
        "what_happened": "作業所で印刷した一覧を紛失した。",
        "discovered_on": today().isoformat(),
        "people_count": "3",
        "special_care": "no",
        "financial_harm": "no",
        "malicious": "no",
        "ordinance_special_care": "no",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def report(personas: Personas, world: World, **overrides: Any) -> Incident:
    fields: dict[str, Any] = {
        "file": world.file,
        "title": "委託先での誤送信",
        "kind": IncidentKind.LEAK,
        "what_happened": "一覧を誤ったあて先へ送信した。",
        "discovered_on": today(),
        "people_count": 2,
    }
    fields.update(overrides)
    return services.report_incident(actor=personas.contractor, contract=world.contract, **fields)


def test_a_contractor_reports_through_the_form_and_the_department_receives_it(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.contractor)
    response = client.get(reverse("ledger:incident_create"))
    page = response.content.decode()
    form = response.context["form"]
    # No department to choose: the report goes to the contract's department.
    assert "department" not in form.fields and form.fields["contract"].required
    # Only the vendor's contract in force is offered, with the department it is for.
    assert world.contract.title in page
    assert world.ended.title not in page
    assert "別の台帳" not in page
    response = client.post(reverse("ledger:incident_create"), form_data(world))
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.department == personas.shogai
    assert incident.contract == world.contract
    assert incident.file == world.file
    assert incident.reported_by_contractor is True
    assert incident.recorded_by == personas.contractor
    assert incident.acknowledged_at is None
    event = AuditEvent.objects.get(use_case="ledger.report_incident")
    assert event.actor == personas.contractor
    # The department sees it first, marked as awaiting acknowledgement.
    client.force_login(personas.staff)
    listing = client.get(reverse("ledger:incident_list")).content.decode()
    assert "委託先での台帳の写しの紛失" in listing
    assert "受領" in listing


def test_the_form_refuses_a_file_not_kept_under_the_chosen_contract(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.contractor)
    response = client.post(
        reverse("ledger:incident_create"), form_data(world, file=world.other_file.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Incident.objects.exists()


def test_the_form_refuses_an_ended_contract(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.contractor)
    response = client.post(
        reverse("ledger:incident_create"), form_data(world, contract=world.ended.pk, file=None)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["contract"]
    assert not Incident.objects.exists()


def test_the_service_refuses_another_vendor_s_contract_and_files_outside_it(
    personas: Personas, world: World
) -> None:
    with pytest.raises(ValidationError) as refused:
        report(personas, world, file=world.other_file)
    assert refused.value.code == "file"
    foreign = testing.make_contract(
        personas.shogai,
        personas.other_contractor.vendor_link.vendor,
        starts_on=today() - dt.timedelta(days=1),
        ends_on=today() + dt.timedelta(days=10),
    )
    with pytest.raises(ValidationError) as refused:
        services.report_incident(
            actor=personas.contractor,
            contract=foreign,
            title="x",
            kind=IncidentKind.LEAK,
            what_happened="x",
            discovered_on=today(),
            people_count=1,
        )
    assert refused.value.code == "contract"
    assert not Incident.objects.exists()


def test_only_a_contractor_with_a_contract_in_force_may_report(
    client: Client, personas: Personas, world: World
) -> None:
    # The other contractor's vendor has no contract at all.
    client.force_login(personas.other_contractor)
    assert client.get(reverse("ledger:incident_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.report_incident(
            actor=personas.staff,
            contract=world.contract,
            title="x",
            kind=IncidentKind.LEAK,
            what_happened="x",
            discovered_on=today(),
            people_count=1,
        )


def test_the_contractor_reads_its_reports_but_changes_nothing(
    client: Client, personas: Personas, world: World
) -> None:
    incident = report(personas, world)
    client.force_login(personas.contractor)
    detail = client.get(reverse("ledger:incident_detail", args=[incident.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "一覧を誤ったあて先へ送信した。" in page
    assert reverse("ledger:incident_edit", args=[incident.pk]) not in page
    assert reverse("ledger:incident_acknowledge", args=[incident.pk]) not in page
    assert client.get(reverse("ledger:incident_edit", args=[incident.pk])).status_code == 403
    assert client.get(reverse("ledger:incident_reports", args=[incident.pk])).status_code == 403
    assert (
        client.post(reverse("ledger:incident_acknowledge", args=[incident.pk])).status_code == 403
    )
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_another_contractor_sees_nothing_of_it(
    client: Client, personas: Personas, world: World
) -> None:
    incident = report(personas, world)
    client.force_login(personas.other_contractor)
    listing = client.get(reverse("ledger:incident_list"))
    assert listing.status_code == 200
    assert "委託先での誤送信" not in listing.content.decode()
    assert client.get(reverse("ledger:incident_detail", args=[incident.pk])).status_code == 403


def test_a_contractor_reads_incidents_the_department_linked_to_its_contract_only(
    client: Client, personas: Personas, world: World
) -> None:
    linked = services.record_incident(
        actor=personas.staff,
        department=personas.shogai,
        contract=world.contract,
        title="委託先起因の紛失",
        kind=IncidentKind.LOSS,
        what_happened="委託先の作業所で紛失。",
        discovered_on=today(),
        people_count=1,
    )
    unlinked = services.record_incident(
        actor=personas.staff,
        department=personas.shogai,
        title="課内での誤送付",
        kind=IncidentKind.LEAK,
        what_happened="課内で誤送付。",
        discovered_on=today(),
        people_count=1,
    )
    client.force_login(personas.contractor)
    listing = client.get(reverse("ledger:incident_list")).content.decode()
    assert "委託先起因の紛失" in listing
    assert "課内での誤送付" not in listing
    assert client.get(reverse("ledger:incident_detail", args=[linked.pk])).status_code == 200
    assert client.get(reverse("ledger:incident_detail", args=[unlinked.pk])).status_code == 403


def test_the_department_acknowledges_receipt_once_and_it_is_audited(
    client: Client, personas: Personas, world: World
) -> None:
    incident = report(personas, world)
    client.force_login(personas.staff)
    detail = client.get(reverse("ledger:incident_detail", args=[incident.pk])).content.decode()
    assert reverse("ledger:incident_acknowledge", args=[incident.pk]) in detail
    response = client.post(reverse("ledger:incident_acknowledge", args=[incident.pk]))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.acknowledged_by == personas.staff
    assert incident.acknowledged_at is not None
    assert AuditEvent.objects.filter(use_case="ledger.acknowledge_incident").count() == 1
    # A second press changes nothing and says so.
    first = incident.acknowledged_at
    client.post(reverse("ledger:incident_acknowledge", args=[incident.pk]))
    incident.refresh_from_db()
    assert incident.acknowledged_at == first
    assert AuditEvent.objects.filter(use_case="ledger.acknowledge_incident").count() == 1
    detail = client.get(reverse("ledger:incident_detail", args=[incident.pk])).content.decode()
    assert reverse("ledger:incident_acknowledge", args=[incident.pk]) not in detail


def test_staff_of_another_department_cannot_acknowledge(
    client: Client, personas: Personas, world: World
) -> None:
    incident = report(personas, world)
    client.force_login(personas.other_staff)
    assert (
        client.post(reverse("ledger:incident_acknowledge", args=[incident.pk])).status_code == 403
    )
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_acknowledgement_is_only_for_contractors_reports(personas: Personas) -> None:
    incident = services.record_incident(
        actor=personas.staff,
        department=personas.shogai,
        title="課内での誤送付",
        kind=IncidentKind.LEAK,
        what_happened="課内で誤送付。",
        discovered_on=today(),
        people_count=1,
    )
    with pytest.raises(PermissionDenied):
        services.acknowledge_incident(actor=personas.staff, incident=incident)


def test_unacknowledged_reports_come_first_in_the_list_and_on_the_home_page(
    client: Client, personas: Personas, world: World
) -> None:
    overdue = services.record_incident(
        actor=personas.staff,
        department=personas.shogai,
        title="期限切れの報告事案",
        kind=IncidentKind.LEAK,
        what_happened="誤送付。",
        discovered_on=today() - dt.timedelta(days=20),
        people_count=1,
        special_care=True,
    )
    reported = report(personas, world)
    client.force_login(personas.staff)
    listing = client.get(reverse("ledger:incident_list"))
    rows = [row.incident for row in listing.context["open_rows"]]
    assert rows == [reported, overdue]
    home = client.get(reverse("core:home"))
    assert home.context["incidents_unacknowledged"] == [reported]
    assert "委託先での誤送信" in home.content.decode()
    services.acknowledge_incident(actor=personas.staff, incident=reported)
    assert client.get(reverse("core:home")).context["incidents_unacknowledged"] == []
    listing = client.get(reverse("ledger:incident_list"))
    assert [row.incident for row in listing.context["open_rows"]] == [overdue, reported]


def test_the_department_s_staff_are_mailed_without_the_contractor_s_words(
    personas: Personas, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    personas.staff.email = "staff@city.example"
    personas.staff.save()
    personas.other_staff.email = "other@city.example"
    personas.other_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(personas, world, title="山田太郎さんの記録の誤送信")
    (message,) = mail.outbox
    assert message.to == ["staff@city.example"]
    assert "受託者" in message.subject
    assert world.contract.vendor.legal_name in message.body
    assert reverse("ledger:incident_detail", args=[incident.pk]) in message.body
    # Nothing typed by the contractor reaches the mail.
    assert "山田" not in message.subject + message.body
    assert "誤ったあて先" not in message.body


def test_a_mail_that_cannot_be_sent_does_not_undo_the_report(
    personas: Personas, world: World, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    personas.staff.email = "staff@city.example"
    personas.staff.save()

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise OSError("connection refused")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(personas, world)
    assert Incident.objects.filter(pk=incident.pk, reported_by_contractor=True).exists()


# After review: the report keeps its contract; the department alone acknowledges; data still
# held after the end of a contract can be reported; mails reach someone. --------------------


def test_the_department_cannot_move_a_contractor_s_report_to_another_contract(
    client: Client, personas: Personas, world: World
) -> None:
    incident = report(personas, world)
    other = testing.make_contract(personas.shogai, testing.make_vendor())
    with pytest.raises(ValidationError) as refused:
        services.update_incident(actor=personas.staff, incident=incident, contract=other)
    assert refused.value.code == "contract"
    with pytest.raises(ValidationError):
        services.update_incident(actor=personas.staff, incident=incident, contract=None)
    # The edit form shows the contract but does not let it change.
    client.force_login(personas.staff)
    page = client.get(reverse("ledger:incident_edit", args=[incident.pk]))
    assert page.context["form"].fields["contract"].disabled
    incident.refresh_from_db()
    assert incident.contract == world.contract


def test_the_secretariat_does_not_acknowledge_for_the_department(
    client: Client, personas: Personas, world: World
) -> None:
    incident = report(personas, world)
    client.force_login(personas.secretariat)
    page = client.get(reverse("ledger:incident_detail", args=[incident.pk])).content.decode()
    assert reverse("ledger:incident_acknowledge", args=[incident.pk]) not in page
    response = client.post(reverse("ledger:incident_acknowledge", args=[incident.pk]))
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_a_second_acknowledgement_writes_nothing(personas: Personas, world: World) -> None:
    incident = report(personas, world)
    assert services.acknowledge_incident(actor=personas.staff, incident=incident) is True
    assert services.acknowledge_incident(actor=personas.staff, incident=incident) is False
    assert AuditEvent.objects.filter(use_case="ledger.acknowledge_incident").count() == 1


def test_an_ended_contract_with_data_still_held_can_be_reported_under(
    client: Client, personas: Personas, world: World
) -> None:
    from django.core.files.base import ContentFile

    from mamori.vendors.models import Medium, ReturnErasure, VendorDocument

    task = ReturnErasure.objects.create(
        contract=world.ended,
        medium=Medium.PAPER,
        action=ReturnErasure.Action.RETURN,
        description="利用登録票",
        due_on=today() - dt.timedelta(days=10),
    )
    client.force_login(personas.contractor)
    page = client.get(reverse("ledger:incident_create")).content.decode()
    assert world.ended.title in page
    response = client.post(
        reverse("ledger:incident_create"), form_data(world, contract=world.ended.pk, file=None)
    )
    assert response.status_code == 302
    assert Incident.objects.get().contract == world.ended
    # Once the return is proven, the ended contract is no longer offered.
    certificate = VendorDocument.objects.create(
        vendor=world.ended.vendor,
        contract=world.ended,
        kind=VendorDocument.Kind.APPROVAL_REQUEST,
        title="返還証明書",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="certificate.pdf"),
        original_name="返還証明書.pdf",
        content_type="application/pdf",
        size=15,
        sha256="0" * 64,
        uploaded_by=personas.contractor,
        uploaded_at=timezone.now(),
    )
    task.status = ReturnErasure.Status.VERIFIED
    task.certificate = certificate
    task.verified_on = today()
    task.verified_by = personas.staff
    task.save()
    page = client.get(reverse("ledger:incident_create")).content.decode()
    assert world.ended.title not in page


def test_a_contractor_without_a_contract_to_report_under_is_told_to_telephone(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.other_contractor)
    page = client.get(reverse("ledger:incident_list")).content.decode()
    assert reverse("ledger:incident_create") not in page
    assert "電話" in page


def test_the_contractor_s_form_asks_what_only_it_can_answer(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.contractor)
    form = client.get(reverse("ledger:incident_create")).context["form"]
    # Its one contract is chosen for it; the file follows the contract.
    assert form.fields["contract"].initial == world.contract.pk
    assert list(form.fields)[:2] == ["contract", "file"]
    # Whether no special-care data is involved is for the department to confirm.
    assert "special_care_confirmed" not in form.fields
    special = testing.make_ledger_file(
        personas.shogai, name="要配慮の台帳", contains_special_care=True, contracts=[world.contract]
    )
    response = client.post(
        reverse("ledger:incident_create"), form_data(world, file=special.pk, special_care="no")
    )
    assert response.status_code == 302


def test_staff_of_the_department_above_are_mailed_and_else_the_secretariat(
    personas: Personas, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # Nobody of 障害支援課 has an address: the staff of 健康福祉部 above it are told.
    above = testing.make_user("department_staff", department=personas.shogai.parent)
    above.email = "kenko@city.example"
    above.save()
    with django_capture_on_commit_callbacks(execute=True):
        report(personas, world)
    assert [m.to for m in mail.outbox] == [["kenko@city.example"]]
    above.email = ""
    above.save()
    personas.secretariat.email = "jimukyoku@city.example"
    personas.secretariat.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report(personas, world)
    assert [m.to for m in mail.outbox] == [["jimukyoku@city.example"]]


def test_the_mail_gives_the_number_and_the_prompt_report_s_day_when_one_is_due(
    personas: Personas, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from mamori.core import eras
    from mamori.ledger.deadlines import prompt_report_due

    personas.staff.email = "staff@city.example"
    personas.staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(personas, world, special_care=True)
    body = mail.outbox[0].body
    assert f"No. {incident.pk}" in body
    assert eras.format_date(prompt_report_due(incident.discovered_on)) in body
    assert "速報" in body


def test_the_department_s_home_shows_reports_to_acknowledge_first_and_the_contractor_s_its_own(
    client: Client, personas: Personas, world: World
) -> None:
    incident = report(personas, world)
    client.force_login(personas.staff)
    page = client.get(reverse("core:home")).content.decode()
    # The first card of the page.
    card = page.index('id="incidents-unacknowledged"')
    assert page.find("<section") == page.rfind("<section", 0, card)
    assert reverse("ledger:incident_detail", args=[incident.pk]) in page
    # The secretariat cannot acknowledge, so it is not asked to.
    client.force_login(personas.secretariat)
    assert client.get(reverse("core:home")).context["incidents_unacknowledged"] == []
    client.force_login(personas.contractor)
    home = client.get(reverse("core:home"))
    assert home.context["contractor_reports_unacknowledged"] == 1
    assert reverse("ledger:incident_create") in home.content.decode()
