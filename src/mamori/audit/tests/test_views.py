"""The audit trail page: auditors read it, newest first and filtered; nobody else may."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mamori import testing
from mamori.audit import services, views
from mamori.audit.models import AuditEvent
from mamori.conftest import Personas

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
URL = "/audit/"


def record_note(use_case: str = "tests.note", text: str = "記録", **kwargs: object) -> AuditEvent:
    return services.record(
        actor=kwargs.get("actor"),
        action=str(kwargs.get("action", Action.UPDATE)),
        use_case=use_case,
        object_repr=text,
        changes={"title": ["旧題", "新題"]},
    )


@pytest.fixture
def auditor_client(client: Client, personas: Personas) -> Client:
    client.force_login(personas.auditor)
    return client


def shown_seqs(response: object) -> list[int]:
    return [event.seq for event in response.context["page_obj"]]  # type: ignore[attr-defined]


class TestWhoMayRead:
    def test_has_the_url_named_in_the_menu(self) -> None:
        assert reverse("audit:event_list") == URL

    def test_an_auditor_sees_the_audit_trail_in_japanese(self, auditor_client: Client) -> None:
        response = auditor_client.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>監査証跡 |" in html
        for heading in ["番号", "日時", "利用者", "操作", "ユースケース", "対象", "変更内容"]:
            assert f'<th scope="col">{heading}</th>' in html
        assert "mamori audit_verify" in html

    @pytest.mark.parametrize(
        "persona", ["secretariat", "staff", "other_staff", "member", "chair", "contractor"]
    )
    def test_everyone_else_signed_in_is_refused(
        self, client: Client, personas: Personas, persona: str
    ) -> None:
        client.force_login(getattr(personas, persona))
        assert client.get(URL).status_code == 403

    def test_someone_signed_out_is_sent_to_sign_in(self, client: Client) -> None:
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


class TestTheList:
    def test_shows_events_newest_first_with_who_what_and_the_change(
        self, auditor_client: Client, personas: Personas
    ) -> None:
        record_note(text="諮問第4号", actor=personas.secretariat)
        response = auditor_client.get(URL)
        assert shown_seqs(response) == [2, 1]  # 1 is the auditor's own sign-in
        html = response.content.decode()
        assert "諮問第4号" in html
        assert "title: 旧題 → 新題" in html
        assert "<code>tests.note</code>" in html
        assert "secretariat" in html
        assert "ログイン" in html
        assert "令和" in html

    def test_labels_changed_fields_with_their_names(
        self, auditor_client: Client, personas: Personas
    ) -> None:
        department = testing.make_department("障害支援課")
        before = services.snapshot(department)
        department.phone = "042-393-5111"
        department.save(update_fields=["phone"])
        services.record_update(actor=None, use_case="tests.update", obj=department, before=before)
        html = auditor_client.get(URL).content.decode()
        assert " → 042-393-5111" in html
        assert "phone:" not in html

    def test_shows_missing_values_as_a_dash_and_yes_or_no_in_japanese(
        self, auditor_client: Client
    ) -> None:
        services.record(
            actor=None,
            action=Action.UPDATE,
            use_case="tests.values",
            changes={"is_active": [True, False], "note": ["", "追記"], "ids": [[1, 2], [2, 3]]},
        )
        html = auditor_client.get(URL).content.decode()
        assert "is_active: はい → いいえ" in html
        assert "note: — → 追記" in html
        assert "ids: 1, 2 → 2, 3" in html

    def test_shows_the_chain_head(self, auditor_client: Client) -> None:
        last = record_note()
        html = auditor_client.get(URL).content.decode()
        assert "最後の記録の番号" in html
        assert last.hash in html

    def test_works_with_no_events_at_all(self, personas: Personas) -> None:
        request = RequestFactory().get(URL)
        request.user = personas.auditor
        response = views.event_list(request)
        assert response.status_code == 200
        html = response.content.decode()
        assert "まだ記録はありません。" in html
        assert "該当する記録はありません。" in html

    def test_shows_fifty_events_a_page_and_keeps_the_filter_across_pages(
        self, auditor_client: Client
    ) -> None:
        for _number in range(120):
            record_note("tests.many")
        response = auditor_client.get(URL, {"use_case": "tests.many"})
        assert shown_seqs(response) == list(range(121, 71, -1))
        assert "120 件（新しい順）" in response.content.decode()
        assert 'href="?use_case=tests.many&amp;page=2"' in response.content.decode()
        last_page = auditor_client.get(URL, {"use_case": "tests.many", "page": "3"})
        assert shown_seqs(last_page) == list(range(21, 1, -1))

    def test_reads_a_bounded_number_of_queries_however_many_events(
        self, auditor_client: Client, personas: Personas
    ) -> None:
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert auditor_client.get(URL).status_code == 200
            return len(captured)

        record_note(actor=personas.secretariat)
        few = queries()
        for _number in range(60):
            record_note(actor=personas.staff)
        assert queries() == few


class TestTheFilters:
    @pytest.fixture
    def events(self, personas: Personas) -> None:
        department = testing.make_department("障害支援課")
        services.record_create(actor=personas.secretariat, use_case="tests.create", obj=department)
        record_note("council.create_meeting", actor=personas.staff)
        record_note("council.update_meeting", actor=personas.secretariat, action=Action.DELETE)

    def test_by_object_type(self, auditor_client: Client, events: None) -> None:
        response = auditor_client.get(URL, {"object_type": "accounts.department"})
        assert shown_seqs(response) == [2]

    def test_by_username(self, auditor_client: Client, events: None) -> None:
        response = auditor_client.get(URL, {"actor": "secretariat"})
        assert shown_seqs(response) == [4, 2]

    def test_by_use_case(self, auditor_client: Client, events: None) -> None:
        response = auditor_client.get(URL, {"use_case": "council.create_meeting"})
        assert shown_seqs(response) == [3]

    def test_by_action(self, auditor_client: Client, events: None) -> None:
        response = auditor_client.get(URL, {"action": Action.DELETE})
        assert shown_seqs(response) == [4]

    def test_several_at_once(self, auditor_client: Client, events: None) -> None:
        response = auditor_client.get(URL, {"actor": "secretariat", "use_case": "tests.create"})
        assert shown_seqs(response) == [2]

    def test_an_unknown_action_is_ignored_rather_than_failing(
        self, auditor_client: Client, events: None
    ) -> None:
        response = auditor_client.get(URL, {"action": "nonsense"})
        assert response.status_code == 200
        assert shown_seqs(response) == [4, 3, 2, 1]
