"""Shared personas, as healthchecks' alice/bob/charlie: one per role and department."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

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


@pytest.fixture
def personas(db: None) -> Personas:
    council = testing.make_council(slug="kojin")
    kenko = testing.make_department("健康福祉部")
    kodomo_bu = testing.make_department("子ども家庭部")
    shogai = testing.make_department("障害支援課", parent=kenko)
    kodomo = testing.make_department("子ども総務課", parent=kodomo_bu)
    secretariat = testing.make_user(Role.SECRETARIAT, department=council.secretariat_department, username="secretariat")
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
        other_staff=testing.make_user(Role.DEPARTMENT_STAFF, department=kodomo, username="other_staff"),
        member=member,
        chair=chair,
        outsider_member=outsider,
        contractor=testing.make_user(Role.CONTRACTOR, username="contractor"),
        auditor=testing.make_user(Role.AUDITOR, username="auditor"),
    )
