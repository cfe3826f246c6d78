"""The public register (no sign-in): published files only, grouped by department, searchable,
with no personal data, no contractor and no internal link."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from mamori import testing
from mamori.conftest import Personas


def test_only_published_files_are_listed_grouped_by_department(
    client: Client, personas: Personas
) -> None:
    shown = testing.make_ledger_file(personas.shogai, name="利用登録者台帳", published=True)
    testing.make_ledger_file(personas.shogai, name="内部の台帳")
    testing.make_ledger_file(personas.kodomo, name="子育て台帳", published=True)
    response = client.get(reverse("ledger:public_register"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "内部の台帳" not in body
    assert reverse("ledger:public_file", kwargs={"pk": shown.pk}) in body
    assert "健康福祉部障害支援課" in body and "子ども家庭部子ども総務課" in body


def test_a_published_file_shows_the_register_without_personal_data_or_contractors(
    client: Client, personas: Personas
) -> None:
    vendor = testing.make_vendor(legal_name="社会福祉法人みどり学園")
    contract = testing.make_contract(personas.shogai, vendor)
    file = testing.make_ledger_file(personas.shogai, published=True, contracts=[contract])
    registrant = testing.make_registrant(file, name="山田 花子")
    body = client.get(reverse("ledger:public_file", kwargs={"pk": file.pk})).content.decode()
    assert file.purpose in body and "障害の状況" in body
    assert registrant.name not in body and registrant.registration_number not in body
    assert "みどり学園" not in body and contract.title not in body
    assert "/ledger/" not in body


def test_an_unpublished_file_is_a_japanese_404(client: Client, personas: Personas) -> None:
    file = testing.make_ledger_file(personas.shogai)
    response = client.get(reverse("ledger:public_file", kwargs={"pk": file.pk}))
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_the_search_looks_in_name_purpose_and_items(client: Client, personas: Personas) -> None:
    ledger = testing.make_ledger_file(personas.shogai, name="利用登録者台帳", published=True)
    other = testing.make_ledger_file(
        personas.kodomo,
        name="子育て台帳",
        purpose="子育て支援のため",
        items="保護者氏名\n児童氏名",
        published=True,
    )
    testing.make_ledger_file(personas.shogai, name="非公開の就労台帳")

    def found(query: str) -> list[str]:
        response = client.get(reverse("ledger:public_register"), {"q": query})
        return [file.name for file in response.context["files"]]

    assert found("就労") == [ledger.name]
    assert found("児童") == [other.name]
    assert found("子育て 支援") == [other.name]
    assert found("該当なし") == []


def test_a_search_too_long_is_refused_in_japanese_not_a_500(
    client: Client, personas: Personas
) -> None:
    testing.make_ledger_file(personas.shogai, published=True)
    response = client.get(reverse("ledger:public_register"), {"q": "あ" * 500})
    assert response.status_code == 200
    assert response.context["search"].errors


def test_the_public_pages_need_no_sign_in(client: Client, personas: Personas) -> None:
    file = testing.make_ledger_file(personas.shogai, published=True)
    for url in (
        reverse("ledger:public_register"),
        reverse("ledger:public_file", kwargs={"pk": file.pk}),
        reverse("ledger:public_export", kwargs={"fmt": "csv"}),
    ):
        assert client.get(url).status_code == 200
