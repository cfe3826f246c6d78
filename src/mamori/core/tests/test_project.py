"""Project-wide promises: migrations, settings, databases and translations."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.db.utils import ConnectionHandler
from pytest_django import DjangoDbBlocker

from mamori import settings as project_settings

SRC_DIR = Path(project_settings.BASE_DIR)
CATALOGS = sorted(SRC_DIR.glob("**/locale/ja/LC_MESSAGES/django.po"))


def start_django(**env: str) -> subprocess.CompletedProcess[str]:
    """Start Django in a fresh interpreter with the given settings environment."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"MAMORI_SECRET_KEY", "MAMORI_DATA_KEYS", "DEBUG"}
    }
    clean["DJANGO_SETTINGS_MODULE"] = "mamori.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


class TestMigrations:
    @pytest.mark.django_db
    def test_every_model_change_has_a_migration(self) -> None:
        try:
            call_command("makemigrations", "--check", "--dry-run", verbosity=0)
        except SystemExit as exit_:  # pragma: no cover - the failure is the message
            pytest.fail(f"makemigrations --check reports missing migrations (exit {exit_.code})")


class TestSettings:
    def test_refuse_to_start_without_a_secret_key_when_debug_is_off(self) -> None:
        result = start_django(DEBUG="0")
        assert result.returncode != 0
        assert "MAMORI_SECRET_KEY" in result.stderr

    def test_refuse_to_start_without_data_keys_when_debug_is_off(self) -> None:
        result = start_django(DEBUG="0", MAMORI_SECRET_KEY="a-long-random-production-key-42")
        assert result.returncode != 0
        assert "MAMORI_DATA_KEYS" in result.stderr

    def test_start_with_a_secret_key_and_data_keys_when_debug_is_off(self) -> None:
        result = start_django(
            DEBUG="0",
            MAMORI_SECRET_KEY="a-long-random-production-key-42",
            MAMORI_DATA_KEYS="k1:" + "A" * 43,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "started"

    def test_refuse_to_start_with_a_malformed_data_key(self) -> None:
        result = start_django(DEBUG="1", MAMORI_DATA_KEYS="k1:too-short")
        assert result.returncode != 0
        assert "MAMORI_DATA_KEYS" in result.stderr

    def test_start_without_a_secret_key_in_local_development(self) -> None:
        result = start_django(DEBUG="1")
        assert result.returncode == 0, result.stderr


class TestTheDatabaseSetting:
    def test_defaults_to_an_sqlite_file_under_var_in_wal_mode(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
        config = project_settings.database_config()
        assert config["ENGINE"] == "django.db.backends.sqlite3"
        assert Path(config["NAME"]) == project_settings.VAR_DIR / "mamori.sqlite3"
        assert "PRAGMA journal_mode=WAL" in config["OPTIONS"]["init_command"]
        assert "PRAGMA foreign_keys=ON" in config["OPTIONS"]["init_command"]

    @pytest.mark.skipif("MAMORI_VAR_DIR" in os.environ, reason="MAMORI_VAR_DIR moves var/")
    def test_keeps_var_at_the_repository_root(self) -> None:
        repo_root = Path(__file__).resolve().parents[4]
        assert (repo_root / "pyproject.toml").is_file()
        assert project_settings.VAR_DIR == repo_root / "var"

    def test_default_sqlite_file_really_runs_in_wal_mode(
        self,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        django_db_blocker: DjangoDbBlocker,
    ) -> None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
        monkeypatch.setattr(project_settings, "VAR_DIR", tmp_path / "var")
        connections = ConnectionHandler({"default": project_settings.database_config()})
        connection = connections["default"]
        # A separate file, not the test database, so pytest-django's guard is lifted for it.
        with django_db_blocker.unblock():
            try:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA journal_mode")
                    assert cursor.fetchone()[0] == "wal"
                    cursor.execute("PRAGMA foreign_keys")
                    assert cursor.fetchone()[0] == 1
            finally:
                connection.close()
        assert (tmp_path / "var" / "mamori.sqlite3").is_file()

    def test_a_postgres_url_gives_the_postgresql_engine(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("DATABASE_URL", "postgres://u:p@h:5432/db")
        config = project_settings.database_config()
        assert config["ENGINE"] == "django.db.backends.postgresql"
        assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("db", "u", "p")
        assert (config["HOST"], config["PORT"]) == ("h", 5432)
        assert "init_command" not in config.get("OPTIONS", {})


class TestTranslations:
    def test_there_are_japanese_catalogs(self) -> None:
        assert SRC_DIR / "accounts/locale/ja/LC_MESSAGES/django.po" in CATALOGS

    @pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(SRC_DIR)))
    def test_every_message_is_translated_and_none_is_fuzzy(self, po_path: Path) -> None:
        catalog = polib.pofile(str(po_path))
        assert not catalog.metadata_is_fuzzy, "the header is marked fuzzy"
        assert [e.msgid for e in catalog.untranslated_entries()] == []
        assert [e.msgid for e in catalog.fuzzy_entries()] == []

    @pytest.mark.parametrize("po_path", CATALOGS, ids=lambda p: str(p.relative_to(SRC_DIR)))
    def test_every_catalog_is_compiled_and_up_to_date(self, po_path: Path) -> None:
        # Git does not keep modification times, so compare contents rather than file ages:
        # the .mo must hold exactly the .po's translations (run compilemessages if not).
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.is_file(), f"{mo_path} is missing: run compilemessages"
        written = {
            (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
            for e in polib.pofile(str(po_path)).translated_entries()
        }
        compiled = {
            (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural))
            for e in polib.mofile(str(mo_path))
            if e.msgid
        }
        assert compiled == written, f"{mo_path} is out of date: run compilemessages"
