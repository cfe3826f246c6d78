"""Plain factory functions for tests: each makes one object with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from mamori.accounts.models import Department, Role, User
from mamori.consultations.models import (
    Consultation,
    Decision,
    HandlingRecordVersion,
    Opinion,
    Response,
)
from mamori.council.models import AgendaItem, Attendance, Council, Meeting, Membership, Minutes

PASSWORD = "correct-horse-battery-staple-7"  # noqa: S105 (test accounts only)
_counter = itertools.count(1)


def make_department(name: str, *, parent: Department | None = None) -> Department:
    level = (
        Department.Level.BU
        if parent is None
        else (
            Department.Level.KA if parent.level == Department.Level.BU else Department.Level.KAKARI
        )
    )
    department, _ = Department.objects.get_or_create(
        name=name, parent=parent, defaults={"level": level}
    )
    return department


def make_user(role: str, *, department: Department | None = None, **overrides: Any) -> User:
    number = next(_counter)
    fields: dict[str, Any] = {
        "username": f"{role}{number}",
        "display_name": f"利用者{number}",
        "role": role,
        "department": department,
    }
    fields.update(overrides)
    return User.objects.create_user(password=PASSWORD, **fields)


def make_council(**overrides: Any) -> Council:
    secretariat = make_department(
        "情報公開係", parent=make_department("総務課", parent=make_department("総務部"))
    )
    fields: dict[str, Any] = {
        "municipality": "東村山市",
        "name": "個人情報保護運営審議会",
        "slug": f"council{next(_counter)}",
        "secretariat_department": secretariat,
    }
    fields.update(overrides)
    return Council.objects.create(**fields)


def make_membership(
    council: Council, *, member: User | None = None, **overrides: Any
) -> Membership:
    fields: dict[str, Any] = {
        "role": Membership.Role.MEMBER,
        "term_start": dt.date(2008, 4, 1),
        "term_end": None,
    }
    fields.update(overrides)
    member = member or make_user(Role.COUNCIL_MEMBER)
    return Membership.objects.create(council=council, member=member, **fields)


def make_meeting(council: Council, **overrides: Any) -> Meeting:
    fields: dict[str, Any] = {
        "fiscal_year": 2009,
        "number": next(_counter),
        "date": dt.date(2009, 8, 6),
        "start_time": dt.time(18, 55),
        "end_time": dt.time(20, 30),
        "place": "市役所3階庁議室",
    }
    fields.update(overrides)
    return Meeting.objects.create(council=council, **fields)


def make_consultation(council: Council, department: Department, **overrides: Any) -> Consultation:
    fields: dict[str, Any] = {
        "fiscal_year": 2009,
        "number": next(_counter),
        "title": "障害者就労支援事業業務委託",
        "status": Consultation.Status.SUBMITTED,
    }
    fields.update(overrides)
    scope = (
        fields["fiscal_year"]
        if council.consultation_numbering == Council.Numbering.PER_FISCAL_YEAR
        else 0
    )
    return Consultation.objects.create(
        council=council, department=department, numbering_scope=scope, **fields
    )


def put_on_agenda(
    meeting: Meeting, consultation: Consultation, *, order: int | None = None
) -> AgendaItem:
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=order or next(_counter),
        kind=AgendaItem.Kind.DELIBERATION,
        title="諮問審議",
    )
    item.consultations.add(consultation)
    return item


def make_opinion(consultation: Consultation, **overrides: Any) -> Opinion:
    fields: dict[str, Any] = {"order": next(_counter), "text": "持ち出しは紙に限るのか。"}
    fields.update(overrides)
    return Opinion.objects.create(consultation=consultation, **fields)


def make_large_meeting(
    council: Council,
    department: Department,
    member: User,
    *,
    items: int = 50,
    opinions: int = 500,
    number: int = 3,
) -> Meeting:
    """A published meeting of many agenda items, each deliberating a consultation with opinions."""
    meeting = make_meeting(council, number=number)
    Minutes.objects.create(
        meeting=meeting,
        status=Minutes.Status.PUBLISHED,
        published_at=dt.datetime.combine(meeting.date, dt.time(12), tzinfo=dt.UTC),
        materials_reason="非公開情報を含むため",
    )
    for seat in Membership.objects.filter(council=council):
        Attendance.objects.create(meeting=meeting, membership=seat, status="present")
    per_item = opinions // items
    for order in range(1, items + 1):
        consultation = make_consultation(council, department, number=order)
        item = AgendaItem.objects.create(
            meeting=meeting, order=order, kind=AgendaItem.Kind.DELIBERATION, title="諮問審議"
        )
        item.consultations.add(consultation)
        Decision.objects.create(
            consultation=consultation,
            meeting=meeting,
            decided_on=meeting.date,
            result=Decision.Result.APPROVED,
        )
        created = Opinion.objects.bulk_create(
            Opinion(
                consultation=consultation,
                meeting=meeting,
                member=member,
                order=n,
                text=f"意見{order}-{n}",
            )
            for n in range(per_item)
        )
        Response.objects.bulk_create(
            Response(opinion=o, department=department, text=f"回答{o.text}") for o in created
        )
    return meeting


def record_data(**sections: Any) -> dict[str, Any]:
    """A HandlingRecord document complete enough to submit; sections replace the defaults."""
    data: dict[str, Any] = {
        "purpose": {
            "purpose": {"value": "障害者の就労支援のため"},
            "legal_basis": {"value": "障害者総合支援法"},
        },
        "subjects": {
            "description": {"value": "就労支援事業の利用登録者"},
            "expected_number": {"value": 40, "certainty": "planned"},
        },
        "items": [{"row_id": "item1", "name": "氏名"}, {"row_id": "item2", "name": "住所"}],
        "form": {"medium": {"value": "both"}},
        "carry_out": {
            "paper": {"allowed": {"value": True}},
            "electronic": {"allowed": {"value": False}},
        },
        "retention": {"period": {"value": "契約期間終了まで"}},
    }
    data.update(sections)
    return data


def make_version(
    consultation: Consultation,
    *,
    submitted: bool = False,
    data: dict[str, Any] | None = None,
    number: int | None = None,
    by: User | None = None,
) -> HandlingRecordVersion:
    """A version of the consultation's record, saved directly (no audit event)."""
    from django.utils import timezone

    author = by or make_user(Role.DEPARTMENT_STAFF, department=consultation.department)
    now = timezone.now()
    last = consultation.record_versions.order_by("-number").values_list("number", flat=True)
    return HandlingRecordVersion.objects.create(
        consultation=consultation,
        number=number or (last.first() or 0) + 1,
        data=record_data() if data is None else data,
        created_by=author,
        created_at=now,
        updated_at=now,
        submitted_by=author if submitted else None,
        submitted_at=now if submitted else None,
    )


