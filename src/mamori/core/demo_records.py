"""The HandlingRecords of the demo consultations, reconstructed from the seed minutes.

Every statement the departments make in the minutes of 2009-08-06 is a fact here, with the
certainty they gave it: 諮問第4号 went to the council before its contractor was chosen, so its
ledger, database, consent procedure, staffing and penalty clause are 予定 and its contractor
未定. A complete record also needs facts the minutes do not give (legal basis, expected
numbers, retention, 第5号's procurement); those are plausible and marked "not in the minutes".
People and companies are fictitious: the operator of the centre is みどり学園 as in demo.py.

The records are plain documents validated by `handling.parse`, as the API would receive them.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from mamori.consultations import handling

FIXED, PLANNED, UNDECIDED = "fixed", "planned", "undecided"

CONTRACTOR_4 = "社会福祉法人けやき野会"
OPERATOR_5 = "学校法人みどり学園"
SUBCONTRACTOR_5 = "有限会社ひばりシステム"
MHLW_GUIDELINE = "厚生労働省「福祉関係事業者における個人情報の適正な取扱いのためのガイドライン」"


def fact(value: Any, certainty: str = FIXED) -> dict[str, Any]:
    return {"value": value, "certainty": certainty}


def clause(present: bool | None, reference: str = "", certainty: str = FIXED) -> dict[str, Any]:
    return {"present": present, "reference": reference, "certainty": certainty}


# --- 諮問第4号「障害者就労支援事業業務委託」 (障害支援課) ---------------------------------------


def _recipient(row_id: str, name: str) -> dict[str, Any]:
    """A body the contractor works with: given data only with the user's written consent."""
    return {
        "row_id": row_id,
        "certainty": PLANNED,  # 書面で同意をとるよう受託者に求める「予定」
        "name": name,
        "items": "支援に必要な範囲の利用者の個人情報",
        "purpose": "就労支援のための連携(支援に必要なときに限り、事前に利用者の同意を得て提供)",
        "written_consent": True,
        "explanation_given": True,
        "guideline": MHLW_GUIDELINE,
        # 利用者が提供を拒否した個人情報は原則、提供しない。
        "refusal_honoured": True,
    }


