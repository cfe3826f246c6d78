"""The audit trail reads as the office speaks (issue 7, UX14): a view's keys named, choices by
their labels, related objects by name, times in 和暦 JST, encrypted values never shown nor
decrypted; and stored data that cannot be decrypted gives one Japanese page (R2)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils.translation import gettext, pgettext

from mamori import testing
from mamori.audit import services
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.core.templatetags.japanese import wareki, wareki_datetime
from mamori.ledger import crypto
from mamori.ledger.models import ConsentEvent, ConsentStatus, Registrant
from mamori.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db

URL = "/audit/"
UNKNOWN_KEY_TOKEN = "v1.gone.QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo"


def auditor_page(client: Client, personas: Personas) -> str:
    client.force_login(personas.auditor)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def the_rows(html: str) -> list[str]:
    """The change lines of the page, as text."""
    return [
        line.split("<li>", 1)[1].split("</li>")[0] for line in html.split("\n") if "<li>" in line
    ]


def consent_event(personas: Personas, **fields: Any) -> ConsentEvent:
    file = testing.make_ledger_file(personas.shogai)
    registrant = testing.make_registrant(file, registration_number="A-0001")
    values: dict[str, Any] = {
        "registrant": registrant,
        "recipient": file.recipients.get(name="学校"),
        "item_group": file.item_groups.get(name="基本情報"),
        "purpose": file.purposes.get(name="在学状況の確認"),
        "status": ConsentStatus.REFUSED,
        "effective_on": dt.date(2026, 8, 29),
        "recorded_by": personas.staff,
        "recorded_at": dt.datetime(2026, 11, 26, 16, 54, 42, tzinfo=dt.UTC),
    }
    values.update(fields)
    return ConsentEvent.objects.create(**values)


def label_of(name: str) -> str:
    """The verbose name of a consent event's field, as the page labels it."""
    return str(getattr(ConsentEvent._meta.get_field(name), "verbose_name", name))


