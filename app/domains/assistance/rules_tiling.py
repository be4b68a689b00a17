"""Periods of one parameter tile time: no overlap, no gap. A new period must start the day after the
previous one ends and end the day before the next one starts; an open-ended previous period is closed
the day before the new one starts. Pure; used for the municipal values and to check the national ones."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import N_

ONE_DAY = dt.timedelta(days=1)

END_BEFORE_START = N_("The end date is before the start date.")
OVERLAP = N_("This period overlaps a period already set for this parameter.")
GAP_BEFORE = N_(
    "The new period must start the day after the previous period ends: no gap is allowed between periods."
)
GAP_AFTER = N_(
    "The new period must end the day before the next period starts: no gap is allowed between periods."
)


@dataclass(frozen=True)
class ParameterPeriod:
    valid_from: dt.date
    valid_to: dt.date | None = None  # None: open-ended

    def contains(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class TilingCheck:
    """`error` (a msgid, under `field`) when the new period does not fit; otherwise `close` names the
    open-ended period to end on `closed_to`, if one must be closed."""

    error: str | None = None
    field: str = "valid_from"
    close: ParameterPeriod | None = None
    closed_to: dt.date | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_tiling(existing: Iterable[ParameterPeriod], new: ParameterPeriod) -> TilingCheck:
    if new.valid_to is not None and new.valid_to < new.valid_from:
        return TilingCheck(END_BEFORE_START, "valid_to")
    periods = sorted(existing, key=lambda p: p.valid_from)
    before = [p for p in periods if p.valid_from < new.valid_from]
    after = [p for p in periods if p.valid_from > new.valid_from]
    if any(p.valid_from == new.valid_from for p in periods):
        return TilingCheck(OVERLAP)
    close: ParameterPeriod | None = None
    if before:
        previous = before[-1]
        if previous.valid_to is None:
            if after:  # an open period with others after it is no tiling: refuse rather than guess
                return TilingCheck(OVERLAP)
            close = previous
        elif previous.valid_to >= new.valid_from:
            return TilingCheck(OVERLAP)
        elif previous.valid_to + ONE_DAY < new.valid_from:
            return TilingCheck(GAP_BEFORE)
    if after:
        following = after[0]
        if new.valid_to is None or new.valid_to >= following.valid_from:
            return TilingCheck(OVERLAP, "valid_to")
        if new.valid_to + ONE_DAY < following.valid_from:
            return TilingCheck(GAP_AFTER, "valid_to")
    if close is None:
        return TilingCheck()
    return TilingCheck(close=close, closed_to=new.valid_from - ONE_DAY)


def tiling_errors(periods: Iterable[ParameterPeriod]) -> list[str]:
    """Every overlap or gap in a set of periods, as msgids (empty when they tile)."""
    errors: list[str] = []
    ordered = sorted(periods, key=lambda p: p.valid_from)
    for earlier, later in itertools.pairwise(ordered):
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            errors.append(OVERLAP)
        elif earlier.valid_to + ONE_DAY < later.valid_from:
            errors.append(GAP_BEFORE)
    return errors
