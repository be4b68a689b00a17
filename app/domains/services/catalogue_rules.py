"""The service catalogue as pure rules: reading a service type as a form or a caller gives it (every field
parsed and checked, each problem a message under its field), and what a change may not do to the service
events and waiting lists that already use the service.

Steps come from `event_rules.STEPS`, in that fixed order; the request and the decision are in every
service (event_rules.REQUIRED_STEPS); the settlement counts the units delivered at the service's price, so
it needs the delivery step and a price. Required documents are short codes of document kinds per step
("application", "needs_assessment"), only for the steps the service uses.

Prices are dated (event_rules.price_on): the service type's own price holds from its first day, and a new
price is set from a day on (`check_price_change`), never before the current month — the months before are
settled at their prices. Once deliveries were counted, the service's own price is history and the unit
what they were counted in: `check_change` refuses to change either (setting a first price is allowed)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.domains.benefits.catalogue_checks import (
    END_BEFORE_START,
    MAX_AMOUNT,
    REQUIRED,
    TOO_BIG,
    read_choice,
    read_day,
    read_decimal,
    read_flag,
    read_line,
)
from app.domains.services.event_rules import DELIVERY, SETTLEMENT, STEPS, normalised_steps
from app.i18n import N_

Errors = dict[str, list[str]]

# Who pays (domain brief §6.3; MK 275 for the client's co-payment).
FUNDING = {
    "municipal": N_("Municipal budget"),
    "co_payment": N_("Municipality and the client's co-payment"),
    "state": N_("State budget"),
}
UNITS = {
    "hour": N_("Hour"),
    "day": N_("Day"),
    "visit": N_("Visit"),
    "month": N_("Month"),
    "service": N_("Whole service"),
}

BAD_CODE = N_(
    "Enter a code of capital letters, digits, hyphens or underscores (at most 30), for example DAC."
)
NEGATIVE_PRICE = N_("The price cannot be negative.")
SETTLEMENT_NEEDS_DELIVERY = N_("The settlement counts the units delivered: choose the delivery step too.")
SETTLEMENT_NEEDS_PRICE = N_("A service with the settlement step needs a price (0,00 when it is free).")
BAD_KIND = N_(
    "Write document kinds as short codes of letters, digits, hyphens or underscores, separated by commas, "
    "for example application, needs_assessment."
)
TOO_MANY_KINDS = N_("At most 20 document kinds a step.")
STEP_NOT_USED = N_("The service does not use this step: choose the step or leave its documents empty.")
PRICE_DATED = N_(
    "Deliveries of this service were counted at this price: it stays the price from the service's first "
    "day. Set a new price under “Prices”, from the day it applies."
)
PRICE_FROM_SETTLED = N_(
    "The months before this one are settled at their prices: a new price can start on the first day of "
    "this month at the earliest."
)
PRICE_FROM_BEFORE_SERVICE = N_(
    "The service begins later: a new price can start on its first day at the earliest."
)
PRICE_FROM_AFTER_END = N_(
    "The service has ended by that day: a new price can start on its last day at the latest."
)
UNIT_SETTLED = N_("Deliveries of this service are already counted in this unit: the unit cannot change.")
STEP_IN_USE = N_(
    "Service events in progress are at a step that was taken out: complete that step of theirs first."
)
LIST_IN_USE = N_("People hold a place in this service's waiting list: it cannot be turned off while they do.")
END_NEEDED = N_("Give the last day of the service.")

CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,29}")
KIND = re.compile(r"[^\W_][\w-]{0,49}")  # letters (also Latvian ones), digits, "_" and "-"; 50 at most
MAX_KINDS = 20

# Fields in form order: the first with a message gets the focus after a refused form.
FIELDS = (
    "code", "valid_from", "valid_to", "name_lv", "name_en", "legal_basis", "funding", "unit", "price",
    "keeps_waiting_list", "steps", *(f"documents_{step}" for step in STEPS),
)  # fmt: skip
PRICE_FIELDS = ("price_from", "price")  # the form of a new price from a day


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def read_price(raw: Any, errors: Errors) -> Decimal | None:
    """A unit's price in euros ("7,35", "1 234,50 €", a Decimal): 0 or more, at most two decimals; None
    when empty. Never a float."""
    if isinstance(raw, float):
        raise TypeError("a price is a Decimal or text, never a float")
    value = read_decimal(raw, "price", errors)
    if "price" in errors or value is None:
        return None
    if value < 0:
        _add(errors, "price", NEGATIVE_PRICE)
        return None
    if value > MAX_AMOUNT:
        _add(errors, "price", TOO_BIG)
        return None
    return value


def read_kinds(raw: Any, name: str, errors: Errors) -> list[str]:
    """Document kinds as typed ("application, Needs_assessment") or a list: lower case, in the order
    given, each once."""
    given = raw if isinstance(raw, list | tuple) else re.split(r"[,;\n]", str(raw or ""))
    kinds: list[str] = []
    for item in given:
        kind = str(item).strip().lower()
        if not kind:
            continue
        if not KIND.fullmatch(kind):
            _add(errors, name, BAD_KIND)
            return []
        if kind not in kinds:
            kinds.append(kind)
    if len(kinds) > MAX_KINDS:
        _add(errors, name, TOO_MANY_KINDS)
        return []
    return kinds


def read_steps(raw: Any, errors: Errors) -> list[str]:
    """The chosen steps in their fixed order; the request and the decision are always in."""
    given = [raw] if isinstance(raw, str) else list(raw or ())
    steps, messages = normalised_steps(str(s).strip() for s in given if str(s).strip())
    for message in messages:
        _add(errors, "steps", message)
    if SETTLEMENT in steps and DELIVERY not in steps:
        _add(errors, "steps", SETTLEMENT_NEEDS_DELIVERY)
    return list(steps)


def read_documents(
    raw: Mapping[str, Any] | None, steps: Iterable[str], errors: Errors
) -> dict[str, list[str]]:
    """{step: [document kinds]} for the steps that need documents, in the steps' order."""
    used = set(steps)
    documents: dict[str, list[str]] = {}
    for step in STEPS:
        name = f"documents_{step}"
        kinds = read_kinds((raw or {}).get(step), name, errors)
        if kinds and step not in used:
            _add(errors, name, STEP_NOT_USED)
        elif kinds:
            documents[step] = kinds
    return documents


