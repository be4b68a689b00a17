"""The municipality's own parameter values (binding regulations): its low-income threshold, optionally per
household type, and more generous housing-cost norms. Each act needs PARAMETER_EDIT, keeps the periods of
one key (and household type, or item) tiled without overlap or gap — an open-ended previous period is
closed the day before the new one starts — checks the value against the national bounds on every date it
covers, writes the change log, and never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.assistance.models import (
    HousingCostNorm,
    LegalParameter,
    MunicipalHousingCostNorm,
    MunicipalParameter,
)
from app.domains.assistance.parameters import (
    HOUSEHOLD_TYPES,
    HOUSING_COST_ITEMS,
    SPECS,
    MissingParameter,
    national_parameters,
)
from app.domains.assistance.rules import threshold
from app.domains.assistance.rules_tiling import ParameterPeriod, check_tiling
from app.errors import InvalidInput
from app.i18n import N_
from app.permissions import Permission

Errors = dict[str, list[str]]
MAX_VALUE = Decimal("99999.99")
MAX_REFERENCE = 300

UNKNOWN_KEY = N_("Choose a parameter a municipality may set.")
UNKNOWN_HOUSEHOLD_TYPE = N_("Choose a household type from the list.")
UNKNOWN_ITEM = N_("Choose a housing-cost item from the list.")
NO_VALUE = N_("Enter the amount.")
NEGATIVE = N_("The amount may not be negative.")
TOO_LARGE = N_("The amount is too large.")
NO_START = N_("Enter the first day of the period.")
NO_REFERENCE = N_("Enter the legal reference: the binding regulations and their point.")
REFERENCE_TOO_LONG = N_("The text is too long (at most 300 characters).")
BELOW_NEEDY = N_("The low-income threshold may not be below the needy threshold valid on these dates.")
ABOVE_MAXIMUM = N_(
    "The low-income threshold may not be above 80 percent of the income median (the national maximum) "
    "valid on these dates."
)
NO_NATIONAL = N_("No national thresholds are valid on these dates: the value cannot be checked.")
NO_NATIONAL_NORM = N_("This item has no national norm on these dates: a municipal norm needs one to exceed.")
BELOW_NATIONAL_NORM = N_(
    "A municipal norm may only be more generous than the national one valid on these dates."
)

LOW_INCOME_BOUNDS = {"low_income_first": "first", "low_income_other": "other"}
# National keys a low-income bound depends on: their changes inside a period are checked too.
BOUND_KEYS = (
    "income_median",
    "needy_percent",
    "low_income_max_percent",
    "needy_first",
    "needy_other",
    "low_income_max_first",
    "low_income_max_other",
    "other_person_coefficient",
    "rounding_quantum",
)


def _reference(value: str, errors: Errors) -> str:
    reference = " ".join((value or "").split())
    if not reference:
        errors["legal_reference"] = [NO_REFERENCE]
    elif len(reference) > MAX_REFERENCE:
        errors["legal_reference"] = [REFERENCE_TOO_LONG]
    return reference


def _amount(name: str, value: Decimal | None, errors: Errors) -> None:
    if name in errors:
        return
    if value is None:
        errors[name] = [NO_VALUE]
    elif value < 0:
        errors[name] = [NEGATIVE]
    elif value > MAX_VALUE:
        errors[name] = [TOO_LARGE]


async def _lock(session: AsyncSession, *parts: object) -> None:
    """Serialises acts on the same periods (two simultaneous additions could each pass the check)."""
    key = ":".join(str(p) for p in parts)
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


async def _dates_to_check(
    session: AsyncSession,
    model: type[LegalParameter] | type[HousingCostNorm],
    where: Any,
    new: ParameterPeriod,
) -> list[dt.date]:
    """The new period's first day, and each day inside it on which a national value it depends on changes."""
    query = select(model.valid_from).where(where, model.valid_from > new.valid_from)
    if new.valid_to is not None:
        query = query.where(model.valid_from <= new.valid_to)
    starts = set((await session.scalars(query)).all())
    return sorted({new.valid_from, *starts})


async def _check_low_income(
    session: AsyncSession, key: str, value: Decimal, new: ParameterPeriod, errors: Errors
) -> None:
    """Not below the needy threshold, not above the national maximum (80 % of the median), on every
    date of the period where either changes (SPSPL 33)."""
    side = LOW_INCOME_BOUNDS[key]
    days = await _dates_to_check(session, LegalParameter, LegalParameter.key.in_(BOUND_KEYS), new)
    for day in days:
        national = await national_parameters(session, day)
        try:
            needy, maximum = threshold("needy", national), threshold("low_income_max", national)
        except MissingParameter:
            errors.setdefault("valid_from", [NO_NATIONAL])
            return
        if value < getattr(needy, side):
            errors["value"] = [BELOW_NEEDY]
            return
        if value > getattr(maximum, side):
            errors["value"] = [ABOVE_MAXIMUM]
            return


def _snapshot(row: MunicipalParameter | MunicipalHousingCostNorm) -> dict[str, Any]:
    found = {c: getattr(row, c) for c in ("key", "household_type", "item", "value") if hasattr(row, c)}
    if isinstance(row, MunicipalHousingCostNorm):
        found |= {"first_person": row.quantity_first, "each_other": row.quantity_other}
    return found | {
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "legal_reference": row.legal_reference,
    }


def _close(
    session: AsyncSession, actor: Actor, row: Any, closed_to: dt.date, action: str, entity: str
) -> None:
    before = row.valid_to
    row.valid_to = closed_to
    record_change(
        session,
        actor_user_id=actor.user_id,
        action=action,
        entity_type=entity,
        entity_id=row.id,
        before={"valid_to": before},
        after={"valid_to": closed_to},
    )


