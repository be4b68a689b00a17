"""Pure rules of the means test (domain brief §1–3): rounding, the minimum-income thresholds (published
values, or derived from the income median), the household type, and the household's average monthly
income. Benefits are in rules_benefits.py, statuses and the asset test in rules_status.py.

Every function takes the legal parameters valid on the date (`LegalParameters`) and plain facts, and
returns amounts as Decimals in cents with explanation lines (label msgid, value, unit, legal reference)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domains.assistance.explain import Computation, Line
from app.domains.assistance.facts import DeclarationFacts, MemberFacts
from app.domains.assistance.incomes import INCOME_TYPES
from app.domains.assistance.parameters import LegalParameters, ParameterValue
from app.i18n import N_

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SPSPL_33 = "SPSPL 33. p."
SPSPL_5 = "SPSPL 5. p."
MK_809 = "MK 809"
MK_809_ANNEX_2 = "MK 809, 2. pielikums"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(value: Decimal, quantum: Decimal) -> Decimal:
    """Half up to a multiple of `quantum` (1 EUR: whole euros), in cents; a quantum ≤ 0 means cents."""
    if quantum <= 0:
        return cents(value)
    return cents((value / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum)


def line(
    label: str, value: Decimal | int | str | None, unit: str = "", reference: str = "", **params: object
) -> Line:
    if isinstance(value, Decimal) and unit == "EUR":
        value = cents(value)
    return Line(label=label, value=value, unit=unit, reference=reference, params=dict(params))


def parameter_line(label: str, parameter: ParameterValue, unit: str) -> Line:
    value = cents(parameter.value) if unit == "EUR" else parameter.value.normalize()
    if unit == "months" or unit == "":
        return line(label, int(parameter.value), unit, parameter.legal_reference)
    return line(label, value, unit, parameter.legal_reference)


# --- thresholds -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThresholdKind:
    first_key: str
    other_key: str
    percent_key: str
    first_label: str
    other_label: str
    derived_label: str
    percent_label: str


THRESHOLD_KINDS: dict[str, ThresholdKind] = {
    "gmi": ThresholdKind(
        "gmi_first",
        "gmi_other",
        "gmi_percent",
        N_("GMI threshold for the first person"),
        N_("GMI threshold for each other person"),
        N_("GMI threshold for the first person: the median × the percentage, rounded"),
        N_("GMI threshold: percentage of the income median"),
    ),
    "needy": ThresholdKind(
        "needy_first",
        "needy_other",
        "needy_percent",
        N_("Needy threshold for the first person"),
        N_("Needy threshold for each other person"),
        N_("Needy threshold for the first person: the median × the percentage, rounded"),
        N_("Needy threshold: percentage of the income median"),
    ),
    "low_income_max": ThresholdKind(
        "low_income_max_first",
        "low_income_max_other",
        "low_income_max_percent",
        N_("Low-income threshold maximum for the first person"),
        N_("Low-income threshold maximum for each other person"),
        N_("Low-income threshold maximum for the first person: the median × the percentage, rounded"),
        N_("Low-income threshold maximum: percentage of the income median"),
    ),
}
LOW_INCOME_LABELS = (
    N_("Low-income threshold for the first person"),
    N_("Low-income threshold for each other person"),
)
LOW_INCOME_BY_TYPE = N_("The municipality's low-income threshold for this household type applies")
LOW_INCOME_MUNICIPAL = N_("The municipality's low-income threshold applies")
LOW_INCOME_NATIONAL_MAX = N_(
    "The municipality has not set its low-income threshold: "
    "the national maximum (80 percent of the median) applies"
)


@dataclass(frozen=True)
class Threshold:
    """A minimum-income threshold: `first` for the first or only person, `other` for each other one."""

    first: Decimal
    other: Decimal
    lines: tuple[Line, ...]

    def total(self, persons: int) -> Decimal:
        return cents(self.first + self.other * max(persons - 1, 0))


def threshold(kind: str, params: LegalParameters) -> Threshold:
    """The GMI, needy or low-income-maximum threshold on the parameters' date. A published value wins;
    otherwise first = the median × percentage and other = first × the coefficient (0.7), each rounded
    half up to the rounding quantum (whole euros) (SPSPL 33; domain brief §1.1)."""
    spec = THRESHOLD_KINDS[kind]
    lines: list[Line] = []
    published_first = params.optional(spec.first_key)
    if published_first is not None:
        first = cents(published_first.value)
        lines.append(line(spec.first_label, first, "EUR", published_first.legal_reference))
    else:
        median, percent = params.get("income_median"), params.get(spec.percent_key)
        quantum = params.get("rounding_quantum")
        first = round_to(median.value * percent.value / 100, quantum.value)
        lines += [
            parameter_line(N_("Income median"), median, "EUR"),
            parameter_line(spec.percent_label, percent, "%"),
            parameter_line(N_("Thresholds rounded to"), quantum, "EUR"),
            line(spec.derived_label, first, "EUR", percent.legal_reference),
        ]
    published_other = params.optional(spec.other_key)
    if published_other is not None:
        other = cents(published_other.value)
        lines.append(line(spec.other_label, other, "EUR", published_other.legal_reference))
    else:
        coefficient, quantum = params.get("other_person_coefficient"), params.get("rounding_quantum")
        other = round_to(first * coefficient.value, quantum.value)
        lines += [
            parameter_line(N_("Coefficient for each other person"), coefficient, "coefficient"),
            line(spec.other_label, other, "EUR", coefficient.legal_reference),
        ]
    return Threshold(first, other, tuple(lines))


def low_income_threshold(params: LegalParameters, household_type: str | None = None) -> Threshold:
    """The municipality's low-income threshold for the household type, else its general one, else — the
    municipality has not set one — the national maximum, with a line that says which applies. A
    municipality that set only the first person's value gets other = first × the coefficient."""
    kind = params.household_type if household_type is None else household_type
    first = params.optional("low_income_first", kind)
    if first is None or not first.municipal:
        maximum = threshold("low_income_max", params)
        return Threshold(
            maximum.first, maximum.other, (line(LOW_INCOME_NATIONAL_MAX, None, "", SPSPL_33), *maximum.lines)
        )
    note = LOW_INCOME_BY_TYPE if first.household_type else LOW_INCOME_MUNICIPAL
    lines = [
        line(note, None, "", first.legal_reference),
        line(LOW_INCOME_LABELS[0], first.value, "EUR", first.legal_reference),
    ]
    other_value = params.optional("low_income_other", kind)
    if other_value is not None and other_value.municipal:
        other = cents(other_value.value)
        lines.append(line(LOW_INCOME_LABELS[1], other, "EUR", other_value.legal_reference))
    else:
        coefficient, quantum = params.get("other_person_coefficient"), params.get("rounding_quantum")
        other = round_to(first.value * coefficient.value, quantum.value)
        lines += [
            parameter_line(N_("Coefficient for each other person"), coefficient, "coefficient"),
            line(LOW_INCOME_LABELS[1], other, "EUR", coefficient.legal_reference),
        ]
    return Threshold(cents(first.value), other, tuple(lines))


