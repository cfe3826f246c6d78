"""In a real browser: the secretariat publishes the demo minutes again; the public reads them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from playwright.sync_api import Page, expect

from mamori.core.demo import SIGN_INS
from mamori.review import search_index

SECRETARIAT = next(s for s in SIGN_INS if s.username == "jimukyoku")
MEETING_TITLE = "平成21年度第3回個人情報保護運営審議会"


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> Iterator[None]:
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    settings.DEBUG = False
    yield
    # The database flush after this test leaves the search index's own tables alone: empty
    # them, or the demo's published minutes would turn up in later tests' public searches.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search_index.TABLE}")  # noqa: S608 (a module constant)


@pytest.mark.browser
def test_secretariat_publishes_the_demo_minutes_and_the_public_reads_them(
    demo: None, live_server: Any, page: Page, screenshot_dir: Path
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(SECRETARIAT.username)
    page.get_by_label("パスワード").fill(SECRETARIAT.password)
    page.get_by_role("button", name="ログイン").click()

    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="会議", exact=True
    ).click()
    page.get_by_role("link", name=MEETING_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MEETING_TITLE)
    page.get_by_role("link", name="会議録", exact=True).click()
    # The demo publishes the minutes: the secretariat withdraws them, then publishes again.
    page.get_by_role("button", name="公開を取り下げる").click()
    expect(page.get_by_text("案：この会議録は事務局と委員のみが閲覧できます。")).to_be_visible()
    page.get_by_role("button", name="会議録を公開する").click()
    expect(page.get_by_text("会議録を公開しました。")).to_be_visible()

    page.get_by_role("button", name="ログアウト").click()
    page.goto(f"{live_server.url}/minutes/")
    expect(page.get_by_role("heading", name="平成21年度")).to_be_visible()
    # Exact: the links to its PDF and Word files are named after the minutes too.
    page.get_by_role("link", name=MEETING_TITLE, exact=True).click()
    expect(page).to_have_url(re.compile(r"/minutes/kojin-hogo/2009/3/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(MEETING_TITLE)
    expect(page.get_by_text("平成21年8月6日(木)午後6時55分～8時30分")).to_be_visible()
    expect(page.get_by_text("諮問どおり行うことを「可」とする。").first).to_be_visible()
    expect(page.get_by_role("button", name="ログアウト")).to_have_count(0)

    screenshot_dir.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot_dir / "public-minutes.png"), full_page=True)
    assert (screenshot_dir / "public-minutes.png").stat().st_size > 10_000
