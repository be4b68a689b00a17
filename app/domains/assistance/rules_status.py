"""Pure rules of the needy and low-income statuses (domain brief §2): the asset test, the income test
against the household's threshold, and the period (3 months; 6 when no member is of working age; 1 when
the income qualifies but another criterion is not met).

Which failures give the 1-month period: the brief (§1.5, §2.3; MK 809) grants 1 month "when the income
qualifies but another regulatory criterion is not met", and issue 4 reads it as "a non-income criterion".
The asset conditions (SPSPL 36) are such criteria, so a failed asset test gives the 1-month period while
the parameter `asset_failure_one_month` is 1 (the migration's value, UNCONFIRMED); set it to 0 and a failed
asset test refuses instead. The worker records any other failed criterion (e.g. co-operation duties) on
the declaration (`other_criterion_failed`), which also gives 1 month."""

from __future__ import annotations

from collections.abc import Iterable

from app.domains.assistance.explain import Computation, Line
from app.domains.assistance.facts import DeclarationFacts, MemberFacts
from app.domains.assistance.parameters import LegalParameters
from app.domains.assistance.rules import (
    MK_809,
    ZERO,
    cents,
    has_children,
    household_income,
    household_sum_line,
    household_type,
    is_child,
    line,
    low_income_threshold,
    parameter_line,
    persons_lines,
    threshold,
)
from app.i18n import N_

SPSPL_36 = "SPSPL 36. p. 1. d."

ASSETS_PASSED = N_("Asset test passed")
ASSETS_FAILED = N_("Asset test not passed")
PROPERTY_OK = N_("Real property besides the dwelling: none")
PROPERTY_FAILED = N_("Real property besides the dwelling: the household owns some")
SAVINGS_OK = N_("Savings: within the limit")
SAVINGS_FAILED = N_("Savings: above the limit")
VEHICLES_OK = N_("Motor vehicles: within the limit")
VEHICLES_FAILED = N_("Motor vehicles: above the limit")
LAND_OK = N_("Land: within the limit")
LAND_FAILED = N_("Land: above the limit")
CONTRACT_OK = N_("Maintenance contract: none")
CONTRACT_FAILED = N_("Maintenance contract: concluded")


def asset_test(facts: DeclarationFacts, params: LegalParameters) -> Computation:
    """SPSPL 36(1)(2): one real property where the household lives (or a rented dwelling), savings up to
    the limit, one motor vehicle (two with children), up to 5 ha of land; no maintenance contract (an
    earlier rule, kept, UNCONFIRMED under MK 809). `eligible` says whether every criterion holds."""
    savings_limit = params.get("savings_limit")
    child_age = params.whole("child_age_limit")
    with_children = has_children(facts.members, child_age)
    vehicles_limit = params.get("vehicles_max_with_children" if with_children else "vehicles_max")
    land_limit = params.get("land_max_hectares")
    checks: list[tuple[bool, list[Line]]] = [
        (
            facts.other_real_property == 0,
            [
                line(
                    PROPERTY_OK if facts.other_real_property == 0 else PROPERTY_FAILED,
                    facts.other_real_property,
                    "",
                    SPSPL_36,
                )
            ],
        ),
        (
            facts.savings <= savings_limit.value,
            [
                parameter_line(N_("Savings limit"), savings_limit, "EUR"),
                line(
                    SAVINGS_OK if facts.savings <= savings_limit.value else SAVINGS_FAILED,
                    facts.savings,
                    "EUR",
                    SPSPL_36,
                ),
            ],
        ),
        (
            facts.vehicles <= vehicles_limit.value,
            [
                parameter_line(
                    N_("Motor vehicles allowed with children")
                    if with_children
                    else N_("Motor vehicles allowed"),
                    vehicles_limit,
                    "",
                ),
                line(
                    VEHICLES_OK if facts.vehicles <= vehicles_limit.value else VEHICLES_FAILED,
                    facts.vehicles,
                    "",
                    SPSPL_36,
                ),
            ],
        ),
        (
            facts.land_hectares <= land_limit.value,
            [
                parameter_line(N_("Land allowed"), land_limit, "ha"),
                line(
                    LAND_OK if facts.land_hectares <= land_limit.value else LAND_FAILED,
                    facts.land_hectares,
                    "ha",
                    SPSPL_36,
                ),
            ],
        ),
        (
            not facts.maintenance_contract,
            [line(CONTRACT_FAILED if facts.maintenance_contract else CONTRACT_OK, None, "", SPSPL_36)],
        ),
    ]
    passed = all(ok for ok, _ in checks)
    lines = [item for _, group in checks for item in group]
    lines.append(line(ASSETS_PASSED if passed else ASSETS_FAILED, None, "", SPSPL_36))
    return Computation(amount=ZERO, eligible=passed, lines=tuple(lines))