def household_sum_line(label: str, threshold_: Threshold, persons: int, reference: str) -> Line:
    """ "<label>: first + other × %(others)s" with the household's sum."""
    return line(label, threshold_.total(persons), "EUR", reference, others=max(persons - 1, 0))


# --- the household ----------------------------------------------------------------------------------------


def is_child(member: MemberFacts, child_age_limit: int) -> bool:
    return member.age is not None and member.age < child_age_limit


def household_type(members: Iterable[MemberFacts], child_age_limit: int) -> str:
    """single_pensioner: one pensioner or person with a disability living alone; pensioners: every adult
    is a pensioner or has a disability (children may live with them); single_parent: one adult with
    children; working_age: the others (SPSPL 35(5); Liepāja's threshold types, domain brief §1.2)."""
    everyone = list(members)
    adults = [m for m in everyone if not is_child(m, child_age_limit)]
    children = len(everyone) - len(adults)
    if len(everyone) == 1 and adults and adults[0].pensioner_or_disabled:
        return "single_pensioner"
    if adults and all(m.pensioner_or_disabled for m in adults):
        return "pensioners"
    if len(adults) == 1 and children:
        return "single_parent"
    return "working_age"


def has_children(members: Iterable[MemberFacts], child_age_limit: int) -> bool:
    return any(is_child(m, child_age_limit) for m in members)


