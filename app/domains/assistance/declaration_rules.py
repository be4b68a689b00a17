"""Pure rules of the means-test declaration (iztikas līdzekļu deklarācija, MK 809): the vocabularies, how a
member's relation and social status are read from the household, and the checks of what an officer enters
(incomes by month, property, housing costs). No database: the service applies these under its row lock.

Messages are English msgids. A message that names values (the months of the period) is a `Message`: its
text is the English sentence with the values filled in, and it carries the msgid and the values, so a page
translates it with them (`translate`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from app.domains.assistance.incomes import INCOME_TYPES, IRREGULAR_MONTHS, REGULAR_MONTHS, declaration_months
from app.domains.assistance.parameters import HOUSING_COST_ITEMS
from app.i18n import N_, gettext

Errors = dict[str, list[str]]

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000")  # euros: above any monthly income, savings or sale a household declares
MAX_COUNT = 99  # real properties, vehicles
MAX_HECTARES = Decimal("100000")
MAX_QUANTITY = Decimal("1000000")
MAX_ROWS = 400  # income rows of one member: 24 types × 12 months is below it
MAX_REASON = 300

STATUSES: dict[str, str] = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "superseded": N_("Superseded"),
}

# What a member is to the applicant (as MK 809 lists the household).
RELATIONS: dict[str, str] = {
    "applicant": N_("Applicant"),
    "spouse": N_("Spouse"),
    "partner": N_("Partner"),
    "child": N_("Child"),
    "parent": N_("Parent"),
    "grandparent": N_("Grandparent"),
    "grandchild": N_("Grandchild"),
    "sibling": N_("Brother or sister"),
    "other_relative": N_("Other relative"),
    "other": N_("Other person"),
}
MEMBER_RELATIONS = {k: v for k, v in RELATIONS.items() if k != "applicant"}

SOCIAL_STATUSES: dict[str, str] = {
    "employed": N_("Employed"),
    "unemployed": N_("Unemployed"),
    "pensioner": N_("Pensioner"),
    "disabled": N_("Person with a disability"),
    "pupil": N_("Pupil or student"),
    "child": N_("Child"),
    "other": N_("Other"),
}

# Housing-cost items that may count (SPSPL 35(3); MK 809 Annex 3): the codes of the cost norms.
HOUSING_ITEMS: dict[str, str] = HOUSING_COST_ITEMS

# Household roles (relative to the head) read as relations to the applicant, when the applicant is the head
# or the head is a relative of the applicant.
_ROLE_AS_RELATION = {
    "spouse": "spouse",
    "partner": "partner",
    "child": "child",
    "parent": "parent",
    "grandparent": "grandparent",
    "grandchild": "grandchild",
    "sibling": "sibling",
    "other_relative": "other_relative",
    "other": "other",
}
# What the head is to an applicant of this role.
_HEAD_SEEN_BY = {
    "spouse": "spouse",
    "partner": "partner",
    "child": "parent",
    "parent": "child",
    "grandchild": "grandparent",
    "grandparent": "grandchild",
    "sibling": "sibling",
}
# A recorded relationship (what the member is to the applicant) as a relation.
_KINSHIP_AS_RELATION = {
    "parent": "parent",
    "child": "child",
    "spouse": "spouse",
    "partner": "partner",
    "sibling": "sibling",
    "other": "other_relative",
}
_GROUPS = {"I": 1, "II": 2, "III": 3}


class Message(str):
    """A message with values: the English text filled in (what logs and the API show), plus the msgid
    and the values for translation."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        obj = super().__new__(cls, msgid % params if params else msgid)
        obj.msgid = msgid
        obj.params = params
        return obj

    def in_language(self, language: str) -> str:
        return gettext(language, self.msgid, **self.params)


def translate(language: str, message: str) -> str:
    """A message in the reader's language, with its values when it has any."""
    return message.in_language(language) if isinstance(message, Message) else gettext(language, message)


def month_label(month: dt.date) -> str:
    """A month as the messages name it, the same in both languages: 12.2025."""
    return f"{month.month:02d}.{month.year}"


# --- the household on the declaration date ----------------------------------------------------------------


