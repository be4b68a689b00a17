"""Addresses (declared and actual) and status periods (disability, pension) as pure rules: validation of
one, and how a new period fits the ones already there (hand-over of the current address, no overlap).
Periods have an inclusive last day; None means it lasts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.domains.people.fields import (
    FIRST_DAY,
    MAX_AHEAD,
    Errors,
    fold_text,
    read_choice,
    read_day,
    read_text,
)
from app.i18n import N_

ADDRESS_KINDS: dict[str, str] = {"declared": N_("Declared address"), "actual": N_("Actual address")}
FLAG_KINDS: dict[str, str] = {"disability": N_("Disability"), "pensioner": N_("Pensioner")}
FLAG_DETAILS: dict[str, dict[str, str]] = {
    "disability": {
        "I": N_("Group I"),
        "II": N_("Group II"),
        "III": N_("Group III"),
        "child": N_("Child with a disability"),
    },
    "pensioner": {
        "old_age": N_("Old-age pension"),
        "early_old_age": N_("Early old-age pension"),
        "disability": N_("Disability pension"),
        "service": N_("Service pension"),
        "survivor": N_("Survivor's pension"),
        "other": N_("Other pension"),
    },
}


# Street types are left out of the address key (and of the searched text alike), so that "brīvības 12"
# finds "Brīvības iela 12-5" and "Brīvības gatve 12".
_STREET_WORDS = frozenset(
    {"iela", "gatve", "bulvaris", "bulv", "prospekts", "prosp", "laukums", "soseja", "cels", "aleja"}
)


def normalise_address(*parts: str | None) -> str:
    """The stored key for address "starts with" search: folded like names, punctuation as spaces (but
    "12-5" kept together), street-type words left out: 'Brīvības iela 12-5, Rīga' → 'brivibas 12-5 riga'."""
    text = fold_text(" ".join(p for p in parts if p))
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"[^\w-]+", " ", text)
    words = [w for w in text.split() if w not in _STREET_WORDS and w.strip("-")]
    return " ".join(words)


@dataclass(frozen=True)
class AddressData:
    kind: str
    line: str
    locality: str | None
    postal_code: str | None
    atvk: str | None
    valid_from: dt.date
    valid_to: dt.date | None

    @property
    def address_norm(self) -> str:
        return normalise_address(self.line, self.locality)


def _period(
    data: Mapping[str, Any], today: dt.date, errors: Errors, prefix: str = ""
) -> tuple[dt.date | None, dt.date | None]:
    start = read_day(data.get("valid_from"), prefix + "valid_from", errors)
    end = read_day(data.get("valid_to"), prefix + "valid_to", errors)
    latest = today + MAX_AHEAD
    if start is None and prefix + "valid_from" not in errors:
        errors.add(prefix + "valid_from", N_("Enter the start date."))
    elif start is not None and not FIRST_DAY <= start <= latest:
        errors.add(prefix + "valid_from", N_("The date is impossible: too far in the past or in the future."))
        start = None
    if end is not None and not FIRST_DAY <= end <= latest:
        errors.add(prefix + "valid_to", N_("The date is impossible: too far in the past or in the future."))
        end = None
    if start and end and end < start:
        errors.add(prefix + "valid_to", N_("The end date is before the start date."))
    return start, end


def validate_address(
    data: Mapping[str, Any], today: dt.date, *, prefix: str = ""
) -> tuple[AddressData | None, dict[str, list[str]]]:
    """An address with its period. `prefix` names the fields in the messages (a form with other fields)."""
    errors = Errors()
    kind = read_choice(data.get("kind"), prefix + "kind", ADDRESS_KINDS, errors)
    line = read_text(data.get("line"), prefix + "line", errors, 200)
    if line is None and prefix + "line" not in errors:
        errors.add(prefix + "line", N_("Enter the street and house (or the house name) and flat."))
    locality = read_text(data.get("locality"), prefix + "locality", errors, 100)
    postal = read_text(data.get("postal_code"), prefix + "postal_code", errors, 10)
    if postal is not None:
        digits = re.fullmatch(r"(?:LV)?[\s-]?(\d{4})", postal.upper())
        if digits is None:
            errors.add(prefix + "postal_code", N_("A postal code is LV- and four digits: LV-1010."))
            postal = None
        else:
            postal = f"LV-{digits[1]}"
    atvk = read_text(data.get("atvk"), prefix + "atvk", errors, 7)
    if atvk is not None and not re.fullmatch(r"\d{7}", atvk):
        errors.add(prefix + "atvk", N_("An ATVK code has 7 digits."))
    start, end = _period(data, today, errors, prefix)
    if line is not None and not normalise_address(line):
        errors.add(prefix + "line", N_("Enter the street and house (or the house name) and flat."))
    if errors:
        return None, dict(errors)
    assert kind is not None and line is not None and start is not None
    return AddressData(kind, line, locality, postal, atvk, start, end), {}


@dataclass(frozen=True)
class FlagData:
    kind: str
    detail: str
    valid_from: dt.date
    valid_to: dt.date | None


def validate_flag(data: Mapping[str, Any], today: dt.date) -> tuple[FlagData | None, dict[str, list[str]]]:
    errors = Errors()
    kind = read_choice(data.get("kind"), "kind", FLAG_KINDS, errors)
    detail = read_text(data.get("detail"), "detail", errors, None)
    if kind and detail not in FLAG_DETAILS[kind]:
        errors.add(
            "detail",
            N_("Choose the disability group.") if kind == "disability" else N_("Choose the pension type."),
        )
    start, end = _period(data, today, errors)
    if errors:
        return None, dict(errors)
    assert kind is not None and detail is not None and start is not None
    return FlagData(kind, detail, start, end), {}


@dataclass(frozen=True)
class Period:
    """A stored period; `valid_to` is the last day (inclusive), None while it lasts."""

    id: Any
    valid_from: dt.date
    valid_to: dt.date | None


def overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    """Two periods with inclusive ends (None: open) share at least one day."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


