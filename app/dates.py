"""Reading a date as a person types it (dd.mm.yyyy), as a date input or the API sends it (yyyy-mm-dd), or
as a spreadsheet holds it (a date). One reader for every form, filter and import, so that the same mistake
gets the same message everywhere: a date that is not written as a date, a date that names no real day
(31.02.2026), and a date outside the years any record can have. Pure; messages are msgids."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.i18n import N_

FIRST_DAY = dt.date(1900, 1, 1)
# Queries add a day to the end of a period: 31.12.9999 would overflow, and no record is that far ahead.
LAST_DAY = dt.date(2999, 12, 31)

BAD_DATE = N_("Enter a date as dd.mm.yyyy.")
NO_SUCH_DATE = N_("There is no such day in the calendar: check the day and the month.")
OUT_OF_RANGE = N_("Enter a date between 01.01.1900 and 31.12.2999.")

_DOTTED = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\.?")  # 5.1.2026 and 05.01.2026.
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_MAX_LENGTH = 30


class DateError(ValueError):
    """A date that cannot be read; str() is the message id."""


def parse_day(raw: Any, *, bounded: bool = False) -> dt.date:
    """The day `raw` names, or DateError with the reason. `bounded` also refuses days outside
    FIRST_DAY..LAST_DAY (callers without a range rule of their own)."""
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    else:
        value = raw.strip() if isinstance(raw, str) else ""
        if len(value) > _MAX_LENGTH:
            raise DateError(BAD_DATE)
        if dotted := _DOTTED.fullmatch(value):
            year, month, number = int(dotted[3]), int(dotted[2]), int(dotted[1])
        elif iso := _ISO.fullmatch(value):
            year, month, number = int(iso[1]), int(iso[2]), int(iso[3])
        else:
            raise DateError(BAD_DATE)
        try:
            day = dt.date(year, month, number)
        except ValueError:  # 31.02., month 13, day 0, year 0
            raise DateError(NO_SUCH_DATE) from None
    if bounded and not FIRST_DAY <= day <= LAST_DAY:
        raise DateError(OUT_OF_RANGE)
    return day