def relation_to_applicant(applicant_role: str | None, member_role: str, kinship: str | None) -> str:
    """What a household member is to the applicant: a recorded relationship first; otherwise the household
    roles when one of the two is the head; otherwise "other"."""
    if kinship in _KINSHIP_AS_RELATION:
        return _KINSHIP_AS_RELATION[kinship]
    if applicant_role == "head":
        return _ROLE_AS_RELATION.get(member_role, "other")
    if member_role == "head" and applicant_role in _HEAD_SEEN_BY:
        return _HEAD_SEEN_BY[applicant_role]
    if applicant_role == member_role == "child":
        return "sibling"
    return "other"


def disability_group(detail: str | None) -> int | None:
    """The group (1–3) of a disability flag; a child's disability has no group."""
    return _GROUPS.get(detail or "")


def social_status(age: int | None, *, pensioner: bool, disabled: bool) -> str:
    """The status a member starts with; the officer corrects it (employed, unemployed) from the documents."""
    if age is not None and age < 7:
        return "child"
    if age is not None and age < 18:
        return "pupil"
    if pensioner:
        return "pensioner"
    if disabled:
        return "disabled"
    return "other"


def check_declared_on(declared_on: dt.date | None, today: dt.date) -> Errors:
    if declared_on is None:
        return {"declared_on": [N_("Enter the declaration date.")]}
    if declared_on > today:
        return {"declared_on": [N_("The declaration date cannot be in the future.")]}
    if declared_on < today - dt.timedelta(days=366):
        return {"declared_on": [N_("The declaration date is more than a year ago.")]}
    return {}


def check_member_choice(relation: str, status: str, *, applicant: bool = False) -> Errors:
    errors: Errors = {}
    allowed = RELATIONS if applicant else MEMBER_RELATIONS
    if relation not in allowed or (applicant and relation != "applicant"):
        errors["relation"] = [N_("Choose the relation to the applicant from the list.")]
    if status not in SOCIAL_STATUSES:
        errors["social_status"] = [N_("Choose a social status from the list.")]
    return errors


# --- numbers ----------------------------------------------------------------------------------------------

NOT_A_NUMBER = N_("Enter the amount as a number in euros, e.g. 450,00.")
NEGATIVE = N_("The amount cannot be negative.")
TOO_PRECISE = N_("Enter the amount in euros and cents: at most two digits after the comma.")
TOO_PRECISE_UNITS = N_("Enter at most three digits after the comma.")
TOO_LARGE = N_("The amount is too large: at most 999 999,99 €.")
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _decimal(raw: str | Decimal | int) -> Decimal | None:
    if isinstance(raw, Decimal | int):
        value = Decimal(raw)
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", raw).removesuffix("€").removesuffix("EUR")
        if not _NUMBER.fullmatch(text):
            return None
        try:
            value = Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
            return None
    return value if value.is_finite() else None


def read_amount(raw: str | Decimal | int | None) -> tuple[Decimal | None, str | None]:
    """An amount in euros from what was typed ("1 234,56", "450.5", "450 €"): (value, None), or (None, the
    message). Blank is (None, None): no amount."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    value = _decimal(raw)
    if value is None:
        return None, NOT_A_NUMBER
    if value < 0:
        return None, NEGATIVE
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        return None, TOO_PRECISE
    if value >= MAX_AMOUNT:
        return None, TOO_LARGE
    return value.quantize(CENT), None


def read_count(raw: str | int | None) -> tuple[int | None, str | None]:
    """A whole number of things (properties, vehicles) from 0 to 99; blank is 0."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 0, None
    text = str(raw).strip()
    if not re.fullmatch(r"\d{1,6}", text):
        return None, N_("Enter a whole number, e.g. 0 or 2.")
    if int(text) > MAX_COUNT:
        return None, N_("Enter at most 99.")
    return int(text), None


