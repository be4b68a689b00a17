"""Legal parameters of social assistance, valid on a date: national rows (`legal_parameters`, loaded by the
migration, domain brief §1–3) with the municipality's own values (`municipal_parameters`) winning on their
dates, and the housing-cost norms (national floor, a more generous municipal norm wins).

Keys (value units in brackets; "published" values are the thresholds as the law or the ministry
published them — when present they win over the ones derived from the median):

  income_median                 CSP income median per equivalent consumer (EUR), from 01.07.2023
  gmi_percent, needy_percent,   the thresholds as a percentage of the median (%)
  low_income_max_percent
  gmi_first, gmi_other          published GMI threshold, first / each other person (EUR)
  needy_first, needy_other      published needy-household threshold (EUR)
  low_income_max_first/_other   published maximum of the municipal low-income threshold (EUR)
  low_income_first/_other       MUNICIPAL ONLY: the municipality's low-income threshold, optionally per
                                household type (see HOUSEHOLD_TYPES)
  other_person_coefficient      equivalence scale for every other person (0.7)
  rounding_quantum              derived thresholds are rounded half up to this (1 EUR; UNCONFIRMED rule)
  housing_coefficient_single_pensioner / _pensioners / _other   k of the housing benefit (2.5 / 2 / 1.5)
  savings_limit                 savings a needy / low-income household may hold (EUR; UNCONFIRMED)
  vehicles_max, vehicles_max_with_children   motor vehicles allowed (1 / 2)
  land_max_hectares             land allowed (ha)
  child_age_limit               a member younger than this is a child (years)
  status_period_months          status period (3)
  status_period_months_long     status period when no member is of working age (6; the rule UNCONFIRMED)
  status_period_months_short    status period when the income qualifies but another criterion fails (1)
  gmi_period_months, gmi_period_months_short   GMI period (3), and 1 when another criterion fails
  asset_failure_one_month       1: a failed asset test counts as "another criterion" (1-month period);
                                0: it refuses the status (UNCONFIRMED which MK 809 means)
  regular_income_months, irregular_income_months   divisors of the income averaging (3 / 12; UNCONFIRMED)
  minimum_wage                  national minimum monthly wage (EUR), used by catalogue rules
  assistant_hourly_rate         the assistant's pay an hour with taxes (EUR; MK 316, the service's rules in
                                app/domains/services/assistant_rules.py; the rate from 01.04.2023 UNCONFIRMED)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.assistance.models import (
    HousingCostNorm,
    LegalParameter,
    MunicipalHousingCostNorm,
    MunicipalParameter,
)
from app.errors import InvalidInput
from app.i18n import N_

# The notes the migration stores with national values (English), as msgids so that pages show them in the
# reader's language; a municipality's own notes are shown as written.
NATIONAL_NOTES = (
    N_("After the Constitutional Court ruling."),
    N_("Averaging unconfirmed."),
    N_("Given when no member is of working age (all children, pensioners or persons with disabilities)."),
    N_("May follow the needy threshold."),
    N_("No coefficient given for May 2023; the permanent ones assumed."),
    N_("No source states the 2025 median; 754.5–755 back-calculated from the published thresholds."),
    N_("Not in the domain brief; check the Cabinet regulation on the minimum monthly wage."),
    N_("Published value."),
    N_(
        "Raised from 01.04.2023 by an amendment of MK 316 (23-TA-336); the new amount is unconfirmed here: "
        "check it."
    ),
    N_("Whole euros, half up, as observed (425 × 0.7 = 297.5 → 298); the rule in the law is unconfirmed."),
)


@dataclass(frozen=True)
class ParameterSpec:
    label: str  # msgid
    unit: str  # "EUR", "%", "coefficient", "months", "ha", "years", "" (a count or a flag)
    municipal: bool = False  # a municipality may set its own value
    by_household_type: bool = False


SPECS: dict[str, ParameterSpec] = {
    "income_median": ParameterSpec(N_("Income median"), "EUR"),
    "gmi_percent": ParameterSpec(N_("GMI threshold, percentage of the median"), "%"),
    "needy_percent": ParameterSpec(N_("Needy threshold, percentage of the median"), "%"),
    "low_income_max_percent": ParameterSpec(
        N_("Low-income threshold maximum, percentage of the median"), "%"
    ),
    "gmi_first": ParameterSpec(N_("GMI threshold, first person"), "EUR"),
    "gmi_other": ParameterSpec(N_("GMI threshold, each other person"), "EUR"),
    "needy_first": ParameterSpec(N_("Needy threshold, first person"), "EUR"),
    "needy_other": ParameterSpec(N_("Needy threshold, each other person"), "EUR"),
    "low_income_max_first": ParameterSpec(N_("Low-income threshold maximum, first person"), "EUR"),
    "low_income_max_other": ParameterSpec(N_("Low-income threshold maximum, each other person"), "EUR"),
    "low_income_first": ParameterSpec(N_("Low-income threshold, first person"), "EUR", True, True),
    "low_income_other": ParameterSpec(N_("Low-income threshold, each other person"), "EUR", True, True),
    "other_person_coefficient": ParameterSpec(N_("Coefficient for each other person"), "coefficient"),
    "rounding_quantum": ParameterSpec(N_("Thresholds rounded to"), "EUR"),
    "housing_coefficient_single_pensioner": ParameterSpec(
        N_("Housing benefit coefficient: pensioner or person with a disability living alone"), "coefficient"
    ),
    "housing_coefficient_pensioners": ParameterSpec(
        N_("Housing benefit coefficient: only pensioners or persons with disabilities"), "coefficient"
    ),
    "housing_coefficient_other": ParameterSpec(
        N_("Housing benefit coefficient: other households"), "coefficient"
    ),
    "savings_limit": ParameterSpec(N_("Savings limit"), "EUR"),
    "vehicles_max": ParameterSpec(N_("Motor vehicles allowed"), ""),
    "vehicles_max_with_children": ParameterSpec(N_("Motor vehicles allowed with children"), ""),
    "land_max_hectares": ParameterSpec(N_("Land allowed"), "ha"),
    "child_age_limit": ParameterSpec(N_("A child is younger than"), "years"),
    "status_period_months": ParameterSpec(N_("Status period"), "months"),
    "status_period_months_long": ParameterSpec(N_("Status period without a working-age member"), "months"),
    "status_period_months_short": ParameterSpec(
        N_("Status period when another criterion is not met"), "months"
    ),
    "gmi_period_months": ParameterSpec(N_("GMI benefit period"), "months"),
    "gmi_period_months_short": ParameterSpec(
        N_("GMI benefit period when another criterion is not met"), "months"
    ),
    "asset_failure_one_month": ParameterSpec(N_("A failed asset test gives the short period (1 = yes)"), ""),
    "regular_income_months": ParameterSpec(N_("Regular income averaged over"), "months"),
    "irregular_income_months": ParameterSpec(N_("Irregular income averaged over"), "months"),
    "minimum_wage": ParameterSpec(N_("Minimum monthly wage"), "EUR"),
    "assistant_hourly_rate": ParameterSpec(N_("Assistant's pay an hour, with taxes"), "EUR"),
}
MUNICIPAL_KEYS = tuple(k for k, s in SPECS.items() if s.municipal)

# Household types a municipality may set its low-income threshold for (Liepāja's three, domain brief §1.2).
HOUSEHOLD_TYPES: dict[str, str] = {
    "single_pensioner": N_("Pensioner or person with a disability living alone"),
    "pensioners": N_("Only pensioners or persons with disabilities (children may live with them)"),
    "single_parent": N_("One adult with children"),
    "working_age": N_("Households with a working-age adult"),
}

# Housing-cost items (SPSPL 35(3); municipal pages); the norms give each a monthly cap.
HOUSING_COST_ITEMS: dict[str, str] = {
    "rent": N_("Rent"),
    "management": N_("Mandatory management costs"),
    "heating": N_("Heating"),
    "hot_water": N_("Hot water"),
    "electricity": N_("Electricity"),
    "water": N_("Water"),
    "gas": N_("Natural gas"),
    "sewerage": N_("Sewerage or septic services"),
    "waste": N_("Household waste"),
    "telecom": N_("Telecommunications and internet"),
    "water_meters": N_("Installing and verifying water meters"),
    "solid_fuel": N_("Solid fuel"),
    "gas_cylinder": N_("Gas cylinder"),
    "land_lease": N_("Land lease"),
    "property_tax": N_("Real-estate tax"),
}

MISSING = N_(
    "A legal parameter this computation needs has no value on the chosen date. "
    "Check the legal parameters valid on that date."
)


class MissingParameter(InvalidInput):
    """No value of `key` is valid on `on` (national or municipal): the computation cannot be made."""

    def __init__(self, key: str, on: dt.date) -> None:
        super().__init__({"parameters": [MISSING]}, MISSING)
        self.key = key
        self.on = on

    def __str__(self) -> str:
        return f"legal parameter {self.key!r} has no value on {self.on.isoformat()}"


@dataclass(frozen=True)
class ParameterValue:
    key: str
    value: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    legal_reference: str
    unconfirmed: bool = False
    note: str | None = None
    municipal: bool = False
    household_type: str = ""


@dataclass(frozen=True)
class HousingNorm:
    """The monthly cap of one housing-cost item: (quantity_first + quantity_other × others) × unit_price."""

    item: str
    unit: str
    quantity_first: Decimal
    quantity_other: Decimal
    unit_price: Decimal
    legal_reference: str
    unconfirmed: bool = False
    municipal: bool = False

    def cap(self, others: int) -> Decimal:
        return (self.quantity_first + self.quantity_other * others) * self.unit_price


@dataclass(frozen=True)
class LegalParameters:
    """The parameters valid on `on`. `values` are the national values with the municipality's general
    ones ("" household type) over them; `by_household_type` holds the municipality's per-type values
    ((key, household type) → value); `household_type` is the type the caller assesses, if known."""

    on: dt.date
    values: Mapping[str, ParameterValue]
    national: Mapping[str, ParameterValue] = field(default_factory=dict)
    by_household_type: Mapping[tuple[str, str], ParameterValue] = field(default_factory=dict)
    housing_norms: Mapping[str, HousingNorm] = field(default_factory=dict)
    household_type: str = ""

    def optional(self, key: str, household_type: str | None = None) -> ParameterValue | None:
        kind = self.household_type if household_type is None else household_type
        if kind and (key, kind) in self.by_household_type:
            return self.by_household_type[(key, kind)]
        return self.values.get(key)

    def get(self, key: str, household_type: str | None = None) -> ParameterValue:
        found = self.optional(key, household_type)
        if found is None:
            raise MissingParameter(key, self.on)
        return found

    def amount(self, key: str) -> Decimal:
        return self.get(key).value

    def whole(self, key: str) -> int:
        return int(self.get(key).value)

    def for_household_type(self, household_type: str) -> LegalParameters:
        return LegalParameters(
            on=self.on,
            values=self.values,
            national=self.national,
            by_household_type=self.by_household_type,
            housing_norms=self.housing_norms,
            household_type=household_type,
        )


Dated = (
    type[LegalParameter] | type[MunicipalParameter] | type[HousingCostNorm] | type[MunicipalHousingCostNorm]
)


def _valid_on(model: Dated, on: dt.date) -> ColumnElement[bool]:
    return and_(model.valid_from <= on, or_(model.valid_to.is_(None), model.valid_to >= on))


def _norm(row: HousingCostNorm | MunicipalHousingCostNorm, municipal: bool) -> HousingNorm:
    return HousingNorm(
        item=row.item,
        unit=row.unit,
        quantity_first=row.quantity_first,
        quantity_other=row.quantity_other,
        unit_price=row.unit_price,
        legal_reference=row.legal_reference,
        unconfirmed=getattr(row, "unconfirmed", False) and not municipal,
        municipal=municipal,
    )


def more_generous(national: HousingNorm | None, municipal: HousingNorm | None) -> HousingNorm | None:
    """The municipal norm wins when its cap is at least the national one for one person (the national
    norm is the floor: a municipality may only be more generous)."""
    if national is None or municipal is None:
        return national or municipal
    return municipal if municipal.cap(0) >= national.cap(0) else national


async def national_values(session: AsyncSession, on: dt.date) -> dict[str, ParameterValue]:
    """The national values valid on `on` (one read)."""
    rows = await session.scalars(select(LegalParameter).where(_valid_on(LegalParameter, on)))
    return {
        row.key: ParameterValue(
            row.key, row.value, row.valid_from, row.valid_to, row.legal_reference, row.unconfirmed, row.note
        )
        for row in rows
    }


async def national_parameters(session: AsyncSession, on: dt.date) -> LegalParameters:
    """The national values only (no municipal ones, no norms): the bounds a municipality must keep."""
    national = await national_values(session, on)
    return LegalParameters(on=on, values=national, national=national)


async def load_parameters(session: AsyncSession, on: dt.date, household_type: str = "") -> LegalParameters:
    """The national values valid on `on`, the session's municipality's values over them, and the
    housing-cost norms. Four reads; municipal rows are those RLS shows (the bound tenant's)."""
    national = await national_values(session, on)
    values = dict(national)
    by_type: dict[tuple[str, str], ParameterValue] = {}
    municipal = await session.scalars(select(MunicipalParameter).where(_valid_on(MunicipalParameter, on)))
    for m in municipal:
        value = ParameterValue(
            m.key,
            m.value,
            m.valid_from,
            m.valid_to,
            m.legal_reference,
            municipal=True,
            household_type=m.household_type,
        )
        if m.household_type:
            by_type[(m.key, m.household_type)] = value
        else:
            values[m.key] = value
    norms: dict[str, HousingNorm] = {}
    national_norms = await session.scalars(select(HousingCostNorm).where(_valid_on(HousingCostNorm, on)))
    for n in national_norms:
        norms[n.item] = _norm(n, municipal=False)
    municipal_norms = await session.scalars(
        select(MunicipalHousingCostNorm).where(_valid_on(MunicipalHousingCostNorm, on))
    )
    for mn in municipal_norms:
        chosen = more_generous(norms.get(mn.item), _norm(mn, municipal=True))
        if chosen is not None:
            norms[mn.item] = chosen
    return LegalParameters(
        on=on,
        values=values,
        national=national,
        by_household_type=by_type,
        housing_norms=norms,
        household_type=household_type,
    )


def parameters_of(
    on: dt.date,
    values: Mapping[str, Decimal | int | str],
    *,
    by_household_type: Mapping[tuple[str, str], Decimal | int | str] | None = None,
    municipal: Mapping[str, Decimal | int | str] | None = None,
    housing_norms: Mapping[str, HousingNorm] | None = None,
    household_type: str = "",
    reference: str = "",
) -> LegalParameters:
    """Parameters from plain values (tests, previews, batch runs): national `values`, the municipality's
    general values (`municipal`) and per-type ones (`by_household_type`, (key, type) → value)."""

    def value(key: str, raw: Decimal | int | str, *, is_municipal: bool, kind: str = "") -> ParameterValue:
        return ParameterValue(
            key, Decimal(raw), on, None, reference, municipal=is_municipal, household_type=kind
        )

    national = {k: value(k, v, is_municipal=False) for k, v in values.items()}
    merged = dict(national) | {k: value(k, v, is_municipal=True) for k, v in (municipal or {}).items()}
    by_type = {
        (k, kind): value(k, v, is_municipal=True, kind=kind)
        for (k, kind), v in (by_household_type or {}).items()
    }
    return LegalParameters(
        on=on,
        values=merged,
        national=national,
        by_household_type=by_type,
        housing_norms=dict(housing_norms or {}),
        household_type=household_type,
    )
