"""`mamori audit_verify` passes an intact chain and names the first event tampered with."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mamori.audit import services
from mamori.audit.models import AuditEvent
from mamori.audit.tests.helpers import delete_event, drop_triggers, edit_event

Action = AuditEvent.Action


def record_events(count: int) -> list[AuditEvent]:
    return [
        services.record(
            actor=None,
            action=Action.UPDATE,
            use_case="tests.note",
            object_repr=f"記録{number}",
            changes={"title": ["旧", f"新{number}"]},
        )
        for number in range(1, count + 1)
    ]


def verify() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("audit_verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify_fails() -> str:
    with pytest.raises(CommandError) as failure:
        verify()
    assert failure.value.returncode == 1
    return str(failure.value)


@pytest.mark.django_db
class TestAnIntactChain:
    def test_it_reports_how_many_events_it_verified(self) -> None:
        events = record_events(3)
        out, err = verify()
        assert "OK: 3 件の記録を検証しました。" in out
        assert events[-1].hash in out
        assert err == ""

    def test_it_accepts_an_empty_trail(self) -> None:
        out, _err = verify()
        assert "OK: 0 件の記録を検証しました。" in out


@pytest.mark.django_db
class TestATamperedChain:
    def test_it_names_an_event_whose_object_was_edited_in_the_database(self) -> None:
        events = record_events(5)
        drop_triggers()
        edit_event(3, object_repr="書き換えた記録")
        message = verify_fails()
        assert "監査証跡が壊れています。" in message
        assert f"番号 3 の記録（ID {events[2].pk}）" in message
        assert "記録の内容がハッシュと一致しません" in message

    def test_it_names_an_event_whose_changes_were_edited_in_the_database(self) -> None:
        record_events(4)
        drop_triggers()
        edit_event(2, changes={"title": ["旧", "改ざん"]})
        assert "番号 2 の記録" in verify_fails()

    def test_it_names_the_event_after_one_that_was_edited_and_rehashed(self) -> None:
        events = record_events(4)
        drop_triggers()
        forged = AuditEvent.objects.get(seq=2)
        forged.object_repr = "書き換えた記録"
        edit_event(2, object_repr=forged.object_repr, hash=forged.compute_hash())
        message = verify_fails()
        assert f"番号 3 の記録（ID {events[2].pk}）" in message
        assert "直前の記録のハッシュとつながっていません" in message

    def test_it_names_an_event_deleted_from_the_middle(self) -> None:
        record_events(5)
        drop_triggers()
        delete_event(3)
        message = verify_fails()
        assert "番号 3 の記録" in message
        assert "記録が欠けています" in message

    def test_it_notices_the_last_event_was_deleted(self) -> None:
        record_events(3)
        drop_triggers()
        delete_event(3)
        message = verify_fails()
        assert "番号 3 の記録" in message
        assert "記録が欠けています" in message

    def test_it_warns_when_the_database_no_longer_refuses_changes(self) -> None:
        record_events(1)
        drop_triggers()
        out, err = verify()
        assert "OK: 1 件の記録を検証しました。" in out
        assert "データベースが監査記録の変更を拒否する設定になっていません" in err

    def test_the_service_stops_at_the_first_broken_event(self) -> None:
        record_events(5)
        drop_triggers()
        edit_event(2, object_repr="一つ目の改ざん")
        edit_event(4, object_repr="二つ目の改ざん")
        with pytest.raises(services.ChainBroken) as broken:
            services.verify_chain()
        assert broken.value.event_seq == 2
        assert broken.value.reason == services.ChainBroken.Reason.HASH


def mamori(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["MAMORI_VAR_DIR"] = str(var_dir)
    return subprocess.run(  # noqa: S603 - our own entry point
        [sys.executable, "-m", "mamori", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


WRITERS = """
import threading
from django.db import connection, transaction
from mamori.audit import services

def write():
    for number in range(10):
        with transaction.atomic():
            services.record(actor=None, action="update", use_case="tests.thread", object_repr="")
    connection.close()

threads = [threading.Thread(target=write) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
"""


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A var/ directory with a freshly migrated SQLite database file."""
    var_dir = tmp_path_factory.mktemp("var")
    migrated = mamori(var_dir, "migrate", "--skip-checks", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr
    return var_dir


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the file database is SQLite's")
class TestOnTheSqliteDatabaseFile:
    """The command as an operator runs it, on the WAL database file that `mamori` uses."""

    def test_writers_in_parallel_leave_a_chain_that_verifies(self, var_dir: Path) -> None:
        # Each thread has its own connection to the file and waits out the others' write locks.
        written = mamori(var_dir, "shell", "--no-imports", "-c", WRITERS)
        assert written.returncode == 0, written.stderr
        verified = mamori(var_dir, "audit_verify")
        assert verified.returncode == 0, verified.stderr
        assert "OK: 40 件の記録を検証しました。" in verified.stdout

    def test_it_exits_with_status_1_naming_an_event_edited_in_the_file(self, var_dir: Path) -> None:
        with sqlite3.connect(var_dir / "mamori.sqlite3") as db:
            db.execute("DROP TRIGGER audit_auditevent_no_update")
            db.execute("UPDATE audit_auditevent SET object_repr = 'forged' WHERE seq = 7")
        verified = mamori(var_dir, "audit_verify")
        assert verified.returncode == 1
        assert "番号 7 の記録" in verified.stderr
        assert "データベースが監査記録の変更を拒否する設定になっていません" in verified.stderr
