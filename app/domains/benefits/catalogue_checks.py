"""Reading and checking a benefit type as a form or a caller gives it (strings as typed, or typed values):
every field parsed, every rule of the catalogue checked, each problem a message (msgid) under its field.
Pure; the service adds what needs the database (a code already used in the municipality)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.dates import DateError, parse_day
from app.domains.benefits.catalogue_terms import (
    AMOUNT_RULES,
    FORMULA_KINDS,
    FREQUENCIES,
    KINDS,
    PAYMENT_CHANNELS,
    PER,
    PERCENT_OF,
    REPORTING_CATEGORIES,
    REQUIRES_STATUS,
    STATUS_KINDS,
    TARGET_GROUPS,
    THRESHOLDS,
)
from app.i18n import N_

Errors = dict[str, list[str]]

REQUIRED = N_("This field is required.")
CHOOSE = N_("Choose a value from the list.")
BAD_AMOUNT = N_("Enter an amount in euros, for example 150,00.")
CENTS = N_("An amount has at most two digits after the decimal comma.")
POSITIVE = N_("Enter an amount greater than zero.")
TOO_BIG = N_("The amount is too large.")
BAD_PERCENT = N_("Enter a percentage greater than 0 and at most 100, for example 50.")
BAD_CODE = N_(
    "Enter a code of capital letters, digits, hyphens or underscores (at most 30), for example KRIZE."
)
BAD_TEXT = N_("The text contains characters that cannot be stored.")
TIERS_NEED_BASE = N_("Enter the yearly cap for households without children as well.")
TIERS_ORDER = N_("Each higher cap needs its own number of children, from 1 up.")

CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,29}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
TEXT_LIMITS = {"name_lv": 200, "name_en": 200, "legal_basis": 300}
TOO_LONG = {200: N_("At most 200 characters."), 300: N_("At most 300 characters.")}
MAX_AMOUNT = Decimal("9999999999.99")  # numeric(12, 2)
TIER_ROWS = 3  # the form offers this many "higher cap from N children" rows

# Fields in form order: the first with a message gets the focus after a refused form.
FIELDS = (
    "code", "name_lv", "name_en", "kind", "legal_basis", "valid_from", "valid_to", "active",
    "requires_status", "means_tested", "threshold", "custom_threshold", "target_groups", "min_age",
    "max_age", "residents_only", "amount_rule", "amount", "percent", "percent_of", "cap", "min_claim",
    "per", "frequency", "yearly_cap", "yearly_cap_by_children", "times_per_year", "payment_channel",
    "reporting_category", "decision_days",
)  # fmt: skip


def _text(raw: Any) -> str:
    return " ".join(str(raw).split()) if raw is not None else ""


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def read_line(raw: Any, name: str, errors: Errors, *, required: bool = True) -> str | None:
    """One line of text, inner whitespace collapsed; None when empty."""
    if raw is not None and _CONTROL.search(str(raw).replace("\t", " ").replace("\n", " ").replace("\r", " ")):
        _add(errors, name, BAD_TEXT)
        return None
    value = _text(raw)
    if not value:
        if required:
            _add(errors, name, REQUIRED)
        return None
    limit = TEXT_LIMITS.get(name, 200)
    if len(value) > limit:
        _add(errors, name, TOO_LONG[limit])
        return None
    return value


def read_choice(
    raw: Any, name: str, choices: Mapping[str, Any], errors: Errors, *, default: str | None = None
) -> str | None:
    value = _text(raw)
    if not value:
        if default is None:
            _add(errors, name, CHOOSE)
        return default
    if value not in choices:
        _add(errors, name, CHOOSE)
        return None
    return value


def read_flag(raw: Any) -> bool:
    """A checkbox ("on") or a bool."""
    if isinstance(raw, bool):
        return raw
    return _text(raw).lower() in {"on", "true", "1", "yes"}


def read_day(raw: Any, name: str, errors: Errors, *, required: bool = False) -> dt.date | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            _add(errors, name, REQUIRED)
        return None
    try:
        return parse_day(raw, bounded=True)
    except DateError as exc:
        _add(errors, name, str(exc))
        return None


def read_decimal(raw: Any, name: str, errors: Errors, *, places: int = 2) -> Decimal | None:
    """An amount as typed ("1 234,50", "1234.5") or a Decimal/int; None when empty."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
        if not text:
            return None
        if not re.fullmatch(r"-?[0-9]{1,13}(\.[0-9]+)?", text):
            _add(errors, name, BAD_PERCENT if name == "percent" else BAD_AMOUNT)
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            _add(errors, name, BAD_AMOUNT)
            return None
    if not value.is_finite():
        _add(errors, name, BAD_AMOUNT)
        return None
    if value != value.quantize(Decimal(1).scaleb(-places)):
        _add(errors, name, BAD_PERCENT if name == "percent" else CENTS)
        return None
    return value.quantize(Decimal(1).scaleb(-places))


