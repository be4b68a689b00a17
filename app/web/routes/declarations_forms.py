"""Reading the declaration page's forms and filling them back: the income grid of a member (regular
incomes: a row per type, a column per month; irregular ones: a row per type and month), the property, the
housing costs; the messages of a refused form by the field they belong to, in the reader's language; how
computed values and explanation lines are shown."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from app.domains.assistance.declaration_rules import (
    HOUSING_ITEMS,
    HousingCostEntry,
    IncomeEntry,
    PropertyDraft,
    translate,
)
from app.domains.assistance.explain import Line
from app.domains.assistance.incomes import INCOME_TYPES
from app.domains.assistance.queries import DeclarationCard, MemberCard
from app.i18n import N_, format_money, format_number, gettext
from app.web.routes.case_forms import one

BLANK_ROWS = 2  # empty rows offered for new incomes (no script needed to add one)
MAX_FORM_ROWS = 60
Errors = dict[str, list[str]]

REGULAR_TYPES = [(code, t.label) for code, t in INCOME_TYPES.items() if t.regular]
IRREGULAR_TYPES = [(code, t.label) for code, t in INCOME_TYPES.items() if not t.regular]


def month_key(month: dt.date) -> str:
    return f"{month.year}-{month.month:02d}"


def amount_text(value: Decimal | None, lang: str) -> str:
    """An amount as the form shows it back: 450,00 in Latvian, 450.00 in English (both are read)."""
    if value is None:
        return ""
    text = f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    return text.replace(".", ",") if lang == "lv" else text


def translated(lang: str, errors: Mapping[str, Sequence[str]]) -> Errors:
    """Messages in the reader's language (with their values), so the template shows them as they are."""
    return {key: [translate(lang, m) for m in messages] for key, messages in errors.items()}


# --- incomes ----------------------------------------------------------------------------------------------


def income_values(member: MemberCard, card: DeclarationCard, lang: str) -> dict[str, Any]:
    """The income form of a member as stored, with empty rows to add to."""
    regular = [
        {
            "n": f"r{i}",
            "type": row.income_type,
            "amounts": {month_key(m): amount_text(row.amounts.get(m), lang) for m in card.regular_months},
            "source": ", ".join(row.sources)[:100],
        }
        for i, row in enumerate(member.regular)
    ]
    irregular = [
        {
            "n": f"i{i}",
            "type": code,
            "month": month_key(month),
            "amount": amount_text(amount, lang),
            "source": source,
        }
        for i, (code, month, amount, source) in enumerate(
            (row.income_type, month, amount, ", ".join(row.sources)[:100])
            for row in member.irregular
            for month, amount in sorted(row.amounts.items())
        )
    ]
    return _with_blank_rows({"regular": regular, "irregular": irregular}, card)


def _with_blank_rows(values: dict[str, Any], card: DeclarationCard) -> dict[str, Any]:
    regular, irregular = values["regular"], values["irregular"]
    for _ in range(BLANK_ROWS):
        regular.append(
            {"n": f"r{len(regular)}", "type": "", "amounts": {month_key(m): "" for m in card.regular_months}}
        )
        irregular.append({"n": f"i{len(irregular)}", "type": "", "month": "", "amount": "", "source": ""})
    return values


def _indices(data: Mapping[str, Any], prefix: str) -> list[int]:
    found = {int(m[1]) for key in data if (m := re.fullmatch(prefix + r"(\d{1,3})-type", key))}
    return sorted(i for i in found if i < MAX_FORM_ROWS)


def read_incomes(
    data: Mapping[str, Any], card: DeclarationCard
) -> tuple[list[IncomeEntry], list[dict[str, str]], dict[str, Any]]:
    """The posted grid as entries for the service, the form field of each entry's parts (for the
    messages), and the values to show the form again."""
    entries: list[IncomeEntry] = []
    fields: list[dict[str, str]] = []
    regular, irregular = [], []
    for i in _indices(data, "r"):
        n = f"r{i}"
        kind, source = one(data, f"{n}-type"), one(data, f"{n}-source")
        amounts = {month_key(m): one(data, f"{n}-{month_key(m)}") for m in card.regular_months}
        regular.append({"n": n, "type": kind, "amounts": amounts, "source": source})
        for month in card.regular_months:
            cell = f"{n}-{month_key(month)}"
            entries.append(IncomeEntry(kind, month, amounts[month_key(month)], source))
            fields.append({"income_type": f"{n}-type", "month": cell, "amount": cell})
    for i in _indices(data, "i"):
        n = f"i{i}"
        row = {k: one(data, f"{n}-{k}") for k in ("type", "month", "amount", "source")}
        irregular.append({"n": n, **row})
        entries.append(IncomeEntry(row["type"], row["month"], row["amount"], row["source"]))
        fields.append({"income_type": f"{n}-type", "month": f"{n}-month", "amount": f"{n}-amount"})
    return entries, fields, {"regular": regular, "irregular": irregular}