RECORD_4: dict[str, Any] = {
    "purpose": {
        "purpose": fact(
            "障害者の就労を支援するため(就労相談、関係機関と連携した職場定着支援)。"
            "事業はプロポーザル方式で選ぶ法人に委託し、受託者が利用登録者の個人情報を取り扱う。"
        ),
        # Not in the minutes.
        "legal_basis": fact("東村山市個人情報保護条例(業務委託及び外部提供)"),
    },
    "subjects": {
        "description": fact("障害者就労支援事業の利用登録者"),
        # Coordinators take 20-30 users each, at least two full-time: 40 at the least.
        "expected_number": fact(40, PLANNED),
    },
    "items": [
        {"row_id": "name", "name": "氏名"},
        {"row_id": "address", "name": "住所"},
        {"row_id": "contact", "name": "連絡先(電話番号等)"},
        {"row_id": "disability", "name": "障害の状況", "special_care": True},
        {
            "row_id": "caserecord",
            "certainty": PLANNED,
            "name": "ケース記録(就労支援の経過、手書き)",
            "special_care": True,
        },
    ],
    "form": {
        "medium": fact("both", PLANNED),
        "paper": {
            "location": fact(
                "受託者の事業所(利用登録者台帳として紙で保管し、手書きでケース記録をつける)",
                PLANNED,
            ),
            "access": fact("受託者のコーディネーター", PLANNED),
        },
        "electronic": {
            "location": fact(
                "受託者のパソコン(利用登録申出書の基礎情報(氏名・住所等)のみデータベース化)",
                PLANNED,
            ),
            "access": fact("受託者のコーディネーター", PLANNED),
        },
        # 台帳の表紙にあたる利用登録申出書の記載事項 … データベース化を許可する予定
        "typed_into_database": fact(True, PLANNED),
    },
    "carry_out": {
        "paper": {"allowed": fact(True)},
        "electronic": {"allowed": fact(False)},
    },
    "media": {
        "copy_out": fact("forbidden"),
        "copy_out_note": fact(
            "電子データの持ち出しは想定せず、持ち出しは紙に限る。その旨を仕様書もしくは"
            "セキュリティ合意書に明記する。受託者から市へ電子データで個人情報を提供することはない。",
            PLANNED,
        ),
    },
    "recipients": [
        _recipient("hellowork", "ハローワーク"),
        _recipient("school", "学校"),
        _recipient("sagyosho", "作業所"),
        _recipient("city", "市(障害支援課)"),
    ],
    "outsourcing": {
        "outsourced": True,
        # The proposal is yet to be held: the method is chosen, its outcome is not.
        "procurement": fact("proposal", PLANNED),
        "contractor": fact(None, UNDECIDED),
        # 最低2名常勤を基準とした (coordinators).
        "staff_count": fact(2, PLANNED),
        # Not in the minutes: the contractor's premises are not known before the proposal.
        "work_location": fact("受託者の事業所(受託者の決定後に確定)", UNDECIDED),
        "equipment_managed_by": fact("contractor"),
        "repair_policy": fact(
            "パソコン等の修理業者は受託者が選ぶ。修理作業は個人情報漏えいのリスクとなるため、"
            "プライバシーマークを持つ業者を選ぶなど適切に選ぶ必要性を市から受託者に指導する。"
        ),
        # パソコン等の機器の設置管理は受託者の責任: the database is kept on the contractor's PCs.
        "data_storage_location": fact("受託者の事業所(受託者が設置・管理するパソコン)", PLANNED),
        # Not in the minutes: the coordinators work with the users in person.
        "support_method": fact("on_site", PLANNED),
    },
    "safeguards": {
        "confidentiality": clause(True, "契約書約款第7条"),
        "penalty_equal_to_staff": clause(True, "特約条項(条は未定)", PLANNED),
        "return_or_erasure_paper": clause(True, "特約条項第12条"),
        "return_or_erasure_electronic": clause(True, "特約条項第12条"),
        # 旧受託者から市に返還されたものを市から新受託者へ渡すのが原則である。 The minutes
        # state the route as a principle and, unlike 約款第7条 and 特約条項第12条 in the same
        # answer, cite no clause: declared present with no reference, as stated.
        "handover_via_city": clause(True),
    },
    "retention": {
        # Not in the minutes.
        "period": fact("委託期間中"),
        "end_of_contract": fact(
            "業務終了後は、保管している個人情報を紙・電子データとも市の指示にしたがって返還又は"
            "消去する(特約条項第12条)。受託者を変更する場合は、旧受託者から市に返還されたものを"
            "市から新受託者へ渡すのを原則とし、新旧受託者間で直接引き継がない。"
        ),
    },
}


def _after_proposal(record: dict[str, Any]) -> dict[str, Any]:
    """第4号 once the proposal has chosen the contractor and the contract is settled."""
    after = copy.deepcopy(record)
    outsourcing = after["outsourcing"]
    outsourcing["procurement"] = fact("proposal")
    outsourcing["contractor"] = fact(CONTRACTOR_4)
    outsourcing["staff_count"] = fact(2)
    outsourcing["work_location"] = fact(f"{CONTRACTOR_4} 就労支援室(東村山市内)")
    outsourcing["data_storage_location"] = fact(f"{CONTRACTOR_4} 就労支援室のパソコン")
    after["safeguards"]["penalty_equal_to_staff"] = clause(True, "特約条項第13条")
    # The commitment of 2009-08-06: carry-out limited to paper, written into the specification.
    after["safeguards"]["carry_out_control"] = clause(True, "仕様書第8条(持ち出しは紙に限る)")
    return after


