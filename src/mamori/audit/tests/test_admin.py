"""The admin: audit events are read-only there, and AuditedModelAdmin records every admin write."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db.models import ProtectedError
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from mamori import testing
from mamori.accounts.models import Department, User
from mamori.audit import services
from mamori.audit.admin import AuditedModelAdmin
from mamori.audit.models import AuditEvent
from mamori.council.models import AgendaItem, Meeting

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("kanri", password=testing.PASSWORD)


@pytest.fixture
def admin_client_(client: Client, superuser: User) -> Client:
    client.force_login(superuser)
    return client


def admin_request(user: User) -> HttpRequest:
    request = RequestFactory().post("/admin/")
    request.user = user
    return request


def save(
    model_admin: AuditedModelAdmin[Department], user: User, obj: Department, change: bool
) -> None:
    """Save as the admin's change view does, with the admin's own form for the object."""
    request = admin_request(user)
    form = model_admin.get_form(request, obj if change else None)(instance=obj)
    model_admin.save_model(request, obj, form, change=change)


class TestTheAuditEventAdmin:
    def test_lists_events_for_a_superuser(self, admin_client_: Client) -> None:
        response = admin_client_.get(reverse("admin:audit_auditevent_changelist"))
        assert response.status_code == 200
        assert [e.action for e in response.context["cl"].result_list] == [Action.SIGN_IN]

    def test_offers_no_way_to_add_change_or_delete(self, admin_client_: Client) -> None:
        event = AuditEvent.objects.get()
        assert admin_client_.get(reverse("admin:audit_auditevent_add")).status_code == 403
        change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
        response = admin_client_.post(change_url, {"object_repr": "changed"})
        assert response.status_code == 403
        delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
        assert admin_client_.post(delete_url, {"post": "yes"}).status_code == 403
        assert AuditEvent.objects.get().object_repr == event.object_repr


class TestAuditedModelAdmin:
    @pytest.fixture
    def department_admin(self) -> AuditedModelAdmin[Department]:
        return AuditedModelAdmin(Department, admin.site)

    def test_records_an_addition_with_every_value(
        self, department_admin: AuditedModelAdmin[Department], superuser: User
    ) -> None:
        department = Department(name="障害支援課", level=Department.Level.BU)
        save(department_admin, superuser, department, change=False)
        event = AuditEvent.objects.get()
        assert (event.action, event.use_case) == (Action.CREATE, "admin.accounts.department.create")
        assert event.actor == superuser
        assert event.object_id == str(department.pk)
        assert event.changes["name"] == [None, "障害支援課"]

    def test_records_a_change_as_the_stored_values_before_and_the_new_after(
        self, department_admin: AuditedModelAdmin[Department], superuser: User
    ) -> None:
        department = testing.make_department("障害支援課")
        department.phone = "042-393-5111"  # as the admin form writes it before save_model
        save(department_admin, superuser, department, change=True)
        event = AuditEvent.objects.get()
        assert event.use_case == "admin.accounts.department.update"
        assert event.changes == {"phone": ["", "042-393-5111"]}
        assert Department.objects.get(pk=department.pk).phone == "042-393-5111"

    def test_records_nothing_when_nothing_changed(
        self, department_admin: AuditedModelAdmin[Department], superuser: User
    ) -> None:
        department = testing.make_department("障害支援課")
        save(department_admin, superuser, department, change=True)
        assert AuditEvent.objects.count() == 0

    def test_records_a_deletion_with_the_values_it_had(
        self, department_admin: AuditedModelAdmin[Department], superuser: User
    ) -> None:
        department = testing.make_department("障害支援課")
        pk = department.pk
        department_admin.delete_model(admin_request(superuser), department)
        event = AuditEvent.objects.get()
        assert (event.action, event.use_case) == (Action.DELETE, "admin.accounts.department.delete")
        assert (event.object_id, event.changes["name"]) == (str(pk), ["障害支援課", None])
        assert not Department.objects.filter(pk=pk).exists()

    def test_records_each_row_a_bulk_deletion_takes_and_what_cascades_with_it(
        self, superuser: User
    ) -> None:
        council = testing.make_council()
        meetings = [testing.make_meeting(council), testing.make_meeting(council)]
        item = testing.put_on_agenda(
            meetings[0], testing.make_consultation(council, testing.make_department("障害支援課"))
        )
        meeting_admin = AuditedModelAdmin(Meeting, admin.site)
        meeting_admin.delete_queryset(admin_request(superuser), Meeting.objects.all())
        deleted = {(e.object_type, e.object_id) for e in AuditEvent.objects.all()}
        assert deleted == {
            ("council.meeting", str(meetings[0].pk)),
            ("council.meeting", str(meetings[1].pk)),
            ("council.agendaitem", str(item.pk)),
        }
        assert {e.use_case for e in AuditEvent.objects.all()} == {"admin.council.meeting.delete"}
        assert not AgendaItem.objects.exists()
        assert services.verify_chain() == 3

    def test_a_deletion_that_fails_takes_its_event_back_with_it(
        self, department_admin: AuditedModelAdmin[Department], superuser: User
    ) -> None:
        department = testing.make_department("障害支援課")

        def fail(*args: object, **kwargs: object) -> None:
            raise RuntimeError("the database went away")

        department.delete = fail  # type: ignore[method-assign,assignment]
        with pytest.raises(RuntimeError):
            department_admin.delete_model(admin_request(superuser), department)
        assert AuditEvent.objects.count() == 0
        assert services.verify_chain() == 0

    def test_a_protected_row_is_refused_before_anything_is_recorded(
        self, department_admin: AuditedModelAdmin[Department], superuser: User
    ) -> None:
        parent = testing.make_department("健康福祉部")
        testing.make_department("障害支援課", parent=parent)
        with pytest.raises(ProtectedError):
            department_admin.delete_model(admin_request(superuser), parent)
        assert AuditEvent.objects.count() == 0
