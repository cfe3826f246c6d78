"""Demo data of the ledger: 諮問第4号's 利用登録者台帳 in operation, loaded through the ledger's
services by the demo's people.

As the seed minutes describe it: the ledger is kept on paper, the basic items of the
registration form typed into a PC database; the contractor (社会福祉法人けやき野会) works with
ハローワーク, 学校, 作業所 and the city, giving data only with the registrant's written consent
(「利用者が提供を拒否した個人情報は原則、提供しない」); carry-out is on paper only; entry to the
room where the records are kept is logged. The registrants are fictitious (見本 = sample).
Dates count back from the day the demo is built, so the overdue carry-out is overdue and the
final report (確報) still pending whenever it is built; times are office hours on days the
office is open, whatever the hour the demo is built.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone, translation

from mamori.accounts.models import Role, User
from mamori.audit.writes import create_audited, update_audited
from mamori.consultations.models import Consultation
from mamori.core import business_days, demo_vendors
from mamori.ledger import services
from mamori.ledger.models import (
    ConsentStatus,
    EntryRecord,
    FileForm,
    IncidentKind,
    ItemGroup,
    Medium,
    PersonalInformationFile,
    ProvisionPurpose,
    Recipient,
    Room,
)
from mamori.vendors import services as vendor_services
from mamori.vendors.models import Contract, Vendor

USE_CASE = "core.load_demo"
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DAY = dt.timedelta(days=1)

# The contractor's coordinator, a user of けやき野会 (its contact of demo_vendors). Her sign-in
# works once core.demo.SIGN_INS lists it; until then the account has no usable password.
COORDINATOR = ("keyakino", "桜井和夫", "けやき野会 就労支援室長")

FILE_NAME = "障害者就労支援事業 利用登録者台帳"
FILE: dict[str, Any] = {
    "name": FILE_NAME,
    "purpose": (
        "障害者の就労支援(就労相談、関係機関と連携した職場定着支援)を行うため、利用登録者の"
        "基本情報、障害の状況及び就労に関する希望を記録する。"
    ),
    "items": "氏名\nふりがな\n住所\n生年月日\n電話番号\n障害の状況\n就労に関する希望\nケース記録",
    "data_subjects": "障害者就労支援事業の利用登録者",
    "sources": "本人からの利用登録申出書、面談",
    "regular_recipients": (
        "ハローワーク、学校、作業所(いずれも本人の書面による同意がある場合に限る)"
    ),
    "contains_special_care": True,
    # The ledger itself is paper (handwritten case records); the registration form's basic
    # items are typed into a PC database.
    "form": FileForm.BOTH,
    "retention": "利用登録終了後5年",
    "request_office": "健康福祉部 障害支援課(東村山市役所)",
    "remarks": (
        "利用登録者台帳は紙で保管し、利用登録申出書の基礎情報(氏名・住所等)のみパソコンで"
        "データベース化する。持ち出しは紙に限る(仕様書第8条)。"
    ),
    "expected_subjects": 60,
    "published": True,
}
RECIPIENTS = ("ハローワーク", "学校", "作業所", "市(障害支援課)")
HELLOWORK, SCHOOL, WORKSHOP, CITY = RECIPIENTS
# (name, items, special care)
ITEM_GROUPS: tuple[tuple[str, str, bool], ...] = (
    ("基本情報", "氏名・ふりがな・住所・生年月日・電話番号", False),
    ("障害の状況", "障害の種別・程度、手帳の等級、通院の状況", True),
    ("就労に関する希望", "希望する職種・勤務時間、職歴", False),
)
BASIC, DISABILITY, WISHES = (name for name, _items, _care in ITEM_GROUPS)
PURPOSES = ("就労先の紹介", "在学状況の確認", "作業所への通所調整")
JOB_REFERRAL, SCHOOL_CHECK, WORKSHOP_VISITS = PURPOSES


class Person(NamedTuple):
    """A fictitious registrant; `registered_days_ago` counts back from the day of the demo."""

    number: str
    name: str
    kana: str
    address: str
    birth_date: dt.date
    phone: str
    notes: str
    registered_days_ago: int


PEOPLE: tuple[Person, ...] = (
    Person(
        "S-0001",
        "見本 一郎",
        "みほん いちろう",
        "東京都東村山市本町一丁目1番1号 見本荘101",
        dt.date(1985, 4, 12),
        "042-555-0101",
        "週3日の就労を希望。",
        120,
    ),
    Person(
        "S-0002",
        "見本 花子",
        "みほん はなこ",
        "東京都東村山市久米川町二丁目2番2号",
        dt.date(1992, 9, 3),
        "042-555-0102",
        "",
        110,
    ),
    Person(
        "S-0003",
        "見本 次郎",
        "みほん じろう",
        "東京都東村山市萩山町三丁目3番3号",
        dt.date(2006, 1, 20),
        "042-555-0103",
        "特別支援学校高等部3年に在学。学校への情報提供は本人・保護者とも希望せず。",
        90,
    ),
    Person(
        "S-0004",
        "見本 さくら",
        "みほん さくら",
        "東京都東村山市秋津町四丁目4番4号",
        dt.date(1978, 11, 30),
        "042-555-0104",
        "作業所への通所を継続しながら就労を目指す。",
        75,
    ),
    Person(
        "S-0005",
        "見本 三郎",
        "みほん さぶろう",
        "東京都東村山市富士見町五丁目5番5号",
        dt.date(1969, 6, 15),
        "",
        "",
        40,
    ),
)


class ConsentSeed(NamedTuple):
    """A statement of a registrant, `days_ago` counting back from the day of the demo."""

    number: str
    recipient: str
    groups: tuple[str, ...]
    purpose: str
    status: str
    days_ago: int


GIVEN, REFUSED, WITHDRAWN = ConsentStatus.GIVEN, ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN
CONSENTS: tuple[ConsentSeed, ...] = (
    *(
        ConsentSeed(
            p.number, HELLOWORK, (BASIC, WISHES), JOB_REFERRAL, GIVEN, p.registered_days_ago
        )
        for p in PEOPLE
    ),
    ConsentSeed("S-0002", SCHOOL, (BASIC,), SCHOOL_CHECK, GIVEN, 110),
    # The registrant who refused: nothing of his may go to the school.
    ConsentSeed("S-0003", SCHOOL, (BASIC, DISABILITY), SCHOOL_CHECK, REFUSED, 90),
    ConsentSeed("S-0004", WORKSHOP, (BASIC, DISABILITY), WORKSHOP_VISITS, GIVEN, 75),
    ConsentSeed("S-0004", HELLOWORK, (DISABILITY,), JOB_REFERRAL, GIVEN, 75),
    # Given at registration, withdrawn since: from that day the consent no longer covers it.
    ConsentSeed("S-0005", HELLOWORK, (DISABILITY,), JOB_REFERRAL, GIVEN, 40),
    ConsentSeed("S-0005", HELLOWORK, (DISABILITY,), JOB_REFERRAL, WITHDRAWN, 12),
)


class ProvisionSeed(NamedTuple):
    number: str
    recipient: str
    groups: tuple[str, ...]
    purpose: str
    days_ago: int


PROVISIONS: tuple[ProvisionSeed, ...] = (
    ProvisionSeed("S-0001", HELLOWORK, (BASIC, WISHES), JOB_REFERRAL, 30),
    ProvisionSeed("S-0004", WORKSHOP, (BASIC, DISABILITY), WORKSHOP_VISITS, 20),
    # Asked of Mamori, refused for want of consent, and recorded as refused.
    ProvisionSeed("S-0003", SCHOOL, (BASIC,), SCHOOL_CHECK, 14),
)

# The demo's provisions are dated in the past, so each says why it is recorded late.
LATE_REASON = "紙の提供記録簿から、Mamori の運用開始時に転記した。"

ROOM = ("就労支援センター 記録保管室", "SHUROU-R1")
CABINET = ("利用登録者台帳 保管庫(施錠)", "SHUROU-C1")
# Someone the door system saw who is not authorized for the room.
STRANGER = ("見本清掃サービス 作業員", "C-0999")
# The door system's cards of the department's staff member and of the coordinator: their
# authorizations and entries carry them, so the door system's exports match.
STAFF_CARD = "C-0101"
COORDINATOR_CARD = "C-0102"
# Business days of entries in the last week: the entries of the demo's people.
ENTRY_DAYS = 5
PROMPT_REPORT_AFTER_DAYS = 2
INCIDENT_DAYS_AGO = 6


def load(users: dict[str, User], consultations: dict[int, Consultation]) -> None:
    """Load the ledger of 諮問第4号 (after demo_vendors: it needs けやき野会's contract)."""
    with translation.override(settings.LANGUAGE_CODE):
        today = timezone.localdate()
        staff = users["shogai"]
        contract = Contract.objects.get(title=demo_vendors.TITLE_A)
        coordinator = _coordinator(users["jimukyoku"], contract.vendor)
        file = _load_file(staff, consultations[4], contract)
        registrants = _load_registrants(coordinator, file, today)
        _load_consents(coordinator, file, registrants, today)
        _load_provisions(coordinator, file, registrants, today)
        services.record_view(
            actor=staff,
            purpose="ハローワークへの提供内容の確認",
            file=file,
            shown=sorted(registrants),
        )
        _load_carry_outs(staff, coordinator, file, contract)
        _load_room(staff, coordinator, file, today)
        _load_incident(staff, coordinator, file, contract, today)


def _coordinator(secretariat: User, vendor: Vendor) -> User:
    """けやき野会's coordinator, tied to the vendor by the secretariat."""
    from mamori.core.demo import SIGN_INS  # the demo module imports this one

    username, name, title = COORDINATOR
    passwords = {s.username: s.password for s in SIGN_INS}
    user = create_audited(
        User,
        actor=None,
        use_case=USE_CASE,
        username=username,
        role=Role.CONTRACTOR,
        display_name=name,
        title=title,
        email=f"{username}@keyakino.example",
        password=make_password(passwords.get(username)),
    )
    vendor_services.link_contractor_user(actor=secretariat, user=user, vendor=vendor)
    return user


def _load_file(
    staff: User, consultation: Consultation, contract: Contract
) -> PersonalInformationFile:
    decision = consultation.decisions.order_by("-decided_on", "-id").first()
    file = services.create_file(
        actor=staff,
        department=consultation.department,
        consultation=consultation,
        decision=decision,
        contracts=[contract],
        **FILE,
    )
    for name in RECIPIENTS:
        services.add_recipient(actor=staff, file=file, name=name)
    for name, items, special_care in ITEM_GROUPS:
        services.add_item_group(
            actor=staff, file=file, name=name, items=items, special_care=special_care
        )
    for name in PURPOSES:
        services.add_purpose(actor=staff, file=file, name=name)
    return file


def _load_registrants(
    coordinator: User, file: PersonalInformationFile, today: dt.date
) -> dict[str, Any]:
    return {
        p.number: services.create_registrant(
            actor=coordinator,
            file=file,
            registration_number=p.number,
            name=p.name,
            name_kana=p.kana,
            address=p.address,
            birth_date=p.birth_date,
            phone=p.phone,
            notes=p.notes,
            registered_on=today - p.registered_days_ago * DAY,
        )
        for p in PEOPLE
    }


def _setup(
    file: PersonalInformationFile,
) -> tuple[dict[str, Recipient], dict[str, ItemGroup], dict[str, ProvisionPurpose]]:
    return (
        {r.name: r for r in file.recipients.all()},
        {g.name: g for g in file.item_groups.all()},
        {p.name: p for p in file.purposes.all()},
    )


def _load_consents(
    coordinator: User, file: PersonalInformationFile, registrants: dict[str, Any], today: dt.date
) -> None:
    recipients, groups, purposes = _setup(file)
    for c in CONSENTS:
        services.record_consent(
            actor=coordinator,
            registrant=registrants[c.number],
            recipient=recipients[c.recipient],
            item_groups=[groups[name] for name in c.groups],
            purpose=purposes[c.purpose],
            status=c.status,
            effective_on=today - c.days_ago * DAY,
            written_form_on_file=True,
            explanation_given=True,
        )


def _load_provisions(
    coordinator: User, file: PersonalInformationFile, registrants: dict[str, Any], today: dt.date
) -> None:
    recipients, groups, purposes = _setup(file)
    for p in PROVISIONS:
        services.record_provision(
            actor=coordinator,
            registrant=registrants[p.number],
            recipient=recipients[p.recipient],
            purpose=purposes[p.purpose],
            item_groups=[groups[name] for name in p.groups],
            provided_on=today - p.days_ago * DAY,
            late_reason=LATE_REASON,
        )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def _business_day_before(day: dt.date) -> dt.date:
    """The last day the office is open, on or before `day`."""
    while not business_days.is_business_day(day):
        day -= DAY
    return day


def _date_carry_out(carry_out: Any, requested_at: dt.datetime) -> None:
    """A carry-out is asked for and approved before it leaves: the demo, loaded later, dates
    the request and the approval to that morning (audited as the demo's own correction)."""
    update_audited(
        carry_out,
        actor=None,
        use_case=USE_CASE,
        recorded_at=requested_at,
        approved_at=requested_at + dt.timedelta(minutes=20),
    )


def _load_carry_outs(
    staff: User, coordinator: User, file: PersonalInformationFile, contract: Contract
) -> None:
    """Paper only, as the answer allows: one back the same day, one not back by its time.
    Both leave in office hours (9:00 to 16:00) on days the office is open."""
    today = timezone.localdate()
    day = _business_day_before(today - 10 * DAY)
    returned = services.request_carry_out(
        actor=coordinator,
        file=file,
        medium=Medium.PAPER,
        description="利用登録者台帳(ケース記録)の写し",
        record_count=1,
        purpose="就労先での職場定着支援の面談",
        destination="就労先の事業所(市内)",
        carried_by=coordinator,
        leaves_at=_at(day, 10),
        due_back_at=_at(day, 16),
        contract=contract,
    )
    services.approve_carry_out(actor=staff, carry_out=returned)
    services.return_carry_out(actor=staff, carry_out=returned, returned_at=_at(day, 15, 30))
    _date_carry_out(returned, _at(day, 9))
    late_day = _business_day_before(today - 3 * DAY)
    overdue = services.request_carry_out(
        actor=coordinator,
        file=file,
        medium=Medium.PAPER,
        description="利用登録申出書(2名分)",
        record_count=2,
        purpose="ハローワークでの職業相談への同行",
        destination="ハローワーク(公共職業安定所)",
        carried_by=coordinator,
        leaves_at=_at(late_day, 10),
        due_back_at=_at(late_day, 15),
        contract=contract,
    )
    services.approve_carry_out(actor=staff, carry_out=overdue)
    _date_carry_out(overdue, _at(late_day, 9))


def _entry_days(today: dt.date) -> list[dt.date]:
    """The last business days before today, oldest first."""
    days: list[dt.date] = []
    day = today - DAY
    while len(days) < ENTRY_DAYS:
        if business_days.is_business_day(day):
            days.append(day)
        day -= DAY
    return sorted(days)


def _load_room(
    staff: User, coordinator: User, file: PersonalInformationFile, today: dt.date
) -> None:
    room = services.create_room(
        actor=staff, department=file.department, name=ROOM[0], code=ROOM[1], files=[file]
    )
    cabinet = services.create_room(
        actor=staff,
        department=file.department,
        name=CABINET[0],
        code=CABINET[1],
        kind=Room.Kind.CABINET,
        parent=room,
        files=[file],
    )
    days = _entry_days(today)
    valid_from = min(days[0], today - 60 * DAY)
    cards = {staff.pk: STAFF_CARD, coordinator.pk: COORDINATOR_CARD}
    for user in (staff, coordinator):
        services.authorize(
            actor=staff, room=room, user=user, card_id=cards[user.pk], valid_from=valid_from
        )
    services.authorize(
        actor=staff, room=cabinet, user=coordinator, card_id=COORDINATOR_CARD, valid_from=valid_from
    )
    for number, day in enumerate(days):
        _enter(coordinator, room, coordinator, _at(day, 9, 5), _at(day, 9, 40), cards)
        if number % 2 == 0:
            _enter(coordinator, cabinet, coordinator, _at(day, 9, 10), _at(day, 9, 20), cards)
        if number in {1, 3}:
            _enter(staff, room, staff, _at(day, 14), _at(day, 14, 25), cards)
    # Flagged: back in the evening, and someone whose card is not authorized.
    _enter(coordinator, room, coordinator, _at(days[2], 19, 40), _at(days[2], 20, 5), cards)
    services.record_entry(
        actor=staff,
        room=room,
        entered_at=_at(days[3], 10, 15),
        left_at=_at(days[3], 10, 30),
        person_name=STRANGER[0],
        card_id=STRANGER[1],
        source=EntryRecord.Source.MANUAL,
    )


def _enter(
    actor: User,
    room: Room,
    user: User,
    entered_at: dt.datetime,
    left_at: dt.datetime,
    cards: dict[int, str],
) -> None:
    services.record_entry(
        actor=actor,
        room=room,
        user=user,
        card_id=cards[user.pk],
        entered_at=entered_at,
        left_at=left_at,
    )


def _load_incident(
    staff: User,
    coordinator: User,
    file: PersonalInformationFile,
    contract: Contract,
    today: dt.date,
) -> None:
    """A fax to the wrong 作業所, reported by the contractor's coordinator and acknowledged by
    the department: one person, special-care data, so a report is due; the prompt report (速報)
    is made, the final one (確報) still to come."""
    discovered_on = today - INCIDENT_DAYS_AGO * DAY
    # Reported in the afternoon of the day it became known, acknowledged within the hour.
    reported_at = timezone.make_aware(dt.datetime.combine(discovered_on, dt.time(15, 10)))
    incident = services.report_incident(
        actor=coordinator,
        contract=contract,
        notify_department=False,
        at=reported_at,
        file=file,
        title="作業所あて通所調整票の誤送信(FAX)",
        kind=IncidentKind.LEAK,
        what_happened=(
            "受託者の職員が、利用登録者1名の通所調整票(氏名、障害の状況を含む)を、送信先番号の"
            "入力誤りにより通所先とは別の作業所へFAX送信した。受信した作業所からの連絡で判明し、"
            "同日中に受信文書の廃棄を確認した。"
        ),
        occurred_on=discovered_on,
        discovered_on=discovered_on,
        people_count=1,
        special_care=True,
        items_concerned="氏名、障害の状況、通所先",
        cause="送信先のFAX番号を手入力した際の入力誤り。送信前の番号確認を一人で行っていた。",
        secondary_harm="受信した作業所で当日中に文書の廃棄を確認しており、二次被害のおそれは低い。",
    )
    services.acknowledge_incident(
        actor=staff, incident=incident, at=reported_at + dt.timedelta(minutes=25)
    )
    services.record_reports(
        actor=staff,
        incident=incident,
        prompt_reported_on=discovered_on + PROMPT_REPORT_AFTER_DAYS * DAY,
        people_notified_on=discovered_on + DAY,
        notification_note="本人に電話で経緯を説明し、謝罪した。",
    )
    # The department decides on publication; the measures against recurrence are still to be
    # written for the final report.
    services.update_incident(
        actor=staff,
        incident=incident,
        publication="本人の数が1名であり、本人へ通知したため、公表していない。",
    )
