"""Checking a benefit type as the form gives it: each rule of the catalogue has its message under its field,
typed values and typed-in strings read the same, fields an amount rule does not use are cleared, and the
default catalogue passes its own checks."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from app.domains.benefits.catalogue_checks import check_benefit_type
from app.domains.benefits.defaults import BASIC_CODES, DEFAULT_CATALOGUE, default_rows

GOOD: dict[str, Any] = {
    "code": "krize",
    "name_lv": "Pabalsts krīzes situācijā",
    "name_en": "Crisis benefit",
    "kind": "crisis",
    "legal_basis": "SPSPL 35. p. 2. d.",
    "valid_from": "01.01.2026",
    "amount_rule": "percent_of_threshold",
    "percent": "50",
    "percent_of": "minimum_wage",
    "frequency": "one_off",
    "residents_only": "on",
}


def check(**changes: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    return check_benefit_type({**GOOD, **changes})


def test_a_good_form_is_read_into_column_values() -> None:
    values, errors = check(amount="12", cap="5", yearly_cap="1 234,50")
    assert errors == {}
    assert values["code"] == "KRIZE"
    assert values["valid_from"] == dt.date(2026, 1, 1) and values["valid_to"] is None
    assert values["percent"] == Decimal("50.000") and values["residents_only"] is True
    assert values["amount"] is None and values["cap"] is None  # not used by the rule: cleared
    assert values["yearly_cap"] == Decimal("1234.50")
    assert (values["per"], values["payment_channel"], values["requires_status"]) == (
        "household",
        "client",
        "none",
    )


def test_an_empty_form_names_every_required_field() -> None:
    _, errors = check_benefit_type({})
    assert set(errors) == {
        "code",
        "name_lv",
        "name_en",
        "kind",
        "legal_basis",
        "valid_from",
        "amount_rule",
        "frequency",
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "krīze 1"}, "code", "Enter a code of capital letters"),
        ({"valid_to": "31.12.2025"}, "valid_to", "The end date is before the start date."),
        ({"valid_from": "31.02.2026"}, "valid_from", "There is no such day"),
        ({"percent": "0"}, "percent", "Enter an amount greater than zero."),
        ({"percent": "100,5"}, "percent", "Enter a percentage greater than 0 and at most 100"),
        ({"percent": "abc"}, "percent", "Enter a percentage greater than 0 and at most 100"),
        ({"percent_of": "median_of_everything"}, "percent_of", "Choose a value from the list."),
        ({"amount_rule": "fixed"}, "amount", "This field is required."),
        ({"amount_rule": "fixed", "amount": "-5"}, "amount", "Enter an amount greater than zero."),
        ({"amount_rule": "fixed", "amount": "5,555"}, "amount", "at most two digits"),
        ({"amount_rule": "actual_cost_capped"}, "cap", "This field is required."),
        (
            {"amount_rule": "actual_cost_capped", "cap": "100", "min_claim": "0"},
            "min_claim",
            "greater than zero",
        ),
        ({"amount_rule": "formula"}, "amount_rule", "Only GMI and the housing benefit"),
        ({"kind": "gmi"}, "amount_rule", "computed by the formula of the law"),
        ({"kind": "needy_status"}, "amount_rule", "A status has no amount"),
        ({"amount_rule": "none"}, "amount_rule", "Only the statuses have no amount"),
        ({"means_tested": "on"}, "threshold", "Choose a value from the list."),
        ({"means_tested": "on", "threshold": "custom"}, "custom_threshold", "This field is required."),
        ({"min_age": "10", "max_age": "5"}, "max_age", "The upper age is below the lower age."),
        ({"min_age": "131"}, "min_age", "Enter an age in full years"),
        ({"target_groups": ["child", "martians"]}, "target_groups", "Choose a value from the list."),
        ({"times_per_year": "0"}, "times_per_year", "from 1 to 366"),
        ({"decision_days": "x"}, "decision_days", "from 1 to 365"),
        ({"yearly_cap": "0"}, "yearly_cap", "greater than zero"),
        (
            {"yearly_cap_by_children": [{"children_from": "1", "cap": "215"}]},
            "yearly_cap_by_children",
            "without children",
        ),
        (
            {"yearly_cap": "180", "yearly_cap_by_children": [{"children_from": "", "cap": "215"}]},
            "yearly_cap_by_children",
            "number of children",
        ),
        (
            {
                "yearly_cap": "180",
                "yearly_cap_by_children": [
                    {"children_from": "1", "cap": "2"},
                    {"children_from": "1", "cap": "3"},
                ],
            },
            "yearly_cap_by_children",
            "its own number of children",
        ),
        ({"name_lv": "x" * 201}, "name_lv", "At most 200 characters."),
        ({"legal_basis": "a\x00b"}, "legal_basis", "cannot be stored"),
        ({"frequency": "hourly"}, "frequency", "Choose a value from the list."),
    ],
)
def test_each_rule_has_its_message_under_its_field(changes, field, message) -> None:
    _, errors = check(**changes)
    assert field in errors, errors
    assert any(message in m for m in errors[field]), errors[field]


def test_yearly_cap_tiers_are_sorted_and_empty_rows_skipped() -> None:
    tiers = [
        {"children_from": "3", "cap": "250"},
        {"children_from": "", "cap": ""},
        {"children_from": "1", "cap": "215,00"},
    ]
    values, errors = check(
        amount_rule="actual_cost_capped", cap="250", yearly_cap="180", yearly_cap_by_children=tiers
    )
    assert errors == {}
    assert values["yearly_cap_by_children"] == [
        {"children_from": 1, "cap": "215.00"},
        {"children_from": 3, "cap": "250.00"},
    ]


def test_statuses_and_formulas_carry_no_amount_or_yearly_limits() -> None:
    values, errors = check(
        kind="gmi", amount_rule="formula", amount="5", yearly_cap="100", times_per_year="2"
    )
    assert errors == {}
    assert (values["amount"], values["yearly_cap"], values["times_per_year"]) == (None, None, None)


def test_a_means_test_without_its_checkbox_forgets_the_threshold() -> None:
    values, errors = check(threshold="custom", custom_threshold="300")
    assert errors == {} and values["threshold"] is None and values["custom_threshold"] is None
    values, errors = check(means_tested="on", threshold="custom", custom_threshold="300")
    assert errors == {} and values["custom_threshold"] == Decimal("300.00")


def test_the_default_catalogue_passes_its_own_checks() -> None:
    rows = default_rows(uuid.uuid4())
    codes = [r["code"] for r in rows]
    assert len(rows) == len(DEFAULT_CATALOGUE) and len(set(codes)) == len(codes)
    assert set(BASIC_CODES) <= set(codes)
    by_code = {r["code"]: r for r in rows}
    assert (by_code["GMI"]["kind"], by_code["GMI"]["amount_rule"]) == ("gmi", "formula")
    assert (by_code["MP"]["kind"], by_code["MP"]["amount_rule"]) == ("housing", "formula")
    assert by_code["TRUC"]["amount_rule"] == by_code["MAZN"]["amount_rule"] == "none"
    assert (by_code["KRIZE"]["percent"], by_code["KRIZE"]["percent_of"]) == (
        Decimal("50.000"),
        "minimum_wage",
    )
    assert by_code["KRIZE"]["means_tested"] is False
    assert all(r["name_lv"] and r["name_en"] and r["legal_basis"] for r in rows)