def no_working_age_member(members: Iterable[MemberFacts], child_age_limit: int) -> bool:
    """Every member is a child, a pensioner or a person with a disability: the long (6-month) period.
    UNCONFIRMED criterion (domain brief §2.3); change it here when MK 809's text is known."""
    everyone = list(members)
    return bool(everyone) and all(is_child(m, child_age_limit) or m.pensioner_or_disabled for m in everyone)


ASSET_SHORT = N_("The asset test is not passed: the short period applies")
ASSET_REFUSED = N_("The asset test is not passed: no entitlement")
OTHER_CRITERION = N_("Another criterion is not met: the short period applies")


def other_criteria(
    facts: DeclarationFacts, params: LegalParameters, assets: Computation
) -> tuple[bool, bool, list[Line]]:
    """(refused, short period, lines) for a household whose income qualifies."""
    lines: list[Line] = []
    short = False
    if not assets.eligible:
        rule = params.get("asset_failure_one_month")
        if rule.value == 0:
            return True, False, [line(ASSET_REFUSED, None, "", rule.legal_reference)]
        lines.append(line(ASSET_SHORT, None, "", rule.legal_reference))
        short = True
    if facts.other_criterion_failed:
        lines.append(line(OTHER_CRITERION, facts.other_criterion_failed, "", MK_809))
        short = True
    return False, short, lines


def status_period(facts: DeclarationFacts, params: LegalParameters, *, short: bool) -> tuple[int, Line]:
    if short:
        months = params.get("status_period_months_short")
        return int(months.value), parameter_line(
            N_("Status period when another criterion is not met"), months, "months"
        )
    if no_working_age_member(facts.members, params.whole("child_age_limit")):
        months = params.get("status_period_months_long")
        return int(months.value), parameter_line(
            N_("Status period: no member is of working age"), months, "months"
        )
    months = params.get("status_period_months")
    return int(months.value), parameter_line(N_("Status period"), months, "months")


STATUS_LABELS = {
    "needy": (
        N_("Needy threshold for the household: first person + %(others)s × each other person"),
        N_("Income within the needy threshold"),
        N_("Income above the needy threshold: no needy status"),
    ),
    "low_income": (
        N_("Low-income threshold for the household: first person + %(others)s × each other person"),
        N_("Income within the low-income threshold"),
        N_("Income above the low-income threshold: no low-income status"),
    ),
}
STATUS_GRANTED = {
    "needy": N_("The household qualifies as needy"),
    "low_income": N_("The household qualifies as low-income"),
}
STATUS_REFUSED = {
    "needy": N_("The household does not qualify as needy"),
    "low_income": N_("The household does not qualify as low-income"),
}


def household_status(kind: str, facts: DeclarationFacts, params: LegalParameters) -> Computation:
    """Needy ("needy") or low-income ("low_income") status: the average monthly income must not exceed
    the household's threshold (first + other × others), the asset test and the other criteria decide
    between the full period and 1 month (or refusal). `amount` is 0: a status pays nothing itself."""
    if kind == "needy":
        limit = threshold("needy", params)
    else:
        child_age = params.whole("child_age_limit")
        limit = low_income_threshold(
            params, params.household_type or household_type(facts.members, child_age)
        )
    sum_label, within_label, above_label = STATUS_LABELS[kind]
    income = household_income(facts, params)
    household_limit = limit.total(facts.persons)
    lines: list[Line] = [*persons_lines(facts), *limit.lines]
    lines.append(
        household_sum_line(
            sum_label, limit, facts.persons, limit.lines[-1].reference if limit.lines else MK_809
        )
    )
    lines += income.lines
    if income.amount > household_limit:
        lines += [
            line(above_label, cents(income.amount - household_limit), "EUR", MK_809),
            line(STATUS_REFUSED[kind], None, "", MK_809),
        ]
        return Computation(amount=ZERO, eligible=False, lines=tuple(lines))
    lines.append(line(within_label, household_limit, "EUR", MK_809))
    assets = asset_test(facts, params)
    lines += assets.lines
    refused, short, reasons = other_criteria(facts, params, assets)
    lines += reasons
    if refused:
        lines.append(line(STATUS_REFUSED[kind], None, "", MK_809))
        return Computation(amount=ZERO, eligible=False, lines=tuple(lines))
    months, period_line = status_period(facts, params, short=short)
    lines += [period_line, line(STATUS_GRANTED[kind], None, "", MK_809)]
    return Computation(amount=ZERO, eligible=True, lines=tuple(lines), period_months=months)


def needy_status(facts: DeclarationFacts, params: LegalParameters) -> Computation:
    return household_status("needy", facts, params)


def low_income_status(facts: DeclarationFacts, params: LegalParameters) -> Computation:
    return household_status("low_income", facts, params)