# --- income -----------------------------------------------------------------------------------------------


def _month_before(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) - n
    return dt.date(index // 12, index % 12 + 1, 1)


def assessment_months(declared_on: dt.date, count: int) -> frozenset[dt.date]:
    """The `count` full calendar months before the month of `declared_on` (first days)."""
    first = declared_on.replace(day=1)
    return frozenset(_month_before(first, n) for n in range(1, count + 1))


REGULAR = N_("Regular income: average of the last %(months)s full months")
IRREGULAR = N_("Irregular income: average of the last %(months)s months")
NOT_COUNTED = N_("Declared but not counted as income (SPSPL Section 5):")
OUTSIDE = N_("Declared for a month outside the assessment period: not counted")
UNKNOWN_TYPE = N_("Income of an unknown type: not counted")
AVERAGE_INCOME = N_("Average monthly household income")


def household_income(facts: DeclarationFacts, params: LegalParameters) -> Computation:
    """I: regular incomes summed over the last `regular_income_months` full months and divided by that
    number, irregular ones over `irregular_income_months` likewise (MK 809 Annex 2; the averaging is
    UNCONFIRMED, hence parameters); types the law does not count are listed but left out."""
    regular_months = params.get("regular_income_months")
    irregular_months = params.get("irregular_income_months")
    periods = {
        True: assessment_months(facts.declared_on, int(regular_months.value)),
        False: assessment_months(facts.declared_on, int(irregular_months.value)),
    }
    counted: dict[bool, dict[str, Decimal]] = {True: defaultdict(Decimal), False: defaultdict(Decimal)}
    excluded: dict[str, Decimal] = defaultdict(Decimal)
    outside = unknown = Decimal(0)
    for income in facts.incomes:
        kind = INCOME_TYPES.get(income.income_type)
        if kind is None:
            unknown += income.amount
        elif income.month.replace(day=1) not in periods[kind.regular]:
            outside += income.amount
        elif not kind.counts:
            excluded[kind.code] += income.amount
        else:
            counted[kind.regular][kind.code] += income.amount
    lines: list[Line] = []
    total = ZERO
    for regular, months in ((True, regular_months), (False, irregular_months)):
        divisor = months.value
        averages = {code: cents(amount / divisor) for code, amount in counted[regular].items()}
        subtotal = sum(averages.values(), ZERO)
        total += subtotal
        if averages:
            lines.append(
                line(
                    REGULAR if regular else IRREGULAR,
                    subtotal,
                    "EUR",
                    months.legal_reference,
                    months=int(divisor),
                )
            )
            for code in INCOME_TYPES:
                if code in averages:
                    lines.append(
                        line(INCOME_TYPES[code].label, averages[code], "EUR", INCOME_TYPES[code].reference)
                    )
    if excluded:
        lines.append(line(NOT_COUNTED, sum(excluded.values(), ZERO), "EUR", SPSPL_5))
        for code in INCOME_TYPES:
            if code in excluded:
                lines.append(
                    line(INCOME_TYPES[code].label, excluded[code], "EUR", INCOME_TYPES[code].reference)
                )
    if outside:
        lines.append(line(OUTSIDE, outside, "EUR", MK_809))
    if unknown:
        lines.append(line(UNKNOWN_TYPE, unknown, "EUR", MK_809_ANNEX_2))
    total = cents(total)
    lines.append(line(AVERAGE_INCOME, total, "EUR", MK_809_ANNEX_2))
    return Computation(amount=total, eligible=True, lines=tuple(lines))


PERSONS = N_("Persons in the household")
OTHERS = N_("Other persons in the household")


def persons_lines(facts: DeclarationFacts) -> list[Line]:
    return [line(PERSONS, facts.persons, "", MK_809), line(OTHERS, max(facts.persons - 1, 0), "", MK_809)]
