"""The benefit catalogue's rules as pure functions (domain brief §5.2): who a benefit is for (target groups,
age range, residence, status) and how much it is (a fixed sum, a percentage of a threshold or of the
minimum wage, the actual cost up to a cap; per person or per household; yearly caps). Each returns its
explanation lines; the date, the legal parameters and the household's facts are arguments.

GMI and the housing benefit (amount rule "formula") and the statuses are computed by the means-test
assessment (`app.domains.assistance.assessment`), not here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from app.domains.assistance.explain import Computation, Line
from app.domains.assistance.parameters import LegalParameters, ParameterValue
from app.domains.benefits.catalogue_terms import PERCENT_OF, PERSON_GROUPS, STATUS_MISSING
from app.i18n import N_

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ADULT_AGE = 18
Parameters = LegalParameters | Mapping[str, Decimal | int | ParameterValue]
LARGE_FAMILY_CHILDREN = 3


class BenefitValues(Protocol):
    """The catalogue entry as the rules read it: a `BenefitType` row or a `BenefitRule`."""

    @property
    def code(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def legal_basis(self) -> str: ...
    @property
    def requires_status(self) -> str: ...
    @property
    def target_groups(self) -> Sequence[str]: ...
    @property
    def min_age(self) -> int | None: ...
    @property
    def max_age(self) -> int | None: ...
    @property
    def residents_only(self) -> bool: ...
    @property
    def amount_rule(self) -> str: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def percent(self) -> Decimal | None: ...
    @property
    def percent_of(self) -> str | None: ...
    @property
    def cap(self) -> Decimal | None: ...
    @property
    def min_claim(self) -> Decimal | None: ...
    @property
    def per(self) -> str: ...
    @property
    def yearly_cap(self) -> Decimal | None: ...
    @property
    def yearly_cap_by_children(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def times_per_year(self) -> int | None: ...


@dataclass(frozen=True)
class BenefitRule:
    """A catalogue entry's rules as plain values (tests, previews); the defaults are the model's."""

    code: str
    amount_rule: str
    kind: str = "other"
    legal_basis: str = ""
    requires_status: str = "none"
    target_groups: Sequence[str] = ()
    min_age: int | None = None
    max_age: int | None = None
    residents_only: bool = True
    amount: Decimal | None = None
    percent: Decimal | None = None
    percent_of: str | None = None
    cap: Decimal | None = None
    min_claim: Decimal | None = None
    per: str = "household"
    yearly_cap: Decimal | None = None
    yearly_cap_by_children: Sequence[Mapping[str, Any]] = ()
    times_per_year: int | None = None


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- who: target groups, age, residence, status -------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """One member of the household on the date (the applicant among them)."""

    birth_date: dt.date | None
    pensioner: bool = False
    disability: bool = False
    orphan: bool = False  # an orphan or a child left without parental care


@dataclass(frozen=True)
class Eligibility:
    """`counted`: the members the benefit is for (the multiplier of a per-person amount); `reasons`: the
    msgids of what is not met (empty when eligible); `lines`: the explanation of both."""

    eligible: bool
    counted: int
    lines: tuple[Line, ...]
    reasons: tuple[str, ...] = ()


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years on `on`."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def _in_groups(person: PersonFacts, groups: Collection[str], on: dt.date) -> bool:
    age = age_on(person.birth_date, on) if person.birth_date else None
    checks = {
        "child": age is not None and age < ADULT_AGE,
        "adult": age is not None and age >= ADULT_AGE,
        "pensioner": person.pensioner,
        "disability": person.disability,
        "orphan": person.orphan,
    }
    return any(checks[g] for g in groups if g in checks)


def _in_age_range(person: PersonFacts, benefit: BenefitValues, on: dt.date) -> bool:
    if benefit.min_age is None and benefit.max_age is None:
        return True
    if person.birth_date is None:
        return False
    age = age_on(person.birth_date, on)
    return (benefit.min_age is None or age >= benefit.min_age) and (
        benefit.max_age is None or age <= benefit.max_age
    )


def children_of(members: Sequence[PersonFacts], on: dt.date) -> int:
    return sum(1 for m in members if m.birth_date and age_on(m.birth_date, on) < ADULT_AGE)


def _status_met(required: str, statuses: Collection[str]) -> bool:
    if required == "needy_or_low_income":
        return "needy" in statuses or "low_income" in statuses
    return required == "none" or required in statuses


def eligibility(
    benefit: BenefitValues,
    *,
    on: dt.date,
    members: Sequence[PersonFacts],
    resident: bool,
    statuses: Collection[str] | None = None,
) -> Eligibility:
    """Whether the household (`members`, the applicant among them) fits the benefit's target groups, age
    range, residence and required status on `on`. A member counts when they belong to any of the person
    groups (all members when none is named) and are within the age range; "large family" is a condition on
    the household. `statuses`: the household's statuses valid on `on` ("needy", "low_income"); None when
    the caller checks the status itself."""
    lines: list[Line] = []
    reasons: list[str] = []
    reference = benefit.legal_basis

    def refuse(message: str, **params: Any) -> None:
        reasons.append(message)
        lines.append(Line(message, reference=reference, params=params))

    person_groups = [g for g in benefit.target_groups if g in PERSON_GROUPS]
    counted = [
        m
        for m in members
        if (not person_groups or _in_groups(m, person_groups, on)) and _in_age_range(m, benefit, on)
    ]
    if person_groups or benefit.min_age is not None or benefit.max_age is not None:
        lines.append(Line(N_("Household members in the target group"), len(counted), reference=reference))
    if not counted:
        refuse(N_("No one in the household belongs to the benefit's target groups."))
    if "large_family" in benefit.target_groups:
        children = children_of(members, on)
        lines.append(Line(N_("Children under 18 in the household"), children, reference=reference))
        if children < LARGE_FAMILY_CHILDREN:
            refuse(N_("The benefit is for large families: the household has fewer than 3 children."))
    if benefit.residents_only and not resident:
        refuse(N_("The benefit is for residents: the declared residence is not in this municipality."))
    if statuses is not None and not _status_met(benefit.requires_status, statuses):
        refuse(STATUS_MISSING[benefit.requires_status])
    return Eligibility(not reasons, len(counted), tuple(lines), tuple(reasons))


# --- how much: fixed, percentage, actual cost; per person; yearly caps --------------------------------------


def parameter(parameters: Parameters, key: str) -> tuple[Decimal, str] | None:
    """`key`'s value and legal reference in `parameters`: the LegalParameters of `load_parameters` (the
    municipality's value wins), or a plain mapping (tests, previews); None when it has no value."""
    found = parameters.optional(key) if isinstance(parameters, LegalParameters) else parameters.get(key)
    if found is None:
        return None
    if isinstance(found, Decimal | int):
        return Decimal(found), ""
    return found.value, found.legal_reference


