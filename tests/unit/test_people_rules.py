"""Personal codes and name normalisation (domain brief §13.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domains.people.rules import InvalidPersonalCode, normalise_name, old_format_code, parse_personal_code


def test_old_format_code_with_hyphen_gives_the_birth_date() -> None:
    parsed = parse_personal_code("161175-19997")
    assert parsed.code == "16117519997"
    assert parsed.birth_date == dt.date(1975, 11, 16)
    assert parsed.display == "161175-19997"


def test_century_digit_decides_the_century() -> None:
    assert parse_personal_code(old_format_code(dt.date(2003, 2, 1), 7)).birth_date == dt.date(2003, 2, 1)
    assert parse_personal_code(old_format_code(dt.date(1899, 12, 31), 7)).birth_date == dt.date(1899, 12, 31)


def test_wrong_check_digit_is_refused() -> None:
    with pytest.raises(InvalidPersonalCode, match="check digit"):
        parse_personal_code("161175-19998")


def test_impossible_date_is_refused() -> None:
    with pytest.raises(InvalidPersonalCode, match="birth date"):
        parse_personal_code("310275-10000")  # 31 February


@pytest.mark.parametrize("code", ["32579461005", "325794-61005", "39000000000", "32123456789"])
def test_new_format_has_no_date_and_no_checksum(code: str) -> None:
    parsed = parse_personal_code(code)
    assert parsed.birth_date is None and parsed.is_new_format
    assert parsed.code == code.replace("-", "")


@pytest.mark.parametrize("code", ["", "1234", "31000000000", "3212345678", "abcdefghijk", "161175_19997"])
def test_malformed_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidPersonalCode):
        parse_personal_code(code)


def test_generated_old_codes_round_trip() -> None:
    for serial in range(0, 1000, 37):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=serial * 17)
        assert parse_personal_code(old_format_code(birth, serial)).birth_date == birth


def test_names_normalise_without_diacritics_and_case() -> None:
    assert normalise_name("Bērziņš", "Ēriks") == "berzins eriks"
    assert normalise_name("  ĶĒNIŅŠ ", "Ģirts  Žanis") == "kenins girts zanis"
    assert normalise_name("Šmits") == normalise_name("smits")
