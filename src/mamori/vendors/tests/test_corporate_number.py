"""The 法人番号: 13 digits, the first a check digit computed from the other twelve."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mamori import testing
from mamori.audit.models import AuditEvent
from mamori.vendors import services
from mamori.vendors.models import EntityKind, Vendor

# 国税庁, 東京都, and a company, as published by the 国税庁法人番号公表サイト.
VALID = ["7000012050002", "8000020130001", "2021001052596", *testing.CORPORATE_NUMBERS]


def code_of(error: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return error.value.code


class TestNormalizeCorporateNumber:
    @pytest.mark.parametrize("number", VALID)
    def test_it_accepts_a_valid_number(self, number: str) -> None:
        assert services.normalize_corporate_number(number) == number

    def test_it_accepts_full_width_digits_spaces_and_hyphens(self) -> None:
        typed = "７０００ ０１２ －０５０００２"
        assert services.normalize_corporate_number(typed) == "7000012050002"
        assert services.normalize_corporate_number(" 7000-0120-50002 ") == "7000012050002"

    @pytest.mark.parametrize("position", range(13))
    def test_it_refuses_a_number_with_any_one_digit_changed(self, position: int) -> None:
        digits = list("7000012050002")
        digits[position] = str((int(digits[position]) + 1) % 10)
        with pytest.raises(ValidationError) as error:
            services.normalize_corporate_number("".join(digits))
        assert code_of(error) == "corporate_number_check_digit"

    def test_it_refuses_two_neighbouring_digits_swapped(self) -> None:
        with pytest.raises(ValidationError) as error:
            services.normalize_corporate_number("8000021030001")  # 8000020130001 with 2↔1
        assert code_of(error) == "corporate_number_check_digit"

    @pytest.mark.parametrize("number", ["700001205000", "70000120500021", ""])
    def test_it_refuses_a_wrong_length(self, number: str) -> None:
        with pytest.raises(ValidationError) as error:
            services.normalize_corporate_number(number)
        assert code_of(error) == "corporate_number_length"

    @pytest.mark.parametrize(
        "number", ["700001205000A", "七〇〇〇〇一二〇五〇〇〇二", "7000012050.02"]
    )
    def test_it_refuses_anything_but_digits(self, number: str) -> None:
        with pytest.raises(ValidationError) as error:
            services.normalize_corporate_number(number)
        assert code_of(error) == "corporate_number_digits"

    def test_the_check_digit_is_nine_minus_the_weighted_sum_modulo_nine(self) -> None:
        # 000012050002 read from the right: 2·1 + 5·1 + 2·1 + 1·2 = 11; 9 − 11 mod 9 = 7.
        assert services.corporate_number_check_digit("000012050002") == 7


class TestVendorsCarryAValidUniqueNumber:
    def test_a_vendor_is_saved_with_the_number_normalized(self, personas: Any) -> None:
        vendor = services.create_vendor(
            actor=personas.staff,
            legal_name="株式会社白梅システム",
            entity_kind=EntityKind.KABUSHIKI,
            corporate_number="２０２１００１０５２５９６",
        )
        vendor.refresh_from_db()
        assert vendor.corporate_number == "2021001052596"

    def test_a_vendor_may_have_no_number(self, personas: Any) -> None:
        vendor = services.create_vendor(
            actor=personas.staff, legal_name="山田商店", entity_kind=EntityKind.OTHER
        )
        assert vendor.corporate_number == ""
        # A second vendor without a number is no duplicate.
        services.create_vendor(
            actor=personas.staff, legal_name="田中商店", entity_kind=EntityKind.OTHER
        )

    def test_a_wrong_check_digit_saves_nothing(self, personas: Any) -> None:
        with pytest.raises(ValidationError) as error:
            services.create_vendor(
                actor=personas.staff,
                legal_name="株式会社誤記",
                entity_kind=EntityKind.KABUSHIKI,
                corporate_number="7000012050003",
            )
        assert code_of(error) == "corporate_number_check_digit"
        assert not Vendor.objects.exists()
        assert not AuditEvent.objects.filter(use_case="vendors.create_vendor").exists()

    def test_a_duplicate_number_is_a_validation_error_not_an_integrity_error(
        self, personas: Any
    ) -> None:
        testing.make_vendor(corporate_number="7000012050002")
        with pytest.raises(ValidationError) as error:
            services.create_vendor(
                actor=personas.staff,
                legal_name="株式会社重複",
                entity_kind=EntityKind.KABUSHIKI,
                corporate_number="7000-0120-50002",
            )
        assert code_of(error) == "corporate_number_taken"
        assert Vendor.objects.count() == 1

    def test_changing_a_vendor_to_another_vendors_number_is_refused(self, personas: Any) -> None:
        testing.make_vendor(corporate_number="7000012050002")
        vendor = testing.make_vendor(corporate_number="8000020130001")
        with pytest.raises(ValidationError):
            services.update_vendor(
                actor=personas.staff, vendor=vendor, corporate_number="7000012050002"
            )
        vendor.refresh_from_db()
        assert vendor.corporate_number == "8000020130001"

    def test_a_vendor_keeps_its_own_number_when_other_fields_change(self, personas: Any) -> None:
        vendor = testing.make_vendor(corporate_number="8000020130001")
        services.update_vendor(
            actor=personas.staff,
            vendor=vendor,
            corporate_number="8000020130001",
            address="東京都新宿区",
        )
        vendor.refresh_from_db()
        assert (vendor.corporate_number, vendor.address) == ("8000020130001", "東京都新宿区")

    def test_a_capital_beyond_ten_trillion_yen_is_refused(self, personas: Any) -> None:
        with pytest.raises(ValidationError) as error:
            services.create_vendor(
                actor=personas.staff,
                legal_name="株式会社おおきい",
                entity_kind=EntityKind.KABUSHIKI,
                capital_yen=services.MAX_CAPITAL_YEN + 1,
            )
        assert code_of(error) == "capital"
        assert not Vendor.objects.exists()

    @pytest.mark.parametrize("role", ["auditor", "contractor", "member"])
    def test_only_those_who_keep_the_list_add_a_vendor(self, personas: Any, role: str) -> None:
        with pytest.raises(PermissionDenied):
            services.create_vendor(
                actor=getattr(personas, role), legal_name="株式会社だれか", entity_kind="kabushiki"
            )
        assert not Vendor.objects.exists()

    def test_staff_of_any_department_add_a_vendor(self, personas: Any) -> None:
        testing.make_contract(personas.shogai)  # other departments' contracts change nothing
        vendor = services.create_vendor(
            actor=personas.other_staff, legal_name="株式会社あたらしい", entity_kind="kabushiki"
        )
        assert vendor.pk is not None
