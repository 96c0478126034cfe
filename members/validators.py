"""Validation of Vietnamese citizen IDs (12-digit CCCD): province code, century/gender digit, birth year."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _  # lazy: a stored import error keeps its message id

from core.rules import rule

# Province codes of the citizen ID (Circular 07/2016/TT-BCA), fixed when the ID was issued.
PROVINCE_CODES = {
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42,
    44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86,
    87, 89, 91, 92, 93, 94, 95, 96,
}


def century_gender_digit(birth_year: int, gender: str) -> int:
    century_index = (birth_year // 100) - 19  # 1900s -> 0, 2000s -> 1, ...
    return century_index * 2 + (1 if gender == "F" else 0)


def validate_citizen_id(value: str, *, birth_date: dt.date | None = None, gender: str | None = None) -> None:
    if not value.isdigit() or len(value) != 12:
        raise ValidationError(_("A citizen ID has exactly 12 digits."), code="citizen_id_format")
    if not rule("CITIZEN_ID_STRICT"):  # checked when the ID is entered: the rule of today
        return
    if int(value[:3]) not in PROVINCE_CODES:
        raise ValidationError(_("The first three digits of the citizen ID are not a province code."),
                              code="citizen_id_province")
    if birth_date is not None:
        if value[4:6] != f"{birth_date.year % 100:02d}":
            raise ValidationError(_("Digits 5 and 6 of the citizen ID do not match the year of birth."),
                                  code="citizen_id_year")
        if gender in ("M", "F") and int(value[3]) != century_gender_digit(birth_date.year, gender):
            raise ValidationError(_("Digit 4 of the citizen ID does not match the gender and century of birth."),
                                  code="citizen_id_gender")


def validate_party_card_no(value: str) -> None:
    if not value.isdigit() or not 6 <= len(value) <= 12:
        raise ValidationError(_("A party card number has 6 to 12 digits."), code="party_card_format")
