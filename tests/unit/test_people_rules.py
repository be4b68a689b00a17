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


# --- one person: validate_person (what the forms, the API and the import share) ---------------------------

from app.domains.people.rules import (  # noqa: E402
    HandOver,
    Period,
    display_phone,
    first_overlap,
    hand_over,
    normalise_address,
    normalise_phone,
    overlaps,
    prefix_upper_bound,
    search_terms,
    validate_address,
    validate_end,
    validate_flag,
    validate_person,
)

TODAY = dt.date(2026, 11, 23)


def _person(**fields: object) -> tuple[object, dict[str, list[str]]]:
    return validate_person({"first_name": "Anna", "last_name": "Liepa", **fields}, TODAY)


def test_an_old_code_gives_the_birth_date_and_a_new_one_needs_it() -> None:
    person, errors = _person(personal_code="161175-19997")
    assert errors == {} and person.birth_date == dt.date(1975, 11, 16)  # type: ignore[attr-defined]
    assert person.personal_code == "16117519997"  # type: ignore[attr-defined]
    _, errors = _person(personal_code="32579461005")
    assert errors == {"birth_date": ["Enter the birth date: the personal code does not contain it."]}
    person, errors = _person(personal_code="325794-61005", birth_date="5.3.2019")
    assert errors == {} and person.birth_date == dt.date(2019, 3, 5)  # type: ignore[attr-defined]


def test_the_birth_date_must_match_an_old_code() -> None:
    _, errors = _person(personal_code="161175-19997", birth_date="17.11.1975")
    assert errors == {"birth_date": ["The birth date does not match the personal code."]}


@pytest.mark.parametrize(
    "day", ["31.12.9999", "01.01.1899", "24.11.2026", "30.02.2001", "2001-13-01", "x" * 50]
)
def test_impossible_birth_dates_are_refused(day: str) -> None:
    _, errors = _person(personal_code="32579461005", birth_date=day)
    assert list(errors) == ["birth_date"]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("30.02.2001", "There is no such day in the calendar: check the day and the month."),
        ("2001-13-01", "There is no such day in the calendar: check the day and the month."),
        ("30-02-2001", "Enter a date as dd.mm.yyyy."),
    ],
)
def test_a_date_that_names_no_real_day_says_so(day: str, message: str) -> None:
    _, errors = _person(personal_code="32579461005", birth_date=day)
    assert errors == {"birth_date": [message]}
    _, errors = validate_address(
        {"kind": "declared", "line": "Brīvības iela 1", "locality": "Rīga", "valid_from": day}, TODAY
    )
    assert errors["valid_from"] == [message]


def test_a_code_of_a_future_birth_is_refused() -> None:
    _, errors = _person(personal_code=old_format_code(dt.date(2027, 1, 1), 5))
    assert list(errors) == ["personal_code"]


def test_a_spreadsheet_number_gets_its_leading_zero_back() -> None:
    code = old_format_code(dt.date(1990, 1, 5), 12)  # 05…: a spreadsheet stores it as a number
    person, errors = _person(personal_code=int(code))
    assert errors == {} and person.personal_code == code  # type: ignore[attr-defined]


