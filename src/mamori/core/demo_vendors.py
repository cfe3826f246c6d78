"""Demo data of the contractors: vendors, contracts, a sub-outsourcing approval, the end of
contracts, loaded through the vendors' services by the demo's people.

The seed's contractors, under the fictitious names of demo_records: the employment-support
contractor of 諮問第4号 (社会福祉法人けやき野会, chosen by proposal after the answer), the
operator of the centre of 諮問第5号 (学校法人みどり学園) and its sub-contractor without a
Privacy Mark (有限会社ひばりシステム) with the approval on file, and the system work of
子育て応援特別手当 (平成20年度), finished, with its certificate of erasure. Contracts still
running are this fiscal year's renewal, so the demo shows them live whatever the day it is
built; one erasure is overdue and one certification expires soon, also counted from that day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from mamori.accounts.models import User
from mamori.consultations.models import Attachment, Consultation
from mamori.core import demo_records, eras
from mamori.vendors import services
from mamori.vendors.models import (
    Certification,
    Clause,
    Contract,
    EntityKind,
    Medium,
    ProcurementMethod,
    Vendor,
)

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DAY = dt.timedelta(days=1)

# --- Vendors: (legal name, kind, 12 digits of the 法人番号 after its check digit, address,
# capital in yen, contact (name, title, phone, e-mail)) ---------------------------------------

KEYAKINO = demo_records.CONTRACTOR_4
MIDORI = demo_records.OPERATOR_5
HIBARI = demo_records.SUBCONTRACTOR_5
KUNUGI = "株式会社くぬぎ情報サービス"
AOBA = "株式会社あおば総合研究所"

VENDORS: dict[str, dict[str, Any]] = {
    KEYAKINO: {
        "entity_kind": EntityKind.SHAKAI_FUKUSHI,
        "number_body": "013305000217",
        "address": "東京都東村山市久米川町五丁目18番地の2",
        "capital_yen": None,
        "contact": ("桜井和夫", "就労支援室長", "042-390-0000", "sakurai@keyakino.example.jp"),
    },
    MIDORI: {
        "entity_kind": EntityKind.GAKKO,
        "number_body": "012405001382",
        "address": "東京都東村山市萩山町三丁目7番1号",
        "capital_yen": None,
        "contact": ("緑川聡", "事務長", "042-391-0000", "midorikawa@midori-gakuen.example.jp"),
    },
    HIBARI: {
        "entity_kind": EntityKind.YUGEN,
        "number_body": "012502019465",
        "address": "東京都小平市ひばり台二丁目4番9号",
        "capital_yen": 3_000_000,
        "contact": ("日野原健", "代表取締役", "042-300-0000", "hinohara@hibari-sys.example.jp"),
    },
    KUNUGI: {
        "entity_kind": EntityKind.KABUSHIKI,
        "number_body": "011101054873",
        "address": "東京都立川市曙町一丁目22番3号",
        "capital_yen": 80_000_000,
        "contact": ("国木田誠", "公共システム部長", "042-520-0000", "kunikida@kunugi.example.jp"),
    },
    AOBA: {
        "entity_kind": EntityKind.KABUSHIKI,
        "number_body": "011001093326",
        "address": "東京都国分寺市本町四丁目1番2号",
        "capital_yen": 10_000_000,
        "contact": ("青柳真理", "調査部主任", "042-320-0000", "aoyagi@aoba-ri.example.jp"),
    },
}

# --- Contracts --------------------------------------------------------------------------------

TITLE_A = "障害者就労支援事業業務委託"
TITLE_B = "東村山市子育て総合支援センター運営業務委託"
TITLE_C = "子育て応援特別手当(平成20年度)電算システム改修委託"
TITLE_D = "障害者就労支援事業 利用者アンケート集計業務委託"

# The clauses as the seed states them (約款第7条, 特約条項第12条). The penalty equal to the
# city's staff, promised in the answered record, is left out: at the meeting the department
# only undertook to write it into the special conditions (a follow-up still open), so the
# contract shows the gap the council's answer should catch.
CLAUSES_A: dict[str, tuple[bool, str]] = {
    Clause.Kind.CONFIDENTIALITY: (True, "契約書約款第7条"),
    Clause.Kind.PENALTY: (False, ""),
    Clause.Kind.SUBCONTRACTING: (True, "契約書約款第8条"),
    Clause.Kind.COPY_CARRY_OUT: (True, "仕様書第8条(持ち出しは紙に限る)"),
    Clause.Kind.RETURN_ERASURE: (True, "特約条項第12条"),
    Clause.Kind.INCIDENT_REPORT: (True, "特約条項第14条"),
    Clause.Kind.AUDIT: (True, "特約条項第15条"),
}
CLAUSES_B: dict[str, tuple[bool, str]] = {
    Clause.Kind.CONFIDENTIALITY: (True, "契約書約款第7条"),
    Clause.Kind.SUBCONTRACTING: (True, "契約書約款第8条(再委託は市の書面による承認を要する)"),
    Clause.Kind.COPY_CARRY_OUT: (True, "セキュリティ合意書第5条(利用者データの複製・持ち出し禁止)"),
    Clause.Kind.RETURN_ERASURE: (True, "特約条項第12条"),
    Clause.Kind.WORK_LOCATION: (True, "仕様書第3条(センター内に限る)"),
}
CLAUSES_C: dict[str, tuple[bool, str]] = {
    Clause.Kind.CONFIDENTIALITY: (True, "契約書約款第7条"),
    Clause.Kind.RETURN_ERASURE: (True, "特約条項第12条"),
    Clause.Kind.WORK_LOCATION: (True, "仕様書第4条(情報システム課内に限る)"),
}
CLAUSES_D: dict[str, tuple[bool, str]] = {
    Clause.Kind.CONFIDENTIALITY: (True, "契約書約款第7条"),
    Clause.Kind.PENALTY: (True, "特約条項第13条"),
    Clause.Kind.RETURN_ERASURE: (True, "特約条項第12条"),
}

SUBCONTRACT_SCOPE = "入退室管理システム(アプリケーションソフト)のインストール及び運用保守"
SUBCONTRACT_APPROVED_ON = dt.date(2009, 8, 20)
# 子育て応援特別手当 (平成20年度): answered 2009-02-16, the work done by the end of the year.
PERIOD_C = (dt.date(2009, 2, 17), dt.date(2009, 3, 31))
CERTIFICATE_C_FILED_ON = dt.date(2009, 4, 8)
CERTIFICATE_C_VERIFIED_ON = dt.date(2009, 4, 10)
# How long before the demo is built the survey contract ended: its erasure is overdue by then.
SURVEY_ENDED_DAYS_AGO = 30
# The Privacy Mark of けやき野会 runs out this many days after the demo is built.
EXPIRING_IN_DAYS = 60


def corporate_number(body: str) -> str:
    """A 法人番号: the check digit computed for the 12 digits, then the 12 digits."""
    return f"{services.corporate_number_check_digit(body)}{body}"


def contract_number(day: dt.date, series: str, number: int) -> str:
    """A contract number as the city writes it: 令和8年度障支委第4号 (fiscal year of the day)."""
    return f"{eras.format_fiscal_year(eras.fiscal_year_of(day), on=day)}{series}第{number}号"


def fiscal_year_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the fiscal year (April–March) of that day."""
    year = eras.fiscal_year_of(today)
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def load(users: dict[str, User], consultations: dict[int, Consultation], earlier: Any) -> None:
    """Load the contractors of the demo; `earlier` is the consultation answered 2009-02-16."""
    with translation.override(settings.LANGUAGE_CODE):
        today = timezone.localdate()
        vendors = _load_vendors(users["jimukyoku"], today)
        services.link_contractor_user(
            actor=users["jimukyoku"], user=users["jutaku"], vendor=vendors[MIDORI]
        )
        _load_employment_support(users["shogai"], vendors, consultations[4], today)
        _load_centre(users, vendors, consultations[5], today)
        _load_allowance_system(users["kodomo"], vendors[KUNUGI], earlier)
        _load_overdue_survey(users["shogai"], vendors[AOBA], consultations[4], today)