def read_quantity(
    raw: str | Decimal | None, maximum: Decimal, places: int
) -> tuple[Decimal | None, str | None]:
    """A non-negative number with at most `places` decimals (hectares, units of a cost); blank is None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    value = _decimal(raw)
    if value is None:
        return None, N_("Enter a number, e.g. 1,5.")
    if value < 0:
        return None, N_("The number cannot be negative.")
    quantum = Decimal(1).scaleb(-places)
    if value != value.quantize(quantum):
        return None, (N_("Enter at most two digits after the comma.") if places == 2 else TOO_PRECISE_UNITS)
    if value >= maximum:
        return None, N_("The number is too large.")
    return value.quantize(quantum), None


def read_month(raw: str | dt.date | None) -> dt.date | None:
    """A month as a form or the API gives it ("2026-02", "2026-02-01", a date): its first day, or None."""
    if isinstance(raw, dt.date):
        return raw.replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-01)?", (raw or "").strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    return dt.date(int(match[1]), int(match[2]), 1)


# --- incomes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomeEntry:
    """One income as entered: a type, a month (its first day, or "YYYY-MM") and the amount as typed."""

    income_type: str
    month: dt.date | str | None
    amount: str | Decimal | int | None
    source: str | None = None


@dataclass(frozen=True)
class CleanIncome:
    income_type: str
    month: dt.date
    amount: Decimal
    source: str | None


OUTSIDE_REGULAR = N_(
    "%(month)s is outside the declaration period: regular incomes are declared for the last 3 full "
    "months (%(months)s)."
)
OUTSIDE_IRREGULAR = N_(
    "%(month)s is outside the declaration period: irregular incomes are declared for the 12 months "
    "%(first)s–%(last)s."
)


def _outside(month: dt.date, regular: bool, allowed: Sequence[dt.date]) -> Message:
    if regular:
        return Message(
            OUTSIDE_REGULAR, month=month_label(month), months=", ".join(month_label(m) for m in allowed)
        )
    return Message(
        OUTSIDE_IRREGULAR,
        month=month_label(month),
        first=month_label(allowed[0]),
        last=month_label(allowed[-1]),
    )


def check_incomes(entries: Sequence[IncomeEntry], declared_on: dt.date) -> tuple[list[CleanIncome], Errors]:
    """The incomes of one member, checked: a known type, a month of that type's period, an amount of
    euros and cents. Entries without an amount are left out (no income). Messages are keyed
    `incomes.<index>.<field>`, by the entry's position."""
    errors: Errors = {}
    clean: list[CleanIncome] = []
    if len(entries) > MAX_ROWS:
        return [], {"incomes": [N_("Too many income rows for one person.")]}
    seen: set[tuple[str, dt.date]] = set()
    for i, entry in enumerate(entries):
        key = f"incomes.{i}."
        amount, problem = read_amount(entry.amount)
        if amount is None and problem is None:
            continue
        if problem:
            errors[key + "amount"] = [problem]
        kind = INCOME_TYPES.get(entry.income_type or "")
        if kind is None:
            errors[key + "income_type"] = [N_("Choose an income type from the list.")]
        month = read_month(entry.month)
        if month is None:
            errors[key + "month"] = [N_("Choose a month from the list.")]
        elif kind is not None:
            allowed = declaration_months(declared_on, kind.regular)
            if month not in allowed:
                errors[key + "month"] = [_outside(month, kind.regular, allowed)]
            elif (kind.code, month) in seen:
                errors[key + "month"] = [
                    N_("This income type is already given for this month: enter the month's total once.")
                ]
            seen.add((kind.code, month))
        source = (entry.source or "").strip()[:100] or None
        if amount is not None and kind is not None and month is not None and not errors.get(key + "month"):
            clean.append(CleanIncome(kind.code, month, amount, source))
    return clean, errors


# --- property and housing costs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyDraft:
    """The declaration's property as entered (counts and amounts as typed)."""

    owns_dwelling: bool = False
    other_real_property: str | int = 0
    vehicles: str | int = 0
    land_hectares: str | Decimal = "0"
    savings: str | Decimal = "0"
    maintenance_contract: bool = False
    other_criterion_failed: str = ""


@dataclass(frozen=True)
class CleanProperty:
    owns_dwelling: bool
    other_real_property: int
    vehicles: int
    land_hectares: Decimal
    savings: Decimal
    maintenance_contract: bool
    other_criterion_failed: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def check_property(draft: PropertyDraft) -> tuple[CleanProperty | None, Errors]:
    errors: Errors = {}
    real, problem = read_count(draft.other_real_property)
    if problem:
        errors["other_real_property"] = [problem]
    vehicles, problem = read_count(draft.vehicles)
    if problem:
        errors["vehicles"] = [problem]
    land, problem = read_quantity(draft.land_hectares, MAX_HECTARES, 2)
    if problem:
        errors["land_hectares"] = [problem]
    savings, problem = read_amount(draft.savings)
    if problem:
        errors["savings"] = [problem]
    reason = " ".join((draft.other_criterion_failed or "").split())
    if len(reason) > MAX_REASON:
        errors["other_criterion_failed"] = [N_("Enter at most 300 characters.")]
    if errors:
        return None, errors
    assert real is not None and vehicles is not None
    return (
        CleanProperty(
            owns_dwelling=draft.owns_dwelling,
            other_real_property=real,
            vehicles=vehicles,
            land_hectares=land or Decimal("0.00"),
            savings=savings or Decimal("0.00"),
            maintenance_contract=draft.maintenance_contract,
            other_criterion_failed=reason or None,
        ),
        {},
    )


