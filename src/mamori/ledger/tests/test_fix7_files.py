"""Review fixes of issue 7 for the register and carry-outs: the statutory items of the
個人情報ファイル簿 in order (「該当なし」 when empty), the 1,000-person threshold, written consent
per recipient from the answered record, contracts changed only by the department, carry-outs
bounded by the contract and a month ahead, late returns kept visible, refusals signed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from playwright.sync_api import Page

from mamori import testing
from mamori.accounts.models import Role
from mamori.conftest import Personas
from mamori.core import eras
from mamori.ledger import exports, services
from mamori.ledger.forms_carry import carriers_for
from mamori.ledger.models import CarryOut, Medium, PersonalInformationFile
from mamori.ledger.views_carry import overdue_by
from mamori.ledger.views_files import register_duty
from mamori.vendors.models import Contract

MAYOR = "東村山市長"  # the letterhead's mayor_title


def public_page(client: Client, file: PersonalInformationFile) -> str:
    return client.get(reverse("ledger:public_file", kwargs={"pk": file.pk})).content.decode()


def row_labels(body: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]+)</th>', body)


class TestTheStatutoryItems:
    def test_the_public_page_gives_every_item_in_the_statutory_order(
        self, client: Client, personas: Personas
    ) -> None:
        file = testing.make_ledger_file(
            personas.shogai, published=True, special_procedures="", anonymized_information=""
        )
        body = public_page(client, file)
        expected = [
            pgettext("register", "Name of the file"),
            pgettext("register", "Name of the public body"),
            pgettext("register", "Office in charge of the work the file is used for"),
            pgettext("register", "Purpose of use"),
            pgettext("register", "Items recorded"),
            pgettext("register", "People recorded"),
            pgettext("register", "How the data is collected"),
            pgettext("register", "Special-care information"),
            pgettext("register", "Regular recipients"),
            pgettext("register", "Office receiving requests for disclosure and the like"),
            pgettext(
                "register", "Special procedures for correction and suspension under other laws"
            ),
            pgettext("register", "Kind of file"),
            pgettext("register", "Anonymously processed information held by public bodies"),
            pgettext("register", "Retention period"),
            pgettext("register", "Remarks"),
        ]
        assert row_labels(body) == expected
        assert exports.headers() == expected

    def test_empty_items_read_none_and_the_agency_defaults_to_the_mayor(
        self, client: Client, personas: Personas
    ) -> None:
        file = testing.make_ledger_file(personas.shogai, published=True)
        rows = dict(exports.register_rows(file))
        none = pgettext("register", "None")
        special = pgettext(
            "register", "Special procedures for correction and suspension under other laws"
        )
        anonymized = pgettext("register", "Anonymously processed information held by public bodies")
        assert rows[special] == rows[anonymized] == none
        assert rows[pgettext("register", "Name of the public body")] == MAYOR
        body = public_page(client, file)
        assert f'<td class="pre-line">{none}</td>' in body
        assert MAYOR in body

    def test_the_exports_carry_the_new_items(self, client: Client, personas: Personas) -> None:
        testing.make_ledger_file(
            personas.shogai,
            name="利用登録者台帳",
            published=True,
            agency_name="東村山市教育委員会",
            special_procedures="なし（他法令の規定なし）",
        )
        response = client.get(reverse("ledger:public_export", kwargs={"fmt": "csv"}))
        text = response.content.decode("utf-8-sig")
        assert "東村山市教育委員会" in text
        assert "なし（他法令の規定なし）" in text
        assert pgettext("register", "None") in text  # 匿名加工情報, empty

    def test_the_form_proposes_the_mayor_and_saves_the_new_items(
        self, client: Client, personas: Personas
    ) -> None:
        client.force_login(personas.staff)
        form = client.get(reverse("ledger:file_create")).context["form"]
        assert form["agency_name"].value() == MAYOR
        data = {
            "name": "相談記録",
            "agency_name": "",
            "department": str(personas.shogai.pk),
            "purpose": "相談対応",
            "items": "氏名",
            "data_subjects": "相談者",
            "sources": "本人",
            "form": "paper",
            "retention": "5年",
            "special_procedures": "",
            "anonymized_information": "提案の募集をしない",
        }
        response = client.post(reverse("ledger:file_create"), data)
        assert response.status_code == 302
        file = PersonalInformationFile.objects.get(name="相談記録")
        assert (file.agency_name, file.anonymized_information) == (MAYOR, "提案の募集をしない")

    @pytest.mark.parametrize(
        ("count", "message"),
        [
            (
                1001,
                "More than 1,000 people: the personal information file must be entered in the "
                "register of personal information files (個人情報ファイル簿).",
            ),
            (1000, "1,000 people or fewer: not required to be published (it may be, by choice)."),
            (None, "Enter the number of people to know whether the file must be published."),
        ],
    )
    def test_the_file_page_weighs_the_number_of_people_against_1000(
        self, client: Client, personas: Personas, count: int | None, message: str
    ) -> None:
        file = testing.make_ledger_file(personas.shogai, expected_subjects=count)
        assert register_duty(file) == gettext(message)
        client.force_login(personas.staff)
        body = client.get(reverse("ledger:file_detail", kwargs={"pk": file.pk})).content.decode()
        (cell,) = re.findall(r'<td id="register-duty">(.*?)</td>', body, re.S)
        assert gettext(message) in cell


def answered_file(personas: Personas) -> PersonalInformationFile:
    """A file on an answer whose record takes written consent for ハローワーク, not for 学校."""
    data = testing.record_data(
        recipients=[
            {"row_id": "r1", "name": "学校", "items": "基本情報", "purpose": "在学状況の確認"}
            | {"written_consent": False},
            {"row_id": "r2", "name": "作業所", "items": "基本情報", "purpose": "実習"}
            | {"written_consent": True},
        ]
    )
    consultation = testing.make_answered_consultation(personas.council, personas.shogai, data=data)
    file: PersonalInformationFile = testing.make_ledger_file(
        personas.shogai, consultation=consultation, decision=consultation.decisions.get()
    )
    file.recipients.filter(name="学校").delete()
    return file


class TestWrittenConsentPerRecipient:
    def test_the_service_follows_the_answered_record_unless_told(self, personas: Personas) -> None:
        file = answered_file(personas)
        school = services.add_recipient(actor=personas.staff, file=file, name="学校")
        workshop = services.add_recipient(actor=personas.staff, file=file, name="作業所")
        unknown = services.add_recipient(actor=personas.staff, file=file, name="市役所")
        told = services.add_recipient(
            actor=personas.staff, file=file, name="病院", written_consent_required=False
        )
        assert [r.written_consent_required for r in (school, workshop, unknown, told)] == [
            False,
            True,
            True,
            False,
        ]

    def test_the_setup_page_offers_the_records_recipients_with_their_rule(
        self, client: Client, personas: Personas
    ) -> None:
        file = answered_file(personas)
        client.force_login(personas.staff)
        url = reverse("ledger:file_setup", kwargs={"pk": file.pk})
        page = client.get(url)
        assert page.context["answered_recipients"] == [("学校", False), ("作業所", True)]
        assert page.context["forms"]["recipient"]["written_consent_required"].value() is True
        # The checkbox as sent: 学校 without it, 作業所 with it.
        client.post(url, {"kind": "recipient", "recipient-name": "学校"})
        client.post(
            url,
            {
                "kind": "recipient",
                "recipient-name": "作業所",
                "recipient-written_consent_required": "on",
            },
        )
        saved = dict(file.recipients.values_list("name", "written_consent_required"))
        assert (saved["学校"], saved["作業所"]) == (False, True)
        assert client.get(url).context["answered_recipients"] == []


class TestContractsAreTheDepartmentsDecision:
    def test_the_secretariats_form_has_no_contracts_and_leaves_them_alone(
        self, client: Client, personas: Personas
    ) -> None:
        ours = testing.make_contract(personas.shogai)
        other = testing.make_contract(personas.shogai)
        file = testing.make_ledger_file(personas.shogai, contracts=[ours])
        client.force_login(personas.secretariat)
        url = reverse("ledger:file_edit", kwargs={"pk": file.pk})
        assert "contracts" not in client.get(url).context["form"].fields
        data = {
            "name": file.name,
            "purpose": file.purpose,
            "items": file.items,
            "data_subjects": file.data_subjects,
            "sources": file.sources,
            "form": file.form,
            "retention": "10年",
            "contracts": [str(other.pk)],
        }
        assert client.post(url, data).status_code == 302
        file.refresh_from_db()
        assert file.retention == "10年"
        assert list(file.contracts.all()) == [ours]

    def test_the_service_refuses_the_secretariat_a_change_of_contracts(
        self, personas: Personas
    ) -> None:
        ours = testing.make_contract(personas.shogai)
        other = testing.make_contract(personas.shogai)
        file = testing.make_ledger_file(personas.shogai, contracts=[ours])
        with pytest.raises(PermissionDenied):
            services.update_file(actor=personas.secretariat, file=file, contracts=[other])
        with pytest.raises(PermissionDenied):
            services.create_file(
                actor=personas.secretariat,
                department=personas.shogai,
                contracts=[other],
                name="別の台帳",
                purpose="p",
                items="氏名",
                data_subjects="s",
                sources="本人",
                form="paper",
                retention="5年",
            )
        # Unchanged contracts pass; the department changes them.
        services.update_file(actor=personas.secretariat, file=file, contracts=[ours])
        services.update_file(actor=personas.staff, file=file, contracts=[other])
        assert list(file.contracts.all()) == [other]


@pytest.fixture
def contract(personas: Personas) -> Contract:
    today = timezone.localdate()
    vendor = testing.make_vendor()
    testing.link_vendor_user(personas.contractor, vendor)
    made: Contract = testing.make_contract(
        personas.shogai,
        vendor,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=10),
    )
    return made


@pytest.fixture
def file(personas: Personas, contract: Contract) -> PersonalInformationFile:
    consultation = testing.make_answered_consultation(personas.council, personas.shogai)
    made: PersonalInformationFile = testing.make_ledger_file(
        personas.shogai,
        consultation=consultation,
        decision=consultation.decisions.get(),
        contracts=[contract],
    )
    return made


def request_data(carrier: Any, leaves: dt.datetime, **overrides: str) -> dict[str, str]:
    leaves = timezone.localtime(leaves)
    due = leaves + dt.timedelta(hours=4)
    data = {
        "medium": "paper",
        "description": "台帳の写し",
        "record_count": "2",
        "purpose": "家庭訪問",
        "destination": "訪問先",
        "carried_by": str(carrier.pk),
        "contract": "",
        "leaves_on": leaves.date().isoformat(),
        "leaves_time": leaves.strftime("%H:%M"),
        "due_on": due.date().isoformat(),
        "due_time": due.strftime("%H:%M"),
    }
    return data | overrides


def make_carry_out(
    personas: Personas, file: PersonalInformationFile, leaves: dt.datetime, due: dt.datetime
) -> CarryOut:
    return CarryOut.objects.create(
        file=file,
        medium=Medium.PAPER,
        description="写し",
        record_count=1,
        purpose="訪問",
        destination="訪問先",
        carried_by=personas.staff,
        leaves_at=leaves,
        due_back_at=due,
        recorded_by=personas.staff,
        recorded_at=timezone.now(),
    )


class TestCarryOutDates:
    def test_a_carry_out_outside_the_contracts_period_is_refused_on_the_day(
        self, client: Client, personas: Personas, file: PersonalInformationFile, contract: Contract
    ) -> None:
        client.force_login(personas.contractor)
        url = reverse("ledger:carry_out_create", kwargs={"pk": file.pk})
        after = timezone.now() + dt.timedelta(days=12)
        response = client.post(
            url, request_data(personas.contractor, after, contract=str(contract.pk))
        )
        assert response.status_code == 200
        expected = gettext(
            "The day it leaves must fall within the contract's period (%(start)s to %(end)s)."
        ) % {
            "start": eras.format_date(contract.starts_on),
            "end": eras.format_date(contract.ends_on),
        }
        assert response.context["form"].errors["leaves_on"] == [expected]
        assert not CarryOut.objects.exists()

    def test_a_carry_out_more_than_30_days_ahead_is_refused(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        client.force_login(personas.staff)
        url = reverse("ledger:carry_out_create", kwargs={"pk": file.pk})
        response = client.post(url, request_data(personas.staff, timezone.now() + dt.timedelta(31)))
        expected = gettext(
            "A carry-out can be requested at most %(days)d days ahead: request it nearer the day."
        ) % {"days": 30}
        assert response.context["form"].errors["leaves_on"] == [expected]
        assert not CarryOut.objects.exists()
        ok = client.post(url, request_data(personas.staff, timezone.now() + dt.timedelta(days=5)))
        assert ok.status_code == 302

    def test_an_approved_carry_out_not_yet_gone_says_so(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        now = timezone.now()
        later = make_carry_out(personas, file, now + dt.timedelta(days=2), now + dt.timedelta(3))
        CarryOut.objects.filter(pk=later.pk).update(status=CarryOut.Status.OUT)
        client.force_login(personas.staff)
        label = pgettext("carry-out", "Approved (not yet taken out)")
        listing = client.get(reverse("ledger:carry_out_list", kwargs={"pk": file.pk}))
        assert [status for _c, _o, status in listing.context["rows"]] == [label]
        detail = client.get(reverse("ledger:carry_out_detail", kwargs={"pk": later.pk}))
        assert detail.context["status"] == label
        assert label in detail.content.decode()

    def test_a_late_return_stays_visible_in_the_list_and_the_detail(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        now = timezone.now()
        late = make_carry_out(personas, file, now - dt.timedelta(days=5), now - dt.timedelta(4))
        on_time = make_carry_out(personas, file, now - dt.timedelta(days=3), now - dt.timedelta(2))
        CarryOut.objects.filter(pk=late.pk).update(
            status=CarryOut.Status.RETURNED, returned_at=now - dt.timedelta(days=1)
        )
        CarryOut.objects.filter(pk=on_time.pk).update(
            status=CarryOut.Status.RETURNED, returned_at=now - dt.timedelta(days=2, hours=1)
        )
        client.force_login(personas.staff)
        expected = pgettext("carry-out", "Returned late (%(late)s late)") % {
            "late": overdue_by(dt.timedelta(days=3))
        }
        listing = client.get(reverse("ledger:carry_out_list", kwargs={"pk": file.pk}))
        labels = {c.pk: status for c, _o, status in listing.context["rows"]}
        assert labels == {
            late.pk: expected,
            on_time.pk: str(CarryOut.Status.RETURNED.label),
        }
        assert expected in listing.content.decode()
        detail = client.get(reverse("ledger:carry_out_detail", kwargs={"pk": late.pk}))
        assert expected in detail.content.decode()

    def test_the_return_form_proposes_now(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        now = timezone.now()
        out = make_carry_out(personas, file, now - dt.timedelta(hours=2), now + dt.timedelta(1))
        CarryOut.objects.filter(pk=out.pk).update(status=CarryOut.Status.OUT)
        client.force_login(colleague(personas))
        form = client.get(reverse("ledger:carry_out_detail", kwargs={"pk": out.pk})).context[
            "return_form"
        ]
        local = timezone.localtime()
        assert form["returned_on"].value() == local.date()
        shown = form["returned_time"].value()
        moment = dt.datetime.combine(local.date(), shown, tzinfo=local.tzinfo)
        assert abs((local - moment).total_seconds()) < 120


def colleague(personas: Personas) -> Any:
    return testing.make_user(Role.DEPARTMENT_STAFF, department=personas.shogai, username="kakari")


class TestRefusalsAndWording:
    def test_a_refusal_records_and_shows_who_refused(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        now = timezone.now()
        requested = make_carry_out(
            personas, file, now + dt.timedelta(hours=1), now + dt.timedelta(1)
        )
        approver = colleague(personas)
        client.force_login(approver)
        url = reverse("ledger:carry_out_refuse", kwargs={"pk": requested.pk})
        client.post(url, {"reason": "訪問の必要が確認できない"})
        requested.refresh_from_db()
        assert (requested.status, requested.refused_by) == (CarryOut.Status.REFUSED, approver)
        detail = client.get(reverse("ledger:carry_out_detail", kwargs={"pk": requested.pk}))
        assert f"<td>{approver}</td>" in detail.content.decode()

    def test_the_request_button_reads_as_an_application(
        self, client: Client, personas: Personas, file: PersonalInformationFile
    ) -> None:
        client.force_login(personas.staff)
        body = client.get(reverse("ledger:carry_out_create", kwargs={"pk": file.pk})).content
        assert pgettext("carry-out", "Request") in body.decode()

    def test_a_contract_ended_early_gives_no_carriers(
        self, personas: Personas, file: PersonalInformationFile, contract: Contract
    ) -> None:
        assert personas.contractor in carriers_for(file, personas.staff)
        Contract.objects.filter(pk=contract.pk).update(
            status="terminated", ended_on=timezone.localdate() - dt.timedelta(days=1)
        )
        assert personas.contractor not in carriers_for(file, personas.staff)


def test_the_contract_is_inferred_among_those_in_force_only(
    personas: Personas, file: PersonalInformationFile, contract: Contract
) -> None:
    """A contract ended early, though still within its dates, is not in force (one rule)."""
    today = timezone.localdate()
    ended = testing.make_contract(
        personas.shogai,
        contract.vendor,
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=60),
        status="terminated",
        ended_on=today - dt.timedelta(days=1),
    )
    file.contracts.add(ended)
    now = timezone.now()
    carry_out = services.request_carry_out(
        actor=personas.contractor,
        file=file,
        medium=Medium.PAPER,
        description="写し",
        record_count=1,
        purpose="訪問",
        destination="訪問先",
        carried_by=personas.contractor,
        leaves_at=now + dt.timedelta(hours=1),
        due_back_at=now + dt.timedelta(hours=5),
    )
    assert carry_out.contract == contract


@pytest.mark.browser
def test_the_public_file_page_fits_a_phone_without_scrolling_sideways(
    personas: Personas, live_server: Any, page: Page, screenshot_dir: Path
) -> None:
    file = testing.make_ledger_file(
        personas.shogai,
        published=True,
        purpose="障害者の就労支援のため、利用登録者の状況を把握し、就労先の紹介及び職場定着の支援を行う。",
        request_office="健康福祉部障害支援課（東村山市本町一丁目2番地3）",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('ledger:public_file', kwargs={'pk': file.pk})}")
    page.screenshot(path=str(screenshot_dir / "public_file_390.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    label = page.locator(".ledger-register th[scope=row]").nth(3).bounding_box()
    value = page.locator(".ledger-register td").nth(3).bounding_box()
    assert label is not None and value is not None
    # Stacked: the purpose of use sits below its label, as wide as the page allows.
    assert value["y"] >= label["y"] + label["height"] - 1
    assert value["width"] > 300