async def set_municipal_parameter(
    session: AsyncSession,
    actor: Actor,
    *,
    key: str,
    household_type: str,
    value: Decimal | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    legal_reference: str,
    unreadable: Mapping[str, list[str]] | None = None,
) -> MunicipalParameter:
    """Adds the municipality's value of `key` (for `household_type`, "" = every household) over
    valid_from..valid_to (None: open-ended). `unreadable` carries the edge's messages for fields it
    could not read, so that every message shows at once."""
    actor.require(Permission.PARAMETER_EDIT)
    assert actor.tenant_id is not None
    errors: Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    spec = SPECS.get(key)
    if spec is None or not spec.municipal:
        errors["key"] = [UNKNOWN_KEY]
    if household_type and household_type not in HOUSEHOLD_TYPES:
        errors["household_type"] = [UNKNOWN_HOUSEHOLD_TYPE]
    _amount("value", value, errors)
    if valid_from is None and "valid_from" not in errors:
        errors["valid_from"] = [NO_START]
    reference = _reference(legal_reference, errors)
    if errors:
        raise InvalidInput(errors)
    assert value is not None and valid_from is not None
    new = ParameterPeriod(valid_from, valid_to)
    await _lock(session, actor.tenant_id, "parameter", key, household_type)
    rows = list(
        await session.scalars(
            select(MunicipalParameter).where(
                MunicipalParameter.key == key, MunicipalParameter.household_type == household_type
            )
        )
    )
    tiling = check_tiling([ParameterPeriod(r.valid_from, r.valid_to) for r in rows], new)
    if tiling.error is not None:
        errors[tiling.field] = [tiling.error]
    if key in LOW_INCOME_BOUNDS:
        await _check_low_income(session, key, value, new, errors)
    if errors:
        raise InvalidInput(errors)
    if tiling.close is not None and tiling.closed_to is not None:
        previous = next(r for r in rows if r.valid_from == tiling.close.valid_from)
        _close(
            session, actor, previous, tiling.closed_to, "assistance:parameter:close", "municipal_parameter"
        )
    row = MunicipalParameter(
        tenant_id=actor.tenant_id,
        key=key,
        household_type=household_type,
        value=value,
        valid_from=valid_from,
        valid_to=valid_to,
        legal_reference=reference,
        created_by=actor.user_id,
    )
    session.add(row)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:parameter:set",
        entity_type="municipal_parameter",
        entity_id=row.id,
        after=_snapshot(row),
    )
    return row


async def _check_norm_floor(
    session: AsyncSession, item: str, first: Decimal, other: Decimal, new: ParameterPeriod, errors: Errors
) -> None:
    days = await _dates_to_check(session, HousingCostNorm, HousingCostNorm.item == item, new)
    for day in days:
        national = await session.scalar(
            select(HousingCostNorm).where(
                HousingCostNorm.item == item,
                HousingCostNorm.valid_from <= day,
                or_(HousingCostNorm.valid_to.is_(None), HousingCostNorm.valid_to >= day),
            )
        )
        if national is None:
            errors["item"] = [NO_NATIONAL_NORM]
            return
        below = False
        if first < national.quantity_first * national.unit_price:
            errors["first_person"] = [BELOW_NATIONAL_NORM]
            below = True
        if other < national.quantity_other * national.unit_price:
            errors["each_other"] = [BELOW_NATIONAL_NORM]
            below = True
        if below:
            return


async def set_municipal_housing_norm(
    session: AsyncSession,
    actor: Actor,
    *,
    item: str,
    first_person: Decimal | None,
    each_other: Decimal | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    legal_reference: str,
    unreadable: Mapping[str, list[str]] | None = None,
) -> MunicipalHousingCostNorm:
    """A more generous monthly cap (EUR) for one housing-cost item: for the first person and for each
    other person; never below the national norm on any date of its period."""
    actor.require(Permission.PARAMETER_EDIT)
    assert actor.tenant_id is not None
    errors: Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    if item not in HOUSING_COST_ITEMS:
        errors["item"] = [UNKNOWN_ITEM]
    _amount("first_person", first_person, errors)
    _amount("each_other", each_other, errors)
    if valid_from is None and "valid_from" not in errors:
        errors["valid_from"] = [NO_START]
    reference = _reference(legal_reference, errors)
    if errors:
        raise InvalidInput(errors)
    assert first_person is not None and each_other is not None and valid_from is not None
    new = ParameterPeriod(valid_from, valid_to)
    await _lock(session, actor.tenant_id, "housing_norm", item)
    rows = list(
        await session.scalars(select(MunicipalHousingCostNorm).where(MunicipalHousingCostNorm.item == item))
    )
    tiling = check_tiling([ParameterPeriod(r.valid_from, r.valid_to) for r in rows], new)
    if tiling.error is not None:
        errors[tiling.field] = [tiling.error]
    await _check_norm_floor(session, item, first_person, each_other, new, errors)
    if errors:
        raise InvalidInput(errors)
    if tiling.close is not None and tiling.closed_to is not None:
        previous = next(r for r in rows if r.valid_from == tiling.close.valid_from)
        _close(
            session,
            actor,
            previous,
            tiling.closed_to,
            "assistance:housing_norm:close",
            "municipal_housing_norm",
        )
    row = MunicipalHousingCostNorm(
        tenant_id=actor.tenant_id,
        item=item,
        unit="EUR",
        quantity_first=first_person,
        quantity_other=each_other,
        unit_price=Decimal(1),
        valid_from=valid_from,
        valid_to=valid_to,
        legal_reference=reference,
    )
    session.add(row)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="assistance:housing_norm:set",
        entity_type="municipal_housing_norm",
        entity_id=row.id,
        after=_snapshot(row),
    )
    return row