def test_a_person_needs_a_code_or_another_identifier() -> None:
    _, errors = _person(birth_date="01.01.1990")
    assert list(errors) == ["personal_code"]
    person, errors = _person(other_id_kind="passport", other_id=" ab 12 34567 ", birth_date="01.01.1990")
    assert errors == {} and person.other_id == "AB1234567"  # type: ignore[attr-defined]
    _, errors = _person(other_id="AB1234567", birth_date="01.01.1990")
    assert list(errors) == ["other_id_kind"]
    _, errors = _person(other_id_kind="passport", birth_date="01.01.1990")
    assert list(errors) == ["other_id"]
    _, errors = _person(other_id_kind="visa", other_id="AB1234567", birth_date="01.01.1990")
    assert errors == {"other_id_kind": ["Choose a value from the list."]}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"first_name": "An\x00na"}, "first_name"),
        ({"last_name": "Liepa\u202e"}, "last_name"),  # a right-to-left override: invisible, refused
        ({"last_name": "L\ud800"}, "last_name"),  # a lone surrogate cannot even be encoded
        ({"first_name": "A" * 101}, "first_name"),
        ({"first_name": "Anna2"}, "first_name"),
        ({"email": "a" * 250 + "@x.lv"}, "email"),
        ({"email": "anna@"}, "email"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+371 1234 5678"}, "phone"),
        ({"sex": "X"}, "sex"),
        ({"citizenship": "ZZZ"}, "citizenship"),
        ({"legal_status": "citizen", "citizenship": "LTU"}, "citizenship"),
        ({"legal_status": "non_citizen", "citizenship": "LVA"}, "citizenship"),
        ({"preferred_language": "de"}, "preferred_language"),
        ({"died_on": "01.01.1970"}, "died_on"),  # before the birth
        ({"died_on": "01.01.2030"}, "died_on"),
    ],
)
def test_bad_values_are_refused_by_field(fields: dict[str, object], field: str) -> None:
    _, errors = _person(personal_code="161175-19997", **fields)
    assert list(errors) == [field], errors


