"""A fully specified outsourcing record, on which no rule may find anything, and helpers that
change one thing in it to trigger one rule."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from mamori.consultations import handling
from mamori.review.rules import Context, DeclaredFact, Finding, evaluate

MEETING_DATE = dt.date(2025, 8, 6)
SUBMITTED_ON = dt.date(2025, 7, 30)
KINDS = frozenset({"outsourcing", "sub-outsourcing", "external-provision"})

CLAUSES = {
    "confidentiality": "契約書約款第7条",
    "penalty_equal_to_staff": "特記事項第13条",
    "return_or_erasure_paper": "特記事項第12条第1項",
    "return_or_erasure_electronic": "特記事項第12条第2項",
    "handover_via_city": "特記事項第14条",
    "incident_reporting": "特記事項第9条",
    "audit_rights": "特記事項第8条",
    "staff_training": "特記事項第5条",
    "subcontracting_approval": "特記事項第7条",
    "staff_confidentiality": "特記事項第2条",
    "purpose_limitation": "特記事項第3条",
    "copy_prohibition": "特記事項第6条",
    "carry_out_control": "特記事項第4条(持ち出しは紙に限る)",
    "transport_protection": "セキュリティ合意書第3条",
    "device_repair_disposal": "特記事項第10条",
    "erasure_certificate": "特記事項第12条第3項",
    "staff_list": "特記事項第5条第2項",
    "periodic_report": "特記事項第11条",
    "breach_sanctions": "特記事項第15条",
}


def fact(value: Any) -> dict[str, Any]:
    return {"value": value, "certainty": "fixed"}


def full_data() -> dict[str, Any]:
    """The document of a record that declares everything the rules ask for, all fixed."""
    return {
        "purpose": {
            "purpose": fact("障害者の就労支援のため"),
            "legal_basis": fact("障害者総合支援法第77条"),
            "special_care_reason": fact("支援の内容を決めるため障害の状況が必要(本人同意による)"),
            "processing_starts_on": "2025-10-01",
        },
        "subjects": {
            "description": fact("就労支援事業の利用登録者"),
            "expected_number": fact(40),
        },
        "items": [
            {"row_id": "name", "name": "氏名"},
            {"row_id": "address", "name": "住所"},
            {"row_id": "disability", "name": "障害の状況", "special_care": True},
        ],
        "form": {
            "medium": fact("both"),
            "paper": {"location": fact("受託者の事業所の施錠書庫"), "access": fact("担当者")},
            "electronic": {"location": fact("受託者の事業所のパソコン"), "access": fact("担当者")},
            "typed_into_database": fact(True),
        },
        "carry_out": {
            "paper": {
                "allowed": fact(True),
                "approver": fact("障害支援課長"),
                "logging": fact("持ち出し簿"),
            },
            "electronic": {"allowed": fact(False)},
        },
        "media": {
            "bring_in": fact("with_approval"),
            "bring_in_note": fact("更新作業に限り市の承認を得て持ち込む"),
            "copy_out": fact("forbidden"),
            "copy_out_note": fact("利用者のデータを媒体に複製しない"),
        },
        "recipients": [
            {
                "row_id": "hellowork",
                "name": "ハローワーク",
                "items": "氏名、障害の状況",
                "purpose": "職業紹介のための連携",
                "written_consent": True,
                "explanation_given": True,
                "guideline": "福祉関係事業者における個人情報の適正な取扱いのためのガイドライン",
                "refusal_honoured": True,
            },
            {
                "row_id": "city",
                "name": "市(障害支援課)",
                "items": "支援の実績",
                "purpose": "委託業務の報告",
                "legal_basis": "委託契約に基づく報告(受託者から委託元への返還)",
            },
        ],
        "outsourcing": {
            "outsourced": True,
            "procurement": fact("proposal"),
            "contractor": fact("社会福祉法人けやき野会"),
            "staff_count": fact(2),
            "work_location": fact("けやき野会 就労支援室(東村山市内)"),
            "equipment_managed_by": fact("contractor"),
            "repair_policy": fact(
                "修理はプライバシーマークを持つ業者に限り、交換部品は物理的に破壊する"
            ),
            "contractor_certifications": ["privacy_mark"],
            "contractor_certification_expires": "2027-03-31",
            "data_storage_location": fact("けやき野会 就労支援室の施錠されたパソコン"),
            "previous_contractor": fact(None),
            "support_method": fact("on_site"),
            "subcontractors": [
                {
                    "row_id": "hibari",
                    "name": "株式会社ひばりシステム",
                    "scope": "データベースの保守",
                    "certifications": ["isms"],
                    "certification_note": "IS 000000",
                    "certification_expires": "2026-12-31",
                    "approval_request_on_file": True,
                    "same_obligations": True,
                    "subsidiary": False,
                    "approved_on": "2025-07-25",
                }
            ],
        },
        "safeguards": {
            name: {"present": True, "reference": reference, "certainty": "fixed"}
            for name, reference in CLAUSES.items()
        },
        "retention": {
            "period": fact("契約期間終了まで"),
            "end_of_contract": fact("紙・電子とも市に返還し、受託者の複製は消去して証明書を出す"),
        },
    }


def full_record() -> handling.HandlingRecord:
    """A fully specified outsourcing record: every clause present, every fact fixed."""
    return handling.parse(full_data())


def changed(**edits: Any) -> dict[str, Any]:
    """The full document with values replaced at dotted paths (list indices as numbers)."""
    data = copy.deepcopy(full_data())
    for dotted, value in edits.items():
        *parents, last = dotted.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return data


def context(
    data: dict[str, Any] | None = None,
    *,
    kinds: frozenset[str] = KINDS,
    facts: tuple[DeclaredFact, ...] = (),
    meeting_date: dt.date | None = MEETING_DATE,
    submitted_on: dt.date | None = SUBMITTED_ON,
) -> Context:
    """A rule context around a document (the full one by default)."""
    record = handling.parse(full_data() if data is None else data)
    return Context(
        record=record,
        kinds=kinds,
        facts=facts,
        meeting_date=meeting_date,
        submitted_on=submitted_on,
    )


def findings(rule_id: str, ctx: Context) -> list[Finding]:
    """The findings of one rule."""
    return evaluate(ctx, only=[rule_id])


def paths(rule_id: str, ctx: Context) -> list[str]:
    """Where one rule finds something."""
    return [f.path for f in findings(rule_id, ctx)]
