"""Issue 7 fix round, consents and provisions: a written consent where the answer asks for one,
a reversal of a refusal confirmed first, late records with their reason (and the secretariat's
list of them), back-dated withdrawals that reach provisions already allowed, exceptions tied
to the refused provision, what to do after a refusal, pages never cached, odd ids in the
address, and a name search that reads katakana and half-width kana."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, pgettext

from mamori import testing
from mamori.conftest import Personas
from mamori.core import eras
from mamori.ledger import crypto
from mamori.ledger.models import (
    ConsentEvent,
    ConsentStatus,
    OverrideGround,
    Provision,
    Registrant,
)
from mamori.ledger.services.consents import record_consent, record_override
from mamori.ledger.tests.test_views_registrants import (
    World,
    consent_data,
    override_data,
    provision_data,
    signed_in,
)
from mamori.ledger.text import clean, search_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas: Personas) -> World:
    return World(personas)


def today() -> dt.date:
    return timezone.localdate()


def iso(day: dt.date) -> str:
    return day.isoformat()


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# text.py ------------------------------------------------------------------------------------


def test_search_keys_read_katakana_half_width_kana_and_full_width_letters_alike() -> None:
    assert search_key("ヤマダ　ハナコ") == search_key("やまだはなこ") == search_key("ﾔﾏﾀﾞ ﾊﾅｺ")
    assert search_key("ＹＡＭＡＤＡ Hanako") == "yamadahanako"
    assert search_key("ヴァ") == "ゔぁ"
    assert search_key(None) == ""


def test_stored_text_is_nfkc_with_white_space_folded_and_lines_kept() -> None:
    assert clean("  ＡＢ１２　 ｶﾅ \n\n  次の行  ") == "AB12 カナ\n\n次の行"
    assert clean(None) == ""


# UX1: a consent given in writing, and a reversal confirmed ----------------------------------


def test_a_consent_given_without_the_written_form_is_refused_where_writing_is_required(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    before = ConsentEvent.objects.count()
    data = consent_data(world, recipient=world.hello_work.pk, purpose=world.job.pk)
    del data["written_form_on_file"]
    response = client.post(world.url("consent_create"), data)
    assert response.status_code == 200
    expected = gettext(
        "The written consent cannot be confirmed: consent to giving data to %(recipient)s "
        "must be given in writing. Record it once the signed form is on file."
    ) % {"recipient": "ハローワーク"}
    assert response.context["form"].errors["written_form_on_file"] == [expected]
    assert ConsentEvent.objects.count() == before


def test_a_recipient_without_the_written_requirement_takes_a_consent_without_the_form(
    client: Client, personas: Personas, world: World
) -> None:
    world.hello_work.written_consent_required = False
    world.hello_work.save()
    signed_in(client, personas.staff, world)
    data = consent_data(world, recipient=world.hello_work.pk, purpose=world.enrolment.pk)
    del data["written_form_on_file"]
    response = client.post(world.url("consent_create"), data)
    assert response.status_code == 302
    assert ConsentEvent.objects.filter(
        recipient=world.hello_work, purpose=world.enrolment, written_form_on_file=False
    ).exists()


def test_a_consent_that_reverses_a_refusal_is_recorded_only_once_confirmed(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    before = ConsentEvent.objects.count()
    response = client.post(world.url("consent_create"), consent_data(world))
    assert response.status_code == 200
    form = response.context["form"]
    assert "confirmed" in form.fields
    refused = eras.format_date(dt.date(2009, 10, 1))
    assert form.errors["confirmed"] == [
        gettext(
            "The person refused or withdrew this consent (%(status)s, %(date)s). Check that "
            "the person now gives it, confirm below and record it again."
        )
        % {"status": ConsentStatus.REFUSED.label, "date": refused}
    ]
    assert 'name="confirmation_asked" value="1"' in response.content.decode()
    assert ConsentEvent.objects.count() == before

    # Asked but not ticked: still refused.
    response = client.post(world.url("consent_create"), consent_data(world, confirmation_asked="1"))
    assert response.status_code == 200
    assert ConsentEvent.objects.count() == before

    response = client.post(
        world.url("consent_create"),
        consent_data(world, confirmation_asked="1", confirmed="on"),
    )
    assert response.status_code == 302
    assert ConsentEvent.objects.count() == before + 1


def test_the_service_refuses_a_reversal_without_confirmation_after_a_withdrawal(
    personas: Personas, world: World
) -> None:
    values: dict[str, Any] = {
        "actor": personas.staff,
        "registrant": world.registrant,
        "recipient": world.hello_work,
        "purpose": world.job,
        "item_groups": [world.basic],
        "effective_on": dt.date(2009, 12, 1),
        "written_form_on_file": True,
    }
    record_consent(**values, status=ConsentStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as caught:
        record_consent(**(values | {"effective_on": dt.date(2009, 12, 2)}), status="given")
    assert caught.value.code == "reverses_refusal"
    record_consent(
        **(values | {"effective_on": dt.date(2009, 12, 2)}), status="given", confirmed=True
    )
    assert ConsentEvent.objects.filter(effective_on=dt.date(2009, 12, 2)).count() == 1


# R1: provisions recorded late, and withdrawals recorded late ---------------------------------


def test_a_provision_dated_before_today_needs_the_reason_it_is_recorded_late(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    yesterday = today() - dt.timedelta(days=1)
    data = provision_data(
        world,
        recipient=world.hello_work.pk,
        purpose=world.job.pk,
        provided_on=iso(yesterday),
        late_reason="",
    )
    response = client.post(world.url("provision_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["late_reason"] == [
        gettext("The provision is dated before today: write why it is recorded only now.")
    ]
    assert not Provision.objects.exists()

    data["late_reason"] = "窓口が混雑し、当日中に記録できなかったため"
    response = client.post(world.url("provision_create"), data)
    assert response.status_code == 302
    provision = Provision.objects.get()
    assert provision.late_reason == "窓口が混雑し、当日中に記録できなかったため"
    with connection.cursor() as cursor:
        cursor.execute("SELECT late_reason FROM ledger_provision WHERE id = %s", [provision.pk])
        (column,) = cursor.fetchone()
    assert column.startswith("v1.") and "窓口" not in column

    body = client.get(world.url("registrant_detail")).content.decode()
    assert pgettext("provision", "Recorded late") in body
    assert "窓口が混雑し" in body


def test_a_provision_dated_today_needs_no_reason(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    data = provision_data(world, provided_on=iso(today()), late_reason="")
    response = client.post(world.url("provision_create"), data)
    assert response.status_code == 302
    assert Provision.objects.get().late_reason == ""


def test_the_secretariat_lists_late_provisions_by_number_without_reason_or_name(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    client.post(world.url("provision_create"), provision_data(world, provided_on=iso(today())))
    client.post(
        world.url("provision_create"),
        provision_data(world, late_reason="紙の記録から転記した"),
    )
    late = Provision.objects.get(provided_on=dt.date(2009, 11, 2))
    reader = Client()
    reader.force_login(personas.secretariat)
    response = reader.get(reverse("ledger:override_list"))
    assert response.status_code == 200
    assert [provision.pk for provision in response.context["late"]] == [late.pk]
    body = response.content.decode()
    assert gettext("Provisions recorded late") in body
    assert "A-0001" in body
    assert "紙の記録" not in body and "山田" not in body


def test_a_withdrawal_recorded_late_warns_of_the_allowed_provisions_it_now_reaches(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    three_days_ago = today() - dt.timedelta(days=3)
    response = client.post(
        world.url("provision_create"),
        provision_data(
            world,
            recipient=world.hello_work.pk,
            purpose=world.job.pk,
            provided_on=iso(three_days_ago),
            late_reason="出張先で提供し、戻ってから記録",
        ),
    )
    allowed = Provision.objects.get()
    assert allowed.outcome == Provision.Outcome.ALLOWED
    five_days_ago = today() - dt.timedelta(days=5)
    response = client.post(
        world.url("consent_create"),
        consent_data(
            world,
            recipient=world.hello_work.pk,
            purpose=world.job.pk,
            status=ConsentStatus.WITHDRAWN,
            effective_on=iso(five_days_ago),
        ),
    )
    assert response.status_code == 302
    warning = ngettext(
        "%(count)s provision recorded as allowed is dated on or after %(date)s, when this "
        "statement takes effect. It is marked on the registrant's page: check it.",
        "%(count)s provisions recorded as allowed are dated on or after %(date)s, when this "
        "statement takes effect. They are marked on the registrant's page: check them.",
        1,
    ) % {"count": 1, "date": eras.format_date(five_days_ago)}
    assert warning in messages_of(response)
    detail = client.get(world.url("registrant_detail"))
    assert detail.context["uncovered"] == {allowed.pk}
    assert f'id="provision-{allowed.pk}" data-outcome="allowed" data-uncovered="1"' in (
        detail.content.decode()
    )


def test_a_withdrawal_after_the_provisions_warns_of_nothing(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    client.post(
        world.url("provision_create"),
        provision_data(world, recipient=world.hello_work.pk, purpose=world.job.pk),
    )
    response = client.post(
        world.url("consent_create"),
        consent_data(
            world,
            recipient=world.hello_work.pk,
            purpose=world.job.pk,
            status=ConsentStatus.WITHDRAWN,
            effective_on=iso(today()),
        ),
    )
    assert response.status_code == 302
    levels = [message.level_tag for message in get_messages(response.wsgi_request)]
    assert "warning" not in levels and "success" in levels
    assert client.get(world.url("registrant_detail")).context["uncovered"] == set()


# UX12: the day of a provision ----------------------------------------------------------------


def test_a_provision_dated_before_the_registration_is_refused(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(
        world.url("provision_create"), provision_data(world, provided_on="昭和60年1月1日")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["provided_on"] == [
        gettext(
            "The person was registered on %(registered)s: a provision cannot be dated before that."
        )
        % {"registered": eras.format_date(world.registrant.registered_on)}
    ]
    assert not Provision.objects.exists()


# UX6, UX7: exceptions ------------------------------------------------------------------------


@pytest.mark.parametrize("explanation", ["。", "救急搬送のため"])
def test_the_circumstances_of_an_exception_take_at_least_ten_characters(
    client: Client, personas: Personas, world: World, explanation: str
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(
        world.url("provision_override"), override_data(world, explanation=explanation)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["explanation"] == [
        gettext(
            "Describe the circumstances that make the exception apply in at least %(min)s "
            "characters."
        )
        % {"min": 10}
    ]
    assert not Provision.objects.exists()


def test_an_exception_follows_its_refused_provision_once_and_its_link_then_goes(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    client.post(world.url("provision_create"), provision_data(world))
    refused = Provision.objects.get()
    override_url = world.url("provision_override") + f"?from={refused.pk}"
    assert override_url in client.get(world.url("registrant_detail")).content.decode()

    response = client.post(override_url, override_data(world))
    assert response.status_code == 302
    exception = Provision.objects.get(outcome=Provision.Outcome.OVERRIDDEN)
    assert exception.supersedes == refused

    detail = client.get(world.url("registrant_detail")).content.decode()
    assert override_url not in detail
    assert f'href="#provision-{exception.pk}"' in detail

    response = client.get(override_url)
    assert response.status_code == 302
    assert gettext("An exception has already been recorded for this refused provision.") in (
        messages_of(response)
    )
    response = client.post(override_url, override_data(world))
    assert response.status_code == 302
    assert Provision.objects.filter(outcome=Provision.Outcome.OVERRIDDEN).count() == 1


def test_the_service_refuses_a_second_exception_for_one_refusal(
    personas: Personas, world: World
) -> None:
    refused = Provision.objects.create(
        registrant=world.registrant,
        recipient=world.school,
        purpose=world.enrolment,
        provided_on=today(),
        outcome=Provision.Outcome.REFUSED,
        refusal_reason="理由",
        recorded_by=personas.staff,
        recorded_at=timezone.now(),
    )
    values: dict[str, Any] = {
        "actor": personas.staff,
        "registrant": world.registrant,
        "recipient": world.school,
        "purpose": world.enrolment,
        "item_groups": [world.disability],
        "provided_on": today(),
        "ground": OverrideGround.LIFE,
        "explanation": "本人が校内で倒れ、救急搬送先に障害の状況を伝えた。",
        "supersedes": refused,
    }
    with pytest.raises(ValidationError) as caught:
        record_override(**(values | {"recipient": world.hello_work}))
    assert caught.value.code == "not_the_refused"
    record_override(**values)
    with pytest.raises(ValidationError) as caught:
        record_override(**values)
    assert caught.value.code == "already_superseded"
    assert Provision.objects.filter(outcome=Provision.Outcome.OVERRIDDEN).count() == 1


def test_the_exception_form_offers_the_grounds_of_article_69_and_promises_what_is_listed(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    body = client.get(world.url("provision_override")).content.decode()
    for _value, label in OverrideGround.choices:
        assert escape(str(label)) in body
    promise = gettext(
        "The secretariat and auditors see this provision in their list of exceptions: the "
        "legal exception, the day, the department, the file, the registration number (never "
        "the name), the recipient and who recorded it. The circumstances are stored encrypted "
        "and shown only on the page of the registrant, to your department."
    )
    assert promise in body


# UX11: after a refusal -------------------------------------------------------------------------


def test_after_a_refusal_staff_get_a_filled_consent_link_and_a_collapsed_form(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(world.url("provision_create"), provision_data(world), follow=True)
    body = response.content.decode()
    assert response.context["refused"] is True
    assert '<details class="card" id="another-provision">' in body
    # The form below the refusal is empty: pressing the button again records nothing new.
    assert "recipient" not in response.context["form"].initial
    link = response.context["consent_link"]
    assert f'href="{escape(link)}"' in body
    consent = client.get(link)
    initial = consent.context["form"].initial
    assert initial["recipient"] == world.school.pk
    assert initial["purpose"] == world.enrolment.pk
    assert sorted(initial["item_groups"]) == sorted([world.basic.pk, world.disability.pk])
    history = client.get(world.url("registrant_detail")).content.decode()
    assert pgettext("provision outcome", "Not allowed") in history


def test_after_a_refusal_the_contractor_is_told_whom_to_consult(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.contractor, world)
    response = client.post(world.url("provision_create"), provision_data(world), follow=True)
    body = response.content.decode()
    consult = gettext("If you think a legal exception applies, consult %(department)s.") % {
        "department": world.file.department.full_name
    }
    assert escape(consult) in body
    assert 'id="override-link"' not in body


# R3: never cached ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "on_file"),
    [
        ("registrant_list", True),
        ("registrant_detail", False),
        ("registrant_edit", False),
        ("consent_create", False),
        ("provision_create", False),
        ("provision_override", False),
    ],
)
def test_pages_with_personal_data_are_never_stored_by_the_browser(
    client: Client, personas: Personas, world: World, name: str, on_file: bool
) -> None:
    signed_in(client, personas.staff, world)
    response = client.get(world.url(name, on_file=on_file))
    assert response.status_code == 200
    control = response["Cache-Control"]
    assert "no-store" in control and "private" in control


def test_the_name_search_result_and_the_secretariats_list_are_never_stored(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    response = client.post(world.url("registrant_list", on_file=True), {"name": "山田"})
    assert "no-store" in response["Cache-Control"]
    client.force_login(personas.secretariat)
    assert "no-store" in client.get(reverse("ledger:override_list"))["Cache-Control"]


# R9: odd ids in the address ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["²", "١", "１", "-1", "9" * 40])
def test_odd_ids_in_the_address_are_ignored(
    client: Client, personas: Personas, world: World, value: str
) -> None:
    signed_in(client, personas.staff, world)
    response = client.get(world.url("provision_create"), {"recorded": value})
    assert response.status_code == 200 and response.context["recorded"] is None
    response = client.get(world.url("provision_override"), {"from": value})
    assert response.status_code == 200 and response.context["refused"] is None
    response = client.get(world.url("consent_create"), {"recipient": value, "item_groups": value})
    assert response.status_code == 200


# R11, UX10: the name search -----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ヤマダ", "ﾔﾏﾀﾞ ﾊﾅｺ", "やまだ　はなこ", "山田花子"])
def test_the_name_search_reads_katakana_and_half_width_kana(
    client: Client, personas: Personas, world: World, typed: str
) -> None:
    testing.make_registrant(world.file, name="佐藤 一郎", name_kana="さとう いちろう")
    signed_in(client, personas.staff, world)
    response = client.post(world.url("registrant_list", on_file=True), {"name": typed})
    assert [r.registration_number for r in response.context["registrants"]] == ["A-0001"]


def test_the_name_search_decrypts_only_names_and_readings(
    client: Client, personas: Personas, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(3):
        testing.make_registrant(world.file, name=f"佐藤 {number}", phone="03-0000-0000")
    signed_in(client, personas.staff, world)
    contexts: list[str] = []
    real = crypto.decrypt

    def spy(token: str, *, context: str) -> str:
        contexts.append(context)
        return real(token, context=context)

    monkeypatch.setattr(crypto, "decrypt", spy)
    response = client.post(world.url("registrant_list", on_file=True), {"name": "佐藤"})
    assert len(response.context["registrants"]) == 3
    assert set(contexts) == {"ledger.registrant.name", "ledger.registrant.name_kana"}


def test_a_search_matching_more_than_a_page_counts_them_all(
    client: Client, personas: Personas, world: World
) -> None:
    Registrant.objects.bulk_create(
        [
            Registrant(
                file=world.file,
                registration_number=f"B{n:04d}",
                name=f"見本 {n}",
                name_kana="ミホン",
                registered_on=dt.date(2010, 1, 1),
            )
            for n in range(60)
        ]
    )
    signed_in(client, personas.staff, world)
    response = client.post(world.url("registrant_list", on_file=True), {"name": "みほん"})
    assert response.context["page_obj"].paginator.count == 60
    shown = [r.registration_number for r in response.context["registrants"]]
    assert shown == [f"B{n:04d}" for n in range(50)]


# UX4 part: the person's address, in the person's words -----------------------------------------


def test_the_registrant_page_labels_the_address_as_the_models_field(
    client: Client, personas: Personas, world: World
) -> None:
    signed_in(client, personas.staff, world)
    body = client.get(world.url("registrant_detail")).content.decode()
    label = pgettext("person", "address")
    assert f'<th scope="row">{label}</th>' in body
    form = client.get(world.url("registrant_edit")).context["form"]
    assert form.fields["address"].label == label