def _load_vendors(actor: User, today: dt.date) -> dict[str, Vendor]:
    vendors: dict[str, Vendor] = {}
    for name, spec in VENDORS.items():
        vendor = services.create_vendor(
            actor=actor,
            legal_name=name,
            entity_kind=spec["entity_kind"],
            corporate_number=corporate_number(spec["number_body"]),
            address=spec["address"],
            capital_yen=spec["capital_yen"],
        )
        contact_name, title, phone, email = spec["contact"]
        services.add_contact(
            actor=actor, vendor=vendor, name=contact_name, title=title, phone=phone, email=email
        )
        vendors[name] = vendor
    # Privacy Marks run two years; けやき野会's runs out soon after the demo is built.
    expires = today + EXPIRING_IN_DAYS * DAY
    services.add_certification(
        actor=actor,
        vendor=vendors[KEYAKINO],
        kind=Certification.Kind.PRIVACY_MARK,
        number="21000123(04)",
        valid_from=expires - 2 * 365 * DAY,
        expires_on=expires,
    )
    services.add_certification(
        actor=actor,
        vendor=vendors[MIDORI],
        kind=Certification.Kind.ISMS,
        number="IS 612345",
        valid_from=today - 365 * DAY,
        expires_on=today + 2 * 365 * DAY,
    )
    services.add_certification(
        actor=actor,
        vendor=vendors[KUNUGI],
        kind=Certification.Kind.PRIVACY_MARK,
        number="10860042(08)",
        valid_from=today - 200 * DAY,
        expires_on=today - 200 * DAY + 2 * 365 * DAY,
    )
    return vendors


