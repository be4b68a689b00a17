"""Reading one field of a person, an address or a period from what a form, the API or an imported file
gives (strings as typed, dates, numbers from a spreadsheet): trimmed text, dates, choices, and the
messages (msgids) for what cannot be read. Pure, no database; rules.py and periods.py build on it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

# The one date reader, re-exported for the people rules and the importer.
from app.dates import BAD_DATE as BAD_DATE
from app.dates import NO_SUCH_DATE as NO_SUCH_DATE
from app.dates import DateError as DateError
from app.dates import parse_day as parse_day
from app.i18n import N_

FIRST_DAY = dt.date(1900, 1, 1)  # no living client was born earlier; older dates are typing errors
# An address or status may be recorded ahead of time (a declaration from next month), not years ahead.
MAX_AHEAD = dt.timedelta(days=366)

# --- messages ----------------------------------------------------------------------------------------

REQUIRED = N_("This field is required.")
BAD_CHARACTERS = N_("The text contains characters that cannot be stored (control characters).")
TOO_LONG = {
    7: N_("At most 7 characters."),
    10: N_("At most 10 characters."),
    30: N_("At most 30 characters."),
    40: N_("At most 40 characters."),
    100: N_("At most 100 characters."),
    200: N_("At most 200 characters."),
    254: N_("At most 254 characters."),
}
CHOOSE = N_("Choose a value from the list.")


def fold_text(text: str) -> str:
    """Lower case without diacritics: 'Ģirts' → 'girts' (NFKD, then the combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_REFUSED = frozenset({"Cc", "Cf", "Cs"})


class Errors(dict[str, list[str]]):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def read_text(raw: Any, name: str, errors: Errors, limit: int | None) -> str | None:
    """A text field: trimmed and single-spaced, None when empty. Control characters (NUL included) and
    overlong values are errors; other types (numbers from a spreadsheet) are taken as their text."""
    if raw is None:
        return None
    value = raw if isinstance(raw, str) else str(raw)
    # NUL and other control characters, invisible format characters (bidi overrides) and lone surrogates
    # (which cannot even be encoded) are refused rather than stored.
    if any(unicodedata.category(ch) in _REFUSED for ch in value.replace("\t", " ").replace("\n", " ")):
        errors.add(name, BAD_CHARACTERS)
        return None
    value = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip()
    if not value:
        return None
    if limit is not None and len(value) > limit:
        errors.add(name, TOO_LONG.get(limit, TOO_LONG[200]))
        return None
    return value


def read_day(raw: Any, name: str, errors: Errors) -> dt.date | None:
    """A date field (see app.dates): None when empty; a message under `name` when it is not written as a
    date or names no real day."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return parse_day(raw)
    except DateError as exc:
        errors.add(name, str(exc))
        return None


def read_choice(raw: Any, name: str, choices: Mapping[str, str], errors: Errors) -> str | None:
    value = read_text(raw, name, errors, None)
    if value is None:
        return None
    if value not in choices:
        errors.add(name, CHOOSE)
        return None
    return value


Messages = dict[str, list[str]]


def strip_unstorable(text: str) -> str:
    """The text without the characters validation refuses (control and format characters, surrogates):
    for search boxes, where a stray character should find nothing rather than be an error."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in _REFUSED)
