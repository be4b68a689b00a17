"""The catalogue's amount and eligibility rules, with the municipal examples of the domain brief (§5):
Kuldīga's crisis benefit (50 % of the minimum wage), Kuldīga's fuel benefit (receipts of at least 50 EUR,
at most 180 / 215 / 250 EUR a year by the number of children), Daugavpils' crisis benefit (at most 200
EUR)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.domains.assistance.explain import Computation, lines_from_json
from app.domains.assistance.parameters import LegalParameters, ParameterValue
from app.domains.benefits.catalogue_rules import (
    BenefitRule,
    History,
    PersonFacts,
    age_on,
    amount_for,
    benefit_computation,
    eligibility,
    yearly_cap_for,
)
from app.domains.benefits.models import BenefitType

ON = dt.date(2026, 3, 10)
MINIMUM_WAGE_2026 = ParameterValue(
    "minimum_wage", Decimal("780"), dt.date(2026, 1, 1), None, "MK 2025. g. noteikumi par minimālo algu"
)
PARAMETERS = LegalParameters(on=ON, values={"minimum_wage": MINIMUM_WAGE_2026})

KULDIGA_CRISIS = BenefitRule(
    code="KRIZE",
    kind="crisis",
    legal_basis="Kuldīgas novada SN, 12. p.",
    amount_rule="percent_of_threshold",
    percent=Decimal("50"),
    percent_of="minimum_wage",
)
KULDIGA_FUEL = BenefitRule(
    code="KURIN",
    kind="means_tested",
    legal_basis="Kuldīgas novada SN, 20. p.",
    amount_rule="actual_cost_capped",
    cap=Decimal("250"),
    min_claim=Decimal("50"),
    yearly_cap=Decimal("180"),
    yearly_cap_by_children=({"children_from": 1, "cap": "215.00"}, {"children_from": 3, "cap": "250.00"}),
)
DAUGAVPILS_CRISIS = BenefitRule(
    code="KRIZE",
    kind="crisis",
    legal_basis="Daugavpils novada SN",
    amount_rule="actual_cost_capped",
    cap=Decimal("200"),
)
SCHOOL = BenefitRule(
    code="SKOLA",
    kind="means_tested",
    amount_rule="fixed",
    amount=Decimal("50"),
    per="person",
    target_groups=("child",),
    min_age=5,
    requires_status="needy_or_low_income",
    times_per_year=1,
)


def labels(result: Computation) -> list[str]:
    return [line.label for line in result.lines]


def value_of(result: Computation, label: str) -> object:
    return next(line.value for line in result.lines if line.label == label)


def born(years: int, on: dt.date = ON) -> PersonFacts:
    return PersonFacts(birth_date=on.replace(year=on.year - years))


# --- amounts ------------------------------------------------------------------------------------------------


def test_kuldiga_crisis_benefit_is_half_the_2026_minimum_wage() -> None:
    result = amount_for(KULDIGA_CRISIS, on=ON, parameters=PARAMETERS, household_size=4)
    assert result.amount == Decimal("390.00") and result.eligible
    assert value_of(result, "National minimum monthly wage") == Decimal("780.00")
    assert value_of(result, "Percentage of it") == Decimal("50")
    wage_line = next(line for line in result.lines if line.label == "National minimum monthly wage")
    assert wage_line.reference == MINIMUM_WAGE_2026.legal_reference
    assert result.lines[0].value == "KRIZE" and result.lines[0].reference == "Kuldīgas novada SN, 12. p."


def test_a_plain_mapping_of_parameters_works_too_and_rounding_is_half_up() -> None:
    result = amount_for(
        KULDIGA_CRISIS, on=ON, parameters={"minimum_wage": Decimal("780.05")}, household_size=1
    )
    assert result.amount == Decimal("390.03")  # 390.025 → half up


def test_a_percentage_per_person_is_multiplied_by_the_persons_counted() -> None:
    rule = BenefitRule(
        code="X", amount_rule="percent_of_threshold", percent=Decimal("10"), percent_of="gmi", per="person"
    )
    result = amount_for(rule, on=ON, parameters={"gmi_first": Decimal("187")}, household_size=2)
    assert value_of(result, "Amount per person") == Decimal("18.70")
    assert result.amount == Decimal("37.40")


def test_a_missing_parameter_gives_nothing_and_says_which() -> None:
    result = amount_for(KULDIGA_CRISIS, on=ON, parameters={}, household_size=1)
    assert result.amount == 0 and not result.eligible
    assert result.lines[-1].params == {"key": "minimum_wage"}


@pytest.mark.parametrize(
    ("children", "cap", "granted"),
    [
        (0, "180.00", "60.00"),
        (1, "215.00", "95.00"),
        (2, "215.00", "95.00"),
        (3, "250.00", "130.00"),
        (5, "250.00", "130.00"),
    ],
)
def test_kuldiga_fuel_benefit_yearly_cap_by_children_less_what_was_paid(children, cap, granted) -> None:
    result = amount_for(
        KULDIGA_FUEL,
        on=ON,
        parameters={},
        household_size=3,
        requested_amount=Decimal("150"),
        paid_this_year=Decimal("120"),
        children=children,
    )
    assert yearly_cap_for(KULDIGA_FUEL, children) == Decimal(cap)
    assert value_of(result, "Yearly cap for a household with %(children)s children") == Decimal(cap)
    assert value_of(result, "Already granted this calendar year") == Decimal("120.00")
    assert value_of(result, "Left within the yearly cap") == Decimal(cap) - 120
    assert result.amount == Decimal(granted) and result.eligible


def test_fuel_receipts_below_the_minimum_sum_give_nothing() -> None:
    result = amount_for(
        KULDIGA_FUEL, on=ON, parameters={}, household_size=1, requested_amount=Decimal("49.99")
    )
    assert result.amount == 0 and not result.eligible
    assert "The costs claimed are below the minimum sum." in labels(result)


def test_a_used_up_yearly_cap_gives_nothing() -> None:
    result = amount_for(
        KULDIGA_FUEL,
        on=ON,
        parameters={},
        household_size=1,
        requested_amount=Decimal("100"),
        paid_this_year=Decimal("180"),
    )
    assert result.amount == 0 and not result.eligible
    assert labels(result)[-1] == "The yearly cap is used up."


@pytest.mark.parametrize(("claimed", "granted"), [("350", "200.00"), ("120.40", "120.40"), ("200", "200.00")])
def test_daugavpils_crisis_benefit_is_the_cost_up_to_200(claimed, granted) -> None:
    result = amount_for(
        DAUGAVPILS_CRISIS, on=ON, parameters={}, household_size=5, requested_amount=Decimal(claimed)
    )
    assert result.amount == Decimal(granted)
    assert value_of(result, "Cap") == Decimal("200.00")


def test_actual_cost_without_a_claim_gives_nothing() -> None:
    result = amount_for(DAUGAVPILS_CRISIS, on=ON, parameters={}, household_size=1, requested_amount=None)
    assert result.amount == 0 and not result.eligible and "No costs are claimed." in labels(result)


def test_a_per_person_cap_grows_with_the_persons() -> None:
    rule = BenefitRule(code="V", amount_rule="actual_cost_capped", cap=Decimal("100"), per="person")
    result = amount_for(rule, on=ON, parameters={}, household_size=3, requested_amount=Decimal("420"))
    assert value_of(result, "Cap for the persons counted") == Decimal("300.00")
    assert result.amount == Decimal("300.00")


def test_a_fixed_sum_per_child_and_once_a_year() -> None:
    first = amount_for(SCHOOL, on=ON, parameters={}, household_size=3)
    assert first.amount == Decimal("150.00") and value_of(first, "Fixed sum per person") == Decimal("50.00")
    again = amount_for(SCHOOL, on=ON, parameters={}, household_size=3, times_paid_this_year=1)
    assert again.amount == 0 and not again.eligible
    assert labels(again)[-1] == "The benefit has been granted as many times this year as allowed."


def test_statuses_have_no_amount_and_formulas_belong_to_the_assessment() -> None:
    status = amount_for(BenefitRule(code="TRUC", amount_rule="none"), on=ON, parameters={}, household_size=2)
    assert status.amount == 0 and status.eligible
    with pytest.raises(ValueError, match="assessment"):
        amount_for(BenefitRule(code="GMI", amount_rule="formula"), on=ON, parameters={}, household_size=2)


def test_the_explanation_survives_its_json_form() -> None:
    result = amount_for(
        KULDIGA_FUEL, on=ON, parameters={}, household_size=1, requested_amount=Decimal("75.5"), children=1
    )
    assert lines_from_json(result.as_json()) == result.lines
    assert result.amount == Decimal("75.50")


def test_a_catalogue_row_is_read_like_a_rule() -> None:
    row = BenefitType(
        code="KRIZE",
        legal_basis="SN",
        amount_rule="percent_of_threshold",
        percent=Decimal("50.000"),
        percent_of="minimum_wage",
        per="household",
        yearly_cap_by_children=[],
    )
    assert amount_for(row, on=ON, parameters=PARAMETERS, household_size=1).amount == Decimal("390.00")


# --- eligibility --------------------------------------------------------------------------------------------


def test_age_is_counted_in_full_years() -> None:
    assert age_on(dt.date(2008, 3, 10), ON) == 18
    assert age_on(dt.date(2008, 3, 11), ON) == 17
    assert age_on(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 0


def test_school_supplies_count_the_children_of_school_age() -> None:
    household = [born(40), born(38), born(3), born(7), born(12), born(18)]
    who = eligibility(SCHOOL, on=ON, members=household, resident=True, statuses={"needy"})
    assert who.eligible and who.counted == 2 and who.reasons == ()
    assert who.lines[0].value == 2


def test_reasons_name_every_condition_not_met() -> None:
    rule = BenefitRule(
        code="DAUDZ",
        amount_rule="fixed",
        amount=Decimal("100"),
        target_groups=("large_family",),
        requires_status="low_income",
    )
    who = eligibility(rule, on=ON, members=[born(40), born(10), born(8)], resident=False, statuses={"needy"})
    assert not who.eligible
    assert who.reasons == (
        "The benefit is for large families: the household has fewer than 3 children.",
        "The benefit is for residents: the declared residence is not in this municipality.",
        "The benefit requires low-income household status, which the household does not have on the date.",
    )
    assert eligibility(
        rule, on=ON, members=[born(40), born(10), born(8), born(1)], resident=True, statuses={"low_income"}
    ).eligible


def test_flags_and_unknown_birth_dates() -> None:
    rule = BenefitRule(
        code="P", amount_rule="fixed", amount=Decimal("30"), target_groups=("pensioner", "disability")
    )
    members = [
        PersonFacts(None, pensioner=True),
        PersonFacts(dt.date(1990, 1, 1)),
        PersonFacts(None, disability=True),
    ]
    assert eligibility(rule, on=ON, members=members, resident=True).counted == 2
    children = BenefitRule(code="C", amount_rule="fixed", amount=Decimal("30"), target_groups=("child",))
    who = eligibility(children, on=ON, members=[PersonFacts(None)], resident=True)
    assert not who.eligible and who.reasons == (
        "No one in the household belongs to the benefit's target groups.",
    )


def test_without_target_groups_everyone_counts_and_status_can_be_left_to_the_caller() -> None:
    who = eligibility(
        BenefitRule(code="A", amount_rule="fixed", amount=Decimal("1"), requires_status="needy"),
        on=ON,
        members=[born(30), born(2)],
        resident=True,
    )
    assert who.eligible and who.counted == 2 and who.lines == ()


def test_benefit_computation_joins_who_and_how_much() -> None:
    household = [born(40), born(7), born(12)]
    result = benefit_computation(
        SCHOOL, on=ON, parameters={}, members=household, resident=True, statuses={"low_income"}
    )
    assert result.amount == Decimal("100.00") and result.eligible
    assert labels(result)[0] == "Household members in the target group"
    refused = benefit_computation(
        SCHOOL, on=ON, parameters={}, members=household, resident=True, statuses=set()
    )
    assert refused.amount == 0 and not refused.eligible
    once = benefit_computation(
        SCHOOL,
        on=ON,
        parameters={},
        members=household,
        resident=True,
        statuses={"needy"},
        history=History(times=1),
    )
    assert once.amount == 0 and not once.eligible


def test_fuel_benefit_tiers_follow_the_children_in_the_household() -> None:
    household = [born(40), born(39), born(2), born(4), born(6)]
    result = benefit_computation(
        KULDIGA_FUEL,
        on=ON,
        parameters={},
        members=household,
        resident=True,
        requested_amount=Decimal("300"),
        history=History(paid=Decimal("120")),
    )
    assert result.amount == Decimal("130.00")  # 3 children: 250 a year, 120 already granted
