"""Reads for the legal-parameters page: the values valid on a date (national, with the thresholds they give,
the municipality's low-income thresholds and the housing-cost norms) and the municipality's own rows."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.assistance.models import MunicipalHousingCostNorm, MunicipalParameter
from app.domains.assistance.parameters import (
    HOUSEHOLD_TYPES,
    HOUSING_COST_ITEMS,
    SPECS,
    HousingNorm,
    MissingParameter,
    ParameterValue,
    load_parameters,
)
from app.domains.assistance.rules import THRESHOLD_KINDS, Threshold, low_income_threshold, threshold
from app.i18n import N_

THRESHOLD_LABELS = {
    "gmi": N_("GMI threshold"),
    "needy": N_("Needy threshold"),
    "low_income_max": N_("Low-income threshold maximum"),
}


@dataclass(frozen=True)
class ThresholdRow:
    kind: str
    threshold: Threshold | None  # None: the values needed are missing on the date
    published: bool  # the first person's value is a published one (not derived from the median)


@dataclass(frozen=True)
class LowIncomeRow:
    household_type: str  # "" = every household
    first: Decimal
    other: Decimal
    reference: str


@dataclass(frozen=True)
class NormRow:
    item: str
    norm: HousingNorm
    first_cap: Decimal
    other_cap: Decimal


@dataclass(frozen=True)
class MunicipalValueRow:
    id: uuid.UUID
    key: str
    household_type: str
    value: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    legal_reference: str


@dataclass(frozen=True)
class MunicipalNormRow:
    id: uuid.UUID
    item: str
    first_person: Decimal
    each_other: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    legal_reference: str


@dataclass(frozen=True)
class ParametersOnDate:
    on: dt.date
    national: tuple[ParameterValue, ...]  # in the order of SPECS
    thresholds: tuple[ThresholdRow, ...]
    low_income: tuple[LowIncomeRow, ...]  # the municipality's, valid on the date (empty: national max)
    norms: tuple[NormRow, ...]


async def parameters_on(session: AsyncSession, on: dt.date) -> ParametersOnDate:
    """Four reads (load_parameters)."""
    params = await load_parameters(session, on)
    national = tuple(params.national[k] for k in SPECS if k in params.national)
    thresholds = []
    for kind, spec in THRESHOLD_KINDS.items():
        try:
            found: Threshold | None = threshold(kind, params)
        except MissingParameter:
            found = None
        thresholds.append(ThresholdRow(kind, found, spec.first_key in params.national))
    low_income: list[LowIncomeRow] = []
    for kind in ("", *HOUSEHOLD_TYPES):
        first = params.optional("low_income_first", kind)
        if first is None or not first.municipal or first.household_type != kind:
            continue
        try:
            found_low = low_income_threshold(params, kind)
        except MissingParameter:
            continue
        low_income.append(LowIncomeRow(kind, found_low.first, found_low.other, first.legal_reference))
    norms = tuple(
        NormRow(item, n, n.cap(0), n.quantity_other * n.unit_price)
        for item in HOUSING_COST_ITEMS
        if (n := params.housing_norms.get(item)) is not None
    )
    return ParametersOnDate(on, national, tuple(thresholds), tuple(low_income), norms)


async def municipal_values(session: AsyncSession) -> list[MunicipalValueRow]:
    """Every value the municipality has set, by key, household type and period. One read."""
    rows = await session.scalars(
        select(MunicipalParameter).order_by(
            MunicipalParameter.key, MunicipalParameter.household_type, MunicipalParameter.valid_from
        )
    )
    return [
        MunicipalValueRow(r.id, r.key, r.household_type, r.value, r.valid_from, r.valid_to, r.legal_reference)
        for r in rows
    ]


async def municipal_norms(session: AsyncSession) -> list[MunicipalNormRow]:
    """Every housing-cost norm the municipality has set, by item and period. One read."""
    rows = await session.scalars(
        select(MunicipalHousingCostNorm).order_by(
            MunicipalHousingCostNorm.item, MunicipalHousingCostNorm.valid_from
        )
    )
    return [
        MunicipalNormRow(
            r.id,
            r.item,
            r.quantity_first * r.unit_price,
            r.quantity_other * r.unit_price,
            r.valid_from,
            r.valid_to,
            r.legal_reference,
        )
        for r in rows
    ]