def check_service_type(raw: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    """The service type's column values read from `raw` (keys as the columns; `documents` a mapping of
    step to kinds), and the messages per field (empty when it is right)."""
    errors: Errors = {}
    code = read_line(raw.get("code"), "code", errors)
    if code is not None:
        code = code.upper()
        if not CODE.fullmatch(code):
            _add(errors, "code", BAD_CODE)
    steps = read_steps(raw.get("steps"), errors)
    values: dict[str, Any] = {
        "code": code,
        "name_lv": read_line(raw.get("name_lv"), "name_lv", errors),
        "name_en": read_line(raw.get("name_en"), "name_en", errors),
        "legal_basis": read_line(raw.get("legal_basis"), "legal_basis", errors),
        "funding": read_choice(raw.get("funding"), "funding", FUNDING, errors),
        "unit": read_choice(raw.get("unit"), "unit", UNITS, errors),
        "price": read_price(raw.get("price"), errors),
        "keeps_waiting_list": read_flag(raw.get("keeps_waiting_list")),
        "valid_from": read_day(raw.get("valid_from"), "valid_from", errors, required=True),
        "valid_to": read_day(raw.get("valid_to"), "valid_to", errors),
        "steps": steps,
        "documents": read_documents(raw.get("documents"), steps, errors),
    }
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        _add(errors, "valid_to", END_BEFORE_START)
    if SETTLEMENT in steps and values["price"] is None and "price" not in errors:
        _add(errors, "price", SETTLEMENT_NEEDS_PRICE)
    return values, errors


def check_price_change(
    raw_from: Any,
    raw_price: Any,
    *,
    valid_from: dt.date,
    valid_to: dt.date | None,
    today: dt.date,
) -> tuple[dt.date | None, Decimal | None, Errors]:
    """The day a new price applies from and the price, read as typed, and the messages per field: the day
    is within the service's days and not before this month (`today`'s), whose predecessors are settled."""
    errors: Errors = {}
    day = read_day(raw_from, "price_from", errors, required=True)
    price = read_price(raw_price, errors)
    if price is None and "price" not in errors:
        _add(errors, "price", REQUIRED)
    if day is not None:
        if day < today.replace(day=1):
            _add(errors, "price_from", PRICE_FROM_SETTLED)
        elif day < valid_from:
            _add(errors, "price_from", PRICE_FROM_BEFORE_SERVICE)
        elif valid_to is not None and day > valid_to:
            _add(errors, "price_from", PRICE_FROM_AFTER_END)
    return day, price, errors


def check_end(valid_from: dt.date, raw: Any) -> tuple[dt.date | None, Errors]:
    """The last day of a service being ended: a real day, not before its first."""
    errors: Errors = {}
    day = read_day(raw, "valid_to", errors)
    if day is None and not errors:
        _add(errors, "valid_to", END_NEEDED)
    elif day is not None and day < valid_from:
        _add(errors, "valid_to", END_BEFORE_START)
    return day, errors


@dataclass(frozen=True)
class Usage:
    """What already uses a service type: its events (and the steps the ones in progress are at), whether
    deliveries were recorded, its waiting-list entries (and how many hold a place)."""

    events: int = 0
    open_steps: frozenset[str] = frozenset()
    deliveries: bool = False
    queue_entries: int = 0
    holding_places: int = 0

    @property
    def used(self) -> bool:
        return bool(self.events or self.queue_entries)


def check_change(before: Mapping[str, Any], after: Mapping[str, Any], usage: Usage) -> Errors:
    """What the change would break for the events and lists that use the service (empty: nothing).
    A first price may be set; the service's own price and the unit deliveries were counted in stay (a new
    price is dated: `check_price_change`)."""
    errors: Errors = {}
    if usage.deliveries:
        if before.get("price") is not None and after.get("price") != before.get("price"):
            _add(errors, "price", PRICE_DATED)
        if after.get("unit") != before.get("unit"):
            _add(errors, "unit", UNIT_SETTLED)
    if usage.open_steps - set(after.get("steps") or ()):
        _add(errors, "steps", STEP_IN_USE)
    if usage.holding_places and before.get("keeps_waiting_list") and not after.get("keeps_waiting_list"):
        _add(errors, "keeps_waiting_list", LIST_IN_USE)
    return errors


def in_force(valid_from: dt.date, valid_to: dt.date | None, on: dt.date) -> bool:
    return valid_from <= on and (valid_to is None or valid_to >= on)


def ended(valid_to: dt.date | None, on: dt.date) -> bool:
    """No longer in the catalogue on `on` (a service not yet in force is still listed with the current)."""
    return valid_to is not None and valid_to < on
