"""The registrant screens over HTTP: the purpose asked before a file's personal data is opened
and recorded with every view, the list and the name search (never in a URL), a registrant's
consents and provisions, refusals recorded with their reason, provisions under a legal
exception, and the secretariat's list of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.forms_registrants import ACCESS_PURPOSE_LABELS
from mamori.ledger.models import (
    ConsentEvent,
    ConsentStatus,
    OverrideGround,
    PersonalInformationFile,
    Provision,
    Registrant,
)

OCT_1 = dt.date(2009, 10, 1)


class World:
    """A file of 障害支援課 kept by the contractor under a contract in force, with a
    registrant who refused to have 障害の状況 given to 学校."""

    def __init__(self, personas: Personas) -> None:
        today = timezone.localdate()
        vendor = testing.make_vendor()
        testing.link_vendor_user(personas.contractor, vendor)
        testing.link_vendor_user(personas.other_contractor, testing.make_vendor())
        contract = testing.make_contract(
            personas.shogai,
            vendor,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=30),
        )
        self.file: PersonalInformationFile = testing.make_ledger_file(
            personas.shogai, contracts=[contract]
        )
        self.registrant: Registrant = testing.make_registrant(
            self.file, name="山田 花子", name_kana="ヤマダ ハナコ", registration_number="A-0001"
        )
        self.school = self.file.recipients.get(name="学校")
        self.hello_work = self.file.recipients.get(name="ハローワーク")
        self.basic = self.file.item_groups.get(name="基本情報")
        self.disability = self.file.item_groups.get(name="障害の状況")
        self.enrolment = self.file.purposes.get(name="在学状況の確認")
        self.job = self.file.purposes.get(name="就労先の紹介")
        for status, recipient, purpose in (
            (ConsentStatus.REFUSED, self.school, self.enrolment),
            (ConsentStatus.GIVEN, self.hello_work, self.job),
        ):
            for group in (self.basic, self.disability):
                ConsentEvent.objects.create(
                    registrant=self.registrant,
                    recipient=recipient,
                    item_group=group,
                    purpose=purpose,
                    status=status,
                    effective_on=OCT_1,
                    written_form_on_file=True,
                    recorded_by=personas.staff,
                    recorded_at=timezone.now(),
                )

    def url(self, name: str, *, on_file: bool = False) -> str:
        return reverse(f"ledger:{name}", args=[self.file.pk if on_file else self.registrant.pk])


@pytest.fixture
def world(personas: Personas) -> World:
    return World(personas)


def give_purpose(client: Client, world: World, purpose: str = "counter", note: str = "") -> Any:
    return client.post(
        world.url("access_purpose", on_file=True), {"purpose": purpose, "note": note}
    )


def signed_in(client: Client, user: Any, world: World | None = None) -> Client:
    """The client signed in and, given the world, with a purpose given for its file."""
    client.force_login(user)
    if world is not None:
        give_purpose(client, world)
    return client


def views(use_case: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, use_case=use_case).order_by("seq")
    )


# The purpose of access -------------------------------------------------------------------------


def test_the_first_view_of_a_files_personal_data_asks_for_the_purpose(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff)
    detail = world.url("registrant_detail")
    response = client.get(detail)
    assert response.status_code == 302
    assert response["Location"].startswith(world.url("access_purpose", on_file=True))
    assert not views("ledger.view_registrant")

    response = client.post(
        response["Location"], {"purpose": "provision", "note": "", "next": detail}
    )
    assert response.status_code == 302
    assert response["Location"] == detail

    response = client.get(detail)
    assert response.status_code == 200
    assert "山田 花子" in response.content.decode()
    (event,) = views("ledger.view_registrant")
    assert event.actor == personas.staff
    assert event.object_id == str(world.registrant.pk)
    assert event.changes["purpose"] == str(ACCESS_PURPOSE_LABELS["provision"])
    assert "山田" not in event.object_repr and "山田" not in str(event.changes)


def test_a_second_view_in_the_session_does_not_ask_again_but_is_recorded(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    assert client.get(world.url("registrant_detail")).status_code == 200
    assert client.get(world.url("registrant_detail")).status_code == 200
    assert len(views("ledger.view_registrant")) == 2


def test_another_session_asks_for_the_purpose_again(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    assert client.get(world.url("registrant_detail")).status_code == 200
    other = Client()
    other.force_login(personas.staff)
    response = other.get(world.url("registrant_detail"))
    assert response.status_code == 302
    assert response["Location"].startswith(world.url("access_purpose", on_file=True))


def test_the_purpose_other_needs_a_note_which_is_recorded(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)
    response = give_purpose(client, world, "other")
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert client.get(world.url("registrant_detail")).status_code == 302

    give_purpose(client, world, "other", "監査資料の確認")
    assert client.get(world.url("registrant_detail")).status_code == 200
    (event,) = views("ledger.view_registrant")
    assert event.changes["purpose"].endswith("監査資料の確認")


def test_a_purpose_that_is_not_a_choice_is_refused(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)
    response = give_purpose(client, world, "curiosity")
    assert response.status_code == 200
    assert response.context["form"].errors["purpose"]


def test_the_purpose_form_never_sends_the_user_to_another_site(
    client: Client, personas: Personas, world: World
) -> None:
    client.force_login(personas.staff)
    response = client.post(
        world.url("access_purpose", on_file=True),
        {"purpose": "counter", "next": "https://evil.example/steal"},
    )
    assert response.status_code == 302
    assert response["Location"] == world.url("registrant_list", on_file=True)


def test_the_purpose_is_given_per_file(client: Client, personas: Personas, world: World) -> None:
    signed_in(client, personas.staff, world)
    other_file = testing.make_ledger_file(personas.shogai)
    other = testing.make_registrant(other_file)
    response = client.get(reverse("ledger:registrant_detail", args=[other.pk]))
    assert response.status_code == 302
    assert reverse("ledger:access_purpose", args=[other_file.pk]) in response["Location"]


# Who may see personal data ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["other_staff", "secretariat", "member", "chair", "auditor", "other_contractor"]
)
@pytest.mark.parametrize(
    ("name", "on_file"),
    [
        ("registrant_list", True),
        ("access_purpose", True),
        ("registrant_create", True),
        ("registrant_detail", False),
        ("registrant_edit", False),
        ("consent_create", False),
        ("provision_create", False),
        ("provision_override", False),
    ],
)
def test_nobody_outside_the_department_and_its_contractor_sees_personal_data(
    client: Client, personas: Personas, world: World, role: str, name: str, on_file: bool
) -> None:
    client.force_login(getattr(personas, role))
    assert client.get(world.url(name, on_file=on_file)).status_code == 403
    assert client.post(world.url(name, on_file=on_file), {}).status_code == 403
    assert not views("ledger.view_registrant")


def test_the_contractor_of_the_file_sees_its_registrants_but_records_no_exception(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.contractor, world)
    response = client.get(world.url("registrant_detail"))
    assert response.status_code == 200
    assert world.url("provision_override") not in response.content.decode()
    assert client.get(world.url("provision_override")).status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(client: Client, world: World) -> None:
    response = client.get(world.url("registrant_detail"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# The list and the search --------------------------------------------------------------------


def test_the_list_records_one_view_with_the_numbers_shown(
    client: Client, personas: Personas, world: World
) -> None:
    testing.make_registrant(world.file, registration_number="A-0002")
    signed_in(client, personas.staff, world)
    response = client.get(world.url("registrant_list", on_file=True))
    assert response.status_code == 200
    assert "山田 花子" in response.content.decode()
    (event,) = views("ledger.view_registrant_list")
    assert event.changes["shown"] == ["A-0001", "A-0002"]
    assert event.object_id == str(world.file.pk)


def test_the_list_is_filtered_by_registration_number(
    client: Client, personas: Personas, world: World
) -> None:
    testing.make_registrant(world.file, registration_number="B-0002")
    signed_in(client, personas.staff, world)
    response = client.get(world.url("registrant_list", on_file=True), {"number": "ｂ-00"})
    assert [r.registration_number for r in response.context["registrants"]] == ["B-0002"]
    assert views("ledger.view_registrant_list")[-1].changes["shown"] == ["B-0002"]


def test_the_list_shows_fifty_a_page(client: Client, personas: Personas, world: World) -> None:
    for number in range(2, 52):
        testing.make_registrant(world.file, registration_number=f"A-{number:04d}")
    signed_in(client, personas.staff, world)
    first = client.get(world.url("registrant_list", on_file=True))
    assert len(first.context["registrants"]) == 50
    second = client.get(world.url("registrant_list", on_file=True), {"page": 2})
    assert [r.registration_number for r in second.context["registrants"]] == ["A-0051"]
    assert [len(event.changes["shown"]) for event in views("ledger.view_registrant_list")] == [
        50,
        1,
    ]


def test_the_name_search_ignores_width_and_spaces_and_never_puts_the_name_in_a_url(
    client: Client, personas: Personas, world: World
) -> None:
    testing.make_registrant(world.file, name="鈴木 一郎", registration_number="A-0002")
    signed_in(client, personas.staff, world)
    url = world.url("registrant_list", on_file=True)
    for typed in ("山田花子", "山田　花子", "ﾔﾏﾀﾞ ﾊﾅｺ", "花子"):
        response = client.post(url, {"name": typed})
        assert response.status_code == 200
        assert [r.registration_number for r in response.context["registrants"]] == ["A-0001"]
        assert response.request["QUERY_STRING"] == ""
        assert "山田" not in response.request["PATH_INFO"]
    body = response.content.decode()
    assert 'method="post"' in body and 'id="name-search"' in body
    for event in AuditEvent.objects.all():
        assert "花子" not in str(event.changes) and "ﾊﾅｺ" not in str(event.changes)
    assert views("ledger.view_registrant_list")[-1].changes["shown"] == ["A-0001"]


def test_an_empty_name_search_says_so_without_a_500(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(world.url("registrant_list", on_file=True), {"name": " "})
    assert response.status_code == 200
    assert response.context["search"].errors["name"]


# Registering and editing --------------------------------------------------------------------


def test_staff_register_a_person_and_land_on_the_registrant(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(
        world.url("registrant_create", on_file=True),
        {
            "registration_number": "A-0100",
            "name": "佐藤 次郎",
            "name_kana": "サトウ ジロウ",
            "birth_date": "平成2年4月1日",
            "registered_on": "平成21年10月1日",
        },
    )
    registrant = Registrant.objects.get(file=world.file, registration_number="A-0100")
    assert response.status_code == 302
    assert response["Location"] == reverse("ledger:registrant_detail", args=[registrant.pk])
    assert registrant.name == "佐藤 次郎"
    assert registrant.birth_date == dt.date(1990, 4, 1)


def test_a_registration_number_already_used_is_refused_keeping_what_was_typed(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(
        world.url("registrant_create", on_file=True),
        {"registration_number": "A-0001", "name": "佐藤 次郎", "registered_on": "平成21年10月1日"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["registration_number"]
    assert "佐藤 次郎" in response.content.decode()
    assert Registrant.objects.filter(file=world.file).count() == 1


def test_a_registrant_form_with_bad_dates_is_refused(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(
        world.url("registrant_create", on_file=True),
        {"registration_number": "A-0100", "name": "佐藤", "registered_on": "平成21年2月30日"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["registered_on"]
    assert not Registrant.objects.filter(registration_number="A-0100").exists()


def test_editing_a_registrant_audits_that_the_name_changed_not_what_it_is(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.get(world.url("registrant_edit"))
    assert response.status_code == 200
    assert "山田 花子" in response.content.decode()
    response = client.post(
        world.url("registrant_edit"),
        {"registration_number": "A-0001", "name": "山田 春子", "registered_on": "平成21年10月1日"},
    )
    assert response.status_code == 302
    world.registrant.refresh_from_db()
    assert world.registrant.name == "山田 春子"
    (event,) = AuditEvent.objects.filter(use_case="ledger.update_registrant")
    assert event.changes["name"] == [AuditEvent.ENCRYPTED_VALUE, AuditEvent.ENCRYPTED_VALUE]


# Consents -----------------------------------------------------------------------------------


def consent_data(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "recipient": world.school.pk,
        "purpose": world.enrolment.pk,
        "item_groups": [world.basic.pk],
        "status": ConsentStatus.GIVEN,
        "effective_on": "平成21年11月1日",
        "written_form_on_file": "on",
    } | overrides


def test_a_consent_is_recorded_and_shown_on_the_registrant(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    # The person refused this before: the consent is recorded once the reversal is confirmed.
    confirmed = {"confirmation_asked": "1", "confirmed": "on"}
    response = client.post(world.url("consent_create"), consent_data(world, **confirmed))
    assert response.status_code == 302
    event = ConsentEvent.objects.get(registrant=world.registrant, effective_on=dt.date(2009, 11, 1))
    assert (event.status, event.item_group, event.written_form_on_file) == (
        "given",
        world.basic,
        True,
    )
    detail = client.get(world.url("registrant_detail"))
    grid = {
        (row.recipient.name, row.purpose.name): [cell.state for cell in row.cells]
        for row in detail.context["grid"]
    }
    assert grid[("学校", "在学状況の確認")] == ["covered", "refused"]
    assert grid[("ハローワーク", "就労先の紹介")] == ["covered", "covered"]
    # Pairs never asked are set apart (behind a toggle), not in the main grid.
    assert ("ハローワーク", "在学状況の確認") not in grid
    rest = {
        (row.recipient.name, row.purpose.name): [cell.state for cell in row.cells]
        for row in detail.context["grid_rest"]
    }
    assert rest[("ハローワーク", "在学状況の確認")] == ["none", "none"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"item_groups": []},
        {"status": "perhaps"},
        {"effective_on": "令和99年1月1日"},
        {"expires_on": "平成21年10月1日"},
        {"recipient": ""},
    ],
)
def test_a_bad_consent_is_refused_and_nothing_is_saved(
    client: Client, personas: Personas, world: World, overrides: dict[str, Any]
) -> None:
    signed_in(client, personas.staff, world)
    before = ConsentEvent.objects.count()
    response = client.post(world.url("consent_create"), consent_data(world, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert ConsentEvent.objects.count() == before


def test_a_consent_of_another_files_recipient_is_refused(
    client: Client, personas: Personas, world: World
) -> None:
    other = testing.make_ledger_file(personas.shogai)
    signed_in(client, personas.staff, world)
    response = client.post(
        world.url("consent_create"),
        consent_data(world, recipient=other.recipients.first().pk),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["recipient"]


# Provisions ---------------------------------------------------------------------------------


def provision_data(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "recipient": world.school.pk,
        "purpose": world.enrolment.pk,
        "item_groups": [world.basic.pk, world.disability.pk],
        "provided_on": "平成21年11月2日",
        "late_reason": "紙の記録から転記",
    } | overrides


def test_a_refused_provision_is_recorded_and_the_page_says_why(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(world.url("provision_create"), provision_data(world), follow=True)
    provision = Provision.objects.get(registrant=world.registrant)
    assert provision.outcome == Provision.Outcome.REFUSED
    assert "学校" in provision.refusal_reason and "障害の状況" in provision.refusal_reason
    assert [g.name for g in provision.item_groups.order_by("id")] == ["基本情報", "障害の状況"]
    body = response.content.decode()
    assert 'role="alert"' in body and 'id="provision-refused"' in body
    assert "平成21年10月1日" in body
    override = world.url("provision_override") + f"?from={provision.pk}"
    assert override in body


def test_the_contractor_is_stopped_too_and_offered_no_exception(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.contractor, world)
    response = client.post(world.url("provision_create"), provision_data(world), follow=True)
    body = response.content.decode()
    assert 'id="provision-refused"' in body
    assert 'id="override-link"' not in body
    assert Provision.objects.get().outcome == "refused"


def test_an_allowed_provision_is_recorded_with_a_success_message(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(
        world.url("provision_create"),
        provision_data(world, recipient=world.hello_work.pk, purpose=world.job.pk),
        follow=True,
    )
    assert Provision.objects.get().outcome == Provision.Outcome.ALLOWED
    body = response.content.decode()
    assert "message--success" in body
    assert 'id="provision-refused"' not in body


@pytest.mark.parametrize(
    "overrides",
    [
        {"item_groups": []},
        {"provided_on": "令和99年1月1日"},
        {"provided_on": "あした"},
        {"purpose": 999999},
    ],
)
def test_a_bad_provision_is_refused_and_nothing_is_saved(
    client: Client, personas: Personas, world: World, overrides: dict[str, Any]
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(world.url("provision_create"), provision_data(world, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Provision.objects.exists()


def test_another_registrants_provision_is_not_shown_as_recorded(
    client: Client, personas: Personas, world: World
) -> None:
    other = testing.make_registrant(world.file)
    refused = Provision.objects.create(
        registrant=other,
        recipient=world.school,
        purpose=world.enrolment,
        provided_on=OCT_1,
        outcome=Provision.Outcome.REFUSED,
        refusal_reason="理由",
        recorded_by=personas.staff,
        recorded_at=timezone.now(),
    )
    signed_in(client, personas.staff, world)
    response = client.get(world.url("provision_create"), {"recorded": refused.pk})
    assert response.context["recorded"] is None


# Provisions under a legal exception ------------------------------------------------------------


def override_data(world: World, **overrides: Any) -> dict[str, Any]:
    return (
        provision_data(world)
        | {
            "ground": OverrideGround.LIFE,
            "explanation": "校内で倒れ救急搬送、搬送先に障害の状況を伝えた",
        }
        | overrides
    )


@pytest.mark.parametrize("missing", ["ground", "explanation"])
def test_an_exception_needs_its_ground_and_circumstances(
    client: Client, personas: Personas, world: World, missing: str
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(world.url("provision_override"), override_data(world, **{missing: ""}))
    assert response.status_code == 200
    assert response.context["form"].errors[missing]
    assert not Provision.objects.exists()


def test_an_exception_is_recorded_and_listed_for_the_secretariat_by_number_only(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(world.url("provision_override"), override_data(world))
    assert response.status_code == 302
    provision = Provision.objects.get()
    assert provision.outcome == Provision.Outcome.OVERRIDDEN
    assert provision.override_ground == OverrideGround.LIFE

    for role in ("secretariat", "auditor"):
        reader = Client()
        reader.force_login(getattr(personas, role))
        response = reader.get(reverse("ledger:override_list"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "A-0001" in body and "学校" in body
        assert escape(str(OverrideGround.LIFE.label)) in body
        assert "山田" not in body and "救急" not in body


def test_an_exception_where_consent_covers_the_provision_is_refused(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(
        world.url("provision_override"),
        override_data(world, recipient=world.hello_work.pk, purpose=world.job.pk),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Provision.objects.exists()


def test_the_exception_form_is_filled_from_the_refused_provision(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    client.post(world.url("provision_create"), provision_data(world))
    refused = Provision.objects.get()
    response = client.get(world.url("provision_override"), {"from": refused.pk})
    initial = response.context["form"].initial
    assert initial["recipient"] == world.school.pk
    assert sorted(initial["item_groups"]) == sorted([world.basic.pk, world.disability.pk])


def test_the_override_list_is_closed_to_staff_and_contractors(
    client: Client, personas: Personas
) -> None:
    for role in ("staff", "other_staff", "contractor", "member"):
        client.force_login(getattr(personas, role))
        assert client.get(reverse("ledger:override_list")).status_code == 403