def read_positive(
    raw: Any, name: str, errors: Errors, *, required: bool = False, places: int = 2
) -> Decimal | None:
    value = read_decimal(raw, name, errors, places=places)
    if name in errors:
        return None
    if value is None:
        if required:
            _add(errors, name, REQUIRED)
        return None
    if value <= 0:
        _add(errors, name, POSITIVE)
        return None
    if value > MAX_AMOUNT:
        _add(errors, name, TOO_BIG)
        return None
    return value


def read_whole(raw: Any, name: str, errors: Errors, low: int, high: int, message: str) -> int | None:
    """A whole number from `low` to `high`, None when empty."""
    if raw is None or isinstance(raw, bool) or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 6) or not low <= int(text) <= high:
        _add(errors, name, message)
        return None
    return int(text)


AGE = N_("Enter an age in full years, from 0 to 130.")
CHILDREN = N_("Enter the number of children as a whole number from 1 to 20.")
TIMES = N_("Enter how many times a year, from 1 to 366.")
DAYS = N_("Enter the decision deadline in working days, from 1 to 365.")
END_BEFORE_START = N_("The end date is before the start date.")
AGES_REVERSED = N_("The upper age is below the lower age.")
FORMULA_ONLY = N_(
    "GMI and the housing benefit are computed by the formula of the law: choose “Formula of the law”."
)
NOT_FORMULA = N_("Only GMI and the housing benefit are computed by the formula of the law.")
STATUS_ONLY = N_("A status has no amount: choose “No amount (a status)”.")
NOT_STATUS = N_("Only the statuses have no amount: choose how the amount is set.")

AMOUNT_FIELDS = ("amount", "percent", "percent_of", "cap", "min_claim")


def _target_groups(raw: Any, errors: Errors) -> list[str]:
    given = [raw] if isinstance(raw, str) else list(raw or ())
    chosen = {_text(g) for g in given if _text(g)}
    if chosen - set(TARGET_GROUPS):
        _add(errors, "target_groups", CHOOSE)
    return [g for g in TARGET_GROUPS if g in chosen]


def _tiers(raw: Any, base: Decimal | None, errors: Errors) -> list[dict[str, Any]]:
    """Higher yearly caps by the number of children: rows of {"children_from", "cap"}, empty rows skipped."""
    name = "yearly_cap_by_children"
    tiers: list[dict[str, Any]] = []
    for row in raw or ():
        children_raw, cap_raw = row.get("children_from"), row.get("cap")
        if _text(children_raw) == "" and _text(cap_raw) == "":
            continue
        children = read_whole(children_raw, name, errors, 1, 20, CHILDREN)
        if children is None and name not in errors:
            _add(errors, name, CHILDREN)
        cap = read_positive(cap_raw, name, errors, required=True)
        if children is not None and cap is not None:
            tiers.append({"children_from": children, "cap": str(cap)})
    if name in errors:
        return []
    if len({t["children_from"] for t in tiers}) != len(tiers):
        _add(errors, name, TIERS_ORDER)
    elif tiers and base is None and "yearly_cap" not in errors:
        _add(errors, name, TIERS_NEED_BASE)
    return sorted(tiers, key=lambda t: int(t["children_from"]))


