"""Housing benefit MP = k × (GMI1 + GMI2 × N) + H − I, one worked example per coefficient, computed by hand
in each test's comment; housing costs capped by their norms (a more generous municipal norm wins)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from app.domains.assistance.facts import DeclarationFacts, HousingCostFacts, IncomeFacts, MemberFacts
from app.domains.assistance.parameters import HousingNorm, LegalParameters, more_generous, parameters_of
from app.domains.assistance.rules_benefits import (
    ABOVE_NORM,
    HOUSING_BASE,
    HOUSING_COSTS,
    HOUSING_NONE,
    NO_NORM,
    housing_benefit,
)
from tests.unit.test_assistance_rules import COMMON, MEDIAN_2026, adult, child, labels, value_of, wages

D = Decimal
DAY = dt.date(2026, 2, 20)
COEFFICIENTS = {
    "housing_coefficient_single_pensioner": "2.5",
    "housing_coefficient_pensioners": "2",
    "housing_coefficient_other": "1.5",
}


def norm(item: str, first: str, other: str, price: str = "1", unit: str = "EUR", **kw: Any) -> HousingNorm:
    return HousingNorm(item, unit, D(first), D(other), D(price), "MK 809, 3. pielikums", **kw)


NORMS = {
    "rent": norm("rent", "150", "50"),
    "management": norm("management", "40", "10"),
    "heating": norm("heating", "120", "30"),
    "electricity": norm("electricity", "100", "50", "0.25", "kWh"),
}


def params(day: dt.date = DAY, norms: dict[str, HousingNorm] = NORMS, **values: Any) -> LegalParameters:
    return parameters_of(day, {**COMMON, **MEDIAN_2026, **COEFFICIENTS, **values}, housing_norms=norms)


def costs(**items: str) -> tuple[HousingCostFacts, ...]:
    return tuple(HousingCostFacts(item, D(amount)) for item, amount in items.items())


def household(
    members: tuple[MemberFacts, ...], income: tuple[IncomeFacts, ...], **items: str
) -> DeclarationFacts:
    return DeclarationFacts(DAY, members, incomes=income, housing_costs=costs(**items))


def test_single_pensioner_coefficient_2_5() -> None:
    # k = 2.5; GMI sum = 187 → 467.50
    # H: rent 120 (norm 150) + heating 120 (200 above the norm 120: 80 not counted)
    #    + electricity 25 (30 above 100 kWh × 0.25 = 25) = 265.00
    # I = 450 pension; MP = 467.50 + 265.00 − 450.00 = 282.50
    facts = household(
        (adult(72, pensioner=True),),
        wages(DAY, "450", "pension"),
        rent="120",
        heating="200",
        electricity="30",
    )
    result = housing_benefit(facts, params())
    assert result.amount == D("282.50") and result.eligible
    assert value_of(result, HOUSING_BASE) == D("467.50") and value_of(result, HOUSING_COSTS) == D("265.00")
    assert [line.value for line in result.lines if line.label == ABOVE_NORM] == [D("80.00"), D("5.00")]
    assert result.period_months is None


def test_only_pensioners_coefficient_2() -> None:
    # k = 2; GMI sum = 187 + 131 = 318 → 636.00
    # H: rent 200 (norm 150 + 50 = 200) + management 45 (norm 40 + 10 = 50) = 245.00
    # I = 480 + 320 = 800; MP = 636.00 + 245.00 − 800.00 = 81.00
    members = (adult(70, pensioner=True), adult(66, disability_group=2))
    income = wages(DAY, "480", "pension") + wages(DAY, "320", "disability_pension")
    result = housing_benefit(household(members, income, rent="200", management="45"), params())
    assert result.amount == D("81.00")
    assert value_of(result, "Housing benefit coefficient: only pensioners or persons with disabilities") == D(
        "2"
    )


def test_other_households_coefficient_1_5() -> None:
    # k = 1.5; GMI sum = 187 + 131 × 3 = 580 → 870.00
    # H: rent 300 (norm 150 + 50 × 3 = 300) + heating 150 (norm 120 + 30 × 3 = 210) = 450.00
    # I = 1100 wages; MP = 870.00 + 450.00 − 1100.00 = 220.00
    members = (adult(), adult(), child(), child(5))
    result = housing_benefit(household(members, wages(DAY, "1100"), rent="300", heating="150"), params())
    assert result.amount == D("220.00")


def test_cents_with_the_2023_gmi_other_value_87_50() -> None:
    # 01.09.2023: k = 1.5; GMI sum = 125 + 87.50 = 212.50 → 318.75; H = 0; I = 300 → MP = 18.75
    day = dt.date(2023, 9, 1)
    p = parameters_of(day, {**COMMON, **COEFFICIENTS, "gmi_first": 125, "gmi_other": "87.50"})
    facts = DeclarationFacts(day, (adult(), adult()), incomes=wages(day, "300"))
    result = housing_benefit(facts, p)
    assert result.amount == D("18.75") and "No housing costs declared" in labels(result)


def test_the_energy_crisis_coefficient_3_gives_327_and_228() -> None:
    # 01.09.2022–30.04.2023: k = 3 → 3 × 109 = 327 for one person, 3 × 76 = 228 per other (as municipalities
    # published); two working-age adults, I = 500: MP = 327 + 228 − 500 = 55.00
    day = dt.date(2022, 11, 10)
    values = {"gmi_first": 109, "gmi_other": 76} | {key: 3 for key in COEFFICIENTS}
    p = parameters_of(day, {**COMMON, **values})
    result = housing_benefit(DeclarationFacts(day, (adult(), adult()), incomes=wages(day, "500")), p)
    assert result.amount == D("55.00") and value_of(result, HOUSING_BASE) == D("555.00")


def test_no_housing_benefit_when_the_income_covers_everything() -> None:
    # k = 1.5 × 187 = 280.50; H = 100; I = 380.50 → 0
    result = housing_benefit(household((adult(),), wages(DAY, "380.50"), rent="100"), params())
    assert result.amount == D("0.00") and not result.eligible and labels(result)[-1] == HOUSING_NONE


def test_an_item_without_a_norm_is_not_counted() -> None:
    # k = 1.5 × 187 = 280.50; rent 100; "sauna" has no norm; I = 0 → 380.50
    result = housing_benefit(household((adult(),), (), rent="100", sauna="50"), params())
    assert result.amount == D("380.50") and value_of(result, NO_NORM) == D("50.00")


def test_a_more_generous_municipal_norm_wins_a_meaner_one_does_not() -> None:
    national = NORMS["rent"]
    generous = norm("rent", "200", "60", municipal=True)
    meaner = norm("rent", "100", "60", municipal=True)
    assert more_generous(national, generous) is generous
    assert more_generous(national, meaner) is national
    assert more_generous(None, generous) is generous
    # k = 1.5 × 187 = 280.50; rent 190 under the municipal norm 200; I = 0 → 470.50
    p = params(norms={**NORMS, "rent": generous})
    assert housing_benefit(household((adult(),), (), rent="190"), p).amount == D("470.50")
