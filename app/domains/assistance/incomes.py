"""Income types of the means-test declaration (MK 809 Annex 2; SPSPL Section 5) and the months each is
declared for: regular incomes for the last 3 full calendar months before the declaration month,
irregular ones for the last 12. Types that the law does not count as income are declared (they are
on the statements) but excluded from the household income, and the explanation says so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


def _label(text: str) -> str:  # extraction marker (keyword _label)
    return text


@dataclass(frozen=True)
class IncomeType:
    code: str
    label: str  # msgid
    regular: bool  # True: last 3 full months; False: last 12 months
    counts: bool  # False: declared but not counted (SPSPL 5)
    reference: str


INCOME_TYPES: dict[str, IncomeType] = {
    t.code: t
    for t in (
        IncomeType("wages", _label("Wages"), True, True, "MK 809, 2. pielikums, 2.1."),
        IncomeType(
            "self_employment", _label("Income from economic activity"), True, True, "MK 809, 1. pielikums"
        ),
        IncomeType("pension", _label("Old-age pension"), True, True, "MK 809, 2. pielikums, 2.1."),
        IncomeType(
            "disability_pension", _label("Disability pension"), True, True, "MK 809, 2. pielikums, 2.1."
        ),
        IncomeType(
            "vsaa_benefit", _label("State social insurance benefit"), True, True, "MK 809, 2. pielikums, 2.1."
        ),
        IncomeType(
            "unemployment_benefit", _label("Unemployment benefit"), True, True, "MK 809, 2. pielikums, 2.1."
        ),
        IncomeType("maintenance", _label("Maintenance payments"), True, True, "MK 809, 2. pielikums, 2.1."),
        IncomeType("stipend_over_limit", _label("Stipend above the minimum wage"), True, True, "SPSPL 5. p."),
        IncomeType("other_regular", _label("Other regular income"), True, True, "MK 809, 2. pielikums, 2.1."),
        IncomeType(
            "property_sale", _label("Sale of own property"), False, True, "MK 809, 2. pielikums, 2.2."
        ),
        IncomeType(
            "gift", _label("Gifts and other irregular payments"), False, True, "MK 809, 2. pielikums, 2.2."
        ),
        IncomeType(
            "other_irregular", _label("Other irregular income"), False, True, "MK 809, 2. pielikums, 2.2."
        ),
        # Declared but not counted (SPSPL Section 5).
        IncomeType(
            "family_benefit", _label("State family benefit and supplements"), True, False, "SPSPL 5. p."
        ),
        IncomeType("disability_care_benefit", _label("Disability care benefit"), True, False, "SPSPL 5. p."),
        IncomeType("assistant_benefit", _label("Benefit for using an assistant"), True, False, "SPSPL 5. p."),
        IncomeType(
            "transport_compensation",
            _label("Transport compensation for a person with a disability"),
            True,
            False,
            "SPSPL 5. p.",
        ),
        IncomeType("birth_death_benefit", _label("Childbirth or death benefit"), False, False, "SPSPL 5. p."),
        IncomeType("stipend", _label("Stipend up to the minimum wage"), True, False, "SPSPL 5. p."),
        IncomeType(
            "child_earnings",
            _label("Earnings of a child under 18 up to the minimum wage"),
            True,
            False,
            "SPSPL 5. p.",
        ),
        IncomeType("student_loan", _label("Student loan"), False, False, "SPSPL 5. p."),
        IncomeType(
            "municipal_assistance", _label("Municipal social assistance benefits"), True, False, "SPSPL 5. p."
        ),
        IncomeType("charity", _label("Charity and purposeful in-kind support"), False, False, "SPSPL 5. p."),
        IncomeType(
            "other_not_counted", _label("Other income not counted by law"), False, False, "SPSPL 5. p."
        ),
    )
}

REGULAR_MONTHS = 3
IRREGULAR_MONTHS = 12


def _month_before(month: date, n: int) -> date:
    index = month.year * 12 + (month.month - 1) - n
    return date(index // 12, index % 12 + 1, 1)


def declaration_months(declared_on: date, regular: bool) -> tuple[date, ...]:
    """The full calendar months an income is declared for, oldest first, as first days of the month:
    declared on 15.03.2026 → regular Dec 2025, Jan, Feb 2026; irregular Mar 2025 … Feb 2026."""
    count = REGULAR_MONTHS if regular else IRREGULAR_MONTHS
    first_of_month = declared_on.replace(day=1)
    return tuple(_month_before(first_of_month, n) for n in range(count, 0, -1))
