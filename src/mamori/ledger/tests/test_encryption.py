"""Residents' personal data is encrypted at rest: the database, the audit trail and the logged
SQL never hold it in clear; a token copied to another column or altered does not decrypt; an
encrypted column cannot be searched; a registrant's str and repr never name the person."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
import sqlite3
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas
from mamori.ledger.crypto import DecryptionFailed
from mamori.ledger.models import (
    IncidentKind,
    OverrideGround,
    PersonalInformationFile,
    Provision,
    Registrant,
)
from mamori.ledger.services import (
    create_registrant,
    record_incident,
    record_override,
    record_reports,
    record_view,
    update_registrant,
)

ENCRYPTED = AuditEvent.ENCRYPTED_VALUE
PROVIDED_ON = dt.date(2009, 11, 2)
# What the people typed; none of it may reach the database, the trail or the logs in clear.
PEOPLE = [
    {
        "registration_number": "K-0001",
        "name": "見本 一郎",
        "name_kana": "みほん いちろう",
        "address": "東京都東村山市本町一丁目見本荘101",
        "birth_date": dt.date(1953, 7, 19),
        "phone": "042-555-0199",
        "notes": "通院日は毎週火曜日(見本記録)",
    },
    {
        "registration_number": "K-0002",
        "name": "試験 花子",
        "name_kana": "しけん はなこ",
        "address": "東京都東村山市久米川町試験団地3-14",
        "birth_date": dt.date(1961, 2, 27),
        "phone": "042-555-0142",
        "notes": "就労先の希望は製造業(試験記録)",
    },
]
NEW_ADDRESS = "東京都東村山市萩山町見本ハイツ202"
EXPLANATION = "作業中に見本一郎が倒れ、搬送先の病院に服薬状況を伝えた"
LATE_REASON = "見本一郎の件は救急対応を優先し、翌月に記録した"
INCIDENT_TEXT = "見本花子さんの通所調整票を別の作業所へ誤送信した"
NOTIFICATION = "見本花子さんに電話で説明した"


def plaintexts() -> list[str]:
    texts = [NEW_ADDRESS, EXPLANATION, LATE_REASON, INCIDENT_TEXT, NOTIFICATION]
    for person in PEOPLE:
        texts += [str(v) for k, v in person.items() if k != "registration_number"]
    return texts


def forms_of(text: str) -> dict[str, bytes]:
    """A text as a database may hold it: UTF-8, UTF-16 (either byte order), and escaped as
    JSON does by default (\\u8a66…), which is how a JSON column (the audit trail's
    changes) stores Japanese."""
    escaped = json.dumps(text)[1:-1]
    return {
        "utf-8": text.encode(),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-16-be": text.encode("utf-16-be"),
        "json": escaped.encode(),
        "json-upper": re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m[1].upper(), escaped).encode(),
    }


def holds(data: bytes, text: str) -> bool:
    return any(form in data for form in forms_of(text).values())


def haystack_hits(data: bytes) -> list[str]:
    """The plaintexts found in the bytes, in any of their forms."""
    return [
        f"{text} ({name})"
        for text in plaintexts()
        for name, form in forms_of(text).items()
        if form in data
    ]


def create_people(personas: Personas) -> tuple[PersonalInformationFile, list[Registrant]]:
    """The registrants, a change of address, a view and a provision under a legal exception,
    all through the services."""
    file = testing.make_ledger_file(personas.shogai)
    registrants = [
        create_registrant(
            actor=personas.staff, file=file, registered_on=dt.date(2009, 10, 1), **person
        )
        for person in PEOPLE
    ]
    update_registrant(actor=personas.staff, registrant=registrants[0], address=NEW_ADDRESS)
    record_view(actor=personas.staff, purpose="面談の準備", registrant=registrants[0])
    record_override(
        actor=personas.staff,
        registrant=registrants[0],
        recipient=file.recipients.get(name="ハローワーク"),
        purpose=file.purposes.get(name="就労先の紹介"),
        item_groups=list(file.item_groups.all()),
        provided_on=PROVIDED_ON,
        ground=OverrideGround.LIFE,
        explanation=EXPLANATION,
        late_reason=LATE_REASON,
    )
    incident = record_incident(
        actor=personas.staff,
        department=personas.shogai,
        file=file,
        title="通所調整票の誤送信",
        kind=IncidentKind.LEAK,
        what_happened=INCIDENT_TEXT,
        discovered_on=dt.date(2026, 11, 2),
        people_count=1,
        special_care=True,
    )
    record_reports(actor=personas.staff, incident=incident, notification_note=NOTIFICATION)
    return file, registrants


def text_columns_of_every_table() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')"
        )
        return [(table, column) for table, column in cursor.fetchall()]


def postgresql_hits() -> list[str]:
    hits = []
    with connection.cursor() as cursor:
        for table, column in text_columns_of_every_table():
            quoted_table = connection.ops.quote_name(table)
            quoted_column = connection.ops.quote_name(column)
            cursor.execute(f"SELECT {quoted_column}::text FROM {quoted_table}")  # noqa: S608
            values = "\n".join(str(row[0]) for row in cursor.fetchall() if row[0] is not None)
            hits += [f"{table}.{column}: {hit}" for hit in haystack_hits(values.encode())]
    return hits


@pytest.mark.django_db(transaction=True)
class TestTheDatabase:
    def test_no_plaintext_is_stored_anywhere_in_the_database(
        self, personas: Personas, tmp_path: Path
    ) -> None:
        create_people(personas)

        if connection.vendor == "postgresql":
            assert text_columns_of_every_table()
            assert postgresql_hits() == []
            return
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        data = copy.read_bytes()
        # The copy holds the registrants (their numbers are stored in clear), not plaintext.
        assert b"K-0001" in data and holds(data, "面談の準備")
        assert haystack_hits(data) == []
        # The live database too, freed pages included (an update leaves the old row behind).
        raw = connection.connection.serialize() if connection.vendor == "sqlite" else b""
        assert b"K-0002" in raw
        assert haystack_hits(raw) == []


@pytest.mark.django_db
class TestTheAuditTrail:
    def test_the_trail_records_encrypted_fields_as_changed_without_their_values(
        self, personas: Personas
    ) -> None:
        _file, registrants = create_people(personas)

        events = list(AuditEvent.objects.all())
        for event in events:
            trail = f"{event.object_repr} {event.changes}"
            assert not [text for text in plaintexts() if text in trail], event.use_case
        created = AuditEvent.objects.for_object(registrants[0]).get(
            use_case="ledger.create_registrant"
        )
        for field in ("name", "name_kana", "address", "birth_date", "phone", "notes"):
            assert created.changes[field] == [None, ENCRYPTED]
        updated = AuditEvent.objects.get(use_case="ledger.update_registrant")
        assert set(updated.changes) - {"updated_at"} == {"address"}
        assert updated.changes["address"] == [ENCRYPTED, ENCRYPTED]
        provision = Provision.objects.get()
        override = AuditEvent.objects.for_object(provision).get()
        assert override.changes["override_explanation"] == [None, ENCRYPTED]
        assert override.changes["late_reason"] == [None, ENCRYPTED]
        incident = AuditEvent.objects.get(use_case="ledger.record_incident")
        assert incident.changes["what_happened"] == [None, ENCRYPTED]
        reports = AuditEvent.objects.get(use_case="ledger.record_reports")
        assert reports.changes["notification_note"] == ["", ENCRYPTED]

    def test_the_trail_page_shows_that_a_value_was_encrypted(self, personas: Personas) -> None:
        create_people(personas)

        event = AuditEvent.objects.get(use_case="ledger.update_registrant")
        rows = dict((label, (before, after)) for label, before, after in event.change_rows())

        address = str(Registrant._meta.get_field("address").verbose_name)
        assert rows[address][0] == rows[address][1] != ENCRYPTED
        assert NEW_ADDRESS not in str(rows)


@pytest.mark.django_db
class TestTheLogs:
    def test_the_logged_sql_and_parameters_hold_no_plaintext(
        self, personas: Personas, caplog: pytest.LogCaptureFixture
    ) -> None:
        caplog.set_level(logging.DEBUG, logger="django.db.backends")
        with CaptureQueriesContext(connection) as queries:
            create_people(personas)
            read = [r.name for r in Registrant.objects.order_by("registration_number")]

        assert read == ["見本 一郎", "試験 花子"]  # the values went through these queries
        logged = "\n".join(q["sql"] for q in queries.captured_queries) + caplog.text
        assert "v1." in logged and "ledger_registrant" in caplog.text
        assert [text for text in plaintexts() if text in logged] == []


@pytest.mark.django_db
class TestTokens:
    def test_a_token_moved_into_another_column_does_not_decrypt(self, personas: Personas) -> None:
        _file, registrants = create_people(personas)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_registrant SET notes = name WHERE id = %s", [registrants[1].pk]
            )

        with pytest.raises(DecryptionFailed):
            Registrant.objects.get(pk=registrants[1].pk)
        assert Registrant.objects.get(pk=registrants[0].pk).name == "見本 一郎"

    def test_a_token_from_another_row_decrypts_only_as_that_column(
        self, personas: Personas
    ) -> None:
        _file, registrants = create_people(personas)
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM ledger_registrant WHERE id = %s", [registrants[0].pk])
            (token,) = cursor.fetchone()
            cursor.execute(
                "UPDATE ledger_registrant SET address = %s WHERE id = %s",
                [token, registrants[1].pk],
            )

        with pytest.raises(DecryptionFailed):
            Registrant.objects.get(pk=registrants[1].pk)

    def test_an_altered_token_does_not_decrypt(self, personas: Personas) -> None:
        _file, registrants = create_people(personas)
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone FROM ledger_registrant WHERE id = %s", [registrants[0].pk])
            (token,) = cursor.fetchone()
            head, body = token.rsplit(".", 1)
            raw = bytearray(base64.urlsafe_b64decode(body))
            raw[-1] ^= 0x01
            altered = f"{head}.{base64.urlsafe_b64encode(bytes(raw)).decode()}"
            cursor.execute(
                "UPDATE ledger_registrant SET phone = %s WHERE id = %s",
                [altered, registrants[0].pk],
            )

        with pytest.raises(DecryptionFailed):
            Registrant.objects.get(pk=registrants[0].pk)

    def test_a_token_with_an_unknown_key_id_does_not_decrypt(self, personas: Personas) -> None:
        _file, registrants = create_people(personas)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_registrant SET name = 'v1.zz.' || substr(name, 8) WHERE id = %s",
                [registrants[0].pk],
            )

        with pytest.raises(DecryptionFailed):
            Registrant.objects.get(pk=registrants[0].pk)


@pytest.mark.django_db
class TestSearching:
    @pytest.mark.parametrize("lookup", ["name", "name__icontains", "address__startswith"])
    def test_filtering_on_an_encrypted_field_is_refused(self, lookup: str) -> None:
        with pytest.raises(FieldError):
            list(Registrant.objects.filter(**{lookup: "見本"}))

    def test_a_registrant_is_found_by_its_registration_number(self, personas: Personas) -> None:
        create_people(personas)

        found = Registrant.objects.get(registration_number="K-0002")

        assert found.name == "試験 花子"
        assert found.birth_date == dt.date(1961, 2, 27)


@pytest.mark.django_db
class TestNaming:
    def test_str_and_repr_never_name_the_person(self, personas: Personas) -> None:
        _file, registrants = create_people(personas)

        for registrant in [*registrants, *Registrant.objects.all()]:
            shown = f"{registrant} {registrant!r}"
            assert registrant.registration_number in shown
            assert registrant.name not in shown and registrant.name_kana not in shown
            assert registrant.address not in shown


def test_the_sqlite_copy_would_show_plaintext_were_it_stored(tmp_path: Path) -> None:
    """The byte search finds what it looks for, in both encodings (a check of the check)."""
    database = tmp_path / "plain.sqlite3"
    with sqlite3.connect(database) as plain:
        plain.execute("CREATE TABLE t (a TEXT)")
        plain.execute("INSERT INTO t VALUES (?)", [PEOPLE[0]["name"]])
        plain.execute("PRAGMA encoding")
    plain.close()

    assert haystack_hits(database.read_bytes()) == [f"{PEOPLE[0]['name']} (utf-8)"]
    assert haystack_hits(str(PEOPLE[1]["notes"]).encode("utf-16-le"))
    assert haystack_hits(json.dumps({"notes": PEOPLE[1]["notes"]}).encode())
