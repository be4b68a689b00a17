"""The means test's pure rules pinned to the cent: the thresholds (published values win; derived from the
median otherwise, rounded half up to the quantum), the household income (averaging, types not counted,
months outside the period), the GMI benefit with the Kuldīga worked examples of the domain brief (§1.3),
and the household type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from app.domains.assistance.explain import Computation
from app.domains.assistance.facts import DeclarationFacts, IncomeFacts, MemberFacts
from app.domains.assistance.parameters import LegalParameters, MissingParameter, parameters_of
from app.domains.assistance.rules import (
    AVERAGE_INCOME,
    LOW_INCOME_BY_TYPE,
    LOW_INCOME_MUNICIPAL,
    LOW_INCOME_NATIONAL_MAX,
    NOT_COUNTED,
    OUTSIDE,
    assessment_months,
    household_income,
    household_type,
    low_income_threshold,
    round_to,
    threshold,
)
from app.domains.assistance.rules_benefits import GMI_NONE, gmi_benefit

D = Decimal

# The non-threshold parameters as the migration loads them.
COMMON: dict[str, Any] = {
    "other_person_coefficient": "0.7",
    "rounding_quantum": "1",
    "savings_limit": "272",
    "vehicles_max": 1,
    "vehicles_max_with_children": 2,
    "land_max_hectares": 5,
    "child_age_limit": 18,
    "status_period_months": 3,
    "status_period_months_long": 6,
    "status_period_months_short": 1,
    "gmi_period_months": 3,
    "gmi_period_months_short": 1,
    "asset_failure_one_month": 1,
    "regular_income_months": 3,
    "irregular_income_months": 12,
}
PUBLISHED_2021 = {"gmi_first": 109, "gmi_other": 76, "needy_first": 272, "needy_other": 190}
MEDIAN_2024 = {
    "income_median": "685.78",
    "gmi_percent": 20,
    "needy_percent": 50,
    "low_income_max_percent": 80,
}
MEDIAN_2026 = {
    "income_median": "850.02",
    "gmi_percent": 22,
    "needy_percent": 50,
    "low_income_max_percent": 80,
}


def params(on: dt.date, **values: Any) -> LegalParameters:
    return parameters_of(on, {**COMMON, **values})


def adult(age: int = 40, **kw: Any) -> MemberFacts:
    return MemberFacts(age=age, **kw)


def child(age: int = 8) -> MemberFacts:
    return MemberFacts(age=age, relation="child")


def wages(declared_on: dt.date, monthly: str, income_type: str = "wages") -> tuple[IncomeFacts, ...]:
    """The same regular income in each of the 3 full months before the declaration month."""
    return tuple(IncomeFacts(income_type, m, D(monthly)) for m in sorted(assessment_months(declared_on, 3)))


def labels(result: Computation) -> list[str]:
    return [line.label for line in result.lines]


def value_of(result: Computation, label: str) -> Any:
    return next(line.value for line in result.lines if line.label == label)


# --- Kuldīga, 2021 values (GMI 109 / 76) ------------------------------------------------------------------

KULDIGA_DAY = dt.date(2021, 6, 15)
KULDIGA = params(KULDIGA_DAY, **PUBLISHED_2021)
FAMILY = (adult(), adult(), child(), child(12))


def test_kuldiga_two_adults_two_children_without_income_get_337() -> None:
    # 109 + 76 × 3 − 0 = 337
    result = gmi_benefit(DeclarationFacts(KULDIGA_DAY, FAMILY), KULDIGA)
    assert result.amount == D("337.00") and result.eligible and result.period_months == 3
    assert value_of(result, "GMI sum for the household: first person + %(others)s × each other person") == D(
        "337.00"
    )


def test_kuldiga_the_same_family_with_one_salary_of_300_gets_37() -> None:
    # 337 − 300 = 37
    facts = DeclarationFacts(KULDIGA_DAY, FAMILY, incomes=wages(KULDIGA_DAY, "300"))
    result = gmi_benefit(facts, KULDIGA)
    assert result.amount == D("37.00") and result.eligible
    assert value_of(result, AVERAGE_INCOME) == D("300.00")


def test_kuldiga_five_persons_with_500_and_200_get_nothing() -> None:
    # 109 + 76 × 4 − 700 = −287 < 0: no benefit
    facts = DeclarationFacts(
        KULDIGA_DAY,
        (*FAMILY, child(3)),
        incomes=wages(KULDIGA_DAY, "500") + wages(KULDIGA_DAY, "200", "pension"),
    )
    result = gmi_benefit(facts, KULDIGA)
    assert result.amount == D("0.00") and not result.eligible and result.period_months is None
    assert labels(result)[-1] == GMI_NONE


def test_gmi_is_one_month_when_another_criterion_is_not_met() -> None:
    facts = DeclarationFacts(KULDIGA_DAY, FAMILY, other_criterion_failed="Nepilda līdzdarbības pienākumus")
    result = gmi_benefit(facts, KULDIGA)
    assert result.amount == D("337.00") and result.period_months == 1
    assert "Nepilda līdzdarbības pienākumus" in [line.value for line in result.lines]


def test_gmi_with_the_2023_other_person_value_of_87_50() -> None:
    # 01.07.2023: 125 + 87.50 × 1 − 150 = 62.50 (the published 87.50 wins over round(0.7 × 125) = 88)
    day = dt.date(2023, 9, 20)
    p = params(day, income_median="626.57", gmi_percent=20, gmi_first=125, gmi_other="87.50")
    result = gmi_benefit(DeclarationFacts(day, (adult(), adult()), incomes=wages(day, "150")), p)
    assert result.amount == D("62.50")


# --- thresholds -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (MEDIAN_2024, {"gmi": ("137", "96"), "needy": ("343", "240"), "low_income_max": ("549", "384")}),
        (MEDIAN_2026, {"gmi": ("187", "131"), "needy": ("425", "298"), "low_income_max": ("680", "476")}),
        # 2025: the median is back-calculated (UNCONFIRMED); it must reproduce the published values.
        (
            {**MEDIAN_2026, "income_median": "754.50"},
            {"gmi": ("166", "116"), "needy": ("377", "264"), "low_income_max": ("604", "423")},
        ),
    ],
    ids=["2024", "2026", "2025"],
)
def test_thresholds_derived_from_the_median(
    values: dict[str, Any], expected: dict[str, tuple[str, str]]
) -> None:
    p = params(dt.date(2026, 2, 1), **values)
    for kind, (first, other) in expected.items():
        found = threshold(kind, p)
        assert (found.first, found.other) == (D(first + ".00"), D(other + ".00")), kind


def test_the_2026_needy_other_value_rounds_297_50_half_up_to_298() -> None:
    p = params(dt.date(2026, 1, 1), **MEDIAN_2026)
    assert threshold("needy", p).other == D("298.00")  # 425 × 0.7 = 297.5
    cents_quantum = params(dt.date(2026, 1, 1), **{**MEDIAN_2026, "rounding_quantum": "0.01"})
    assert threshold("needy", cents_quantum).first == D("425.01")  # 850.02 × 0.5
    assert threshold("needy", cents_quantum).other == D("297.51")  # 425.01 × 0.7 = 297.507
    assert round_to(D("297.5"), D("5")) == D("300.00") and round_to(D("297.49"), D("5")) == D("295.00")


def test_the_published_2023_gmi_other_value_87_50_wins_over_the_derived_88() -> None:
    derived = params(dt.date(2023, 7, 1), income_median="626.57", gmi_percent=20)
    assert (threshold("gmi", derived).first, threshold("gmi", derived).other) == (D("125.00"), D("88.00"))
    published = params(dt.date(2023, 7, 1), income_median="626.57", gmi_percent=20, gmi_other="87.50")
    found = threshold("gmi", published)
    assert (found.first, found.other) == (D("125.00"), D("87.50"))
    assert found.total(3) == D("300.00")  # 125 + 87.50 × 2


def test_a_published_value_wins_and_the_explanation_says_where_values_come_from() -> None:
    p = params(dt.date(2026, 1, 1), **MEDIAN_2026, needy_first=430)
    found = threshold("needy", p)
    assert found.first == D("430.00") and found.other == D("301.00")  # 430 × 0.7 = 301
    assert next(line.label for line in found.lines) == "Needy threshold for the first person"
    derived = threshold("gmi", p)
    assert "Income median" in [line.label for line in derived.lines]
    assert next(line.value for line in derived.lines if line.unit == "%") == D("22")


def test_a_date_without_the_values_is_a_clear_error_not_a_key_error() -> None:
    p = params(dt.date(2019, 1, 1))
    with pytest.raises(MissingParameter) as missing:
        threshold("gmi", p)
    assert missing.value.key == "income_median" and missing.value.errors == {
        "parameters": [missing.value.detail]
    }
    assert "legal parameter" in missing.value.detail


def test_low_income_threshold_by_household_type_then_general_then_national_maximum() -> None:
    day = dt.date(2026, 3, 1)
    national = params(day, **MEDIAN_2026)
    found = low_income_threshold(national, "working_age")
    assert (found.first, found.other) == (D("680.00"), D("476.00"))
    assert found.lines[0].label == LOW_INCOME_NATIONAL_MAX
    general = parameters_of(
        day, {**COMMON, **MEDIAN_2026}, municipal={"low_income_first": 595, "low_income_other": 416}
    )
    found = low_income_threshold(general, "working_age")
    assert (found.first, found.other, found.lines[0].label) == (
        D("595.00"),
        D("416.00"),
        LOW_INCOME_MUNICIPAL,
    )
    typed = parameters_of(
        day,
        {**COMMON, **MEDIAN_2026},
        municipal={"low_income_first": 595, "low_income_other": 416},
        by_household_type={("low_income_first", "single_pensioner"): 640},
    )
    found = low_income_threshold(typed, "single_pensioner")
    # Only the first person's value set for the type: the general other-person value applies.
    assert (found.first, found.other, found.lines[0].label) == (D("640.00"), D("416.00"), LOW_INCOME_BY_TYPE)
    assert low_income_threshold(typed, "working_age").first == D("595.00")
    only_first = parameters_of(day, {**COMMON, **MEDIAN_2026}, municipal={"low_income_first": 453})
    assert low_income_threshold(only_first).other == D("317.00")  # Jēkabpils 453 / 317


# --- income -----------------------------------------------------------------------------------------------

DECLARED = dt.date(2026, 3, 15)


def test_regular_income_is_averaged_over_3_months_and_irregular_over_12() -> None:
    facts = DeclarationFacts(
        DECLARED,
        (adult(),),
        incomes=(
            IncomeFacts("wages", dt.date(2025, 12, 1), D("800")),
            IncomeFacts("wages", dt.date(2026, 1, 1), D("850")),
            IncomeFacts("wages", dt.date(2026, 2, 1), D("900.01")),
            IncomeFacts("gift", dt.date(2025, 4, 1), D("1000")),
            IncomeFacts("property_sale", dt.date(2025, 11, 1), D("200")),
        ),
    )
    result = household_income(facts, params(DECLARED))
    # (800 + 850 + 900.01) / 3 = 850.003 → 850.00; (1000 + 200) / 12 = 100.00
    assert result.amount == D("950.00")
    assert value_of(result, "Wages") == D("850.00") and value_of(result, "Sale of own property") == D("16.67")
    assert value_of(result, "Gifts and other irregular payments") == D("83.33")


def test_the_averaging_divisors_are_parameters() -> None:
    facts = DeclarationFacts(DECLARED, (adult(),), incomes=wages(DECLARED, "300"))
    one_month = params(DECLARED, regular_income_months=1)
    # Only February 2026 is in a 1-month period: 300 / 1; the other two months are outside it.
    result = household_income(facts, one_month)
    assert result.amount == D("300.00") and value_of(result, OUTSIDE) == D("600.00")


def test_income_types_the_law_does_not_count_are_listed_but_excluded() -> None:
    facts = DeclarationFacts(
        DECLARED,
        (adult(), child()),
        incomes=wages(DECLARED, "600")
        + wages(DECLARED, "100", "family_benefit")
        + wages(DECLARED, "50", "stipend"),
    )
    result = household_income(facts, params(DECLARED))
    assert result.amount == D("600.00")
    assert value_of(result, NOT_COUNTED) == D("450.00")  # 3 × 100 + 3 × 50 declared, none counted
    assert value_of(result, "State family benefit and supplements") == D("300.00")
    assert labels(result).index(NOT_COUNTED) < labels(result).index("Stipend up to the minimum wage")


def test_incomes_outside_the_declaration_period_are_not_counted() -> None:
    facts = DeclarationFacts(
        DECLARED,
        (adult(),),
        incomes=(
            IncomeFacts("wages", dt.date(2026, 3, 1), D("900")),  # the declaration month itself
            IncomeFacts("wages", dt.date(2025, 11, 1), D("900")),  # 4 months back
            IncomeFacts("gift", dt.date(2025, 2, 1), D("1200")),  # 13 months back
            IncomeFacts("wages", dt.date(2026, 2, 1), D("300")),
        ),
    )
    result = household_income(facts, params(DECLARED))
    assert result.amount == D("100.00")  # 300 / 3
    assert value_of(result, OUTSIDE) == D("3000.00")


def test_no_income_is_zero_with_its_line() -> None:
    result = household_income(DeclarationFacts(DECLARED, (adult(),)), params(DECLARED))
    assert result.amount == D("0.00") and labels(result) == [AVERAGE_INCOME]


# --- the household type -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ((adult(70, pensioner=True),), "single_pensioner"),
        ((adult(50, disability_group=2),), "single_pensioner"),
        ((adult(70, pensioner=True), adult(68, pensioner=True)), "pensioners"),
        ((adult(45, disability_group=1), child()), "pensioners"),
        ((adult(35), child(), child(4)), "single_parent"),
        ((adult(35),), "working_age"),
        ((adult(35), adult(70, pensioner=True)), "working_age"),
        ((adult(35), adult(36), child()), "working_age"),
        ((adult(None), child(17)), "single_parent"),  # unknown age: an adult
    ],
)
def test_household_type(members: tuple[MemberFacts, ...], expected: str) -> None:
    assert household_type(members, 18) == expected