@dataclass(frozen=True)
class HandOver:
    """What adding a period does to the ones already there: which open period ends, on which day."""

    ends: Period | None = None
    ends_on: dt.date | None = None
    conflict: Period | None = None  # the period the new one would overlap: nothing may be changed


def hand_over(existing: Sequence[Period], start: dt.date, end: dt.date | None) -> HandOver:
    """A new address of a kind: the current (open) one of that kind ends the day before the new one starts,
    as a new declaration replaces the previous one; any other overlap is a conflict. A new period that does
    not start after the open one cannot replace it (that would erase it): a conflict too."""
    current = next((p for p in existing if p.valid_to is None), None)
    ends: Period | None = None
    ends_on: dt.date | None = None
    if current is not None and overlaps(start, end, current.valid_from, None):
        if end is None and current.valid_from < start:
            ends, ends_on = current, start - dt.timedelta(days=1)
        else:
            return HandOver(conflict=current)
    for period in existing:
        if period is current:
            continue
        if overlaps(start, end, period.valid_from, period.valid_to):
            return HandOver(conflict=period)
    return HandOver(ends=ends, ends_on=ends_on)


def first_overlap(existing: Sequence[Period], start: dt.date, end: dt.date | None) -> Period | None:
    """The first of `existing` that shares a day with the new period, or None."""
    return next((p for p in existing if overlaps(start, end, p.valid_from, p.valid_to)), None)


def validate_end(
    period: Period, raw_end: Any, today: dt.date, *, others: Sequence[Period] = ()
) -> tuple[dt.date | None, dict[str, list[str]]]:
    """Ending a period on a day: not before it started, not absurdly far ahead; an already ended one
    stays as it is. `others` are the same kind's other periods (an end may not reach into them)."""
    errors = Errors()
    end = read_day(raw_end, "valid_to", errors)
    if end is None and "valid_to" not in errors:
        errors.add("valid_to", N_("Enter the end date."))
    elif end is not None:
        if period.valid_to is not None:
            errors.add("valid_to", N_("This period has already ended."))
        elif end < period.valid_from:
            errors.add("valid_to", N_("The end date is before the start date."))
        elif end > today + MAX_AHEAD:
            errors.add("valid_to", N_("The date is impossible: too far in the past or in the future."))
        elif first_overlap([o for o in others if o.id != period.id], period.valid_from, end):
            errors.add("valid_to", N_("The period would overlap another one of the same kind."))
    return (end, {}) if not errors else (None, dict(errors))
