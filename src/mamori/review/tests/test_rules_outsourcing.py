"""Contractor and sub-contractor rules (R04–R08, R13, R20, R21): each triggered, and not."""

from __future__ import annotations

import datetime as dt

from mamori.review.tests.fixtures import MEETING_DATE, changed, context, paths

SUB = "outsourcing.subcontractors[hibari]"


def sub(**fields: object) -> dict[str, object]:
    row = dict(changed()["outsourcing"]["subcontractors"][0])
    row.update(fields)
    return row


def with_sub(**fields: object) -> dict[str, object]:
    return changed(**{"outsourcing.subcontractors": [sub(**fields)]})


class TestSubcontractorApproval:
    def test_it_flags_a_sub_contractor_neither_approved_nor_asked_about(self) -> None:
        data = with_sub(approved_on=None, approval_request_on_file=False)
        assert paths("R04", context(data)) == [f"{SUB}.approved_on"]

    def test_it_accepts_a_pending_approval_request(self) -> None:
        data = with_sub(approved_on=None, approval_request_on_file=True)
        assert paths("R04", context(data)) == []

    def test_it_leaves_subsidiaries_to_their_own_rule(self) -> None:
        data = with_sub(approved_on=None, approval_request_on_file=False, subsidiary=True)
        assert paths("R04", context(data)) == []
        assert paths("R06", context(data)) == [f"{SUB}.approved_on"]


class TestSubcontractorObligations:
    def test_it_flags_obligations_not_confirmed(self) -> None:
        assert paths("R05", context(with_sub(same_obligations=None))) == [f"{SUB}.same_obligations"]

    def test_it_accepts_the_same_obligations(self) -> None:
        assert paths("R05", context()) == []


class TestSubsidiary:
    def test_it_accepts_an_approved_subsidiary(self) -> None:
        assert paths("R06", context(with_sub(subsidiary=True))) == []


class TestContractorCertification:
    def test_it_flags_a_contractor_without_privacy_mark_or_isms(self) -> None:
        data = changed(**{"outsourcing.contractor_certifications": ["other"]})
        assert paths("R07", context(data)) == ["outsourcing.contractor_certifications"]

    def test_it_flags_a_certification_expired_before_the_meeting(self) -> None:
        expired = (MEETING_DATE - dt.timedelta(days=1)).isoformat()
        data = changed(**{"outsourcing.contractor_certification_expires": expired})
        assert paths("R07", context(data)) == ["outsourcing.contractor_certification_expires"]

    def test_it_does_not_judge_a_contractor_not_yet_chosen(self) -> None:
        data = changed(
            **{
                "outsourcing.contractor": {"value": None, "certainty": "undecided"},
                "outsourcing.contractor_certifications": [],
            }
        )
        assert paths("R07", context(data)) == []

    def test_it_accepts_a_valid_certification(self) -> None:
        assert paths("R07", context()) == []


class TestSubcontractorCertification:
    def test_it_flags_a_sub_contractor_with_neither_privacy_mark_nor_isms(self) -> None:
        assert paths("R08", context(with_sub(certifications=[]))) == [f"{SUB}.certifications"]

    def test_it_flags_a_certification_expired_on_the_meeting_date(self) -> None:
        data = with_sub(certification_expires="2025-08-05")
        assert paths("R08", context(data, meeting_date=dt.date(2025, 8, 6))) == [
            f"{SUB}.certification_expires"
        ]

    def test_a_certification_valid_through_the_meeting_date_is_valid(self) -> None:
        data = with_sub(certification_expires="2025-08-06")
        assert paths("R08", context(data, meeting_date=dt.date(2025, 8, 6))) == []

    def test_it_falls_back_on_the_submission_date_before_a_meeting_is_set(self) -> None:
        data = with_sub(certification_expires="2025-07-01")
        assert paths("R08", context(data, meeting_date=None)) == [f"{SUB}.certification_expires"]

    def test_it_accepts_a_valid_isms(self) -> None:
        assert paths("R08", context()) == []


class TestEquipmentRepair:
    def test_it_asks_who_repairs_equipment_the_contractor_manages(self) -> None:
        data = changed(**{"outsourcing.repair_policy": {}})
        assert paths("R13", context(data)) == ["outsourcing.repair_policy"]

    def test_it_asks_for_the_repair_and_disposal_clause(self) -> None:
        data = changed(**{"safeguards.device_repair_disposal.present": False})
        assert paths("R13", context(data)) == ["safeguards.device_repair_disposal"]

    def test_it_asks_who_manages_the_equipment(self) -> None:
        data = changed(**{"outsourcing.equipment_managed_by": {}})
        assert paths("R13", context(data)) == ["outsourcing.equipment_managed_by"]

    def test_it_does_not_ask_when_the_city_manages_the_equipment(self) -> None:
        data = changed(
            **{
                "outsourcing.equipment_managed_by": {"value": "city"},
                "outsourcing.repair_policy": {},
                "safeguards.device_repair_disposal.present": None,
            }
        )
        assert paths("R13", context(data)) == []


class TestPlacesAndStaff:
    def test_it_asks_for_the_work_location_storage_location_and_staff_list(self) -> None:
        data = changed(
            **{
                "outsourcing.work_location": {},
                "outsourcing.data_storage_location": {},
                "safeguards.staff_list.present": None,
            }
        )
        assert paths("R20", context(data)) == [
            "outsourcing.data_storage_location",
            "outsourcing.work_location",
            "safeguards.staff_list",
        ]

    def test_it_does_not_ask_where_paper_only_data_is_stored_electronically(self) -> None:
        data = changed(
            **{"outsourcing.data_storage_location": {}, "form.medium": {"value": "paper"}}
        )
        assert paths("R20", context(data)) == []

    def test_it_accepts_a_declared_location_and_staff_list(self) -> None:
        assert paths("R20", context()) == []


class TestPlacesToConfirm:
    def test_it_flags_an_undecided_work_location(self) -> None:
        data = changed(**{"outsourcing.work_location": {"value": "未定", "certainty": "undecided"}})
        assert paths("R21", context(data)) == ["outsourcing.work_location"]

    def test_it_flags_data_stored_abroad(self) -> None:
        data = changed(**{"outsourcing.data_storage_location": {"value": "海外のクラウド"}})
        assert paths("R21", context(data)) == ["outsourcing.data_storage_location"]

    def test_it_accepts_fixed_places_in_japan(self) -> None:
        assert paths("R21", context()) == []