def _amount(raw: Mapping[str, Any], kind: str | None, errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(AMOUNT_FIELDS)
    rule = read_choice(raw.get("amount_rule"), "amount_rule", AMOUNT_RULES, errors)
    values["amount_rule"] = rule
    if rule is None or kind is None:
        return values
    if kind in FORMULA_KINDS and rule != "formula":
        _add(errors, "amount_rule", FORMULA_ONLY)
    elif rule == "formula" and kind not in FORMULA_KINDS:
        _add(errors, "amount_rule", NOT_FORMULA)
    elif kind in STATUS_KINDS and rule != "none":
        _add(errors, "amount_rule", STATUS_ONLY)
    elif rule == "none" and kind not in STATUS_KINDS:
        _add(errors, "amount_rule", NOT_STATUS)
    if rule == "fixed":
        values["amount"] = read_positive(raw.get("amount"), "amount", errors, required=True)
    elif rule == "percent_of_threshold":
        percent = read_positive(raw.get("percent"), "percent", errors, required=True, places=3)
        if percent is not None and percent > 100:
            _add(errors, "percent", BAD_PERCENT)
        values["percent"] = percent
        values["percent_of"] = read_choice(raw.get("percent_of"), "percent_of", PERCENT_OF, errors)
    elif rule == "actual_cost_capped":
        values["cap"] = read_positive(raw.get("cap"), "cap", errors, required=True)
        values["min_claim"] = read_positive(raw.get("min_claim"), "min_claim", errors)
    return values


def check_benefit_type(raw: Mapping[str, Any]) -> tuple[dict[str, Any], Errors]:
    """The benefit type's column values read from `raw`, and the messages per field (empty when it is
    right). Fields an amount rule does not use are cleared; a means test without one clears its threshold."""
    errors: Errors = {}
    code = read_line(raw.get("code"), "code", errors)
    if code is not None:
        code = code.upper()
        if not CODE.fullmatch(code):
            _add(errors, "code", BAD_CODE)
    kind = read_choice(raw.get("kind"), "kind", KINDS, errors)
    values: dict[str, Any] = {
        "code": code,
        "name_lv": read_line(raw.get("name_lv"), "name_lv", errors),
        "name_en": read_line(raw.get("name_en"), "name_en", errors),
        "kind": kind,
        "legal_basis": read_line(raw.get("legal_basis"), "legal_basis", errors),
        "valid_from": read_day(raw.get("valid_from"), "valid_from", errors, required=True),
        "valid_to": read_day(raw.get("valid_to"), "valid_to", errors),
        "requires_status": read_choice(
            raw.get("requires_status"), "requires_status", REQUIRES_STATUS, errors, default="none"
        ),
        "means_tested": read_flag(raw.get("means_tested")),
        "target_groups": _target_groups(raw.get("target_groups"), errors),
        "min_age": read_whole(raw.get("min_age"), "min_age", errors, 0, 130, AGE),
        "max_age": read_whole(raw.get("max_age"), "max_age", errors, 0, 130, AGE),
        "residents_only": read_flag(raw.get("residents_only")),
        "per": read_choice(raw.get("per"), "per", PER, errors, default="household"),
        "frequency": read_choice(raw.get("frequency"), "frequency", FREQUENCIES, errors),
        "payment_channel": read_choice(
            raw.get("payment_channel"), "payment_channel", PAYMENT_CHANNELS, errors, default="client"
        ),
        "reporting_category": read_choice(
            raw.get("reporting_category"), "reporting_category", REPORTING_CATEGORIES, errors, default="other"
        ),
        "decision_days": read_whole(raw.get("decision_days"), "decision_days", errors, 1, 365, DAYS),
        "yearly_cap": read_positive(raw.get("yearly_cap"), "yearly_cap", errors),
        "times_per_year": read_whole(raw.get("times_per_year"), "times_per_year", errors, 1, 366, TIMES),
    }
    if values["valid_from"] and values["valid_to"] and values["valid_to"] < values["valid_from"]:
        _add(errors, "valid_to", END_BEFORE_START)
    if (
        values["min_age"] is not None
        and values["max_age"] is not None
        and values["max_age"] < values["min_age"]
    ):
        _add(errors, "max_age", AGES_REVERSED)
    values["threshold"], values["custom_threshold"] = None, None
    if values["means_tested"]:
        values["threshold"] = read_choice(raw.get("threshold"), "threshold", THRESHOLDS, errors)
        if values["threshold"] == "custom":
            values["custom_threshold"] = read_positive(
                raw.get("custom_threshold"), "custom_threshold", errors, required=True
            )
    values["yearly_cap_by_children"] = _tiers(raw.get("yearly_cap_by_children"), values["yearly_cap"], errors)
    values.update(_amount(raw, kind, errors))
    if values["amount_rule"] in ("formula", "none"):
        values.update({"yearly_cap": None, "yearly_cap_by_children": [], "times_per_year": None})
    return values, errors
