"""Checking the rows of an import, without a database: each row on its own (the person through
`people.rules.validate_person`, the address through `validate_address`, the membership through
`households.rules`), then the rows together (the same person twice, households with two heads).

Values are read the way incumbent exports write them: Latvian or English words for the kinds, V/S or
M/F, dates dd.mm.yyyy or ISO or real spreadsheet dates, numbers where a spreadsheet turned text into
one (a personal code that lost its leading zero, a postal code 1010)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.dates import NO_SUCH_DATE, DateError
from app.domains.households.rules import period_errors
from app.domains.people.importing_read import Header, Problem, RawRow, Value, fold
from app.domains.people.importing_words import CITIZENSHIP_STATUS, country_table, vocabulary_table
from app.domains.people.rules import (
    AddressData,
    PersonData,
    parse_day,
    validate_address,
    validate_person,
)
from app.i18n import N_

KEY_MAX = 50


@dataclass(frozen=True, slots=True)
class ImportRow:
    """A row that passed its own checks."""

    row: int
    person: PersonData
    address: AddressData | None
    household_key: str | None
    role: str | None
    joined_on: dt.date | None

    @property
    def identities(self) -> list[tuple[str, ...]]:
        """Every identifier the row gives: the code and the other identifier, either naming the person."""
        keys: list[tuple[str, ...]] = []
        if self.person.personal_code:
            keys.append(("code", self.person.personal_code))
        if self.person.other_id:
            keys.append(("other", self.person.other_id_kind or "", self.person.other_id))
        return keys

    @property
    def name(self) -> str:
        return f"{self.person.first_name} {self.person.last_name}"


def _text(value: Value) -> str | None:
    """A cell as text: numbers without a spurious ".0", dates as dd.mm.yyyy."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().strftime("%d.%m.%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _code(value: Value) -> Value:
    """A personal code as a spreadsheet may hold it: a number that lost its leading zero stays a number
    (validate_person pads it back to 11 digits); a float becomes that number."""
    if isinstance(value, float) and value.is_integer() and 0 <= value < 1e11:
        return int(value)
    return value


