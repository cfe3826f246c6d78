"""Shared personas, as healthchecks' alice/bob/charlie: one per role and department."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import override_settings

from mamori import testing
from mamori.accounts.models import Department, Role, User
from mamori.council.models import Council, Membership


@dataclass
class Personas:
    council: Council
    secretariat_dept: Department
    shogai: Department
    kodomo: Department
    secretariat: User
    staff: User
    other_staff: User
    member: User
    chair: User
    outsider_member: User
    contractor: User
    auditor: User
    # A contractor user of another vendor (linked in the tests that need it).
    other_contractor: User


@pytest.fixture
def personas(db: None) -> Personas:
    council = testing.make_council(slug="kojin")
    kenko = testing.make_department("健康福祉部")
    kodomo_bu = testing.make_department("子ども家庭部")
    shogai = testing.make_department("障害支援課", parent=kenko)
    kodomo = testing.make_department("子ども総務課", parent=kodomo_bu)
    secretariat = testing.make_user(
        Role.SECRETARIAT, department=council.secretariat_department, username="secretariat"
    )
    member = testing.make_user(Role.COUNCIL_MEMBER, username="member")
    chair = testing.make_user(Role.COUNCIL_MEMBER, username="chair")
    testing.make_membership(council, member=member)
    testing.make_membership(council, member=chair, role=Membership.Role.CHAIR)
    outsider = testing.make_user(Role.COUNCIL_MEMBER, username="outsider")
    other_council = testing.make_council(slug="other", name="情報公開運営審議会")
    testing.make_membership(other_council, member=outsider)
    return Personas(
        council=council,
        secretariat_dept=council.secretariat_department,
        shogai=shogai,
        kodomo=kodomo,
        secretariat=secretariat,
        staff=testing.make_user(Role.DEPARTMENT_STAFF, department=shogai, username="staff"),
        other_staff=testing.make_user(
            Role.DEPARTMENT_STAFF, department=kodomo, username="other_staff"
        ),
        member=member,
        chair=chair,
        outsider_member=outsider,
        contractor=testing.make_user(Role.CONTRACTOR, username="contractor"),
        auditor=testing.make_user(Role.AUDITOR, username="auditor"),
        other_contractor=testing.make_user(Role.CONTRACTOR, username="other_contractor"),
    )


# Browser tests (pytest-playwright) drive Debian's Chromium; `playwright install` is never used.
# The ORM runs beside Playwright's event loop in those tests, which Django otherwise refuses.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    "Chromium not installed at /usr/bin/chromium: "
    "run `make test` as root or apt-get install chromium"
)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at the system Chromium."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


def _empties_the_database(item: pytest.Item) -> bool:
    """Browser tests and transactional tests end by flushing the database, which also removes
    the rows data migrations put there (disclosure grounds, consultation kinds)."""
    if item.get_closest_marker("browser") is not None:
        return True
    marker = item.get_closest_marker("django_db")
    return marker is not None and bool(marker.kwargs.get("transaction"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that flush the database last. pytest-django only orders tests by their
    markers, and most tests here reach the database through fixtures (`personas`), so without
    this they could run after a flush and miss the migrations' rows."""
    items.sort(key=_empties_the_database)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip browser tests, before their session-wide browser starts, when Chromium is absent."""
    if item.get_closest_marker("browser") is not None and not CHROMIUM.exists():
        pytest.skip(CHROMIUM_MISSING)


@pytest.fixture
def screenshot_dir() -> Path:
    """var/screenshots, for pictures taken by browser tests."""
    path = Path(settings.VAR_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs, for tests only: production's 100 MB per hash makes every
    test user cost more than half a second. Hashes still start with "argon2"."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    with override_settings(
        PASSWORD_HASHERS=[
            f"{__name__}.CheapArgon2PasswordHasher",
            *(h for h in settings.PASSWORD_HASHERS if not h.endswith(".Argon2PasswordHasher")),
        ]
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _uploads_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Uploaded files of the whole run go to a temporary folder, never under var/."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("files")):
        yield
