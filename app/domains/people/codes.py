"""The Latvian personal code (personas kods): parsing, checking and showing it.

Old format (until 30.06.2017): DDMMYY-CNNNN, birth date + century digit + checksum.
New format (since 01.07.2017): 3[2-9] and nine random digits: no date, no published checksum.
Source: domain brief §13.1 (CSP classifier, PMLP). Re-exported by rules.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.i18n import N_

_OLD = re.compile(r"^(\d{2})(\d{2})(\d{2})-?([012])(\d{4})$")
_NEW = re.compile(r"^3[2-9]\d{4}-?\d{5}$")
_WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CENTURY = {"0": 1800, "1": 1900, "2": 2000}


@dataclass(frozen=True)
class PersonalCode:
    code: str  # normalised: 11 digits, no hyphen
    birth_date: dt.date | None  # only the old format carries one

    @property
    def display(self) -> str:
        return f"{self.code[:6]}-{self.code[6:]}"

    @property
    def is_new_format(self) -> bool:
        return self.birth_date is None


class InvalidPersonalCode(ValueError):
    pass


def _check_digit(head: str) -> str:
    """The old format's eleventh digit, computed from the first ten."""
    total = sum(int(d) * w for d, w in zip(head, _WEIGHTS, strict=True))
    return str((1101 - total) % 11 % 10)


def parse_personal_code(raw: str) -> PersonalCode:
    """Validates and normalises a personal code; raises InvalidPersonalCode with a translatable message."""
    value = re.sub(r"\s+", "", raw or "")
    if _NEW.match(value):
        return PersonalCode(code=value.replace("-", ""), birth_date=None)
    match = _OLD.match(value)
    if not match:
        raise InvalidPersonalCode(N_("A personal code has 11 digits: DDMMYY-CNNNN or 32NNNN-NNNNN."))
    day, month, year, century, _ = match.groups()
    try:
        birth = dt.date(_CENTURY[century] + int(year), int(month), int(day))
    except ValueError:
        raise InvalidPersonalCode(N_("The personal code does not contain a valid birth date.")) from None
    digits = value.replace("-", "")
    if _check_digit(digits[:10]) != digits[10]:
        raise InvalidPersonalCode(N_("The personal code's check digit is wrong."))
    return PersonalCode(code=digits, birth_date=birth)


def display_code(code: str | None) -> str | None:
    """The stored 11 digits as people write them: 161175-19997."""
    return f"{code[:6]}-{code[6:]}" if code and len(code) == 11 else code


def old_format_code(birth: dt.date, serial: int) -> str:
    """Builds a valid old-format code (synthetic data and tests): date, century digit, serial, checksum."""
    century = {1800: "0", 1900: "1", 2000: "2"}[birth.year // 100 * 100]
    head = f"{birth:%d%m}{birth.year % 100:02d}{century}{serial % 1000:03d}"
    return head + _check_digit(head)


def looks_like_code(text: str) -> str | None:
    """The digits of a search text that is (the start of) a personal code: digits, perhaps one hyphen after
    the sixth; None for anything else."""
    value = re.sub(r"\s+", "", text)
    if re.fullmatch(r"\d{6}-\d{0,5}|\d{1,11}", value):
        return value.replace("-", "")
    return None
