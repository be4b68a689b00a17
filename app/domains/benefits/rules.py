"""Pure rules of applications and decisions: which benefits need a declaration, which formula assesses
them, what a decision may say (outcome, amount, period, reasons), and what a change or stop may do to a
running grant. Messages are English msgids, translated where shown; nothing here touches the database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.domains.assistance.explain import Computation, Line
from app.domains.benefits.periods import ONE_DAY, Period, period_of_months
from app.i18n import N_

Errors = dict[str, list[str]]

APPLICATION_SEQUENCE = "applications"
APPLICATION_PREFIX = "PA"
DECISION_SEQUENCE = "decisions"
DECISION_PREFIX = "LEM"
MAX_REASONS = 5000
MAX_NOTE = 2000
MAX_AMOUNT = Decimal("99999.99")
CENT = Decimal("0.01")

# Kinds whose formula is the means test itself (assistance/assessment.py), by the name it knows them by.
MEANS_KINDS = ("gmi", "housing", "needy_status", "low_income_status")
STATUS_KINDS = {"needy_status": "needy", "low_income_status": "low_income"}
# The statuses a benefit type's `requires_status` accepts.
REQUIRED_STATUSES = {
    "none": (),
    "needy": ("needy",),
    "low_income": ("low_income",),
    "needy_or_low_income": ("needy", "low_income"),
}
# A means-tested catalogue benefit measured against a threshold uses that test of the declaration.
THRESHOLD_TESTS = {"gmi": "gmi", "needy": "needy_status", "low_income": "low_income_status"}
# Benefits checked in the other municipalities before a grant (issue 4, item 6).
CROSS_CHECKED_KINDS = ("gmi", "housing")
# Paid once per decision (a one-off benefit, or one of a benefit's payments in a year): a one-day period.
SINGLE_PAYMENT = ("one_off", "per_year")

CHANNELS = {"in_person": N_("In person"), "e_service": N_("E-service"), "post": N_("By post")}
APPLICATION_STATUSES = {
    "received": N_("Received"),
    "assessed": N_("Assessed"),
    "decided": N_("Decided"),
    "withdrawn": N_("Withdrawn"),
}
OUTCOMES = {
    "granted": N_("Granted"),
    "partly_granted": N_("Partly granted"),
    "refused": N_("Refused"),
    "changed": N_("Changed"),
    "stopped": N_("Stopped"),
}
DECIDING_OUTCOMES = ("granted", "partly_granted", "refused")
STATUS_LABELS = {"needy": N_("Needy household"), "low_income": N_("Low-income household")}

NO_REASONS = N_("Give the reasons for the decision: an administrative act must state them.")
REASONS_TOO_LONG = N_("The reasons may be at most 5000 characters long.")
NO_OUTCOME = N_("Choose the decision: granted, partly granted or refused.")
NOT_ELIGIBLE = N_("The assessment found no right to this benefit: the application can only be refused.")
STATUS_NOT_PARTLY = N_("A status is granted or refused; it cannot be granted in part.")
GRANTED_IS_ASSESSED = N_("A granted benefit is the assessed amount. For less, choose “partly granted”.")
PARTLY_BELOW = N_("A partly granted benefit must be less than the assessed amount.")
AMOUNT_ABOVE_ZERO = N_("Enter an amount above zero.")
AMOUNT_UNREADABLE = N_("Enter the amount in euros, e.g. 120,50.")
NO_START = N_("Enter the first day of the period.")
NO_END = N_("Enter the last day of the period.")
END_BEFORE_START = N_("The end date is before the start date.")
LONGER_THAN_ASSESSED = N_("The period may not be longer than the assessed one.")
DAY_OUTSIDE_GRANT = N_("Choose a day within the period the benefit is granted for.")
DAY_OUTSIDE_STATUS = N_("Choose a day after the status's first day and within its period.")
ONLY_LOWER = N_("A change can only lower the amount; a higher amount needs a new application.")
NO_NEW_AMOUNT = N_("Enter the new amount.")


def needs_declaration(kind: str, means_tested: bool) -> bool:
    """Means-tested benefits are assessed on a submitted declaration of the applicant's household."""
    return means_tested or kind in MEANS_KINDS