def test_names_contacts_and_statuses_are_normalised() -> None:
    person, errors = _person(
        first_name="  Anna   Marija ",
        last_name="Liepa-Kalniņa",
        personal_code="161175-19997",
        phone="(+371) 29-123-456",
        email="Anna@Example.LV",
        sex="s",
        legal_status="citizen",
    )
    assert errors == {}
    assert (person.first_name, person.name_norm) == ("Anna Marija", "liepa-kalnina anna marija")  # type: ignore[attr-defined]
    assert (person.phone, person.email, person.sex, person.citizenship) == (  # type: ignore[attr-defined]
        "+37129123456",
        "Anna@example.lv",
        "F",
        "LVA",
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("29123456", "+37129123456"),
        ("00371 6712 3456", "+37167123456"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


def test_phone_display() -> None:
    assert display_phone("+37129123456") == "+371 29 123 456"
    assert display_phone("+442079460958") == "+442079460958"


# --- addresses and periods --------------------------------------------------------------------------------


def test_address_keys_leave_out_street_words_and_punctuation() -> None:
    assert normalise_address("Brīvības iela 12 - 5", "Rīga") == "brivibas 12-5 riga"
    assert normalise_address("Ķekavas gatve 1, k-2") == "kekavas 1 k-2"
    assert normalise_address("Brīvības iela 12") == normalise_address("brivibas 12")


def test_an_address_is_validated_with_its_period() -> None:
    address, errors = validate_address(
        {"kind": "declared", "line": "Brīvības iela 1", "postal_code": "lv 1010", "valid_from": "01.01.2024"},
        TODAY,
    )
    assert errors == {} and address.postal_code == "LV-1010"  # type: ignore[union-attr]
    _, errors = validate_address(
        {"kind": "home", "line": "", "atvk": "12", "valid_from": "01.01.2024", "valid_to": "31.12.2023"},
        TODAY,
    )
    assert set(errors) == {"kind", "line", "atvk", "valid_to"}
    _, errors = validate_address({"kind": "declared", "line": "X iela 1", "valid_from": "01.01.2029"}, TODAY)
    assert list(errors) == ["valid_from"]  # more than a year ahead


def test_flag_details_belong_to_their_kind() -> None:
    flag, errors = validate_flag({"kind": "disability", "detail": "child", "valid_from": "1.1.2024"}, TODAY)
    assert errors == {} and flag.detail == "child"  # type: ignore[union-attr]
    _, errors = validate_flag({"kind": "disability", "detail": "old_age", "valid_from": "1.1.2024"}, TODAY)
    assert errors == {"detail": ["Choose the disability group."]}


D = dt.date


def test_periods_with_inclusive_ends_overlap_when_they_share_a_day() -> None:
    assert overlaps(D(2024, 1, 1), D(2024, 1, 31), D(2024, 1, 31), None)
    assert not overlaps(D(2024, 1, 1), D(2024, 1, 30), D(2024, 1, 31), None)
    assert overlaps(D(2024, 1, 1), None, D(2030, 1, 1), D(2030, 1, 2))
    assert not overlaps(D(2024, 2, 1), None, D(2020, 1, 1), D(2024, 1, 31))


def test_a_new_address_ends_the_open_one_the_day_before() -> None:
    open_one = Period(1, D(2020, 1, 1), None)
    assert hand_over([open_one], D(2024, 3, 1), None) == HandOver(ends=open_one, ends_on=D(2024, 2, 29))
    # Starting on the same day or earlier would erase it: a conflict.
    assert hand_over([open_one], D(2020, 1, 1), None).conflict == open_one
    assert hand_over([open_one], D(2019, 1, 1), None).conflict == open_one
    # A closed period before it is history, and touches nothing.
    assert hand_over([open_one], D(2015, 1, 1), D(2019, 12, 31)) == HandOver()
    # A closed period that reaches into the open one is a conflict, as is one over other history.
    assert hand_over([open_one], D(2019, 1, 1), D(2020, 1, 1)).conflict == open_one
    history = Period(2, D(2010, 1, 1), D(2014, 12, 31))
    assert hand_over([history, open_one], D(2014, 6, 1), D(2015, 1, 1)).conflict == history


def test_ending_a_period() -> None:
    current = Period(1, D(2024, 1, 1), None)
    assert validate_end(current, "31.05.2024", TODAY) == (D(2024, 5, 31), {})
    assert validate_end(current, "31.12.2023", TODAY)[1] == {
        "valid_to": ["The end date is before the start date."]
    }
    assert validate_end(Period(1, D(2024, 1, 1), D(2024, 2, 1)), "01.03.2024", TODAY)[1] == {
        "valid_to": ["This period has already ended."]
    }
    assert list(validate_end(current, "", TODAY)[1]) == ["valid_to"]
    assert first_overlap([current], D(2023, 1, 1), D(2023, 12, 31)) is None


# --- search -----------------------------------------------------------------------------------------------


def test_a_prefix_is_a_range() -> None:
    assert prefix_upper_bound("berz") == "ber{"
    assert prefix_upper_bound("a") == "b"
    assert prefix_upper_bound("") is None


@pytest.mark.parametrize(
    ("typed", "mode", "text", "alternatives"),
    [
        ("161175-19997", "code", "16117519997", ()),
        ("16117519997", "code", "16117519997", ()),
        ("161175", "code", "161175", ()),
        ("Bērz", "name", "berz", ()),
        ("Jānis  BĒRZIŅŠ", "name", "janis berzins", ("berzins janis",)),
        ("brīvības iela 12", "address", "brivibas 12", ()),
        ("LV1234567", "other_id", "LV1234567", ()),
        ("an\x00na", "name", "anna", ()),
    ],
)
def test_search_text_is_read_as_code_name_identifier_or_address(
    typed: str, mode: str, text: str, alternatives: tuple[str, ...]
) -> None:
    terms = search_terms(typed)
    assert terms is not None
    assert (terms.mode, terms.text, terms.alternatives) == (mode, text, alternatives)


def test_an_explicit_mode_wins_and_nothing_searchable_is_none() -> None:
    assert search_terms("1611", "code").mode == "code"  # type: ignore[union-attr]
    assert search_terms("Rīga", "address").text == "riga"  # type: ignore[union-attr]
    assert search_terms("   ") is None
    assert search_terms("!!!", "address") is None
    assert search_terms("abc", "code") is None


def test_the_access_log_context_is_shown_in_words() -> None:
    from app.web.routes.people_common import context_label

    assert context_label("lv", "case:L-2026/00042 document:0195") == "Lieta L-2026/00042, Dokuments"
    assert context_label("lv", "case") == "Lieta"
    assert context_label("en", "household") == "Household"
    assert context_label("lv", None) == "—"
    assert context_label("lv", "something-new") == "something-new"
