"""Sign-in, failed sign-in and sign-out each append exactly one event to the audit trail."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from mamori import testing
from mamori.accounts.models import Role, User
from mamori.audit import services
from mamori.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
WRONG_PASSWORD = "not-the-password-1"


@pytest.fixture
def user() -> User:
    return testing.make_user(Role.SECRETARIAT, username="tanaka", display_name="田中 花子")


def sign_in(client: Client, username: str, password: str) -> None:
    client.post(reverse("accounts:login"), {"username": username, "password": password})


def stored_text(event: AuditEvent) -> str:
    """Everything the event stores, as one string."""
    return json.dumps(event.payload(), ensure_ascii=False) + event.prev_hash + event.hash


class TestSigningIn:
    def test_signing_in_on_the_page_records_one_event_naming_the_person(
        self, client: Client, user: User
    ) -> None:
        sign_in(client, "tanaka", testing.PASSWORD)
        event = AuditEvent.objects.get()
        assert event.action == Action.SIGN_IN
        assert event.use_case == "accounts.sign_in"
        assert (event.actor, event.actor_label) == (user, "tanaka")
        assert (event.object_type, event.object_id) == ("accounts.user", str(user.pk))

    def test_the_sign_in_event_joins_the_chain(self, client: Client, user: User) -> None:
        sign_in(client, "tanaka", testing.PASSWORD)
        client.post(reverse("accounts:logout"))
        sign_in(client, "tanaka", testing.PASSWORD)
        assert services.verify_chain() == 3


class TestAFailedSignIn:
    def test_a_wrong_password_records_exactly_one_event_with_the_username_tried(
        self, client: Client, user: User
    ) -> None:
        sign_in(client, "tanaka", WRONG_PASSWORD)
        event = AuditEvent.objects.get()
        assert event.action == Action.SIGN_IN_FAILED
        assert event.use_case == "accounts.sign_in"
        assert event.actor is None
        assert event.object_repr == "tanaka"
        assert (event.object_type, event.object_id) == ("accounts.user", str(user.pk))
        assert event.changes == {"username": [None, "tanaka"]}

    def test_the_event_holds_no_password(self, client: Client, user: User) -> None:
        sign_in(client, "tanaka", WRONG_PASSWORD)
        assert WRONG_PASSWORD not in stored_text(AuditEvent.objects.get())

    def test_an_unknown_username_is_recorded_without_an_object(self, client: Client) -> None:
        sign_in(client, "nobody", WRONG_PASSWORD)
        event = AuditEvent.objects.get()
        assert (event.object_type, event.object_id, event.object_repr) == ("", "", "nobody")

    def test_a_failure_outside_the_page_records_exactly_one_event(self, user: User) -> None:
        request = RequestFactory().post("/")
        assert authenticate(request=request, username="tanaka", password=WRONG_PASSWORD) is None
        assert AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED).count() == 1

    def test_attempts_on_a_locked_account_record_one_event_each_marked_as_locked(
        self, client: Client, user: User
    ) -> None:
        limit = settings.AXES_FAILURE_LIMIT
        for _attempt in range(limit):
            sign_in(client, "tanaka", WRONG_PASSWORD)
        sign_in(client, "tanaka", testing.PASSWORD)
        events = list(AuditEvent.objects.order_by("seq"))
        assert [e.action for e in events] == [Action.SIGN_IN_FAILED] * (limit + 1)
        locked = [e.changes.get("locked_out") == [None, True] for e in events]
        assert locked == [False] * (limit - 1) + [True, True]
        assert services.verify_chain() == limit + 1


class TestSigningOut:
    def test_signing_out_records_one_event_naming_the_person(
        self, client: Client, user: User
    ) -> None:
        client.force_login(user)
        client.post(reverse("accounts:logout"))
        event = AuditEvent.objects.order_by("seq").last()
        assert event is not None
        assert event.action == Action.SIGN_OUT
        assert event.use_case == "accounts.sign_out"
        assert event.actor == user
        assert AuditEvent.objects.count() == 2

    def test_signing_out_when_nobody_is_signed_in_records_nothing(self, client: Client) -> None:
        client.post(reverse("accounts:logout"))
        assert AuditEvent.objects.count() == 0
