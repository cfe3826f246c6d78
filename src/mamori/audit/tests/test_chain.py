"""The audit trail: events chain by hash, share their change's transaction and cannot be altered."""

from __future__ import annotations

import itertools
import threading
import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction

from mamori import testing
from mamori.accounts.models import Department, Role
from mamori.audit import services, triggers
from mamori.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent, AuditEventImmutable

Action = AuditEvent.Action


class Boom(Exception):
    pass


def record_note(text: str = "note") -> AuditEvent:
    return services.record(
        actor=None, action=Action.UPDATE, use_case="tests.note", object_repr=text
    )


@pytest.mark.django_db
class TestTheChain:
    def test_the_first_event_chains_to_the_genesis_hash(self) -> None:
        event = record_note()
        assert (event.seq, event.prev_hash) == (1, GENESIS_HASH)
        assert event.hash == event.compute_hash()

    def test_each_event_carries_the_hash_of_the_one_before(self) -> None:
        first, second, third = record_note("a"), record_note("b"), record_note("c")
        assert [e.seq for e in (first, second, third)] == [1, 2, 3]
        assert second.prev_hash == first.hash
        assert third.prev_hash == second.hash
        head = AuditChainHead.objects.get()
        assert (head.last_seq, head.last_hash) == (3, third.hash)

    def test_the_stored_event_hashes_to_the_same_value(self) -> None:
        secretariat = testing.make_user(Role.SECRETARIAT)
        department = testing.make_department("障害支援課")
        services.record_create(actor=secretariat, use_case="tests.create", obj=department)
        stored = AuditEvent.objects.get()
        assert stored.compute_hash() == stored.hash
        assert services.verify_chain() == 1

    def test_it_records_who_which_use_case_which_object_and_each_field_before_and_after(
        self,
    ) -> None:
        secretariat = testing.make_user(Role.SECRETARIAT, username="tanaka")
        department = testing.make_department("障害支援課")
        before = services.snapshot(department)
        department.phone = "042-393-5111"
        department.save(update_fields=["phone"])
        event = services.record_update(
            actor=secretariat, use_case="accounts.update_department", obj=department, before=before
        )
        assert event is not None
        assert event.actor == secretariat
        assert event.actor_label == "tanaka"
        assert event.action == Action.UPDATE
        assert event.use_case == "accounts.update_department"
        assert (event.object_type, event.object_id) == ("accounts.department", str(department.pk))
        assert event.changes == {"phone": ["", "042-393-5111"]}

    def test_it_never_records_a_password_hash(self) -> None:
        user = testing.make_user(Role.SECRETARIAT)
        event = services.record_create(actor=None, use_case="tests.create_user", obj=user)
        assert "password" not in event.changes
        assert user.password not in str(event.changes)

    def test_an_event_recorded_in_a_transaction_that_rolls_back_disappears_with_it(self) -> None:
        record_note("kept")
        with pytest.raises(Boom), transaction.atomic():
            department = Department.objects.create(name="消える課", level=Department.Level.BU)
            services.record_create(actor=None, use_case="tests.create", obj=department)
            assert AuditEvent.objects.count() == 2
            raise Boom
        assert not Department.objects.filter(name="消える課").exists()
        assert list(AuditEvent.objects.values_list("object_repr", flat=True)) == ["kept"]
        assert AuditChainHead.objects.get().last_seq == 1
        assert record_note("next").seq == 2
        assert services.verify_chain() == 2


@pytest.mark.django_db
class TestTheAppRefusesChanges:
    def test_a_queryset_update_is_refused(self) -> None:
        record_note()
        with pytest.raises(AuditEventImmutable):
            AuditEvent.objects.filter(seq=1).update(object_repr="changed")

    def test_a_queryset_delete_is_refused(self) -> None:
        record_note()
        with pytest.raises(AuditEventImmutable):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.count() == 1

    def test_saving_a_stored_event_is_refused(self) -> None:
        event = record_note()
        event.object_repr = "changed"
        with pytest.raises(AuditEventImmutable):
            event.save()
        assert AuditEvent.objects.get().object_repr == "note"

    def test_deleting_a_stored_event_is_refused(self) -> None:
        event = record_note()
        with pytest.raises(AuditEventImmutable):
            event.delete()
        assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
class TestTheDatabaseRefusesChanges:
    def test_the_migrations_install_the_append_only_triggers(self) -> None:
        assert triggers.installed(connection)

    def test_a_raw_sql_update_is_refused(self) -> None:
        record_note()
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET object_repr = 'changed'")
        assert AuditEvent.objects.get().object_repr == "note"

    def test_a_raw_sql_delete_is_refused(self) -> None:
        record_note()
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")
        assert AuditEvent.objects.count() == 1

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
    def test_truncate_is_refused_on_postgresql(self) -> None:
        record_note()
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_auditevent CASCADE")
        assert AuditEvent.objects.count() == 1

    def test_new_events_can_still_be_appended(self) -> None:
        record_note()
        record_note()
        assert services.verify_chain() == 2


@pytest.mark.django_db(transaction=True)
class TestConcurrentWriters:
    WRITERS = 4
    EVENTS_EACH = 10

    def append(self, text: str) -> None:
        # The SQLite test database lives in shared-cache memory, where a second writer gets
        # "database table is locked" at once instead of waiting out the busy timeout as it does
        # on the file database (see test_separate_processes_...). Retrying the whole transaction
        # is what that wait amounts to.
        shared_cache = "mode=memory" in str(connection.settings_dict["NAME"])
        for _attempt in range(2000):
            try:
                with transaction.atomic():
                    record_note(text)
                return
            except OperationalError as error:
                if not (shared_cache and "locked" in str(error)):
                    raise
                time.sleep(0.002)
        raise AssertionError("the database stayed locked")

    def write_events(
        self, writer: int, start: threading.Barrier, errors: list[BaseException]
    ) -> None:
        try:
            start.wait(timeout=30)
            for number in range(self.EVENTS_EACH):
                self.append(f"writer {writer} event {number}")
        except BaseException as error:  # the main thread reports it
            errors.append(error)
        finally:
            connection.close()

    def test_writers_in_parallel_append_one_unbroken_chain(self) -> None:
        start = threading.Barrier(self.WRITERS)
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=self.write_events, args=(writer, start, errors))
            for writer in range(self.WRITERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        total = self.WRITERS * self.EVENTS_EACH
        events = list(AuditEvent.objects.order_by("seq"))
        assert [e.seq for e in events] == list(range(1, total + 1))
        assert len({e.prev_hash for e in events}) == total
        assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
        assert services.verify_chain() == total

    def test_flush_empties_the_trail_and_puts_the_triggers_back(self) -> None:
        record_note()
        call_command("flush", interactive=False, verbosity=0)
        assert AuditEvent.objects.count() == 0
        assert triggers.installed(connection)
        assert services.verify_chain() == 0
        assert record_note().seq == 1
