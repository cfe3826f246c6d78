"""The letterhead is a file a city edits: its name, seal line and wording reach the documents
without a change to the code, and a broken file is refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mamori import testing
from mamori.conftest import Personas
from mamori.documents import builders, letterhead
from mamori.documents.model import plain_text

DEFAULT = letterhead.DEFAULT_PATH.read_text(encoding="utf-8")


def use_settings(monkeypatch: pytest.MonkeyPatch, path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(letterhead.ENVIRONMENT_VARIABLE, str(path))


def refusal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> str:
    use_settings(monkeypatch, tmp_path / "letterhead.toml", text)
    with pytest.raises(ImproperlyConfigured) as raised:
        letterhead.load()
    return str(raised.value)


class TestTheDefaultFile:
    def test_it_names_the_city_the_mayor_and_the_fonts(self) -> None:
        head = letterhead.load()
        assert head.path == letterhead.DEFAULT_PATH
        assert head.city.name == "東村山市"
        assert head.city.mayor_title == "東村山市長"
        assert head.city.seal == "印"
        assert head.style.full_width_numerals is True
        assert head.fonts.word == "游明朝"
        assert head.fonts.word_fallback == "ＭＳ 明朝"
        assert head.fonts.pdf[0] == "Noto Serif CJK JP"

    def test_numerals_become_full_width_for_letters(self) -> None:
        assert letterhead.load().numerals("平成21年8月6日") == "平成２１年８月６日"

    def test_the_pdf_fonts_are_given_as_a_stylesheet(self) -> None:
        css = letterhead.pdf_font_stylesheet()
        assert '"Noto Serif CJK JP", "Noto Sans CJK JP", "IPAexMincho", serif' in css


class TestAnotherCitysFile:
    def test_it_changes_the_city_and_the_seal_line_in_the_built_document(
        self, personas: Personas, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        text = (
            DEFAULT.replace('name = "東村山市"', 'name = "西東京市"')
            .replace('mayor_title = "東村山市長"', 'mayor_title = "西東京市長"')
            .replace('seal = "印"', 'seal = "（公印省略）"')
            .replace("full_width_numerals = true", "full_width_numerals = false")
        )
        use_settings(monkeypatch, tmp_path / "nishitokyo.toml", text)
        consultation = testing.make_answered_consultation(personas.council, personas.shogai)
        document = builders.build_consultation(consultation)
        assert document.sender == ["西東京市長　渡部　尚　（公印省略）"]
        assert "東村山市長" not in plain_text(document)
        # Numerals stay half-width when the city says so.
        assert f"諮問第{consultation.number}号「" in plain_text(document)
        answer = builders.build_answer(consultation.decisions.get())
        assert answer.addressee == ["西東京市長　渡部　尚　様"]
        assert answer.sender[-1].endswith("（公印省略）")

    def test_the_default_file_is_used_again_without_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        use_settings(monkeypatch, tmp_path / "other.toml", DEFAULT.replace("東村山市", "小平市"))
        assert letterhead.load().city.name == "小平市"
        monkeypatch.delenv(letterhead.ENVIRONMENT_VARIABLE)
        assert letterhead.load().city.name == "東村山市"


class TestABrokenFile:
    def test_a_missing_key_is_named(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        message = refusal(monkeypatch, tmp_path, DEFAULT.replace('seal = "印"\n', ""))
        assert "city.seal" in message
        assert "letterhead.toml" in message

    def test_a_file_that_is_not_toml_is_refused(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        message = refusal(monkeypatch, tmp_path, DEFAULT + "\nこれは = = 壊れている\n")
        assert "letterhead.toml" in message

    def test_a_missing_file_is_refused(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        monkeypatch.setenv(letterhead.ENVIRONMENT_VARIABLE, str(tmp_path / "none.toml"))
        with pytest.raises(ImproperlyConfigured, match=r"none\.toml"):
            letterhead.load()

    def test_an_unknown_placeholder_is_refused(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        text = DEFAULT.replace('subject = "{title}について（諮問）"', 'subject = "{titel}（諮問）"')
        message = refusal(monkeypatch, tmp_path, text)
        assert "consultation.subject" in message
        assert "titel" in message

    def test_a_value_of_the_wrong_type_is_refused(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        text = DEFAULT.replace("full_width_numerals = true", 'full_width_numerals = "yes"')
        assert "style.full_width_numerals" in refusal(monkeypatch, tmp_path, text)

    def test_a_misspelt_key_is_refused(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        text = DEFAULT.replace('seal = "印"', 'seal = "印"\nsael = "印"')
        assert "city.sael" in refusal(monkeypatch, tmp_path, text)