RECORD_4_AFTER_PROPOSAL = _after_proposal(RECORD_4)
NOTE_4_AFTER_PROPOSAL = (
    f"プロポーザルにより受託者を{CONTRACTOR_4}に決定した。コーディネーター2名の常勤配置が"
    "確定し、従事者への罰則を特約条項第13条に、持ち出しを紙に限る旨を仕様書第8条に明記した。"
)

# --- 諮問第5号「東村山市子育て総合支援センター入退室管理システムに係る再委託」 (子ども総務課) ---

RECORD_5: dict[str, Any] = {
    "purpose": {
        "purpose": fact(
            "東村山市子育て総合支援センターの利用者の入退室を管理するため。センターの運営受託者"
            f"({OPERATOR_5})が、入退室管理システムのインストール及び運用保守を再委託する。"
        ),
        # Not in the minutes.
        "legal_basis": fact("東村山市個人情報保護条例(業務委託に伴う措置・再委託)"),
    },
    "subjects": {
        "description": fact("子育て総合支援センターの利用登録者(保護者及び子ども)"),
        # Not in the minutes.
        "expected_number": fact(2000, PLANNED),
    },
    "items": [
        {"row_id": "parent", "name": "保護者の氏名"},
        {"row_id": "child", "name": "子どもの氏名"},
        {"row_id": "number", "name": "利用登録番号"},
        {"row_id": "visits", "name": "入退室の日時"},
    ],
    "form": {
        "medium": fact("electronic"),
        "electronic": {
            "location": fact("市が用意してセンターに設置しているパソコン(入退室管理システム)"),
            "access": fact(f"センターの職員({OPERATOR_5})"),
        },
        "typed_into_database": fact(True),
    },
    "carry_out": {
        "paper": {"allowed": fact(False)},
        "electronic": {"allowed": fact(False)},
    },
    "media": {
        # The council's point: installs and updates need media brought in; what must be
        # forbidden is copying the users' data out, which the agreement does not say.
        "bring_in": fact("forbidden"),
        "bring_in_note": fact("セキュリティ合意書:「媒体の持ち込みは禁止する」"),
    },
    "outsourcing": {
        "outsourced": True,
        # Not in the minutes.
        "procurement": fact("negotiated"),
        "contractor": fact(OPERATOR_5),
        "work_location": fact("東村山市子育て総合支援センター"),
        # The system runs on the PC the city set up at the centre.
        "data_storage_location": fact("東村山市子育て総合支援センター(市が設置したパソコン)"),
        "equipment_managed_by": fact("city"),
        "repair_policy": fact(
            "入退室管理システムをインストールするパソコンは市が用意してセンターに設置しており、"
            "ハード面の管理は市が行う。修理が必要な場合は子ども総務課が情報システム課に相談して、"
            "市が契約する修理業者に出す。"
        ),
        # 諮問書: システムトラブル時の修復作業は再委託業者がセンターに来て行う。
        "support_method": fact("on_site"),
        "subcontractors": [
            {
                "row_id": "hibari",
                "name": SUBCONTRACTOR_5,
                "scope": "入退室管理システム(アプリケーションソフト)のインストール及び運用保守",
                # 承認願をみると、再委託先はプライバシーマークをとっていない有限会社である。
                "certifications": [],
                "certification_note": "プライバシーマーク、ISMSとも取得していない",
                "certification_expires": None,
                "approval_request_on_file": True,
                # The council is consulted before the city approves; the minutes do not say
                # whether the agreement binds the sub-contractor as it binds the operator.
                "approved_on": None,
                "same_obligations": None,
                "subsidiary": False,
            }
        ],
    },
    "safeguards": {
        "subcontracting_approval": clause(True, f"再委託の承認願({OPERATOR_5}から提出)"),
    },
    "retention": {
        # Not in the minutes.
        "period": fact("センターの運営委託の期間中"),
    },
}