def yearly_cap_for(benefit: BenefitValues, children: int) -> Decimal | None:
    """The yearly cap for a household with `children` children: the highest tier they reach, else the base
    cap (Kuldīga: 180 without children, 215 with 1–2, 250 with 3 or more)."""
    cap = benefit.yearly_cap
    for tier in sorted(benefit.yearly_cap_by_children or (), key=lambda t: int(t["children_from"])):
        if children >= int(tier["children_from"]):
            cap = Decimal(str(tier["cap"]))
    return cap


def _base_amount(
    benefit: BenefitValues,
    lines: list[Line],
    *,
    parameters: Parameters,
    persons: int,
    requested_amount: Decimal | None,
) -> Decimal | None:
    """The amount before the yearly limits, None when there is none to give (with the line saying why)."""
    reference = benefit.legal_basis
    per_person = benefit.per == "person"
    if per_person:
        lines.append(Line(N_("Persons the benefit is counted for"), persons, reference=reference))
    multiplier = persons if per_person else 1
    rule = benefit.amount_rule
    if rule == "fixed":
        assert benefit.amount is not None
        unit_amount = money(benefit.amount)
        label = N_("Fixed sum per person") if per_person else N_("Fixed sum")
        lines.append(Line(label, unit_amount, "EUR", reference))
        return money(unit_amount * multiplier)
    if rule == "percent_of_threshold":
        assert benefit.percent is not None and benefit.percent_of in PERCENT_OF
        base = PERCENT_OF[benefit.percent_of]
        found = parameter(parameters, base.key)
        if found is None:
            lines.append(Line(N_("The parameter is not set for the date: %(key)s"), params={"key": base.key}))
            return None
        value, parameter_reference = found
        lines.append(Line(base.label, money(value), "EUR", parameter_reference))
        lines.append(Line(N_("Percentage of it"), benefit.percent.normalize(), "%", reference))
        unit_amount = money(value * benefit.percent / 100)
        if per_person:
            lines.append(Line(N_("Amount per person"), unit_amount, "EUR", reference))
        return money(unit_amount * multiplier)
    if rule == "actual_cost_capped":
        assert benefit.cap is not None
        if requested_amount is None or requested_amount <= 0:
            lines.append(Line(N_("No costs are claimed."), reference=reference))
            return None
        claimed = money(requested_amount)
        lines.append(Line(N_("Costs claimed (receipts, bills)"), claimed, "EUR"))
        if benefit.min_claim is not None:
            lines.append(Line(N_("Minimum sum of the receipts"), money(benefit.min_claim), "EUR", reference))
            if claimed < benefit.min_claim:
                lines.append(Line(N_("The costs claimed are below the minimum sum."), reference=reference))
                return None
        cap = money(benefit.cap * multiplier)
        label = N_("Cap per person") if per_person else N_("Cap")
        lines.append(Line(label, money(benefit.cap), "EUR", reference))
        if per_person:
            lines.append(Line(N_("Cap for the persons counted"), cap, "EUR", reference))
        return min(claimed, cap)
    raise ValueError(f"amount rule {rule!r} of {benefit.code} is not computed by the catalogue")


