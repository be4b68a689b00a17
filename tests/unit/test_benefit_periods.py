"""The pure rules of benefit periods and decisions: calendar-month periods, overlap, what a stopped grant
still holds, yearly totals, and what a decision, a change and a stop may say."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from app.domains.benefits import rules
from app.domains.benefits.periods import (
    Existing,
    Period,
    add_months,
    first_clash,
    granted_in_year,
    held,
    period_of_months,
)

D = dt.date


# --- periods ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (D(2026, 3, 1), 3, D(2026, 5, 31)),  # GMI: three calendar months
        (D(2026, 1, 15), 1, D(2026, 2, 14)),
        (D(2026, 11, 1), 6, D(2027, 4, 30)),  # a six-month status over the new year
        (D(2026, 1, 31), 1, D(2026, 2, 27)),  # 31.01 + 1 month is 28.02; the period ends the day before
    ],
)
def test_period_of_months(start: dt.date, months: int, last: dt.date) -> None:
    assert period_of_months(start, months) == Period(start, last)


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2026, 12, 15), 2) == D(2027, 2, 15)


def test_periods_overlap_when_they_share_a_day() -> None:
    march = Period(D(2026, 3, 1), D(2026, 3, 31))
    assert march.overlaps(Period(D(2026, 3, 31), D(2026, 4, 30)))
    assert not march.overlaps(Period(D(2026, 4, 1), D(2026, 4, 30)))
    assert not march.overlaps(Period(D(2026, 3, 10), D(2026, 3, 9)))  # empty: stopped before it began


def test_a_stopped_grant_holds_up_to_the_day_before_the_stop() -> None:
    assert held(D(2026, 1, 1), D(2026, 3, 31), D(2026, 2, 14)) == Period(D(2026, 1, 1), D(2026, 2, 14))
    assert held(D(2026, 1, 1), D(2026, 3, 31)) == Period(D(2026, 1, 1), D(2026, 3, 31))
    assert held(D(2026, 1, 1), D(2026, 3, 31), D(2025, 12, 31)).empty


def test_first_clash_names_the_earliest_overlapping_period() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    existing = [
        Existing(b, Period(D(2026, 5, 1), D(2026, 7, 31))),
        Existing(a, Period(D(2026, 2, 1), D(2026, 4, 30))),
    ]
    assert first_clash(Period(D(2026, 4, 1), D(2026, 6, 30)), existing).id == a  # type: ignore[union-attr]
    assert first_clash(Period(D(2026, 8, 1), D(2026, 10, 31)), existing) is None
    assert first_clash(Period(D(2026, 4, 1), D(2026, 4, 30)), existing, ignore=a) is None


def test_granted_in_year_counts_one_off_sums_and_monthly_months() -> None:
    grants = [
        Existing(uuid.uuid4(), Period(D(2026, 2, 3), D(2026, 2, 3)), Decimal("100.00")),
        Existing(uuid.uuid4(), Period(D(2025, 12, 20), D(2025, 12, 20)), Decimal("80.00")),  # last year
        Existing(
            uuid.uuid4(), Period(D(2026, 5, 5), D(2026, 5, 4)), Decimal("50.00")
        ),  # stopped before it began
    ]
    assert granted_in_year(grants, 2026, monthly=False) == (Decimal("100.00"), 1)
    monthly = [Existing(uuid.uuid4(), Period(D(2025, 11, 1), D(2026, 1, 31)), Decimal("40.00"))]
    assert granted_in_year(monthly, 2026, monthly=True) == (Decimal("40.00"), 1)
    assert granted_in_year(monthly, 2025, monthly=True) == (Decimal("80.00"), 1)


# --- decisions --------------------------------------------------------------------------------------------

GMI = rules.Assessed(
    kind="gmi", frequency="monthly", amount=Decimal("187.50"), eligible=True, period_months=3
)
NEEDY = rules.Assessed(
    kind="needy_status", frequency="per_period", amount=Decimal("0.00"), eligible=True, period_months=6
)
CRISIS = rules.Assessed(
    kind="crisis", frequency="one_off", amount=Decimal("200.00"), eligible=True, period_months=None
)


def plan(assessed: rules.Assessed, **given: object) -> tuple[rules.DecisionPlan | None, rules.Errors]:
    errors: rules.Errors = {}
    values = {
        "outcome": "granted",
        "amount": None,
        "valid_from": D(2026, 3, 1),
        "valid_to": None,
        "reasons": "x",
    }
    values.update(given)
    return rules.plan_decision(assessed, errors=errors, **values), errors  # type: ignore[arg-type]


def test_a_decision_without_reasons_is_refused() -> None:
    decided, errors = plan(GMI, reasons="   ")
    assert decided is None and errors == {"reasons": [rules.NO_REASONS]}


def test_granted_gmi_is_the_assessed_amount_for_the_assessed_months() -> None:
    decided, errors = plan(GMI)
    assert errors == {}
    assert decided == rules.DecisionPlan(
        "granted", Decimal("187.50"), Period(D(2026, 3, 1), D(2026, 5, 31)), "x"
    )


def test_granted_with_another_amount_is_refused() -> None:
    assert plan(GMI, amount=Decimal("150.00"))[1] == {"amount": [rules.GRANTED_IS_ASSESSED]}


def test_partly_granted_must_be_below_the_assessed_amount() -> None:
    assert plan(GMI, outcome="partly_granted", amount=Decimal("187.50"))[1] == {
        "amount": [rules.PARTLY_BELOW]
    }
    assert plan(GMI, outcome="partly_granted", amount=Decimal("200.00"))[1] == {
        "amount": [rules.PARTLY_BELOW]
    }
    assert plan(GMI, outcome="partly_granted", amount=None)[1] == {"amount": [rules.AMOUNT_ABOVE_ZERO]}
    decided, errors = plan(GMI, outcome="partly_granted", amount=Decimal("100.00"))
    assert errors == {} and decided is not None and decided.amount == Decimal("100.00")


def test_a_period_longer_than_assessed_is_refused_a_shorter_one_kept() -> None:
    assert plan(GMI, valid_to=D(2026, 6, 1))[1] == {"valid_to": [rules.LONGER_THAN_ASSESSED]}
    assert plan(GMI, valid_to=D(2026, 2, 1))[1] == {"valid_to": [rules.END_BEFORE_START]}
    decided, _ = plan(GMI, valid_to=D(2026, 4, 30))
    assert decided is not None and decided.period == Period(D(2026, 3, 1), D(2026, 4, 30))


def test_refusal_needs_only_reasons() -> None:
    decided, errors = plan(GMI, outcome="refused", valid_from=None)
    assert errors == {} and decided == rules.DecisionPlan("refused", None, None, "x")


def test_not_eligible_can_only_be_refused() -> None:
    none = rules.Assessed("gmi", "monthly", Decimal("0.00"), False, 3)
    assert plan(none)[1]["outcome"] == [rules.NOT_ELIGIBLE]
    assert plan(none, outcome="refused")[1] == {}


def test_a_status_is_not_partly_granted_and_has_no_amount() -> None:
    assert plan(NEEDY, outcome="partly_granted", amount=Decimal("1.00"))[1]["outcome"] == [
        rules.STATUS_NOT_PARTLY
    ]
    decided, _ = plan(NEEDY)
    assert decided is not None and decided.amount is None
    assert decided.period == Period(D(2026, 3, 1), D(2026, 8, 31))


def test_a_one_off_benefit_is_a_one_day_period() -> None:
    decided, _ = plan(CRISIS, valid_from=D(2026, 3, 10))
    assert decided is not None and decided.period == Period(D(2026, 3, 10), D(2026, 3, 10))
    assert plan(CRISIS, valid_from=D(2026, 3, 10), valid_to=D(2026, 3, 11))[1] == {
        "valid_to": [rules.LONGER_THAN_ASSESSED]
    }


def test_an_unknown_outcome_is_refused() -> None:
    assert plan(GMI, outcome="maybe")[1] == {"outcome": [rules.NO_OUTCOME]}


# --- amounts, changes, stops ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("120,50", Decimal("120.50")), ("1 234.5", Decimal("1234.50")), ("15 €", Decimal("15.00"))],
)
def test_read_amount(text: str, value: Decimal) -> None:
    assert rules.read_amount(text, "amount", {}) == value


@pytest.mark.parametrize("text", ["-5", "abc", "1,234", "NaN", "100000"])
def test_read_amount_refuses(text: str) -> None:
    errors: rules.Errors = {}
    assert rules.read_amount(text, "amount", errors) is None
    assert errors == {"amount": [rules.AMOUNT_UNREADABLE]}


def test_a_change_lowers_the_amount_from_a_day_within_the_grant() -> None:
    period = Period(D(2026, 3, 1), D(2026, 5, 31))
    errors: rules.Errors = {}
    rules.check_change(
        period, Decimal("100.00"), from_date=D(2026, 4, 1), new_amount=Decimal("60.00"), errors=errors
    )
    assert errors == {}
    rules.check_change(
        period, Decimal("100.00"), from_date=D(2026, 6, 1), new_amount=Decimal("120.00"), errors=errors
    )
    assert errors == {"from_date": [rules.DAY_OUTSIDE_GRANT], "new_amount": [rules.ONLY_LOWER]}


def test_a_status_ends_after_its_first_day() -> None:
    period = Period(D(2026, 3, 1), D(2026, 8, 31))
    errors: rules.Errors = {}
    rules.check_status_end(period, from_date=D(2026, 3, 1), errors=errors)
    assert errors == {"from_date": [rules.DAY_OUTSIDE_STATUS]}


def test_status_requirement_lines() -> None:
    ok, line = rules.status_requirement("needy", [rules.HeldStatus("needy", D(2026, 6, 30))], D(2026, 3, 1))
    assert ok and line is not None and line.params == {"valid_to": "2026-06-30"}
    ok, line = rules.status_requirement(
        "needy", [rules.HeldStatus("low_income", D(2026, 6, 30))], D(2026, 3, 1)
    )
    assert not ok and line is not None and "no valid needy status" in line.label
    assert rules.status_requirement("none", [], D(2026, 3, 1)) == (True, None)
