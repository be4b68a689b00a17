"""GET filter forms of list pages: the values echoed back as typed, parsed, with a message per field that
could not be understood. Bad input never raises: the page shows the form with its messages."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from urllib.parse import urlencode

from app.i18n import N_

_DOTTED_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MAX_LENGTH = 100


FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


class FilterForm:
    def __init__(self, query: Mapping[str, str], fields: tuple[str, ...]) -> None:
        self.values = {name: (query.get(name) or "").strip()[:_MAX_LENGTH] for name in fields}
        self.errors: dict[str, str] = {}  # field -> message id (translated where shown)

    def text(self, name: str, pattern: re.Pattern[str], message: str) -> str | None:
        value = self.values[name]
        if not value:
            return None
        if not pattern.fullmatch(value):
            self.errors[name] = message
            return None
        return value

    def uuid(self, name: str, message: str) -> uuid.UUID | None:
        value = self.values[name]
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.errors[name] = message
            return None

    def day(self, name: str) -> dt.date | None:
        """ISO (what a date input sends) or dd.mm.yyyy (what a person types where there is none)."""
        value = self.values[name]
        if not value:
            return None
        try:
            dotted = _DOTTED_DAY.match(value)
            if dotted:
                day = dt.date(int(dotted[3]), int(dotted[2]), int(dotted[1]))
            else:
                day = dt.date.fromisoformat(value)
        except ValueError:
            self.errors[name] = N_("Enter a date as dd.mm.yyyy.")
            return None
        # Queries add a day to the end of a period: 31.12.9999 would overflow, and no record is that old
        # or that far ahead anyway.
        if not FIRST_DAY <= day <= LAST_DAY:
            self.errors[name] = N_("Enter a date between 01.01.1900 and 31.12.2999.")
            return None
        return day

    def period(self, start: str, end: str) -> tuple[dt.date | None, dt.date | None]:
        first, last = self.day(start), self.day(end)
        if first and last and first > last:
            self.errors[end] = N_("The end date is before the start date.")
            return None, None
        return first, last

    def url(self, path: str, **extra: str | None) -> str:
        """This page with the same filters (the ones given), plus `extra`."""
        params = {k: v for k, v in {**self.values, **extra}.items() if v}
        return f"{path}?{urlencode(params)}" if params else path
