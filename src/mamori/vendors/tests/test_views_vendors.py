"""The vendor pages: the list, a vendor's page, its contacts, certifications and users."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from mamori import testing
from mamori.conftest import Personas
from mamori.vendors.models import (
    Certification,
    EntityKind,
    Vendor,
    VendorContact,
    VendorDocument,
    VendorUser,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
READERS = ["secretariat", "staff", "other_staff", "auditor", "contractor"]
EDITORS = ["secretariat", "staff", "other_staff"]


@pytest.fixture
def vendor(personas: Personas) -> Vendor:
    """The employment-support contractor, with the contractor persona as its user."""
    vendor = testing.make_vendor(
        legal_name="社会福祉法人ひまわり会",
        entity_kind=EntityKind.SHAKAI_FUKUSHI,
        corporate_number=testing.CORPORATE_NUMBERS[0],
    )
    testing.link_vendor_user(personas.contractor, vendor)
    return vendor


@pytest.fixture
def other_vendor(personas: Personas) -> Vendor:
    vendor = testing.make_vendor(legal_name="株式会社ほかの会社")
    testing.link_vendor_user(personas.other_contractor, vendor)
    return vendor


def url(name: str, *args: Any) -> str:
    return reverse(f"vendors:{name}", args=args or None)


def signed_in(client: Client, personas: Personas, role: str) -> Client:
    client.force_login(getattr(personas, role))
    return client


def sends_to_sign_in(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def form_errors(response: Any, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def pdf_file(name: str = "pmark.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# The list ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_the_list_shows_to_every_role_that_reads_vendors(
    client: Client, personas: Personas, vendor: Vendor, role: str
) -> None:
    response = signed_in(client, personas, role).get(url("vendor_list"))
    assert response.status_code == 200
    assert vendor.legal_name in response.content.decode()


def test_it_refuses_the_list_to_a_council_member(client: Client, personas: Personas) -> None:
    assert signed_in(client, personas, "member").get(url("vendor_list")).status_code == 403


def test_it_sends_the_signed_out_to_sign_in(client: Client, vendor: Vendor) -> None:
    for response in (client.get(url("vendor_list")), client.get(url("vendor_detail", vendor.pk))):
        assert sends_to_sign_in(response)


def test_a_contractor_sees_only_its_own_vendor_in_the_list(
    client: Client, personas: Personas, vendor: Vendor, other_vendor: Vendor
) -> None:
    response = signed_in(client, personas, "contractor").get(url("vendor_list"))
    assert [row[0] for row in response.context["rows"]] == [vendor]


def test_a_contractor_without_a_link_sees_no_vendor(
    client: Client, personas: Personas, other_vendor: Vendor
) -> None:
    unlinked = testing.make_user("contractor", username="unlinked")
    client.force_login(unlinked)
    assert client.get(url("vendor_list")).context["rows"] == []
    assert client.get(url("vendor_detail", other_vendor.pk)).status_code == 403


def test_the_search_narrows_the_list_by_name(
    client: Client, personas: Personas, vendor: Vendor, other_vendor: Vendor
) -> None:
    response = signed_in(client, personas, "staff").get(url("vendor_list"), {"q": "ひまわり"})
    assert [row[0] for row in response.context["rows"]] == [vendor]


def test_the_list_marks_a_certification_expiring_soon_and_one_expired(
    client: Client, personas: Personas, vendor: Vendor, settings: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    settings.MAMORI_CERTIFICATION_WARNING_DAYS = 90
    confirmed = {"confirmed_on": today, "confirmed_by": personas.staff}
    Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.PRIVACY_MARK,
        valid_from=today - dt.timedelta(days=700),
        expires_on=today + dt.timedelta(days=30),
        **confirmed,
    )
    Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.ISMS,
        valid_from=today - dt.timedelta(days=700),
        expires_on=today - dt.timedelta(days=1),
        **confirmed,
    )
    response = signed_in(client, personas, "staff").get(url("vendor_list"))
    states = {row.certification.kind: row.state for row in response.context["rows"][0][1]}
    assert states == {"privacy_mark": "expiring", "isms": "expired"}


def test_an_unconfirmed_certification_is_marked_so_and_never_valid_in_the_list(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    import datetime as dt

    Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.PRIVACY_MARK,
        valid_from=dt.date(2020, 4, 1),
        expires_on=dt.date(2099, 3, 31),
    )
    response = signed_in(client, personas, "staff").get(url("vendor_list"))
    assert [row.state for row in response.context["rows"][0][1]] == ["unconfirmed"]
    assert "vendors-unconfirmed" in response.content.decode()


def test_a_vendor_without_certifications_shows_a_dash_not_none(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    body = signed_in(client, personas, "staff").get(url("vendor_list")).content.decode()
    assert "None" not in body


def test_the_list_counts_every_live_contract_of_the_vendor(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    from django.utils import timezone

    today = timezone.localdate()
    period = {"starts_on": today.replace(year=today.year - 1), "ends_on": today}
    testing.make_contract(personas.shogai, vendor, **period)
    testing.make_contract(personas.kodomo, vendor, **period)
    secretariat = signed_in(Client(), personas, "secretariat").get(url("vendor_list"))
    staff = signed_in(Client(), personas, "staff").get(url("vendor_list"))
    assert secretariat.context["rows"][0][0].live_contract_count == 2
    # Staff see how busy the vendor is, even with another department's contract.
    assert staff.context["rows"][0][0].live_contract_count == 2


# Adding and changing a vendor ----------------------------------------------------------------


@pytest.mark.parametrize("role", ["auditor", "contractor", "member"])
def test_it_refuses_the_new_vendor_page_to_those_who_do_not_keep_the_list(
    client: Client, personas: Personas, vendor: Vendor, role: str
) -> None:
    assert signed_in(client, personas, role).get(url("vendor_create")).status_code == 403


def test_staff_add_a_vendor_with_a_number_in_full_width_digits_and_hyphens(
    client: Client, personas: Personas
) -> None:
    response = signed_in(client, personas, "staff").post(
        url("vendor_create"),
        {
            "legal_name": "学校法人白梅学園",
            "entity_kind": EntityKind.GAKKO,
            "corporate_number": "２０２１-００１０-５２５９６",
            "address": "東京都小平市",
            "capital_yen": "30,000,000",
        },
    )
    vendor = Vendor.objects.get(legal_name="学校法人白梅学園")
    assert response.status_code == 302
    assert response["Location"] == url("vendor_detail", vendor.pk)
    assert vendor.corporate_number == "2021001052596"
    assert vendor.capital_yen == 30_000_000


def test_the_capital_may_be_written_in_man_yen(client: Client, personas: Personas) -> None:
    signed_in(client, personas, "staff").post(
        url("vendor_create"),
        {"legal_name": "有限会社いろは", "entity_kind": EntityKind.YUGEN, "capital_yen": "300万円"},
    )
    assert Vendor.objects.get(legal_name="有限会社いろは").capital_yen == 3_000_000


def test_it_refuses_a_corporate_number_with_a_wrong_check_digit_and_saves_nothing(
    client: Client, personas: Personas
) -> None:
    wrong = "1" + testing.CORPORATE_NUMBERS[0][1:]
    response = signed_in(client, personas, "staff").post(
        url("vendor_create"),
        {
            "legal_name": "株式会社まちがい",
            "entity_kind": EntityKind.KABUSHIKI,
            "corporate_number": wrong,
        },
    )
    assert response.status_code == 200
    assert form_errors(response, "corporate_number")
    assert 'value="株式会社まちがい"' in response.content.decode()
    assert not Vendor.objects.filter(legal_name="株式会社まちがい").exists()


def test_it_refuses_a_corporate_number_another_vendor_has(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    response = signed_in(client, personas, "secretariat").post(
        url("vendor_create"),
        {
            "legal_name": "株式会社にせもの",
            "entity_kind": EntityKind.KABUSHIKI,
            "corporate_number": vendor.corporate_number,
        },
    )
    assert form_errors(response, "corporate_number")
    assert Vendor.objects.count() == 1


def test_every_error_of_the_vendor_form_shows_at_once(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    response = signed_in(client, personas, "staff").post(
        url("vendor_create"),
        {
            "legal_name": "",
            "entity_kind": "",
            "corporate_number": "123456789012",
            "capital_yen": "-5",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"legal_name", "entity_kind", "corporate_number", "capital_yen"}
    assert errors["legal_name"] == [gettext("Enter the vendor's legal name.")]
    assert errors["entity_kind"] == [gettext("Choose the kind of entity.")]
    taken = signed_in(client, personas, "staff").post(
        url("vendor_create"),
        {
            "legal_name": "株式会社にせもの",
            "entity_kind": EntityKind.KABUSHIKI,
            "corporate_number": vendor.corporate_number,
            "capital_yen": "abc",
        },
    )
    assert set(taken.context["form"].errors) == {"corporate_number", "capital_yen"}
    assert Vendor.objects.count() == 1


def test_a_capital_beyond_any_company_is_refused_on_its_field(
    client: Client, personas: Personas
) -> None:
    response = signed_in(client, personas, "staff").post(
        url("vendor_create"),
        {
            "legal_name": "株式会社おおきい",
            "entity_kind": EntityKind.KABUSHIKI,
            "capital_yen": "99999999999999999999999999",
        },
    )
    assert form_errors(response, "capital_yen") == [
        gettext("The capital is too large: enter the correct amount.")
    ]
    assert not Vendor.objects.filter(legal_name="株式会社おおきい").exists()


def test_the_vendor_page_shows_the_capital_with_its_unit_once(
    client: Client, personas: Personas
) -> None:
    vendor = testing.make_vendor(capital_yen=300_000_000)
    response = signed_in(client, personas, "staff").get(url("vendor_detail", vendor.pk))
    assert response.context["capital"] == "300,000,000"
    assert "Capital (yen)" not in response.content.decode()


def test_staff_change_a_vendor(client: Client, personas: Personas, vendor: Vendor) -> None:
    page = signed_in(client, personas, "staff").get(url("vendor_edit", vendor.pk))
    assert vendor.legal_name in page.content.decode()
    data = {"legal_name": "社会福祉法人ひまわり福祉会", "entity_kind": EntityKind.SHAKAI_FUKUSHI}
    response = client.post(url("vendor_edit", vendor.pk), data)
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.legal_name == "社会福祉法人ひまわり福祉会"
    assert vendor.corporate_number == ""


@pytest.mark.parametrize("role", ["auditor", "contractor"])
def test_it_refuses_the_edit_page_to_readers(
    client: Client, personas: Personas, vendor: Vendor, role: str
) -> None:
    assert signed_in(client, personas, role).get(url("vendor_edit", vendor.pk)).status_code == 403


# The vendor's page ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_the_vendor_page_shows_to_every_role_that_may_see_the_vendor(
    client: Client, personas: Personas, vendor: Vendor, role: str
) -> None:
    response = signed_in(client, personas, role).get(url("vendor_detail", vendor.pk))
    assert response.status_code == 200
    assert vendor.corporate_number in response.content.decode()


def test_it_refuses_another_vendor_page_to_a_contractor(
    client: Client, personas: Personas, vendor: Vendor, other_vendor: Vendor
) -> None:
    response = signed_in(client, personas, "contractor").get(url("vendor_detail", other_vendor.pk))
    assert response.status_code == 403


def test_it_refuses_the_vendor_page_to_a_council_member(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    assert (
        signed_in(client, personas, "member").get(url("vendor_detail", vendor.pk)).status_code
        == 403
    )


def test_the_vendor_page_lists_the_contracts_the_user_may_see(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    own = testing.make_contract(personas.shogai, vendor)
    testing.make_contract(personas.kodomo, vendor)
    response = signed_in(client, personas, "staff").get(url("vendor_detail", vendor.pk))
    assert [contract for contract, _status in response.context["contracts"]] == [own]


def test_a_vendor_named_like_a_script_is_shown_escaped(client: Client, personas: Personas) -> None:
    vendor = testing.make_vendor(legal_name="<script>alert(1)</script>", address="<b>住所</b>")
    for page in (
        url("vendor_list"),
        url("vendor_detail", vendor.pk),
        url("vendor_edit", vendor.pk),
    ):
        body = signed_in(client, personas, "secretariat").get(page).content.decode()
        assert "<script>alert(1)" not in body
        assert "&lt;script&gt;alert(1)" in body


# Contacts ------------------------------------------------------------------------------------


def test_staff_add_and_remove_a_contact(client: Client, personas: Personas, vendor: Vendor) -> None:
    signed_in(client, personas, "staff")
    response = client.post(
        url("contact_add", vendor.pk),
        {
            "name": "山田 花子",
            "title": "事業部長",
            "phone": "042-000-0000",
            "email": "hanako@example.jp",
        },
    )
    assert response.status_code == 302
    contact = VendorContact.objects.get(vendor=vendor)
    assert contact.name == "山田 花子"
    assert client.post(url("contact_delete", contact.pk)).status_code == 302
    assert not VendorContact.objects.exists()


def test_removing_a_contact_asks_to_confirm_first(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    contact = VendorContact.objects.create(vendor=vendor, name="山田 花子")
    page = signed_in(client, personas, "staff").get(url("contact_delete", contact.pk))
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()
    assert VendorContact.objects.exists()
    response = client.post(url("contact_delete", contact.pk), follow=True)
    assert not VendorContact.objects.exists()
    assert [str(m) for m in response.context["messages"]] == [
        gettext("The contact %(name)s was removed.") % {"name": "山田 花子"}
    ]


@pytest.mark.parametrize("role", ["auditor", "contractor"])
def test_readers_may_not_add_or_remove_contacts(
    client: Client, personas: Personas, vendor: Vendor, role: str
) -> None:
    contact = VendorContact.objects.create(vendor=vendor, name="山田 花子")
    signed_in(client, personas, role)
    assert client.post(url("contact_add", vendor.pk), {"name": "誰か"}).status_code == 403
    assert client.post(url("contact_delete", contact.pk)).status_code == 403
    assert VendorContact.objects.count() == 1


# Certifications ------------------------------------------------------------------------------


def test_the_contractor_files_its_own_certification_with_dates_in_the_japanese_era(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    response = signed_in(client, personas, "contractor").post(
        url("certification_add", vendor.pk),
        {
            "kind": Certification.Kind.PRIVACY_MARK,
            "number": "第12345678(05)号",
            "valid_from": "平成21年4月1日",
            "expires_on": "R8.3.31",
            "evidence": pdf_file(),
        },
    )
    assert response.status_code == 302
    certification = Certification.objects.get(vendor=vendor)
    assert certification.valid_from.isoformat() == "2009-04-01"
    assert certification.expires_on.isoformat() == "2026-03-31"
    assert certification.evidence is not None
    assert certification.evidence.kind == VendorDocument.Kind.CERTIFICATION_EVIDENCE
    page = client.get(url("vendor_detail", vendor.pk)).content.decode()
    assert url("document_download", certification.evidence.pk) in page


def test_it_refuses_a_certification_that_expires_before_it_starts(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    response = signed_in(client, personas, "staff").post(
        url("certification_add", vendor.pk),
        {
            "kind": Certification.Kind.ISMS,
            "valid_from": "2026-04-01",
            "expires_on": "2025-03-31",
            "evidence": pdf_file(),
        },
    )
    assert response.status_code == 200
    assert form_errors(response, "expires_on")
    assert not Certification.objects.exists()
    assert not VendorDocument.objects.exists()


def test_it_refuses_evidence_that_is_not_a_document(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    response = signed_in(client, personas, "staff").post(
        url("certification_add", vendor.pk),
        {
            "kind": Certification.Kind.ISMS,
            "valid_from": "2024-04-01",
            "expires_on": "2027-03-31",
            "evidence": SimpleUploadedFile("x.pdf", b"MZ\x90\x00not a pdf"),
        },
    )
    assert form_errors(response, "evidence")
    assert not Certification.objects.exists()


def test_a_certification_of_another_kind_needs_its_name(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    response = signed_in(client, personas, "staff").post(
        url("certification_add", vendor.pk),
        {"kind": Certification.Kind.OTHER, "valid_from": "R6.4.1", "expires_on": "R9.3.31"},
    )
    assert form_errors(response, "name")
    assert not Certification.objects.exists()


def test_a_contractor_may_not_file_a_certification_for_another_vendor(
    client: Client, personas: Personas, vendor: Vendor, other_vendor: Vendor
) -> None:
    response = signed_in(client, personas, "contractor").post(
        url("certification_add", other_vendor.pk),
        {"kind": Certification.Kind.ISMS, "valid_from": "R6.4.1", "expires_on": "R9.3.31"},
    )
    assert response.status_code == 403
    assert not Certification.objects.exists()


def test_only_the_city_removes_a_certification(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    import datetime as dt

    certification = Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.ISMS,
        valid_from=dt.date(2024, 4, 1),
        expires_on=dt.date(2027, 3, 31),
    )
    target = url("certification_delete", certification.pk)
    assert signed_in(Client(), personas, "contractor").post(target).status_code == 403
    assert signed_in(Client(), personas, "auditor").post(target).status_code == 403
    assert Certification.objects.exists()
    assert signed_in(client, personas, "staff").post(target).status_code == 302
    assert not Certification.objects.exists()


def test_removing_a_certification_asks_to_confirm_first(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    import datetime as dt

    certification = Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.ISMS,
        valid_from=dt.date(2024, 4, 1),
        expires_on=dt.date(2027, 3, 31),
    )
    target = url("certification_delete", certification.pk)
    assert signed_in(client, personas, "staff").get(target).status_code == 200
    assert Certification.objects.exists()
    response = client.post(target, follow=True)
    assert not Certification.objects.exists()
    assert len(response.context["messages"]) == 1


def certification_data(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": Certification.Kind.PRIVACY_MARK,
        "number": "99999999(01)",
        "valid_from": "R6.4.1",
        "expires_on": "R10.3.31",
    } | overrides


def test_a_contractor_must_attach_the_evidence_of_its_certification(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    response = signed_in(client, personas, "contractor").post(
        url("certification_add", vendor.pk), certification_data()
    )
    assert response.status_code == 200
    assert form_errors(response, "evidence")
    assert not Certification.objects.exists()


def test_a_contractors_certification_stays_unconfirmed_until_the_city_confirms_it(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    from django.utils import timezone

    contractor = signed_in(Client(), personas, "contractor")
    contractor.post(url("certification_add", vendor.pk), certification_data(evidence=pdf_file()))
    certification = Certification.objects.get(vendor=vendor)
    assert not certification.is_confirmed
    confirm = url("certification_confirm", certification.pk)
    page = contractor.get(url("vendor_detail", vendor.pk)).content.decode()
    assert 'data-confirmed="no"' in page
    assert f'action="{confirm}"' not in page
    assert contractor.post(confirm).status_code == 403

    staff = signed_in(client, personas, "staff")
    assert f'action="{confirm}"' in staff.get(url("vendor_detail", vendor.pk)).content.decode()
    assert staff.get(confirm).status_code == 302  # a GET changes nothing
    certification.refresh_from_db()
    assert not certification.is_confirmed
    done = staff.post(confirm, follow=True)
    assert [m.level_tag for m in done.context["messages"]] == ["success"]
    certification.refresh_from_db()
    assert certification.confirmed_on == timezone.localdate()
    assert certification.confirmed_by == personas.staff
    # A second click (a stale page) is refused, the first confirmation kept.
    secretariat = signed_in(Client(), personas, "secretariat")
    again = secretariat.post(confirm, follow=True)
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    certification.refresh_from_db()
    assert certification.confirmed_by == personas.staff


def test_a_certification_the_city_records_is_confirmed_at_once(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    signed_in(client, personas, "staff").post(
        url("certification_add", vendor.pk), certification_data()
    )
    certification = Certification.objects.get(vendor=vendor)
    assert certification.is_confirmed
    assert certification.confirmed_by == personas.staff


def test_another_department_may_not_confirm_a_certification_its_contracts_do_not_rely_on(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    import datetime as dt

    testing.make_contract(personas.shogai, vendor)
    certification = Certification.objects.create(
        vendor=vendor,
        kind=Certification.Kind.ISMS,
        valid_from=dt.date(2024, 4, 1),
        expires_on=dt.date(2027, 3, 31),
    )
    other = signed_in(client, personas, "other_staff")
    page = other.get(url("vendor_detail", vendor.pk)).content.decode()
    assert url("certification_confirm", certification.pk) not in page
    assert url("certification_delete", certification.pk) not in page
    assert url("vendor_edit", vendor.pk) not in page
    assert other.post(url("certification_confirm", certification.pk)).status_code == 403
    certification.refresh_from_db()
    assert not certification.is_confirmed


# Contractor users ----------------------------------------------------------------------------


def test_the_secretariat_links_a_contractor_user_to_a_vendor(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    newcomer = testing.make_user("contractor", username="newcomer")
    page = signed_in(client, personas, "secretariat").get(url("vendor_detail", vendor.pk))
    choices = list(page.context["link_form"].fields["user"].queryset)
    assert newcomer in choices
    assert personas.contractor not in choices  # already linked
    assert personas.staff not in choices
    response = client.post(url("vendor_user_link", vendor.pk), {"user": newcomer.pk})
    assert response.status_code == 302
    assert VendorUser.objects.get(user=newcomer).vendor == vendor


@pytest.mark.parametrize("role", ["staff", "auditor", "contractor"])
def test_only_the_secretariat_links_contractor_users(
    client: Client, personas: Personas, vendor: Vendor, role: str
) -> None:
    newcomer = testing.make_user("contractor", username="newcomer")
    response = signed_in(client, personas, role).post(
        url("vendor_user_link", vendor.pk), {"user": newcomer.pk}
    )
    assert response.status_code == 403
    assert not VendorUser.objects.filter(user=newcomer).exists()


def test_the_navigation_links_to_contracts_for_readers_only(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    link = f'href="{url("contract_list")}"'
    home = reverse("core:home")
    assert link in signed_in(Client(), personas, "contractor").get(home).content.decode()
    assert link in signed_in(Client(), personas, "auditor").get(home).content.decode()
    assert link not in signed_in(client, personas, "member").get(home).content.decode()


def test_a_contractor_user_sees_its_vendor_beside_its_name(
    client: Client, personas: Personas, vendor: Vendor
) -> None:
    body = signed_in(client, personas, "contractor").get(url("vendor_list")).content.decode()
    assert f"{personas.contractor}（{vendor.legal_name}）" in body
