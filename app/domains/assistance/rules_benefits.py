"""Pure rules of the two basic social-assistance benefits (domain brief §1.3, §3):

  GMI benefit      Pgmi = (GMI1 + GMI2 × N) − I                 (MK 809; ≤ 0: no entitlement)
  housing benefit  MP   = k × (GMI1 + GMI2 × N) + H − I         (SPSPL 35(5); MK 809; ≤ 0: no benefit)

N: the other persons in the household; I: its average monthly income (rules.household_income); k by the
household type; H: the monthly housing costs, each item capped by its norm (the municipality's when more
generous). Amounts in cents, half up."""

from __future__ import annotations

from decimal import Decimal

from app.domains.assistance.explain import Computation, Line
from app.domains.assistance.facts import DeclarationFacts
from app.domains.assistance.parameters import HOUSING_COST_ITEMS, SPECS, LegalParameters
from app.domains.assistance.rules import (
    MK_809,
    ZERO,
    cents,
    household_income,
    household_sum_line,
    household_type,
    line,
    parameter_line,
    persons_lines,
    threshold,
)
from app.domains.assistance.rules_status import asset_test, other_criteria
from app.i18n import N_

SPSPL_35 = "SPSPL 35. p. 5. d."

GMI_SUM = N_("GMI sum for the household: first person + %(others)s × each other person")
GMI_AMOUNT = N_("GMI benefit: the GMI sum − the household income")
GMI_NONE = N_("The income is not below the GMI sum: no GMI benefit")
GMI_PERIOD = N_("GMI benefit period")
GMI_PERIOD_SHORT = N_("GMI benefit period when another criterion is not met")


def gmi_benefit(facts: DeclarationFacts, params: LegalParameters) -> Computation:
    """Pgmi = (GMI1 + GMI2 × N) − I, granted for `gmi_period_months` (3), or 1 month when the income
    qualifies but another criterion (the asset test included, see rules_status) is not met."""
    gmi = threshold("gmi", params)
    income = household_income(facts, params)
    gmi_sum = gmi.total(facts.persons)
    lines: list[Line] = [
        *persons_lines(facts),
        *gmi.lines,
        household_sum_line(GMI_SUM, gmi, facts.persons, MK_809),
    ]
    lines += income.lines
    amount = cents(gmi_sum - income.amount)
    if amount <= 0:
        lines.append(line(GMI_NONE, ZERO, "EUR", MK_809))
        return Computation(amount=ZERO, eligible=False, lines=tuple(lines))
    assets = asset_test(facts, params)
    lines += assets.lines
    refused, short, reasons = other_criteria(facts, params, assets)
    lines += reasons
    if refused:
        return Computation(amount=ZERO, eligible=False, lines=tuple(lines))
    period = params.get("gmi_period_months_short" if short else "gmi_period_months")
    lines += [
        line(GMI_AMOUNT, amount, "EUR", MK_809),
        parameter_line(GMI_PERIOD_SHORT if short else GMI_PERIOD, period, "months"),
    ]
    return Computation(amount=amount, eligible=True, lines=tuple(lines), period_months=int(period.value))


HOUSING_KEYS = {
    "single_pensioner": "housing_coefficient_single_pensioner",
    "pensioners": "housing_coefficient_pensioners",
}
HOUSING_BASE = N_("GMI sum × the coefficient")
HOUSING_COSTS = N_("Housing costs counted (each item up to its norm)")
ABOVE_NORM = N_("Above the norm, not counted")
NO_NORM = N_("An item without a norm, not counted")
HOUSING_AMOUNT = N_("Housing benefit: GMI sum × coefficient + housing costs − household income")
HOUSING_NONE = N_("The income is not below the GMI sum × coefficient + housing costs: no housing benefit")
NO_COSTS = N_("No housing costs declared")
_ITEM_ORDER = {item: n for n, item in enumerate(HOUSING_COST_ITEMS)}


def housing_costs(facts: DeclarationFacts, params: LegalParameters) -> tuple[Decimal, list[Line]]:
    """H: each declared item up to its monthly norm (national floor, or the more generous municipal
    norm), for the household's size. Items without a norm on the date are not counted."""
    others = max(facts.persons - 1, 0)
    total = ZERO
    lines: list[Line] = []
    for cost in sorted(facts.housing_costs, key=lambda c: _ITEM_ORDER.get(c.item, len(_ITEM_ORDER))):
        norm = params.housing_norms.get(cost.item)
        if norm is None or cost.item not in HOUSING_COST_ITEMS:
            lines.append(line(NO_NORM, cents(cost.amount), "EUR", MK_809))
            continue
        cap = cents(norm.cap(others))
        counted = min(cents(cost.amount), cap)
        total += counted
        lines.append(line(HOUSING_COST_ITEMS[cost.item], counted, "EUR", norm.legal_reference))
        if cost.amount > cap:
            lines.append(line(ABOVE_NORM, cents(cost.amount - cap), "EUR", norm.legal_reference))
    return cents(total), lines


def housing_benefit(facts: DeclarationFacts, params: LegalParameters) -> Computation:
    """MP = k × (GMI1 + GMI2 × N) + H − I with k = 2.5 for a pensioner or person with a disability living
    alone, 2 for a household of only pensioners / persons with disabilities (children may live with them),
    1.5 for the others (SPSPL 35(5)). No status is required."""
    kind = household_type(facts.members, params.whole("child_age_limit"))
    coefficient_key = HOUSING_KEYS.get(kind, "housing_coefficient_other")
    coefficient = params.get(coefficient_key)
    gmi = threshold("gmi", params)
    gmi_sum = gmi.total(facts.persons)
    base = cents(coefficient.value * gmi_sum)
    income = household_income(facts, params)
    costs, cost_lines = housing_costs(facts, params)
    lines: list[Line] = [
        *persons_lines(facts),
        *gmi.lines,
        household_sum_line(GMI_SUM, gmi, facts.persons, MK_809),
    ]
    lines += [
        parameter_line(SPECS[coefficient_key].label, coefficient, "coefficient"),
        line(HOUSING_BASE, base, "EUR", SPSPL_35),
        *cost_lines,
        line(HOUSING_COSTS, costs, "EUR", MK_809)
        if facts.housing_costs
        else line(NO_COSTS, ZERO, "EUR", MK_809),
        *income.lines,
    ]
    amount = cents(base + costs - income.amount)
    if amount <= 0:
        lines.append(line(HOUSING_NONE, ZERO, "EUR", MK_809))
        return Computation(amount=ZERO, eligible=False, lines=tuple(lines))
    lines.append(line(HOUSING_AMOUNT, amount, "EUR", MK_809))
    return Computation(amount=amount, eligible=True, lines=tuple(lines))
