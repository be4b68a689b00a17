"""GET filter forms of list pages: the values echoed back as typed, parsed, with a message per field that
could not be understood. Bad input never raises: the page shows the form with its messages."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from urllib.parse import urlencode

from app.dates import DateError, parse_day
from app.i18n import N_

_MAX_LENGTH = 100


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
            return parse_day(value, bounded=True)
        except DateError as exc:
            self.errors[name] = str(exc)
            return None

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
