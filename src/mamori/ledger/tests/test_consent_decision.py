"""The consent decision asked before every provision: the latest consent effective on the day
decides for each item group, and a refusal names each consent that is missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from mamori import testing
from mamori.conftest import Personas
from mamori.ledger.consent import ConsentDecision, State, decide
from mamori.ledger.models import ConsentEvent, ConsentStatus, PersonalInformationFile, Registrant

GIVEN, REFUSED, WITHDRAWN = ConsentStatus.GIVEN, ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN
OCT_1 = dt.date(2009, 10, 1)
OCT_5 = dt.date(2009, 10, 5)
OCT_20 = dt.date(2009, 10, 20)


class World:
    """A file of 障害支援課 with one registrant, and shortcuts to its setup by name."""

    def __init__(self, personas: Personas) -> None:
        self.staff = personas.staff
        self.file: PersonalInformationFile = testing.make_ledger_file(personas.shogai)
        self.registrant: Registrant = testing.make_registrant(self.file)

    def recipient(self, name: str) -> Any:
        return self.file.recipients.get(name=name)

    def group(self, name: str) -> Any:
        return self.file.item_groups.get(name=name)

    def purpose(self, name: str) -> Any:
        return self.file.purposes.get(name=name)

    def event(
        self,
        status: str,
        on: dt.date,
        *,
        recipient: str = "学校",
        group: str = "障害の状況",
        purpose: str = "在学状況の確認",
        expires_on: dt.date | None = None,
        recorded_at: dt.datetime | None = None,
    ) -> ConsentEvent:
        return ConsentEvent.objects.create(
            registrant=self.registrant,
            recipient=self.recipient(recipient),
            item_group=self.group(group),
            purpose=self.purpose(purpose),
            status=status,
            effective_on=on,
            expires_on=expires_on,
            recorded_by=self.staff,
            recorded_at=recorded_at or timezone.now(),
        )

    def decide(
        self,
        on: dt.date,
        *,
        recipient: str = "学校",
        groups: tuple[str, ...] = ("障害の状況",),
        purpose: str = "在学状況の確認",
    ) -> ConsentDecision:
        return decide(
            registrant_id=self.registrant.pk,
            recipient_id=self.recipient(recipient).pk,
            purpose_id=self.purpose(purpose).pk,
            item_group_ids=[self.group(name).pk for name in groups],
            on=on,
        )


@pytest.fixture
def world(personas: Personas) -> World:
    return World(personas)


def test_a_consent_given_allows_the_provision(world: World) -> None:
    world.event(GIVEN, OCT_1)
    decision = world.decide(OCT_5)
    assert decision.allowed
    assert decision.missing == ()
    assert decision.reason() == ""


def test_a_refusal_refuses_and_names_the_recipient_items_purpose_and_date(world: World) -> None:
    world.event(REFUSED, OCT_5)
    decision = world.decide(OCT_20)
    assert not decision.allowed
    (missing,) = decision.missing
    assert (missing.recipient, missing.item_group, missing.purpose) == (
        "学校",
        "障害の状況",
        "在学状況の確認",
    )
    assert (missing.state, missing.date) == (State.REFUSED, OCT_5)
    reason = decision.reason()
    for part in ("学校", "障害の状況", "在学状況の確認", "平成21年10月5日"):
        assert part in reason


def test_a_withdrawal_refuses_from_its_date(world: World) -> None:
    world.event(GIVEN, OCT_1)
    world.event(WITHDRAWN, OCT_20)
    decision = world.decide(OCT_20)
    assert not decision.allowed
    assert decision.missing[0].state == State.WITHDRAWN
    assert "平成21年10月20日" in decision.reason()


def test_a_provision_dated_before_the_withdrawal_is_still_covered(world: World) -> None:
    world.event(GIVEN, OCT_1)
    world.event(WITHDRAWN, OCT_20)
    assert world.decide(OCT_20 - dt.timedelta(days=1)).allowed


def test_a_consent_past_its_end_date_refuses_as_expired(world: World) -> None:
    world.event(GIVEN, OCT_1, expires_on=OCT_5)
    assert world.decide(OCT_5).allowed
    decision = world.decide(OCT_5 + dt.timedelta(days=1))
    assert not decision.allowed
    assert (decision.missing[0].state, decision.missing[0].date) == (State.EXPIRED, OCT_5)


def test_a_registrant_never_asked_is_refused_with_no_date(world: World) -> None:
    decision = world.decide(OCT_5)
    assert not decision.allowed
    assert (decision.missing[0].state, decision.missing[0].date) == (State.NONE, None)
    assert "障害の状況" in decision.reason()


def test_a_provision_dated_before_the_consent_began_is_refused_as_not_yet(world: World) -> None:
    world.event(GIVEN, OCT_20)
    decision = world.decide(OCT_5)
    assert not decision.allowed
    assert (decision.missing[0].state, decision.missing[0].date) == (State.NOT_YET, OCT_20)


def test_consent_for_one_item_group_does_not_cover_another(world: World) -> None:
    world.event(GIVEN, OCT_1, group="基本情報")
    decision = world.decide(OCT_5, groups=("基本情報", "障害の状況"))
    assert not decision.allowed
    assert [missing.item_group for missing in decision.missing] == ["障害の状況"]
    assert "障害の状況" in decision.reason()
    assert "基本情報" not in decision.reason()


def test_consent_for_one_purpose_does_not_cover_another(world: World) -> None:
    world.event(GIVEN, OCT_1, purpose="就労先の紹介")
    decision = world.decide(OCT_5, purpose="在学状況の確認")
    assert not decision.allowed
    assert decision.missing[0].purpose == "在学状況の確認"


def test_consent_for_one_recipient_does_not_cover_another(world: World) -> None:
    world.event(GIVEN, OCT_1, recipient="ハローワーク")
    decision = world.decide(OCT_5, recipient="学校")
    assert not decision.allowed
    assert decision.missing[0].recipient == "学校"
    assert world.decide(OCT_5, recipient="ハローワーク").allowed


def test_of_two_events_on_one_day_the_later_recorded_wins(world: World) -> None:
    morning = timezone.now() - dt.timedelta(hours=3)
    world.event(GIVEN, OCT_5, recorded_at=morning + dt.timedelta(hours=1))
    world.event(REFUSED, OCT_5, recorded_at=morning)
    assert world.decide(OCT_5).allowed
    world.event(WITHDRAWN, OCT_5, recorded_at=morning + dt.timedelta(hours=2))
    assert world.decide(OCT_5).missing[0].state == State.WITHDRAWN


def test_a_refusal_followed_by_consent_allows_from_the_consent(world: World) -> None:
    world.event(REFUSED, OCT_1)
    world.event(GIVEN, OCT_20)
    assert world.decide(OCT_5).missing[0].state == State.REFUSED
    assert world.decide(OCT_20).allowed


def test_each_missing_group_is_named_in_one_reason(world: World) -> None:
    world.event(REFUSED, OCT_1, group="基本情報")
    decision = world.decide(OCT_5, groups=("基本情報", "障害の状況"))
    assert [(m.item_group, m.state) for m in decision.missing] == [
        ("基本情報", State.REFUSED),
        ("障害の状況", State.NONE),
    ]
    reason = decision.reason()
    assert "基本情報" in reason and "障害の状況" in reason


def test_another_registrants_consent_does_not_count(world: World, personas: Personas) -> None:
    other = testing.make_registrant(world.file)
    ConsentEvent.objects.create(
        registrant=other,
        recipient=world.recipient("学校"),
        item_group=world.group("障害の状況"),
        purpose=world.purpose("在学状況の確認"),
        status=GIVEN,
        effective_on=OCT_1,
        recorded_by=personas.staff,
        recorded_at=timezone.now(),
    )
    assert not world.decide(OCT_5).allowed


def test_a_recipient_group_or_purpose_of_another_file_is_a_value_error(
    world: World, personas: Personas
) -> None:
    other_file = testing.make_ledger_file(personas.shogai)
    asked = {
        "registrant_id": world.registrant.pk,
        "recipient_id": world.recipient("学校").pk,
        "purpose_id": world.purpose("在学状況の確認").pk,
        "item_group_ids": [world.group("障害の状況").pk],
        "on": OCT_5,
    }
    foreign = {
        "recipient_id": other_file.recipients.first().pk,
        "purpose_id": other_file.purposes.first().pk,
        "item_group_ids": [world.group("基本情報").pk, other_file.item_groups.first().pk],
    }
    for key, value in foreign.items():
        with pytest.raises(ValueError):
            decide(**(asked | {key: value}))
    with pytest.raises(ValueError):
        decide(**(asked | {"item_group_ids": []}))
    with pytest.raises(ValueError):
        decide(**(asked | {"registrant_id": 0}))


def test_the_decision_is_one_query_whatever_the_number_of_groups(
    world: World, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for day in (OCT_1, OCT_5, OCT_20):
        world.event(GIVEN, day, group="基本情報")
        world.event(REFUSED, day)
    ids = {
        "registrant_id": world.registrant.pk,
        "recipient_id": world.recipient("学校").pk,
        "purpose_id": world.purpose("在学状況の確認").pk,
        "item_group_ids": [group.pk for group in world.file.item_groups.all()],
    }
    with django_assert_num_queries(1):
        decision = decide(**ids, on=OCT_20)
    assert [m.item_group for m in decision.missing] == ["障害の状況"]
