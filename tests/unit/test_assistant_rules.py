"""The assistant service (MK 316) as pure rules: who may receive it, hours by purpose and intensity with the
explanation, the period of at most 3 years, the monthly report against the grant and the month's pay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.domains.services.assistant_rules import (
    GRANTED,
    HOURS_CHILD_PROCEDURES,
    INTENSITY,
    MONTH_OUTSIDE,
    NO_PURPOSE,
    NOT_ELIGIBLE_ADULT,
    NOT_ELIGIBLE_CHILD,
    OVER_GRANT,
    PAY_HOURS,
    PAY_RATE,
    PAY_RATE_UNCONFIRMED,
    PAY_TOTAL,
    UNKNOWN_PURPOSE,
    Applicant,
    check_report,
    eligibility,
    grant_period,
    month_pay,
    month_pay_explained,
    monthly_hours,
)

D = Decimal
ADULT = Applicant(age=34, disability_group=1, limitation=True)


@pytest.mark.parametrize(
    ("person", "errors"),
    [
        (Applicant(age=7, disability_group=None, special_care_opinion=True), []),
        (Applicant(age=4, disability_group=None, special_care_opinion=True), [NOT_ELIGIBLE_CHILD]),
        (Applicant(age=12, disability_group=None), [NOT_ELIGIBLE_CHILD]),
        (ADULT, []),
        (Applicant(age=34, disability_group=3, limitation=True), [NOT_ELIGIBLE_ADULT]),
        (Applicant(age=34, disability_group=2), [NOT_ELIGIBLE_ADULT]),
    ],
)
def test_who_may_receive_it(person: Applicant, errors: list[str]) -> None:
    assert eligibility(person) == errors


def test_a_child_gets_80_hours_or_100_with_regular_procedures() -> None:
    child = Applicant(age=9, disability_group=None, special_care_opinion=True)
    assert monthly_hours(child, [])[0].amount == D(80)
    with_procedures, errors = monthly_hours(child, [], procedures=True)
    assert (with_procedures.amount, errors) == (D(100), [])
    assert with_procedures.lines[0].label == HOURS_CHILD_PROCEDURES


@pytest.mark.parametrize(
    ("purposes", "higher", "hours"),
    [
        (["work"], False, 80),
        (["work"], True, 160),
        (["school"], True, 120),
        (["day_centre"], False, 40),
        (["day_centre", "studies"], False, 80),  # the largest purpose
    ],
)
def test_an_adults_hours_by_purpose_and_intensity(purposes: list[str], higher: bool, hours: int) -> None:
    result, errors = monthly_hours(ADULT, purposes, higher_intensity=higher)
    assert (result.amount, errors, result.eligible) == (D(hours), [], True)
    assert result.lines[-1].label == GRANTED and result.lines[-1].value == hours
    assert (INTENSITY in [line.label for line in result.lines]) is higher


def test_an_adult_without_a_known_purpose_is_refused() -> None:
    assert monthly_hours(ADULT, [])[1] == [NO_PURPOSE]
    assert monthly_hours(ADULT, ["work", "gardening"])[1] == [UNKNOWN_PURPOSE]


def test_the_period_is_the_disabilitys_but_at_most_three_years() -> None:
    start = dt.date(2026, 2, 1)
    assert grant_period(start, dt.date(2027, 6, 30)) == (start, dt.date(2027, 6, 30))
    assert grant_period(start, dt.date(2035, 1, 1)) == (start, dt.date(2029, 1, 31))
    assert grant_period(start, None) == (start, dt.date(2029, 1, 31))


def test_the_monthly_report_within_the_grant() -> None:
    period = (dt.date(2026, 2, 1), dt.date(2027, 1, 31))
    assert check_report(D("79.5"), D(80), dt.date(2026, 3, 1), period) == []
    assert check_report(D("80.5"), D(80), dt.date(2026, 3, 1), period) == [OVER_GRANT]
    assert check_report(D(10), D(80), dt.date(2026, 1, 1), period) == [MONTH_OUTSIDE]
    assert check_report(D(10), D(80), dt.date(2027, 2, 1), period) == [MONTH_OUTSIDE]


def test_the_months_pay_at_the_hourly_rate() -> None:
    assert month_pay(D("79.5"), D("4.50")) == D("357.75")
    assert month_pay(D("12.25"), D("4.55")) == D("55.74")  # 55.7375 rounded half up


def test_the_months_pay_with_its_explanation() -> None:
    pay = month_pay_explained(D("12.25"), D("4.55"))
    assert (pay.amount, pay.eligible) == (D("55.74"), True)
    assert [(line.label, line.value, line.unit) for line in pay.lines] == [
        (PAY_HOURS, D("12.25"), "h"),
        (PAY_RATE, D("4.55"), "EUR"),
        (PAY_TOTAL, D("55.74"), "EUR"),
    ]
    # Stored as JSON and read back, the amounts are Decimals again (the hours a string of a number).
    assert [line["value"] for line in pay.as_json()] == ["12.25", "4.55", "55.74"]


def test_the_rate_line_carries_the_parameters_reference_and_marks_an_unconfirmed_value() -> None:
    old = month_pay_explained(D("10"), D("3.70"), reference="MK 942")
    assert (old.amount, old.lines[1].label, old.lines[1].reference) == (D("37.00"), PAY_RATE, "MK 942")
    unsure = month_pay_explained(D("10"), D("4.50"), reference="MK 316", unconfirmed=True)
    assert (unsure.amount, unsure.lines[1].label, unsure.lines[1].value) == (
        D("45.00"),
        PAY_RATE_UNCONFIRMED,
        D("4.50"),
    )
    assert [line.reference for line in unsure.lines] == ["MK 316"] * 3