def income_errors(errors: Mapping[str, list[str]], fields: Sequence[dict[str, str]]) -> Errors:
    """The service's messages (`incomes.<index>.<part>`) by form field, each message once per field."""
    found: Errors = {}
    for key, messages in errors.items():
        match = re.fullmatch(r"incomes\.(\d+)\.(\w+)", key)
        name = key
        if match and int(match[1]) < len(fields):
            name = fields[int(match[1])].get(match[2], key)
        elif key != "member_id":
            name = "incomes"
        bucket = found.setdefault(name, [])
        bucket.extend(m for m in messages if m not in bucket)
    return found


# --- property and housing costs ---------------------------------------------------------------------------


PROPERTY_FIELDS = (
    "owns_dwelling",
    "other_real_property",
    "vehicles",
    "land_hectares",
    "savings",
    "maintenance_contract",
    "other_criterion_failed",
)


def property_values(card: DeclarationCard, lang: str) -> dict[str, str]:
    return {
        "owns_dwelling": "on" if card.owns_dwelling else "",
        "other_real_property": str(card.other_real_property),
        "vehicles": str(card.vehicles),
        "land_hectares": amount_text(card.land_hectares, lang),
        "savings": amount_text(card.savings, lang),
        "maintenance_contract": "on" if card.maintenance_contract else "",
        "other_criterion_failed": card.other_criterion_failed or "",
    }


def read_property(data: Mapping[str, Any]) -> tuple[PropertyDraft, dict[str, str]]:
    values = {name: one(data, name) for name in PROPERTY_FIELDS}
    draft = PropertyDraft(
        owns_dwelling=values["owns_dwelling"] == "on",
        other_real_property=values["other_real_property"],
        vehicles=values["vehicles"],
        land_hectares=values["land_hectares"],
        savings=values["savings"],
        maintenance_contract=values["maintenance_contract"] == "on",
        other_criterion_failed=values["other_criterion_failed"],
    )
    return draft, values


def housing_values(card: DeclarationCard, lang: str) -> dict[str, str]:
    values = {f"cost-{item}-amount": "" for item in HOUSING_ITEMS}
    for cost in card.housing_costs:
        values[f"cost-{cost.item}-amount"] = amount_text(cost.amount, lang)
        quantity = cost.quantity.normalize() if cost.quantity is not None else None
        values[f"cost-{cost.item}-quantity"] = amount_text(quantity, lang) if quantity is not None else ""
    return values


def read_housing(data: Mapping[str, Any]) -> tuple[list[HousingCostEntry], dict[str, str]]:
    values: dict[str, str] = {}
    entries = []
    for item in HOUSING_ITEMS:
        amount, quantity = one(data, f"cost-{item}-amount"), one(data, f"cost-{item}-quantity")
        values[f"cost-{item}-amount"], values[f"cost-{item}-quantity"] = amount, quantity
        entries.append(HousingCostEntry(item, amount, quantity))
    return entries, values


def housing_errors(errors: Mapping[str, list[str]]) -> Errors:
    found: Errors = {}
    for key, messages in errors.items():
        match = re.fullmatch(r"costs\.(\w+)\.(amount|quantity)", key)
        found[f"cost-{match[1]}-{match[2]}" if match else "costs"] = list(messages)
    return found


# --- explanation lines ------------------------------------------------------------------------------------

# Units after a number, abbreviated ("3 mēn.", "17 g.") so no plural forms are needed.
UNIT_WORDS = {"months": N_("mo."), "years": N_("yrs")}


def _param(value: Any, lang: str) -> Any:
    if isinstance(value, Decimal):
        return format_number(value, lang)
    if isinstance(value, str):
        return gettext(lang, value) if value else value
    return value


def line_label(line: Line, lang: str) -> str:
    params = {k: _param(v, lang) for k, v in line.params.items()}
    try:
        return gettext(lang, line.label, **params)
    except (KeyError, ValueError, TypeError):  # a translation that names other values: the English one
        return line.label % params if params else line.label


def line_value(line: Line, lang: str) -> str:
    value = line.value
    if value is None:
        return ""
    if isinstance(value, str):
        return gettext(lang, value)
    if line.unit == "EUR":
        return format_money(Decimal(value), lang)
    number = format_number(value, lang)
    if line.unit == "%":
        return f"{number} %"
    if line.unit in UNIT_WORDS:
        return f"{number} {gettext(lang, UNIT_WORDS[line.unit])}"
    if line.unit in ("", "coefficient"):
        return number
    return f"{number} {line.unit}"
