"""On the demo, the rules raise on 諮問第4号 and 第5号 the points the seed's members raised.

Each opinion of the seed minutes about the handling of personal data is matched, by rule id,
by a finding on the version the council deliberated (version 1, the answered version). The
opinions about staffing and service quality are listed apart, as not for rules.
"""

from __future__ import annotations

from typing import Any

import pytest

from mamori.consultations.models import Consultation
from mamori.core import demo
from mamori.review import services

pytestmark = pytest.mark.django_db

# Opinion.order → the rule expected to raise the same point.
EXPECTED: dict[int, dict[int, str]] = {
    4: {
        1: "R10",  # 諮問書P.23に「利用登録者台帳等の個人情報を持ち出す場合」… (which medium leaves)
        2: "R10",  # 持ち出しを紙ベースに限るのであればその旨を仕様書等に明記… (carry-out clause)
        3: "R12",  # 受託者から市の障害支援課へ電子データで個人情報が提供… (electronic transfer)
        4: "R02",  # 受託者がハローワークや学校などと連携して… 同意書 (consent procedure)
        6: "R22",  # 他市で先行実施しているところはすべて委託なのか… 罰則 (penalties)
        8: "R15",  # 受託者を変更した場合には、旧受託者が…返却せず (erasure)
        9: "R16",  # 受託者を変更した場合に、旧受託者から新受託者へ… (handover through the city)
        10: "R13",  # パソコン等の機器の設置管理は受託者の責任… 修理業者 (repair of equipment)
        11: "R23",  # 本事業はこれからプロポーザル方式… 「予定」 (too early)
    },
    5: {
        1: "R08",  # 承認願をみると、再委託先はプライバシーマークをとっていない… (certification)
        2: "R05",  # 再委託先が行うのは…インストールするだけで… (what binds the sub-contractor)
        3: "R11",  # セキュリティ合意書に「媒体の持ち込みは禁止する」… (media ban, copying out)
        4: "R24",  # みどり学園から出された再委託の承認願に… 矛盾 (contradiction)
    },
}
# Opinions about staffing and service quality, which no rule on the record can raise.
NOT_ABOUT_HANDLING: dict[int, set[int]] = {
    4: {
        5,  # どれぐらいの利用者数を見込んでいるのか。コーディネーター2人では… (staffing)
        7,  # 業務がうまく実施されるかどうかはコーディネーターの資質に… (service quality)
    },
    5: set(),
}
# Where the point is raised: the field (or row) the opinion is about.
EXPECTED_PATHS: dict[tuple[int, int], str] = {
    (4, 9): "safeguards.handover_via_city.reference",
    (4, 11): "outsourcing.contractor",
    (5, 1): "outsourcing.subcontractors[hibari].certifications",
    (5, 4): "outsourcing.support_method",
}


def answered_findings(number: int) -> list[Any]:
    consultation = Consultation.objects.get(fiscal_year=2009, number=number)
    version = consultation.record_versions.get(number=1)
    assert consultation.answered_version == version
    return services.review(consultation, record=version.record())


@pytest.fixture
def seeded(settings: Any) -> None:
    settings.DEBUG = True
    assert demo.load() is not None


@pytest.mark.parametrize("number", [4, 5])
def test_every_opinion_of_the_seed_is_either_expected_or_set_apart(
    seeded: None, number: int
) -> None:
    consultation = Consultation.objects.get(fiscal_year=2009, number=number)
    orders = set(consultation.opinions.values_list("order", flat=True))
    assert orders == set(EXPECTED[number]) | NOT_ABOUT_HANDLING[number]
    assert not set(EXPECTED[number]) & NOT_ABOUT_HANDLING[number]


@pytest.mark.parametrize("number", [4, 5])
def test_each_point_the_members_raised_is_matched_by_a_finding(seeded: None, number: int) -> None:
    raised = {finding.rule for finding in answered_findings(number)}
    unmatched = {
        order: rule_id for order, rule_id in EXPECTED[number].items() if rule_id not in raised
    }
    assert unmatched == {}


def test_the_points_are_raised_where_the_members_raised_them(seeded: None) -> None:
    for (number, order), path in EXPECTED_PATHS.items():
        rule_id = EXPECTED[number][order]
        found = {f.path for f in answered_findings(number) if f.rule == rule_id}
        assert path in found, (number, order)


def test_the_version_filed_after_the_answer_settles_the_carry_out_clause(seeded: None) -> None:
    consultation = Consultation.objects.get(fiscal_year=2009, number=4)
    second = consultation.record_versions.get(number=2)
    before = {(f.rule, f.path) for f in answered_findings(4)}
    after = {(f.rule, f.path) for f in services.review(consultation, record=second.record())}
    assert ("R10", "safeguards.carry_out_control") in before - after
    assert ("R23", "outsourcing.contractor") in before - after