def amount_for(
    benefit_type_values: BenefitValues,
    *,
    on: dt.date,
    parameters: Parameters,
    household_size: int,
    requested_amount: Decimal | None = None,
    paid_this_year: Decimal = ZERO,
    times_paid_this_year: int = 0,
    children: int = 0,
) -> Computation:
    """The benefit's amount on `on` with its explanation. `parameters`: the legal parameters in force on
    `on` (see `parameter`); `household_size`: the persons a per-person amount counts (Eligibility.counted);
    `requested_amount`: the actual cost claimed; `paid_this_year`, `times_paid_this_year`: what was granted
    of this benefit in `on`'s calendar year; `children`: the household's children (tiered yearly caps).

    Amount rule "none" (statuses) gives 0, eligible; "formula" (GMI, housing) raises ValueError: those are
    computed by `assistance.assessment.assess_declaration`."""
    benefit = benefit_type_values
    reference = benefit.legal_basis
    if benefit.amount_rule == "formula":
        raise ValueError(f"{benefit.code}: GMI and the housing benefit are computed by the assessment")
    lines = [Line(N_("Benefit type"), benefit.code, reference=reference)]
    if benefit.amount_rule == "none":
        lines.append(Line(N_("No amount: the decision grants a status."), reference=reference))
        return Computation(ZERO, True, tuple(lines))
    amount = _base_amount(
        benefit,
        lines,
        parameters=parameters,
        persons=max(household_size, 0),
        requested_amount=requested_amount,
    )
    if amount is None:
        return Computation(ZERO, False, tuple(lines))
    lines.append(Line(N_("Amount before the yearly limits"), amount, "EUR", reference))
    if benefit.times_per_year is not None:
        lines.append(Line(N_("Times a year at most"), benefit.times_per_year, reference=reference))
        lines.append(Line(N_("Times granted this calendar year"), times_paid_this_year))
        if times_paid_this_year >= benefit.times_per_year:
            lines.append(Line(N_("The benefit has been granted as many times this year as allowed.")))
            return Computation(ZERO, False, tuple(lines))
    cap = yearly_cap_for(benefit, children)
    if cap is not None:
        if benefit.yearly_cap_by_children:
            label = N_("Yearly cap for a household with %(children)s children")
            lines.append(Line(label, money(cap), "EUR", reference, {"children": children}))
        else:
            lines.append(Line(N_("Yearly cap"), money(cap), "EUR", reference))
        paid = money(paid_this_year)
        left = max(money(cap - paid), ZERO)
        lines.append(Line(N_("Already granted this calendar year"), paid, "EUR"))
        lines.append(Line(N_("Left within the yearly cap"), left, "EUR"))
        if left <= 0:
            lines.append(Line(N_("The yearly cap is used up.")))
            return Computation(ZERO, False, tuple(lines))
        amount = min(amount, left)
    lines.append(Line(N_("Benefit amount"), amount, "EUR", reference))
    return Computation(amount, amount > 0, tuple(lines))


@dataclass(frozen=True)
class History:
    """What the household was already granted of the benefit in the calendar year."""

    paid: Decimal = ZERO
    times: int = 0


def benefit_computation(
    benefit: BenefitValues,
    *,
    on: dt.date,
    parameters: Parameters,
    members: Sequence[PersonFacts],
    resident: bool,
    statuses: Collection[str] | None = None,
    requested_amount: Decimal | None = None,
    history: History | None = None,
) -> Computation:
    """Eligibility and amount together: the lines of both; 0 and not eligible when a condition fails."""
    who = eligibility(benefit, on=on, members=members, resident=resident, statuses=statuses)
    history = history or History()
    amount = amount_for(
        benefit,
        on=on,
        parameters=parameters,
        household_size=who.counted,
        requested_amount=requested_amount,
        paid_this_year=history.paid,
        times_paid_this_year=history.times,
        children=children_of(members, on),
    )
    if not who.eligible:
        return Computation(ZERO, False, who.lines + amount.lines)
    return Computation(amount.amount, amount.eligible, who.lines + amount.lines, amount.period_months)