@dataclass(frozen=True)
class HousingCostEntry:
    item: str
    amount: str | Decimal | None
    quantity: str | Decimal | None = None


@dataclass(frozen=True)
class CleanHousingCost:
    item: str
    amount: Decimal
    quantity: Decimal | None


def check_housing_costs(entries: Sequence[HousingCostEntry]) -> tuple[list[CleanHousingCost], Errors]:
    """Monthly costs per item (messages keyed `costs.<item>.amount|quantity`); an item without an amount
    is left out."""
    errors: Errors = {}
    clean: list[CleanHousingCost] = []
    seen: set[str] = set()
    for entry in entries:
        key = f"costs.{entry.item}."
        amount, problem = read_amount(entry.amount)
        quantity, q_problem = read_quantity(entry.quantity, MAX_QUANTITY, 3)
        if amount is None and problem is None:
            if quantity is not None:
                errors[key + "amount"] = [N_("Enter the monthly amount of this cost.")]
            continue
        if entry.item not in HOUSING_ITEMS:
            errors[key + "amount"] = [N_("Choose a housing cost from the list.")]
            continue
        if entry.item in seen:
            errors[key + "amount"] = [N_("This cost is given twice.")]
            continue
        seen.add(entry.item)
        if problem:
            errors[key + "amount"] = [problem]
        if q_problem:
            errors[key + "quantity"] = [q_problem]
        if amount is not None and not q_problem:
            clean.append(CleanHousingCost(entry.item, amount, quantity))
    return clean, errors


# --- the income table -------------------------------------------------------------------------------------


def monthly_average(incomes: Iterable[tuple[str, Decimal]]) -> Decimal:
    """The average monthly income from (type, amount) pairs: counted regular incomes over 3 months plus
    counted irregular ones over 12 (MK 809 Annex 2; the exact averaging is a brief's UNCONFIRMED item, the
    assessment's explanation shows the one applied), rounded to cents."""
    regular = Decimal(0)
    irregular = Decimal(0)
    for code, amount in incomes:
        kind = INCOME_TYPES.get(code)
        if kind is None or not kind.counts:
            continue
        if kind.regular:
            regular += amount
        else:
            irregular += amount
    total = regular / REGULAR_MONTHS + irregular / IRREGULAR_MONTHS
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IncomeRow:
    """One income type of one member: the amounts by month (first days) and the row's total."""

    income_type: str
    label: str  # msgid
    counts: bool
    regular: bool
    amounts: Mapping[dt.date, Decimal]
    sources: tuple[str, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))


def income_rows(incomes: Iterable[tuple[str, dt.date, Decimal, str | None]]) -> tuple[IncomeRow, ...]:
    """Rows per income type, in the catalogue's order, from (type, month, amount, source)."""
    amounts: dict[str, dict[dt.date, Decimal]] = {}
    sources: dict[str, list[str]] = {}
    for code, month, amount, source in incomes:
        amounts.setdefault(code, {})[month] = amounts.get(code, {}).get(month, Decimal(0)) + amount
        if source and source not in sources.setdefault(code, []):
            sources[code].append(source)
    order = list(INCOME_TYPES)
    rows = []
    for code in sorted(amounts, key=lambda c: order.index(c) if c in order else len(order)):
        kind = INCOME_TYPES.get(code)
        rows.append(
            IncomeRow(
                income_type=code,
                label=kind.label if kind else code,
                counts=bool(kind and kind.counts),
                regular=bool(kind is None or kind.regular),
                amounts=amounts[code],
                sources=tuple(sources.get(code, ())),
            )
        )
    return tuple(rows)