def unknown_key(registrant: Registrant) -> None:
    """Store the registrant's name as a value under a key that is not configured."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_registrant SET name = %s, address = %s WHERE id = %s",
            [UNKNOWN_KEY_TOKEN, UNKNOWN_KEY_TOKEN, registrant.pk],
        )


# UX14: the audit trail page ---------------------------------------------------------------------


def test_a_view_event_names_its_purpose_and_the_registration_numbers_shown(
    client: Client, personas: Personas
) -> None:
    file = testing.make_ledger_file(personas.shogai)
    services.record(
        actor=personas.staff,
        action=AuditEvent.Action.VIEW,
        use_case="ledger.view_registrant_list",
        obj=file,
        object_repr="A-0001, A-0002",
        changes={"purpose": "窓口での相談", "shown": ["A-0001", "A-0002"]},
    )
    rows = the_rows(auditor_page(client, personas))
    assert f"{pgettext('audit key', 'purpose')}: 窓口での相談" in rows
    # Two numbers are two numbers shown, not a change from one to the other.
    assert f"{pgettext('audit key', 'registration numbers shown')}: A-0001, A-0002" in rows


def test_choices_related_objects_and_times_are_shown_as_people_read_them(
    client: Client, personas: Personas
) -> None:
    event = consent_event(personas)
    services.record_create(actor=personas.staff, use_case="ledger.record_consent", obj=event)
    html = auditor_page(client, personas)
    rows = the_rows(html)
    recorded_at = wareki_datetime(dt.datetime(2026, 11, 26, 16, 54, 42, tzinfo=dt.UTC))
    assert recorded_at.startswith("令和8年11月27日")  # 01:54 JST the next day
    assert f"{label_of('status')}: — → {ConsentStatus.REFUSED.label}" in rows
    assert f"{label_of('recipient')}: — → 学校" in rows
    assert f"{label_of('purpose')}: — → 在学状況の確認" in rows
    assert f"{label_of('registrant')}: — → A-0001" in rows
    assert f"{label_of('recorded_by')}: — → {personas.staff}" in rows
    assert f"{label_of('recorded_at')}: — → {recorded_at}" in rows
    assert f"{label_of('effective_on')}: — → {wareki(dt.date(2026, 8, 29))}" in rows
    assert "2026-11-26T" not in html
    assert ": — → refused" not in html


def test_a_change_of_choice_and_of_related_object_shows_both_sides_by_name(
    client: Client, personas: Personas
) -> None:
    event = consent_event(personas)
    before = services.snapshot(event)
    event.status = ConsentStatus.GIVEN
    event.recipient = event.registrant.file.recipients.get(name="ハローワーク")
    event.save()
    services.record_update(actor=None, use_case="tests.update", obj=event, before=before)
    rows = the_rows(auditor_page(client, personas))
    given, refused = ConsentStatus.GIVEN.label, ConsentStatus.REFUSED.label
    assert f"{label_of('status')}: {refused} → {given}" in rows
    assert f"{label_of('recipient')}: 学校 → ハローワーク" in rows


def test_an_object_that_no_longer_exists_is_shown_by_its_id(
    client: Client, personas: Personas
) -> None:
    event = consent_event(personas)
    recipient = event.recipient
    services.record(
        actor=None,
        action=AuditEvent.Action.UPDATE,
        use_case="tests.gone",
        obj=event,
        changes={"recipient_id": [999_999, recipient.pk]},
    )
    rows = the_rows(auditor_page(client, personas))
    label = label_of("recipient")
    assert f"{label}: 999999 → 学校" in rows


def test_an_iso_time_under_a_key_that_is_not_a_field_is_shown_in_wareki_jst(
    client: Client, personas: Personas
) -> None:
    started = dt.datetime(2026, 11, 26, 16, 54, 42, 123456, tzinfo=dt.UTC)
    services.record(
        actor=None,
        action=AuditEvent.Action.UPDATE,
        use_case="ledger.rotate_keys",
        changes={"key": "k2", "rows": 3, "started_at": started.isoformat()},
    )
    rows = the_rows(auditor_page(client, personas))
    assert f"{pgettext('audit key', 'started at')}: {wareki_datetime(started)}" in rows
    assert f"{pgettext('audit key', 'key id')}: k2" in rows


def test_the_names_cost_one_query_per_kind_of_object_however_many_events(
    client: Client, personas: Personas
) -> None:
    client.force_login(personas.auditor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    event = consent_event(personas)
    services.record_create(actor=personas.staff, use_case="tests.consent", obj=event)
    few = queries()
    file = event.registrant.file
    for number in range(30):
        other = consent_event(
            personas,
            registrant=testing.make_registrant(file, registration_number=f"B-{number:04d}"),
            recipient=file.recipients.get(name="ハローワーク"),
            recorded_by=personas.secretariat if number % 2 else personas.staff,
        )
        services.record_create(actor=personas.staff, use_case="tests.consent", obj=other)
    assert queries() == few


def test_encrypted_values_stay_a_mark_and_nothing_is_decrypted(
    client: Client, personas: Personas
) -> None:
    event = consent_event(personas)
    registrant = event.registrant
    services.record_create(actor=personas.staff, use_case="ledger.register", obj=registrant)
    services.record_create(actor=personas.staff, use_case="ledger.record_consent", obj=event)
    unknown_key(registrant)  # reading the name or address now fails
    with pytest.raises(crypto.DecryptionFailed):
        Registrant.objects.get(pk=registrant.pk)
    rows = the_rows(auditor_page(client, personas))
    mark = gettext("(encrypted: value not recorded)")
    assert mark == "（暗号化項目のため値は記録しません）"
    name_label = str(Registrant._meta.get_field("name").verbose_name)
    assert f"{name_label}: — → {mark}" in rows
    assert f"{label_of('registrant')}: — → A-0001" in rows


# R2: stored data that cannot be decrypted ---------------------------------------------------------


def open_registrant(client: Client, personas: Personas, registrant: Registrant) -> HttpResponse:
    client.force_login(personas.staff)
    response = client.post(
        reverse("ledger:access_purpose", args=[registrant.file_id]),
        {"purpose": "counter", "note": ""},
    )
    assert response.status_code == 302
    return client.get(reverse("ledger:registrant_detail", args=[registrant.pk]))  # type: ignore[return-value]


def test_a_value_under_an_unknown_key_gives_a_japanese_page_naming_the_key_not_the_value(
    personas: Personas, caplog: pytest.LogCaptureFixture
) -> None:
    file = testing.make_ledger_file(personas.shogai)
    registrant = testing.make_registrant(file, name="山田 花子", registration_number="A-0001")
    unknown_key(registrant)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = open_registrant(client, personas, registrant)
    assert response.status_code == 500
    html = response.content.decode()
    assert gettext("Stored personal data cannot be decrypted") in html
    assert "「gone」" in html or "“gone”" in html
    assert "MAMORI_DATA_KEYS" in html and "mamori rotate_keys" in html
    assert UNKNOWN_KEY_TOKEN not in html and "山田" not in html
    assert gettext("Server error") not in html
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "gone" in logged
    assert UNKNOWN_KEY_TOKEN not in logged and "山田" not in logged
    assert "registrant_detail" in logged


def test_a_value_that_does_not_decrypt_gives_the_page_without_a_key_id(
    personas: Personas,
) -> None:
    file = testing.make_ledger_file(personas.shogai)
    registrant = testing.make_registrant(file, notes="通院日は水曜", registration_number="A-0002")
    # The notes' token copied into the name column: the key is known, the value does not open.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_registrant SET name = notes WHERE id = %s", [registrant.pk])
    response = open_registrant(Client(raise_request_exception=False), personas, registrant)
    assert response.status_code == 500
    html = response.content.decode()
    assert gettext("Stored personal data cannot be decrypted") in html
    assert "通院日" not in html
    unknown = "The data does not decrypt with the configured keys: the key it was encrypted with "
    assert gettext(unknown + "may be missing, or the stored value may have been altered.") in html


def _wrapped(request: HttpRequest) -> HttpResponse:
    try:
        crypto.decrypt("v1.lost1.AAAA", context="ledger.registrant.name")
    except crypto.DecryptionFailed as error:
        raise ValueError("could not build the page") from error
    return HttpResponse("unreachable")


def _other_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("not about keys")


urlpatterns = [
    path("wrapped/", _wrapped, name="wrapped"),
    path("other/", _other_error, name="other"),
    *site_urls,  # the page's layout links to the site's pages
]


@pytest.mark.urls(__name__)
def test_a_failure_inside_another_error_is_recognised_and_other_errors_are_left_alone(
    personas: Personas,
) -> None:
    client = Client(raise_request_exception=False)
    wrapped = client.get("/wrapped/")
    assert wrapped.status_code == 500
    assert "lost1" in wrapped.content.decode()
    assert gettext("Stored personal data cannot be decrypted") in wrapped.content.decode()
    other = client.get("/other/")
    assert other.status_code == 500
    assert gettext("Stored personal data cannot be decrypted") not in other.content.decode()
