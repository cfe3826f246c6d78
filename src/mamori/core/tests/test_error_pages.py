"""Refusals and missing pages speak Japanese, in the site's layout."""

from __future__ import annotations

from django.test import Client

from mamori.conftest import Personas


def test_a_refusal_explains_itself_in_japanese(client: Client, personas: Personas) -> None:
    client.force_login(personas.contractor)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "このページは表示できません" in response.content.decode()


def test_a_missing_page_says_so_in_japanese(client: Client, personas: Personas) -> None:
    response = client.get("/minutes/kojin/1999/9/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
