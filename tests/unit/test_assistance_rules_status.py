"""Needy and low-income status: the income test against the household's threshold, the asset test (each
criterion failing on its own), and the period — 3 months, 6 when no member is of working age, 1 when the
income qualifies but another criterion fails (or refusal, when the parameter says a failed asset test
refuses)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from app.domains.assistance.facts import DeclarationFacts, MemberFacts
from app.domains.assistance.parameters import parameters_of
from app.domains.assistance.rules_status import (
    ASSET_REFUSED,
    ASSET_SHORT,
    ASSETS_FAILED,
    ASSETS_PASSED,
    asset_test,
    low_income_status,
    needy_status,
    no_working_age_member,
)
from tests.unit.test_assistance_rules import COMMON, MEDIAN_2026, adult, child, labels, wages

D = Decimal
DAY = dt.date(2026, 4, 10)
P2026 = parameters_of(DAY, {**COMMON, **MEDIAN_2026})
FAMILY = (adult(), adult(), child())  # needy threshold 425 + 298 × 2 = 1021


def facts(members: tuple[MemberFacts, ...] = FAMILY, monthly: str = "0", **kw: Any) -> DeclarationFacts:
    incomes = wages(DAY, monthly) if monthly != "0" else ()
    return DeclarationFacts(DAY, members, incomes=incomes, **kw)


def test_needy_status_for_3_months_when_income_and_assets_qualify() -> None:
    result = needy_status(facts(monthly="1021"), P2026)  # exactly the threshold: not above it
    assert result.eligible and result.period_months == 3 and result.amount == D("0.00")
    household = next(
        line for line in result.lines if line.label.startswith("Needy threshold for the household")
    )
    assert household.value == D("1021.00") and household.params == {"others": 2}
    assert ASSETS_PASSED in labels(result)


def test_income_above_the_needy_threshold_refuses_the_status() -> None:
    result = needy_status(facts(monthly="1021.01"), P2026)
    assert not result.eligible and result.period_months is None
    assert "Income above the needy threshold: no needy status" in labels(result)
    assert ASSETS_PASSED not in labels(result)  # the asset test is not reached


@pytest.mark.parametrize(
    "members",
    [
        (adult(70, pensioner=True),),
        (adult(70, pensioner=True), adult(52, disability_group=2)),
        (adult(45, disability_group=3), child(10)),
    ],
)
def test_six_months_when_no_member_is_of_working_age(members: tuple[MemberFacts, ...]) -> None:
    assert no_working_age_member(members, 18)
    result = needy_status(facts(members, monthly="300"), P2026)
    assert result.eligible and result.period_months == 6
    assert "Status period: no member is of working age" in labels(result)


def test_one_working_age_member_means_three_months() -> None:
    members = (adult(70, pensioner=True), adult(40))
    assert not no_working_age_member(members, 18)
    assert needy_status(facts(members, monthly="300"), P2026).period_months == 3


@pytest.mark.parametrize(
    ("change", "failed"),
    [
        ({"savings": D("272.01")}, "Savings: above the limit"),
        ({"vehicles": 2, "members": (adult(), adult())}, "Motor vehicles: above the limit"),
        ({"land_hectares": D("5.01")}, "Land: above the limit"),
        ({"other_real_property": 1}, "Real property besides the dwelling: the household owns some"),
        ({"maintenance_contract": True}, "Maintenance contract: concluded"),
    ],
)
def test_each_asset_criterion_fails_on_its_own(change: dict[str, Any], failed: str) -> None:
    members = change.pop("members", FAMILY)
    result = asset_test(facts(members, **change), P2026)
    assert not result.eligible
    assert failed in labels(result) and labels(result)[-1] == ASSETS_FAILED


def test_the_limits_themselves_pass_and_children_allow_two_vehicles() -> None:
    at_limits = facts(savings=D("272"), vehicles=2, land_hectares=D("5"), owns_dwelling=True)
    result = asset_test(at_limits, P2026)
    assert result.eligible and "Motor vehicles allowed with children" in labels(result)
    assert not asset_test(facts((adult(),), vehicles=2), P2026).eligible


def test_a_failed_asset_test_with_qualifying_income_gives_one_month() -> None:
    result = needy_status(facts(monthly="500", savings=D("1000")), P2026)
    assert result.eligible and result.period_months == 1
    assert ASSET_SHORT in labels(result)


def test_a_failed_asset_test_refuses_when_the_parameter_says_so() -> None:
    strict = parameters_of(DAY, {**COMMON, **MEDIAN_2026, "asset_failure_one_month": 0})
    result = needy_status(facts(monthly="500", savings=D("1000")), strict)
    assert not result.eligible and result.period_months is None
    assert ASSET_REFUSED in labels(result)


def test_another_failed_criterion_gives_one_month_even_without_working_age_members() -> None:
    members = (adult(70, pensioner=True),)
    result = needy_status(facts(members, monthly="300", other_criterion_failed="Nav reģistrēts NVA"), P2026)
    assert result.eligible and result.period_months == 1


def test_low_income_status_uses_the_national_maximum_when_the_municipality_set_none() -> None:
    # 680 + 476 × 2 = 1632 for three persons
    result = low_income_status(facts(monthly="1500"), P2026)
    assert result.eligible and result.period_months == 3
    assert labels(result)[2].startswith("The municipality has not set its low-income threshold")
    assert not low_income_status(facts(monthly="1632.01"), P2026).eligible


def test_low_income_status_uses_the_municipal_threshold_for_the_household_type() -> None:
    municipal = parameters_of(
        DAY,
        {**COMMON, **MEDIAN_2026},
        municipal={"low_income_first": 595, "low_income_other": 416},
        by_household_type={("low_income_first", "single_pensioner"): 640},
    )
    pensioner = (adult(75, pensioner=True),)
    assert low_income_status(facts(pensioner, monthly="640"), municipal).eligible  # the type's 640
    assert not low_income_status(facts((adult(),), monthly="640"), municipal).eligible  # general 595
    assert low_income_status(facts((adult(),), monthly="595"), municipal).period_months == 3
