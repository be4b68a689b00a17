"""Benefit and status periods as pure values: a period is `valid_from`..`valid_to`, both days included.

Periods of one benefit type for one household (and statuses of one household) must not overlap. A
grant stopped early keeps its decided `valid_to` and gets an `ended_on` (the last day paid), so the
period it really held is `valid_from`..`min(valid_to, ended_on)` — empty when it was ended before its
first day. The database has no exclusion constraint for this (the embedded PostgreSQL ships no
btree_gist): the service checks under a row lock, with these functions."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    valid_from: dt.date
    valid_to: dt.date

    @property
    def empty(self) -> bool:
        return self.valid_to < self.valid_from

    def overlaps(self, other: Period) -> bool:
        if self.empty or other.empty:
            return False
        return self.valid_from <= other.valid_to and other.valid_from <= self.valid_to

    def contains(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def months_in_year(self, year: int) -> int:
        """Calendar months of `year` the period touches (a monthly benefit is paid for each)."""
        if self.empty:
            return 0
        first = max(self.valid_from, dt.date(year, 1, 1))
        last = min(self.valid_to, dt.date(year, 12, 31))
        if last < first:
            return 0
        return (last.year - first.year) * 12 + last.month - first.month + 1


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter: 31.01 + 1 → 28./29.02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_of_months(start: dt.date, months: int) -> Period:
    """`months` calendar months from `start`: 01.03 + 3 → 01.03–31.05; 15.01 + 1 → 15.01–14.02."""
    return Period(start, add_months(start, months) - ONE_DAY)


def held(valid_from: dt.date, valid_to: dt.date, ended_on: dt.date | None = None) -> Period:
    """The period a grant really held: its decided one, cut at `ended_on` when it was stopped."""
    return Period(valid_from, min(valid_to, ended_on) if ended_on is not None else valid_to)


@dataclass(frozen=True)
class Existing:
    """A period already granted: a benefit grant or a status, with what a message needs to name it."""

    id: uuid.UUID
    period: Period
    amount: Decimal | None = None
    kind: str = "grant"  # grant | needy | low_income


def first_clash(
    new: Period, existing: Iterable[Existing], *, ignore: uuid.UUID | None = None
) -> Existing | None:
    """The earliest existing period that overlaps `new` (None when there is none)."""
    clashes = [e for e in existing if e.id != ignore and e.period.overlaps(new)]
    return min(clashes, key=lambda e: (e.period.valid_from, e.id)) if clashes else None


def granted_in_year(existing: Iterable[Existing], year: int, *, monthly: bool) -> tuple[Decimal, int]:
    """What was granted in the calendar year and how many times: one-off and per-period sums count in the
    year their period starts; a monthly amount counts once for every month of the year it covers."""
    total, times = Decimal("0.00"), 0
    for e in existing:
        if e.period.empty or e.amount is None:
            continue
        if monthly:
            months = e.period.months_in_year(year)
            if months:
                total += e.amount * months
                times += 1
        elif e.period.valid_from.year == year:
            total += e.amount
            times += 1
    return total, times