# Vendors ------------------------------------------------------------------------------------

# Valid 法人番号 (check digit first), for factories and tests.
CORPORATE_NUMBERS = ["7000012050002", "2021001052596", "8000020130001", "1010001000006"]


def make_vendor(**overrides: Any) -> Any:
    """A vendor saved directly (no audit event); no corporate number unless given."""
    from mamori.vendors.models import EntityKind, Vendor

    fields: dict[str, Any] = {
        "legal_name": f"株式会社テスト{next(_counter)}",
        "entity_kind": EntityKind.KABUSHIKI,
    }
    fields.update(overrides)
    return Vendor.objects.create(**fields)


def link_vendor_user(user: User, vendor: Any) -> Any:
    from mamori.vendors.models import VendorUser

    return VendorUser.objects.create(user=user, vendor=vendor)


def make_answered_consultation(
    council: Council, department: Department, *, decided_on: Any = None, data: Any = None
) -> Consultation:
    """A consultation answered 可 on its submitted version 1 (saved directly)."""
    from mamori.consultations.models import Decision

    consultation = make_consultation(council, department, status=Consultation.Status.ANSWERED)
    version = make_version(consultation, submitted=True, data=data)
    Decision.objects.create(
        consultation=consultation,
        decided_on=decided_on or dt.date(2009, 8, 6),
        result=Decision.Result.APPROVED,
        answered_version=version,
    )
    consultation.answered_version = version
    consultation.save(update_fields=["answered_version"])
    return consultation


def make_contract(department: Department, vendor: Any = None, **overrides: Any) -> Any:
    """A live contract saved directly (no audit event, no basis unless `consultation`)."""
    from mamori.vendors.models import Contract, ContractBasis, ProcurementMethod

    consultation = overrides.pop("consultation", None)
    fields: dict[str, Any] = {
        "title": f"業務委託{next(_counter)}",
        "starts_on": dt.date(2009, 10, 1),
        "ends_on": dt.date(2010, 3, 31),
        "procurement_method": ProcurementMethod.PROPOSAL,
    }
    fields.update(overrides)
    contract = Contract.objects.create(
        department=department, vendor=vendor or make_vendor(), **fields
    )
    if consultation is not None:
        decision = consultation.decisions.order_by("-decided_on").first()
        ContractBasis.objects.create(
            contract=contract,
            consultation=consultation,
            decision=decision,
            answered_version=consultation.answered_version,
        )
    return contract


def make_ledger_file(department: Department, **overrides: Any) -> Any:
    """A personal information file saved directly, with recipients ハローワーク and 学校,
    item groups 基本情報 and 障害の状況, and purposes 就労先の紹介 and 在学状況の確認."""
    from mamori.ledger.models import (
        FileForm,
        ItemGroup,
        PersonalInformationFile,
        ProvisionPurpose,
        Recipient,
    )

    contracts = overrides.pop("contracts", [])
    fields: dict[str, Any] = {
        "name": f"利用登録者台帳{next(_counter)}",
        "purpose": "障害者の就労支援のため",
        "items": "氏名\n住所\n生年月日\n障害の状況",
        "data_subjects": "就労支援事業の利用登録者",
        "sources": "本人からの申請書",
        "form": FileForm.BOTH,
        "retention": "5年",
    }
    fields.update(overrides)
    file = PersonalInformationFile.objects.create(department=department, **fields)
    file.contracts.set(contracts)
    for name in ("ハローワーク", "学校"):
        Recipient.objects.create(file=file, name=name)
    ItemGroup.objects.create(file=file, name="基本情報", items="氏名・住所・生年月日")
    ItemGroup.objects.create(file=file, name="障害の状況", special_care=True)
    for name in ("就労先の紹介", "在学状況の確認"):
        ProvisionPurpose.objects.create(file=file, name=name)
    return file


def make_registrant(file: Any, **overrides: Any) -> Any:
    """A registrant saved directly (encrypted, no audit event)."""
    from mamori.ledger.models import Registrant

    number = next(_counter)
    fields: dict[str, Any] = {
        "registration_number": f"R{number:05d}",
        "name": f"山田 太郎{number}",
        "address": "みどり市中央1-1",
        "registered_on": dt.date(2009, 10, 1),
    }
    fields.update(overrides)
    return Registrant.objects.create(file=file, **fields)
