"""Recording consents, provisions asked of Mamori and provisions under a legal exception:
validation in Japanese, nothing saved on a refusal of input, every write audited, never a
value of an encrypted field in the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.models import (
    ConsentEvent,
    ConsentStatus,
    OverrideGround,
    Provision,
)
from mamori.ledger.services.consents import record_consent, record_override, record_provision

OCT_1 = dt.date(2009, 10, 1)
OCT_5 = dt.date(2009, 10, 5)
# The tests' provisions are dated in 2009: recorded late, with a reason.
LATE = "紙の台帳から転記したため"


class World:
    def __init__(self, personas: Personas) -> None:
        self.personas = personas
        self.file = testing.make_ledger_file(personas.shogai)
        self.registrant = testing.make_registrant(self.file)
        self.school = self.file.recipients.get(name="学校")
        self.hello_work = self.file.recipients.get(name="ハローワーク")
        self.basic = self.file.item_groups.get(name="基本情報")
        self.disability = self.file.item_groups.get(name="障害の状況")
        self.enrolment = self.file.purposes.get(name="在学状況の確認")

    def consent(self, status: str = ConsentStatus.GIVEN, **overrides: Any) -> list[ConsentEvent]:
        values: dict[str, Any] = {
            "actor": self.personas.staff,
            "registrant": self.registrant,
            "recipient": self.school,
            "item_groups": [self.basic, self.disability],
            "purpose": self.enrolment,
            "status": status,
            "effective_on": OCT_1,
            "written_form_on_file": True,
        }
        return record_consent(**(values | overrides))

    def provision(self, **overrides: Any) -> Provision:
        values: dict[str, Any] = {
            "actor": self.personas.staff,
            "registrant": self.registrant,
            "recipient": self.school,
            "purpose": self.enrolment,
            "item_groups": [self.basic, self.disability],
            "provided_on": OCT_5,
            "late_reason": LATE,
        }
        return record_provision(**(values | overrides))

    def override(self, **overrides: Any) -> Provision:
        values: dict[str, Any] = {
            "actor": self.personas.staff,
            "registrant": self.registrant,
            "recipient": self.school,
            "purpose": self.enrolment,
            "item_groups": [self.disability],
            "provided_on": OCT_5,
            "ground": OverrideGround.LIFE,
            "explanation": "本人が校内で倒れ、救急搬送先の学校医に障害の状況を伝えた。",
            "late_reason": LATE,
        }
        return record_override(**(values | overrides))


@pytest.fixture
def world(personas: Personas) -> World:
    return World(personas)


def events_of(use_case: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(use_case=use_case).order_by("seq"))


def test_a_consent_is_one_audited_event_per_item_group(world: World) -> None:
    events = world.consent(written_form_on_file=True, explanation_given=True)
    assert sorted(event.item_group.name for event in events) == ["基本情報", "障害の状況"]
    assert all(event.recorded_by == world.personas.staff for event in events)
    assert all(event.written_form_on_file and event.explanation_given for event in events)
    audited = events_of("ledger.record_consent")
    assert [event.object_id for event in audited] == [str(event.pk) for event in events]
    assert all(event.actor == world.personas.staff for event in audited)


def test_the_contractor_of_the_file_records_consents(personas: Personas) -> None:
    today = timezone.localdate()
    vendor = testing.make_vendor()
    testing.link_vendor_user(personas.contractor, vendor)
    contract = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
    )
    world = World(personas)
    world.file.contracts.set([contract])
    events = world.consent(actor=personas.contractor)
    assert len(events) == 2


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"effective_on": dt.date(2999, 1, 1)}, "future"),
        ({"expires_on": dt.date(2009, 9, 30)}, "expires_before"),
        ({"status": ConsentStatus.REFUSED, "expires_on": OCT_5}, "expires_not_given"),
        ({"status": "maybe"}, "status"),
        ({"item_groups": []}, "no_items"),
    ],
)
def test_bad_consent_input_is_refused_and_nothing_is_saved(
    world: World, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        world.consent(**overrides)
    assert caught.value.code == code
    assert not ConsentEvent.objects.exists()
    assert not events_of("ledger.record_consent")


def test_a_consent_naming_another_files_recipient_group_or_purpose_is_refused(
    world: World, personas: Personas
) -> None:
    other = testing.make_ledger_file(personas.shogai)
    for overrides in (
        {"recipient": other.recipients.first()},
        {"purpose": other.purposes.first()},
        {"item_groups": [world.basic, other.item_groups.first()]},
    ):
        with pytest.raises(ValidationError) as caught:
            world.consent(**overrides)
        assert caught.value.code == "other_file"
    assert not ConsentEvent.objects.exists()


@pytest.mark.parametrize("role", ["other_staff", "secretariat", "member", "auditor"])
def test_only_those_who_see_the_personal_data_record_consents(
    world: World, personas: Personas, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        world.consent(actor=getattr(personas, role))
    assert not ConsentEvent.objects.exists()


def test_a_covered_provision_is_recorded_as_allowed_and_audited(world: World) -> None:
    world.consent()
    provision = world.provision()
    assert provision.outcome == Provision.Outcome.ALLOWED
    assert provision.refusal_reason == ""
    assert {group.name for group in provision.item_groups.all()} == {"基本情報", "障害の状況"}
    (event,) = events_of("ledger.record_provision")
    assert event.object_id == str(provision.pk)
    assert event.changes["outcome"] == [None, "allowed"]
    assert event.changes["item_groups"] == [None, sorted([world.basic.pk, world.disability.pk])]


def test_a_provision_without_consent_is_recorded_as_refused_with_its_reason(
    world: World,
) -> None:
    world.consent(item_groups=[world.basic])
    world.consent(status=ConsentStatus.REFUSED, item_groups=[world.disability])
    provision = world.provision()
    assert provision.outcome == Provision.Outcome.REFUSED
    assert "障害の状況" in provision.refusal_reason
    assert "学校" in provision.refusal_reason
    assert "平成21年10月1日" in provision.refusal_reason
    assert "基本情報" not in provision.refusal_reason
    (event,) = events_of("ledger.record_provision")
    assert event.changes["outcome"] == [None, "refused"]


def test_a_withdrawal_stops_later_provisions_but_not_earlier_ones(world: World) -> None:
    world.consent()
    world.consent(status=ConsentStatus.WITHDRAWN, effective_on=OCT_5)
    assert world.provision(provided_on=OCT_5 - dt.timedelta(days=1)).outcome == "allowed"
    assert world.provision(provided_on=OCT_5).outcome == "refused"


def test_a_provision_in_the_future_or_of_another_file_is_refused_and_not_saved(
    world: World, personas: Personas
) -> None:
    world.consent()
    with pytest.raises(ValidationError) as caught:
        world.provision(provided_on=timezone.localdate() + dt.timedelta(days=1))
    assert caught.value.code == "future"
    other = testing.make_ledger_file(personas.shogai)
    with pytest.raises(ValidationError) as caught:
        world.provision(recipient=other.recipients.first())
    assert caught.value.code == "other_file"
    with pytest.raises(ValidationError):
        world.provision(item_groups=[])
    assert not Provision.objects.exists()


@pytest.mark.parametrize("role", ["other_staff", "secretariat", "auditor", "other_contractor"])
def test_only_those_who_see_the_personal_data_record_provisions(
    world: World, personas: Personas, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        world.provision(actor=getattr(personas, role))
    assert not Provision.objects.exists()


def test_an_override_is_recorded_with_its_ground_and_encrypted_circumstances(
    world: World,
) -> None:
    world.consent(status=ConsentStatus.REFUSED)
    provision = world.override()
    provision.refresh_from_db()
    assert provision.outcome == Provision.Outcome.OVERRIDDEN
    assert provision.override_ground == OverrideGround.LIFE
    assert provision.override_explanation.startswith("本人が校内で倒れ")
    assert "障害の状況" in provision.refusal_reason
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT override_explanation FROM ledger_provision WHERE id = %s", [provision.pk]
        )
        (column,) = cursor.fetchone()
    assert column.startswith("v1.") and "倒れ" not in column
    (event,) = events_of("ledger.record_override")
    assert event.changes["override_explanation"] == [None, AuditEvent.ENCRYPTED_VALUE]
    assert "倒れ" not in str(event.changes)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"ground": ""}, "ground"),
        ({"ground": "convenience"}, "ground"),
        ({"explanation": "   "}, "explanation"),
        ({"explanation": "あ" * 2001}, "explanation"),
    ],
)
def test_an_override_needs_a_ground_and_the_circumstances(
    world: World, overrides: dict[str, Any], code: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        world.override(**overrides)
    assert caught.value.code == code
    assert not Provision.objects.exists()


def test_an_override_is_refused_where_consent_covers_the_provision(world: World) -> None:
    world.consent()
    with pytest.raises(ValidationError) as caught:
        world.override()
    assert caught.value.code == "covered"
    assert not Provision.objects.exists()


@pytest.mark.parametrize("role", ["contractor", "other_staff", "secretariat"])
def test_only_the_files_department_records_an_override(
    world: World, personas: Personas, role: str
) -> None:
    with pytest.raises(PermissionDenied):
        world.override(actor=getattr(personas, role))
    assert not Provision.objects.exists()
