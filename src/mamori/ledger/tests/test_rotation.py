"""Key rotation: `mamori rotate_keys` re-encrypts every value under the new key, resumably,
once, with one audit event; a value under a key nobody configured stops it, named."""

from __future__ import annotations

import base64
import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger import crypto, keys
from mamori.ledger.models import Provision, Registrant

pytestmark = pytest.mark.django_db

KEY_A = "A:" + crypto.new_key()
KEY_B = "B:" + crypto.new_key()
KEY_C = "C:" + crypto.new_key()
PEOPLE = [
    ("R001", "見本 一郎", "みほん いちろう", "東京都東村山市本町1-2-3", dt.date(1980, 4, 1)),
    ("R002", "見本 花子", "みほん はなこ", "東京都東村山市久米川町4-5-6", dt.date(1990, 5, 2)),
    ("R003", "試験 次郎", "", "", None),
]


def stored_tokens() -> list[str]:
    """Every non-empty encrypted column of the ledger, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, name_kana, address, birth_date, phone, notes FROM ledger_registrant"
        )
        rows = [value for row in cursor.fetchall() for value in row]
        cursor.execute("SELECT override_explanation FROM ledger_provision")
        rows += [row[0] for row in cursor.fetchall()]
    return [value for value in rows if value]


def flipped(token: str) -> str:
    """The token with one bit of its ciphertext changed."""
    head, body = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[20] ^= 1
    return f"{head}.{base64.urlsafe_b64encode(bytes(raw)).decode()}"


def rotate(**options: Any) -> str:
    out = StringIO()
    call_command("rotate_keys", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def written_with_a(settings: Any, personas: Personas) -> list[Registrant]:
    settings.MAMORI_DATA_KEYS = KEY_A
    file = testing.make_ledger_file(personas.shogai)
    registrants = [
        testing.make_registrant(
            file,
            registration_number=number,
            name=name,
            name_kana=kana,
            address=address,
            birth_date=birth,
            notes="ハローワーク担当者と面談済み",
        )
        for number, name, kana, address, birth in PEOPLE
    ]
    Provision.objects.create(
        registrant=registrants[0],
        recipient=file.recipients.get(name="ハローワーク"),
        purpose=file.purposes.get(name="就労先の紹介"),
        provided_on=dt.date(2009, 11, 2),
        outcome=Provision.Outcome.OVERRIDDEN,
        override_ground="life",
        override_explanation="本人が職場で倒れ、救急搬送先に既往歴を伝えた",
        recorded_by=personas.staff,
        recorded_at=timezone.now(),
    )
    return registrants


def test_values_written_with_key_a_read_back_under_key_b_alone_after_rotation(
    settings: Any, written_with_a: list[Registrant]
) -> None:
    assert all(token.startswith("v1.A.") for token in stored_tokens())
    settings.MAMORI_DATA_KEYS = f"{KEY_B},{KEY_A}"

    output = rotate(batch=2)

    done = gettext("Done: %(values)s values in %(rows)s rows are now under key “%(key)s”.")
    assert done % {"values": 13, "rows": 4, "key": "B"} in output
    settings.MAMORI_DATA_KEYS = KEY_B
    tokens = stored_tokens()
    assert len(tokens) == 13  # 5 + 5 + 2 (R003: name and notes) + the explanation
    assert all(token.startswith("v1.B.") for token in tokens)
    read = {r.registration_number: r for r in Registrant.objects.all()}
    for number, name, kana, address, birth in PEOPLE:
        assert (read[number].name, read[number].name_kana) == (name, kana)
        assert (read[number].address, read[number].birth_date) == (address, birth)
        assert read[number].notes == "ハローワーク担当者と面談済み"
    assert Provision.objects.get().override_explanation.startswith("本人が職場で倒れ")


def test_the_rotation_is_one_audit_event_with_counts_and_no_values(
    settings: Any, written_with_a: list[Registrant]
) -> None:
    before = AuditEvent.objects.count()
    settings.MAMORI_DATA_KEYS = f"{KEY_B},{KEY_A}"

    rotate(batch=1)

    event = AuditEvent.objects.get(use_case=keys.USE_CASE)
    assert AuditEvent.objects.count() == before + 1
    assert event.changes["rows"] == 4
    assert event.changes["values"] == 13
    assert event.changes["by_model"] == {"ledger.Registrant": 3, "ledger.Provision": 1}
    assert event.changes["completed"] is True
    trail = f"{event.object_repr} {event.changes}"
    assert not any(name in trail for _n, name, *_rest in PEOPLE)


def test_a_second_run_changes_nothing(settings: Any, written_with_a: list[Registrant]) -> None:
    settings.MAMORI_DATA_KEYS = f"{KEY_B},{KEY_A}"
    rotate()
    tokens = stored_tokens()
    events = AuditEvent.objects.count()

    output = rotate()

    nothing = gettext("Every encrypted value is already under key “%(key)s”: nothing to do.")
    assert output.strip() == nothing % {"key": "B"}
    assert stored_tokens() == tokens
    assert AuditEvent.objects.count() == events


def test_an_interrupted_rotation_resumes_where_it_stopped(
    settings: Any, written_with_a: list[Registrant]
) -> None:
    settings.MAMORI_DATA_KEYS = f"{KEY_B},{KEY_A}"
    # As if a run had been stopped after its first batch: one row is already under B.
    first = Registrant.objects.get(registration_number="R001")
    first.save(  # re-encrypted under B when saved
        update_fields=["name", "name_kana", "address", "birth_date", "notes"]
    )
    assert keys.pending() == {"ledger.Registrant": 2, "ledger.Provision": 1}

    result = keys.rotate(batch=1)

    assert result.by_model == {"ledger.Registrant": 2, "ledger.Provision": 1}
    assert keys.pending() == {}


def test_a_value_under_a_key_not_configured_stops_the_rotation_naming_key_and_model(
    settings: Any, written_with_a: list[Registrant], personas: Personas
) -> None:
    settings.MAMORI_DATA_KEYS = KEY_C
    file = testing.make_ledger_file(personas.shogai)
    testing.make_registrant(file, name="見本 三郎")
    tokens = stored_tokens()
    settings.MAMORI_DATA_KEYS = f"{KEY_B},{KEY_C}"

    with pytest.raises(CommandError) as stopped:
        rotate()

    message = str(stopped.value)
    expected = gettext(
        "Key “%(key)s” is not configured, but values of %(model)s.%(field)s are encrypted "
        "with it: add it to MAMORI_DATA_KEYS (after the new key) and run the rotation again."
    )
    assert message == expected % {"key": "A", "model": "ledger.Registrant", "field": "name"}
    assert not any(name in message for _n, name, *_rest in PEOPLE)
    assert stored_tokens() == tokens  # nothing written: checked before the first batch
    assert not AuditEvent.objects.filter(use_case=keys.USE_CASE).exists()


def test_a_tampered_value_stops_the_rotation_without_showing_it(
    settings: Any, written_with_a: list[Registrant]
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM ledger_registrant WHERE registration_number = 'R002'")
        (token,) = cursor.fetchone()
        tampered = flipped(token)
        cursor.execute(
            "UPDATE ledger_registrant SET notes = %s WHERE registration_number = 'R002'",
            [tampered],
        )
    settings.MAMORI_DATA_KEYS = f"{KEY_B},{KEY_A}"

    with pytest.raises(CommandError) as stopped:
        rotate(batch=1)

    assert "ledger.Registrant.notes" in str(stopped.value)
    assert tampered not in str(stopped.value)
    # The batches before the bad row are kept and the partial run is on the audit trail.
    event = AuditEvent.objects.get(use_case=keys.USE_CASE)
    assert event.changes["completed"] is False
    assert event.changes["rows"] == 1


def test_a_batch_below_one_is_refused(settings: Any, written_with_a: list[Registrant]) -> None:
    settings.MAMORI_DATA_KEYS = f"{KEY_B},{KEY_A}"
    with pytest.raises(CommandError):
        rotate(batch=0)
    assert all(token.startswith("v1.A.") for token in stored_tokens())


def test_data_key_prints_a_key_that_the_settings_accept(settings: Any) -> None:
    settings.MAMORI_DATA_KEYS = KEY_A
    out = StringIO()
    call_command("data_key", "--id", "k2026", stdout=out, stderr=StringIO())

    line = out.getvalue().strip()

    assert line.startswith("k2026:")
    ring = crypto.parse_keys(f"{line},{KEY_A}")
    assert ring.current_id == "k2026" and len(ring.keys["k2026"]) == crypto.KEY_BYTES


def test_data_key_refuses_an_id_already_in_use_or_malformed(settings: Any) -> None:
    settings.MAMORI_DATA_KEYS = KEY_A
    for bad in ("A", "k-1", "キー", "x" * 17):
        with pytest.raises(CommandError):
            call_command("data_key", "--id", bad, stdout=StringIO(), stderr=StringIO())


def test_a_key_id_differing_only_in_case_is_not_taken_for_the_current_key(
    settings: Any, personas: Personas
) -> None:
    # Values sealed under "K1"; then only "k1" (another key) is configured. SQLite's LIKE
    # ignores case, so a startswith match would call them current and skip them for good.
    settings.MAMORI_DATA_KEYS = "K1:" + crypto.new_key()
    file = testing.make_ledger_file(personas.shogai)
    testing.make_registrant(file, name="見本 四郎")
    settings.MAMORI_DATA_KEYS = "k1:" + crypto.new_key()

    assert keys.pending() == {"ledger.Registrant": 1}
    with pytest.raises(keys.RotationStopped) as stopped:
        keys.check_keys()
    assert "K1" in str(stopped.value)