def means_test_of(kind: str, threshold: str | None) -> str | None:
    """The declaration test that decides the benefit: its own formula, or the threshold's status test."""
    if kind in MEANS_KINDS:
        return kind
    return THRESHOLD_TESTS.get(threshold or "")


def read_amount(text: str, field: str, errors: Errors, *, required: bool = False) -> Decimal | None:
    """ "1 234,50", "1234.5" → Decimal("1234.50"); negative, over two decimals or not a number → message."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".").strip()
    if not cleaned:
        if required:
            errors.setdefault(field, []).append(NO_NEW_AMOUNT)
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        errors.setdefault(field, []).append(AMOUNT_UNREADABLE)
        return None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT or value != value.quantize(CENT):
        errors.setdefault(field, []).append(AMOUNT_UNREADABLE)
        return None
    return value.quantize(CENT)


def clean_reasons(reasons: str | None, errors: Errors, field: str = "reasons") -> str:
    text = (reasons or "").strip()
    if not text:
        errors.setdefault(field, []).append(NO_REASONS)
    elif len(text) > MAX_REASONS:
        errors.setdefault(field, []).append(REASONS_TOO_LONG)
    return text


# --- assessment -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldStatus:
    kind: str  # needy | low_income
    valid_to: dt.date


def status_requirement(requires: str, held: list[HeldStatus], on: dt.date) -> tuple[bool, Line | None]:
    """Whether the household holds a status the benefit requires on `on`, as an explanation line."""
    accepted = REQUIRED_STATUSES.get(requires, ())
    if not accepted:
        return True, None
    found = sorted((h for h in held if h.kind in accepted), key=lambda h: h.valid_to, reverse=True)
    if found:
        label = {
            "needy": N_("The household holds needy status until %(valid_to)s"),
            "low_income": N_("The household holds low-income status until %(valid_to)s"),
        }[found[0].kind]
        return True, Line(label, reference="SPSPL 36. p.", params={"valid_to": found[0].valid_to.isoformat()})
    label = {
        "needy": N_("The household holds no valid needy status on %(on)s"),
        "low_income": N_("The household holds no valid low-income status on %(on)s"),
    }.get(requires, N_("The household holds no valid needy or low-income status on %(on)s"))
    return False, Line(label, None, reference="SPSPL 36. p.", params={"on": on.isoformat()})


def combine(*parts: Computation | None, extra: tuple[Line, ...] = (), eligible: bool = True) -> Computation:
    """Several tests of one application in one result: eligible only when every part is, the amount and
    period of the last part (the benefit's own formula), and every part's lines in order."""
    present = [p for p in parts if p is not None]
    ok = eligible and all(p.eligible for p in present)
    last = present[-1] if present else None
    amount = last.amount if last is not None and ok else Decimal("0.00")
    lines = tuple(line for p in present for line in p.lines) + extra
    return Computation(
        amount=amount, eligible=ok, lines=lines, period_months=last.period_months if last else None
    )


# --- decisions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessed:
    """What the assessment found, and how the benefit type is paid."""

    kind: str
    frequency: str  # one_off | monthly | per_period | per_year
    amount: Decimal | None
    eligible: bool | None
    period_months: int | None


@dataclass(frozen=True)
class DecisionPlan:
    outcome: str
    amount: Decimal | None  # None for a refusal and for a status
    period: Period | None  # None for a refusal
    reasons: str


def longest_period(assessed: Assessed, valid_from: dt.date) -> Period | None:
    """The period the assessment allows from `valid_from`: one day for a single payment, the assessed
    months otherwise; None when the assessment sets no limit."""
    if assessed.frequency in SINGLE_PAYMENT and assessed.kind not in STATUS_KINDS:
        return Period(valid_from, valid_from)
    if assessed.period_months:
        return period_of_months(valid_from, assessed.period_months)
    return None


def plan_decision(
    assessed: Assessed,
    *,
    outcome: str | None,
    amount: Decimal | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    reasons: str | None,
    errors: Errors,
) -> DecisionPlan | None:
    """The decision as it will be registered, or None with `errors` filled (field → msgids)."""
    text = clean_reasons(reasons, errors)
    if outcome not in DECIDING_OUTCOMES:
        errors.setdefault("outcome", []).append(NO_OUTCOME)
        return None
    if outcome == "refused":
        return None if errors else DecisionPlan(outcome, None, None, text)
    is_status = assessed.kind in STATUS_KINDS
    if assessed.eligible is False:
        errors.setdefault("outcome", []).append(NOT_ELIGIBLE)
    elif is_status and outcome == "partly_granted":
        errors.setdefault("outcome", []).append(STATUS_NOT_PARTLY)
    granted = None if is_status else _granted_amount(assessed, outcome, amount, errors)
    period = _period(assessed, valid_from, valid_to, errors)
    if errors or period is None:
        return None
    return DecisionPlan(outcome, granted, period, text)


def _granted_amount(
    assessed: Assessed, outcome: str, amount: Decimal | None, errors: Errors
) -> Decimal | None:
    full = assessed.amount if assessed.amount is not None else Decimal("0.00")
    if outcome == "granted":
        if amount is not None and amount != full:
            errors.setdefault("amount", []).append(GRANTED_IS_ASSESSED)
        return full
    if amount is None or amount <= 0:
        errors.setdefault("amount", []).append(AMOUNT_ABOVE_ZERO)
        return None
    if amount >= full:
        errors.setdefault("amount", []).append(PARTLY_BELOW)
        return None
    return amount


def _period(
    assessed: Assessed, valid_from: dt.date | None, valid_to: dt.date | None, errors: Errors
) -> Period | None:
    if valid_from is None:
        if "valid_from" not in errors:
            errors.setdefault("valid_from", []).append(NO_START)
        return None
    longest = longest_period(assessed, valid_from)
    if valid_to is None:
        if longest is None:
            if "valid_to" not in errors:
                errors.setdefault("valid_to", []).append(NO_END)
            return None
        return longest
    if valid_to < valid_from:
        errors.setdefault("valid_to", []).append(END_BEFORE_START)
        return None
    if longest is not None and valid_to > longest.valid_to:
        errors.setdefault("valid_to", []).append(LONGER_THAN_ASSESSED)
        return None
    return Period(valid_from, valid_to)


# --- changing and stopping a running grant or status ------------------------------------------------------


def check_change(
    held: Period, amount: Decimal, *, from_date: dt.date | None, new_amount: Decimal | None, errors: Errors
) -> None:
    """A lower amount from a day within the grant's period (the old grant ends the day before)."""
    check_stop(held, from_date=from_date, errors=errors)
    if new_amount is None:
        if "new_amount" not in errors:
            errors.setdefault("new_amount", []).append(NO_NEW_AMOUNT)
    elif new_amount >= amount:
        errors.setdefault("new_amount", []).append(ONLY_LOWER)


def check_stop(held: Period, *, from_date: dt.date | None, errors: Errors) -> None:
    """The first day not paid must lie within the period the grant still holds."""
    if from_date is None:
        if "from_date" not in errors:
            errors.setdefault("from_date", []).append(NO_START)
    elif held.empty or not held.contains(from_date):
        errors.setdefault("from_date", []).append(DAY_OUTSIDE_GRANT)


def check_status_end(period: Period, *, from_date: dt.date | None, errors: Errors) -> None:
    """A status ends the day before `from_date`, which lies after its first day (so some of it remains)."""
    if from_date is None:
        if "from_date" not in errors:
            errors.setdefault("from_date", []).append(NO_START)
    elif not (period.valid_from < from_date <= period.valid_to):
        errors.setdefault("from_date", []).append(DAY_OUTSIDE_STATUS)


def day_before(day: dt.date) -> dt.date:
    return day - ONE_DAY