def _load_employment_support(
    actor: User, vendors: dict[str, Vendor], consultation: Consultation, today: dt.date
) -> Contract:
    """Contract A: the proposal's winner, renewed every fiscal year; one promised clause lacking."""
    starts_on, ends_on = fiscal_year_bounds(today)
    contract = services.create_contract(
        actor=actor,
        department=consultation.department,
        vendor=vendors[KEYAKINO],
        title=TITLE_A,
        number=contract_number(today, "障支委", 4),
        starts_on=starts_on,
        ends_on=ends_on,
        procurement_method=ProcurementMethod.PROPOSAL,
        consultations=[consultation],
    )
    services.set_clauses(actor=actor, contract=contract, clauses=CLAUSES_A)
    return contract


def _approval_request_file(consultation: Consultation) -> ContentFile[bytes]:
    """The 承認願 filed with 諮問第5号, the same bytes, filed again on the contract."""
    attachment = consultation.attachments.get(kind=Attachment.Kind.APPROVAL_REQUEST)
    with attachment.file.open("rb") as stored:
        content = stored.read()
    return ContentFile(content, name=demo_records.APPROVAL_REQUEST_5.file_name)


def _load_centre(
    users: dict[str, User],
    vendors: dict[str, Vendor],
    consultation: Consultation,
    today: dt.date,
) -> Contract:
    """Contract B: the centre's operator and its sub-contractor, approved on its 承認願."""
    staff = users["kodomo"]
    starts_on, ends_on = fiscal_year_bounds(today)
    contract = services.create_contract(
        actor=staff,
        department=consultation.department,
        vendor=vendors[MIDORI],
        title=TITLE_B,
        number=contract_number(today, "子総委", 12),
        starts_on=starts_on,
        ends_on=ends_on,
        procurement_method=ProcurementMethod.NEGOTIATED,
        consultations=[consultation],
    )
    services.set_clauses(actor=staff, contract=contract, clauses=CLAUSES_B)
    _replace_holdings(
        staff,
        contract,
        Medium.ELECTRONIC,
        "入退室管理システムの利用者データ(氏名・利用者番号・入退室の記録)",
        "センター内の入退室管理サーバ",
    )
    # The operator files its request; the department approves it after the council's answer.
    approval = services.add_subcontract(
        actor=users["jutaku"],
        contract=contract,
        subcontractor=vendors[HIBARI],
        scope=SUBCONTRACT_SCOPE,
        consultation=consultation,
        request_file=_approval_request_file(consultation),
    )
    services.approve_subcontract(
        actor=staff, approval=approval, approved_on=SUBCONTRACT_APPROVED_ON
    )
    services.request_document(
        actor=staff,
        contract=contract,
        title="従事者名簿",
        description=(
            "センターで入退室管理システムを扱う従事者の名簿(所属・役職・従事する業務)を"
            "提出してください。"
        ),
        due_on=today + 10 * DAY,
    )
    return contract