class StatedFact(NamedTuple):
    """A fact an attachment states, in the record's terms."""

    path: str
    value: str
    quote: str
    page: str = ""


class AttachmentSeed(NamedTuple):
    """A document filed with a consultation, and the facts it states."""

    kind: str
    title: str
    file_name: str
    facts: tuple[StatedFact, ...]


# The approval request says the sub-contractor supports remotely; the 諮問書 says it comes to
# the centre: the contradiction the council found, declared so a check can compare the two.
APPROVAL_REQUEST_5 = AttachmentSeed(
    kind="approval_request",
    title=f"再委託の承認願({OPERATOR_5})",
    file_name="再委託承認願.pdf",
    facts=(
        StatedFact(
            "outsourcing.support_method",
            "remote",
            "運用保守の方法:Eメール、FAX、電話等によるサポート",
        ),
    ),
)

# --- 平成20年度 諮問第8号「子育て応援特別手当業務委託」 (子ども総務課), answered 2009-02-16 ----
# The minutes only report on it; its record is drawn from that report.

RECORD_EARLIER: dict[str, Any] = {
    "purpose": {
        "purpose": fact(
            "子育て応援特別手当の支給対象者を抽出するため、住民基本台帳電算システム及び"
            "外国人登録電算システムの改修を委託する。"
        ),
        "legal_basis": fact("東村山市個人情報保護条例(業務委託に伴う措置)"),
    },
    "subjects": {
        "description": fact("子育て応援特別手当の支給対象となる世帯の住民"),
        "expected_number": fact(3000, PLANNED),
    },
    "items": [
        {"row_id": "name", "name": "氏名"},
        {"row_id": "address", "name": "住所"},
        {"row_id": "birth", "name": "生年月日"},
        {"row_id": "household", "name": "世帯構成"},
    ],
    "form": {
        "medium": fact("electronic"),
        "electronic": {
            "location": fact("情報システム課内の電算システム"),
            "access": fact("受託者の作業従事者(情報システム課内での作業に限る)"),
        },
    },
    "carry_out": {
        "paper": {"allowed": fact(False)},
        "electronic": {"allowed": fact(False)},
    },
    "outsourcing": {
        "outsourced": True,
        "procurement": fact("negotiated"),
        "work_location": fact("情報システム課内"),
        "equipment_managed_by": fact("city"),
        "support_method": fact("on_site"),
    },
    "safeguards": {
        "confidentiality": clause(True, "契約書約款第7条"),
    },
    "retention": {"period": fact("手当の支給事務の終了まで")},
}


def record(data: dict[str, Any]) -> handling.HandlingRecord:
    """A record of this module, validated."""
    return handling.parse(data)


# The demo's attachment kinds and files, as their one line of text reads in Japanese.
DEMO_FILE_WORDS = {
    "consultation_document": "諮問書",
    "approval_request": "再委託の承認願",
    "specification": "仕様書",
    "security_agreement": "セキュリティ合意書",
    "other": "その他の資料",
    "Certificate of erasure": "消去証明書",
}
DEMO_MARK = " (Mamori demo)"


def demo_file_text(text: str) -> str:
    """The line printed in a demo file, in Japanese: 「2009-5　再委託の承認願（デモ用の見本）」."""
    body = text.removesuffix(DEMO_MARK)
    key, _, word = body.rpartition(": ")
    japanese = DEMO_FILE_WORDS.get(word, word)
    line = f"{key}　{japanese}" if key else japanese
    return f"{line}（Mamori デモ用の見本）" if text.endswith(DEMO_MARK) else line


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF showing a line of text in Japanese (fonts embedded): a real file for a
    demo attachment."""
    from mamori.documents import formats
    from mamori.documents.model import Document, Paragraph, Run

    line = demo_file_text(text)
    document = Document(kind="consultation", title=line, blocks=[Paragraph([Run(line)])])
    return formats.render(document, "pdf").content