def _day(value: Value) -> Value:
    """Dates as the rules read them: real dates, and text; a number is no date (an Excel serial number
    in a cell not formatted as a date) and is left for the rules to refuse."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date | str) else str(value) if value is not None else None


UNKNOWN_KIND = N_(
    "Unknown kind of identifier: write pase, uzturēšanās atļauja, ārvalsts personas kods or cits dokuments."
)
UNKNOWN_SEX = N_("Write V or S (M or F).")
UNKNOWN_STATUS = N_("Unknown legal status: write e.g. pilsonis, nepilsonis, pastāvīgās uzturēšanās atļauja.")
NO_SUCH_DAY = NO_SUCH_DATE


def _no_such_day(value: Value) -> bool:
    """A date written in an accepted form that names no real day (31.02.1992, 2015-13-01)."""
    try:
        parse_day(value)
    except DateError as exc:
        return str(exc) == NO_SUCH_DATE
    return False


def _choice(value: Value, vocabulary: str) -> str | None:
    text = _text(value)
    return vocabulary_table(vocabulary).get(fold(text)) if text else None


class _Row:
    """Collects one row's problems under the file's column names."""

    def __init__(self, raw: RawRow, header: Header) -> None:
        self.raw = raw
        self.header = header
        self.problems: list[Problem] = []
        self.reported: set[str] = set()

    def add(self, key: str, message: str, **params: Any) -> None:
        self.problems.append(Problem(self.raw.row, self.header.column(key), message, params))
        self.reported.add(key)

    def add_all(self, errors: Mapping[str, list[str]], fields: Mapping[str, str]) -> None:
        """Messages by the rules' field names, under our column keys; a field already reported with a
        message of our own (an unknown word) is not reported twice."""
        for name, messages in errors.items():
            key = fields.get(name, name)
            if key in self.reported:
                continue
            for message in messages:
                self.problems.append(Problem(self.raw.row, self.header.column(key), message))
        self.reported.update(fields.get(n, n) for n in errors)


_ADDRESS_FIELDS = {"line": "address_line", "valid_from": "address_from", "kind": "address_line"}


def parse_row(raw: RawRow, header: Header, *, today: dt.date) -> tuple[ImportRow | None, list[Problem]]:
    """One row → the person, address and membership it describes, or None and its problems."""
    row = _Row(raw, header)
    values = raw.values
    for position in raw.stray:
        row.problems.append(
            Problem(
                raw.row,
                "",
                N_("Column %(position)s has no name in the first row, but this row has a value in it."),
                {"position": position},
            )
        )

    data: dict[str, Any] = {
        "personal_code": _code(values.get("personal_code")),
        "other_id": _text(values.get("other_id")),
        "first_name": _text(values.get("first_name")),
        "last_name": _text(values.get("last_name")),
        "birth_date": _day(values.get("birth_date")),
        "phone": _text(values.get("phone")),
        "email": _text(values.get("email")),
    }
    for key, vocabulary, message in (
        ("other_id_kind", "other_id_kind", UNKNOWN_KIND),
        ("sex", "sex", UNKNOWN_SEX),
        ("legal_status", "legal_status", UNKNOWN_STATUS),
    ):
        if values.get(key) is not None:
            data[key] = _choice(values[key], vocabulary)
            if data[key] is None:
                row.add(key, message)
    citizenship = _text(values.get("citizenship"))
    if citizenship is not None:
        folded = fold(citizenship)
        if folded in CITIZENSHIP_STATUS and data.get("legal_status") in (None, CITIZENSHIP_STATUS[folded]):
            data["legal_status"] = CITIZENSHIP_STATUS[folded]
        elif (country := country_table().get(folded)) is not None:
            data["citizenship"] = country
        else:
            row.add(
                "citizenship",
                N_("Unknown country: write its three-letter code (LVA, LTU, UKR…) or its name."),
            )

    if _no_such_day(values.get("birth_date")):
        row.add("birth_date", NO_SUCH_DAY)
        data["birth_date"] = None
    person, errors = validate_person(data, today)
    if "personal_code" in errors and data.get("birth_date") is None:
        # "Enter the birth date" only because the code could not be read: the code is the problem.
        errors.pop("birth_date", None)
    row.add_all(errors, {})

    address = _address(row, values, today)
    household, role, joined = _membership(row, values, person, today)
    if row.problems or person is None:
        return None, row.problems
    return ImportRow(raw.row, person, address, household, role, joined), []


def _address(row: _Row, values: Mapping[str, Value], today: dt.date) -> AddressData | None:
    if not any(
        values.get(k) is not None for k in ("address_line", "locality", "postal_code", "address_from")
    ):
        return None
    postal = values.get("postal_code")
    if isinstance(postal, int | float) and not isinstance(postal, bool):
        postal = _text(postal)
    since = values.get("address_from")
    if _no_such_day(since):
        row.add("address_from", NO_SUCH_DAY)
        since = None
    address, errors = validate_address(
        {
            "kind": "declared",
            "line": _text(values.get("address_line")),
            "locality": _text(values.get("locality")),
            "postal_code": postal,
            "valid_from": _day(since) if since is not None else today,
        },
        today,
    )
    row.add_all(errors, _ADDRESS_FIELDS)
    return address


def _membership(
    row: _Row, values: Mapping[str, Value], person: PersonData | None, today: dt.date
) -> tuple[str | None, str | None, dt.date | None]:
    key = _text(values.get("household_key"))
    role: str | None = None
    joined: dt.date | None = None
    if key is not None and len(key) > KEY_MAX:
        row.add("household_key", N_("At most %(max)s characters."), max=KEY_MAX)
        key = None
    if values.get("household_role") is not None:
        role = _choice(values["household_role"], "role")
        if role is None:
            row.add(
                "household_role",
                N_("Unknown role: write e.g. galva, laulātais, partneris, bērns, vecāks, cits."),
            )
    if _no_such_day(values.get("joined_on")):
        row.add("joined_on", NO_SUCH_DAY)
    elif values.get("joined_on") is not None:
        try:
            joined = parse_day(_day(values["joined_on"]))
        except (ValueError, OverflowError):
            row.add("joined_on", N_("Enter a date as dd.mm.yyyy."))
    if key is None:
        if "household_key" not in row.reported and (role is not None or joined is not None):
            row.add(
                "household_role" if role is not None else "joined_on",
                N_("The household is not given: fill in the household column or leave this cell empty."),
            )
        return None, None, None
    if role is None and "household_role" not in row.reported:
        row.add("household_role", N_("Enter the person's role in the household."))
    if "joined_on" not in row.reported:
        errors = period_errors(
            joined or today, None, today=today, birth_date=person.birth_date if person else None
        )
        row.add_all({k: v for k, v in errors.items() if k == "joined_on"}, {})
    return key, role, joined or today


# --- the rows together ----------------------------------------------------------------------------------


def check_together(rows: Iterable[ImportRow], header: Header) -> list[Problem]:
    """Problems only visible across rows, reported on the later row: the same person twice (in one
    household, in two households, or simply twice), the same other identifier twice, a household with
    two heads."""
    problems: list[Problem] = []
    seen: dict[tuple[str, ...], ImportRow] = {}
    heads: dict[str, int] = {}
    code_column = header.column("personal_code") or header.column("other_id")
    for r in rows:
        keys = r.identities
        clash = next(((key, seen[key]) for key in keys if key in seen), None)
        if clash is None:
            seen.update((key, r) for key in keys)
        else:
            key, first = clash
            column = code_column if key[0] == "code" else header.column("other_id")
            if r.household_key is not None and r.household_key == first.household_key:
                message = N_(
                    "This person is listed twice in household “%(household)s” (also on row %(other)s)."
                )
            elif r.household_key is not None and first.household_key is not None:
                message = N_(
                    "This person is also in household “%(other_household)s” on row %(other)s: a person can "
                    "be a member of one household only."
                )
            else:
                message = N_("This person is already on row %(other)s.")
            problems.append(
                Problem(
                    r.row,
                    column,
                    message,
                    {
                        "household": r.household_key,
                        "other_household": first.household_key,
                        "other": first.row,
                    },
                )
            )
            continue
        if r.role == "head" and r.household_key is not None:
            if r.household_key in heads:
                problems.append(
                    Problem(
                        r.row,
                        header.column("household_role"),
                        N_("Household “%(household)s” already has a head (row %(other)s)."),
                        {"household": r.household_key, "other": heads[r.household_key]},
                    )
                )
            else:
                heads[r.household_key] = r.row
    return problems