def _replace_holdings(
    actor: User, contract: Contract, medium: str, description: str, location: str
) -> None:
    """The data the contractor held, in the department's words rather than as proposed."""
    for holding in list(contract.holdings.all()):
        services.remove_holding(actor=actor, holding=holding)
    services.add_holding(
        actor=actor, contract=contract, medium=medium, description=description, location=location
    )


def _load_allowance_system(actor: User, vendor: Vendor, consultation: Consultation) -> Contract:
    """Contract C: the system work of 平成20年度, ended, its erasure proven and verified."""
    contract = services.create_contract(
        actor=actor,
        department=consultation.department,
        vendor=vendor,
        title=TITLE_C,
        number=contract_number(PERIOD_C[0], "子総委", 31),
        starts_on=PERIOD_C[0],
        ends_on=PERIOD_C[1],
        procurement_method=ProcurementMethod.NEGOTIATED,
        consultations=[consultation],
    )
    services.set_clauses(actor=actor, contract=contract, clauses=CLAUSES_C)
    _replace_holdings(
        actor,
        contract,
        Medium.ELECTRONIC,
        "手当の支給対象者抽出データ(改修作業の検証用)",
        "情報システム課内の作業用端末",
    )
    (task,) = services.end_contract(actor=actor, contract=contract, ended_on=PERIOD_C[1])
    certificate = demo_records.minimal_pdf("Certificate of erasure (Mamori demo)")
    services.file_certificate(
        actor=actor,
        task=task,
        uploaded_file=ContentFile(certificate, name="消去証明書.pdf"),
        method="作業用端末の検証用データを専用ソフトで上書き消去",
        at=dt.datetime.combine(CERTIFICATE_C_FILED_ON, dt.time(10), tzinfo=TOKYO),
    )
    task.refresh_from_db()
    services.verify_return_erasure(actor=actor, task=task, verified_on=CERTIFICATE_C_VERIFIED_ON)
    return contract


def _load_overdue_survey(
    actor: User, vendor: Vendor, consultation: Consultation, today: dt.date
) -> Contract:
    """Contract D: a survey that ended a month ago whose data is still not erased."""
    ends_on = today - SURVEY_ENDED_DAYS_AGO * DAY
    contract = services.create_contract(
        actor=actor,
        department=consultation.department,
        vendor=vendor,
        title=TITLE_D,
        number=contract_number(ends_on, "障支委", 9),
        starts_on=ends_on - 120 * DAY,
        ends_on=ends_on,
        procurement_method=ProcurementMethod.DESIGNATED_BID,
        consultations=[consultation],
    )
    services.set_clauses(actor=actor, contract=contract, clauses=CLAUSES_D)
    _replace_holdings(
        actor,
        contract,
        Medium.ELECTRONIC,
        "利用者アンケートの回答データ(集計用)",
        "受託者の事業所の集計用パソコン",
    )
    services.end_contract(actor=actor, contract=contract, ended_on=ends_on)
    return contract
