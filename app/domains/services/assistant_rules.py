"""The assistant service in the municipality (MK 316 of 18.05.2021, domain brief §7) as pure rules: who may
receive it, the hours a month by purpose and support intensity, the grant's period (the disability period,
at most 3 years), the monthly report of hours checked against the grant, and the month's pay.

Hours (MK 316 Annex 1; the brief's table): a child with a disability 80 a month, 100 with regular medical
procedures or rehabilitation; an adult by purpose at intensity 1 — work, studies or Paralympic sport 80;
school or a board seat 60; volunteering, a day centre or workshop, dialysis or chemotherapy 40 — doubled
at the higher intensity. A person with several purposes gets the hours of the largest one (UNCONFIRMED:
the annex may add them up; the brief could not read it). The adult unit is taken as a month (the brief
notes the ministry page's "a week" as implausible)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domains.assistance.explain import Computation, Line
from app.domains.benefits.periods import ONE_DAY, add_months
from app.i18n import N_

MK_316 = "MK 316, 1. pielikums"
MK_316_PERIOD = "MK 316"
MAX_YEARS = 3
CHILD_FROM_AGE, CHILD_UNTIL_AGE = 5, 18
CHILD_HOURS, CHILD_HOURS_PROCEDURES = 80, 100
HIGHER_INTENSITY = 2
CENT = Decimal("0.01")

# Adult purposes: hours a month at intensity 1.
PURPOSE_HOURS: dict[str, int] = {
    "work": 80,
    "studies": 80,
    "paralympic_sport": 80,
    "school": 60,
    "board_member": 60,
    "volunteering": 40,
    "day_centre": 40,
    "workshop": 40,
    "dialysis_or_chemotherapy": 40,
}
PURPOSE_LABELS = {
    "work": N_("Works"),
    "studies": N_("Studies at a higher or vocational school"),
    "paralympic_sport": N_("Paralympic sport"),
    "school": N_("Attends a general, secondary or vocational school"),
    "board_member": N_("Board member of an association or company"),
    "volunteering": N_("Volunteer work"),
    "day_centre": N_("Attends a day care centre"),
    "workshop": N_("Attends a specialised workshop"),
    "dialysis_or_chemotherapy": N_("Regular haemodialysis or chemotherapy"),
}

NOT_ELIGIBLE_CHILD = N_("A child receives the service from 5 to 18 years with the opinion on special care.")
NOT_ELIGIBLE_ADULT = N_(
    "An adult receives the service with a group I or II disability and a limitation it names."
)
NO_PURPOSE = N_("Choose at least one purpose the assistant is needed for.")
UNKNOWN_PURPOSE = N_("Choose the purposes from the list.")
OVER_GRANT = N_("The hours reported exceed the hours granted for the month.")
HOURS_NEGATIVE = N_("The hours cannot be negative.")
MONTH_OUTSIDE = N_("The month is outside the grant's period.")

HOURS_CHILD = N_("A child with a disability")
HOURS_CHILD_PROCEDURES = N_(
    "A child with a disability receiving regular medical procedures or rehabilitation"
)
HOURS_PURPOSE = N_("Purpose: %(purpose)s")
INTENSITY = N_("Higher support intensity: the hours doubled")
GRANTED = N_("Hours granted a month")


@dataclass(frozen=True)
class Applicant:
    age: int
    disability_group: int | None  # adults: I–III; None for a child or no group
    special_care_opinion: bool = False  # a child: VDEĀVK's opinion on the need for special care
    limitation: bool = (
        False  # an adult: a visual, mobility or mental functioning limitation (or car indications)
    )


def eligibility(person: Applicant) -> list[str]:
    """Messages refusing the service (empty: the person may receive it)."""
    if person.age < CHILD_UNTIL_AGE:
        ok = person.age >= CHILD_FROM_AGE and person.special_care_opinion
        return [] if ok else [NOT_ELIGIBLE_CHILD]
    ok = person.disability_group in (1, 2) and person.limitation
    return [] if ok else [NOT_ELIGIBLE_ADULT]


def monthly_hours(
    person: Applicant, purposes: Iterable[str], *, higher_intensity: bool = False, procedures: bool = False
) -> tuple[Computation, list[str]]:
    """The hours a month with their explanation, and the messages refusing the request."""
    errors = eligibility(person)
    if person.age < CHILD_UNTIL_AGE:
        hours = CHILD_HOURS_PROCEDURES if procedures else CHILD_HOURS
        label = HOURS_CHILD_PROCEDURES if procedures else HOURS_CHILD
        lines = [Line(label, hours, "h", MK_316), Line(GRANTED, hours, "h", MK_316)]
        return Computation(Decimal(hours), not errors, tuple(lines)), errors
    chosen = list(dict.fromkeys(purposes))
    if not chosen:
        errors.append(NO_PURPOSE)
    elif any(p not in PURPOSE_HOURS for p in chosen):
        errors.append(UNKNOWN_PURPOSE)
    valid = [p for p in chosen if p in PURPOSE_HOURS]
    lines = [
        Line(HOURS_PURPOSE, PURPOSE_HOURS[p], "h", MK_316, params={"purpose": PURPOSE_LABELS[p]})
        for p in valid
    ]
    hours = max((PURPOSE_HOURS[p] for p in valid), default=0)
    if higher_intensity and hours:
        hours *= HIGHER_INTENSITY
        lines.append(Line(INTENSITY, HIGHER_INTENSITY, "coefficient", MK_316))
    lines.append(Line(GRANTED, hours, "h", MK_316))
    return Computation(Decimal(hours), not errors, tuple(lines)), errors


def grant_period(start: dt.date, disability_until: dt.date | None) -> tuple[dt.date, dt.date]:
    """From `start` for the disability's period, but at most 3 years (MK 316)."""
    longest = add_months(start, 12 * MAX_YEARS) - ONE_DAY
    end = longest if disability_until is None else min(disability_until, longest)
    return start, end


def check_report(
    hours: Decimal, granted: Decimal, month: dt.date, period: tuple[dt.date, dt.date]
) -> list[str]:
    """Messages refusing a month's report of hours (empty: accepted)."""
    if hours < 0:
        return [HOURS_NEGATIVE]
    first = month.replace(day=1)
    if first > period[1] or add_months(first, 1) - ONE_DAY < period[0]:
        return [MONTH_OUTSIDE]
    return [OVER_GRANT] if hours > granted else []


def month_pay(hours: Decimal, rate: Decimal) -> Decimal:
    """The assistant's pay for the month's hours at the hourly rate (with taxes; a dated parameter)."""
    return (hours * rate).quantize(CENT, rounding=ROUND_HALF_UP)


PAY_HOURS = N_("Hours accepted")
PAY_RATE = N_("Hourly rate with taxes")
PAY_RATE_UNCONFIRMED = N_("Hourly rate with taxes (unconfirmed value: check it)")
PAY_TOTAL = N_("Pay for the month: hours × rate")


def month_pay_explained(
    hours: Decimal, rate: Decimal, *, reference: str = MK_316_PERIOD, unconfirmed: bool = False
) -> Computation:
    """The month's pay (`month_pay`) with its explanation lines; the rate line carries the legal parameter's
    reference and says when its value is unconfirmed."""
    pay = month_pay(hours, rate)
    lines = (
        Line(PAY_HOURS, hours, "h", MK_316_PERIOD),
        Line(PAY_RATE_UNCONFIRMED if unconfirmed else PAY_RATE, rate, "EUR", reference),
        Line(PAY_TOTAL, pay, "EUR", MK_316_PERIOD),
    )
    return Computation(pay, True, lines)
