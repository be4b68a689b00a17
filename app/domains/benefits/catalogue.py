"""The municipality's benefit catalogue: acts (create, change, deactivate and reactivate a benefit type) and
reads (the list on a date, one entry). Changing needs CATALOGUE_EDIT (head of service); reading, the right
to view applications or to edit the catalogue. Each act checks with `catalogue_checks`, locks the row it
changes (a stale version is 409), writes the change log and never commits.

A catalogue holds tens of entries, not thousands: the reads return it whole, ordered by code."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.assistance.explain import Computation
from app.domains.assistance.parameters import load_parameters
from app.domains.benefits.catalogue_checks import check_benefit_type
from app.domains.benefits.catalogue_rules import amount_for
from app.domains.benefits.models import BenefitType
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

NO_SUCH_BENEFIT = N_("No such benefit in the catalogue.")
STALE = N_("Someone else changed this benefit meanwhile. Reload the page to see the changes, then try again.")
CODE_TAKEN = N_("Another benefit of the municipality already has this code.")
MAY_NOT_VIEW = N_("Your roles in this municipality do not allow this.")

# The columns a form or a caller sets; `active` and `version` change only by the acts themselves.
EDITABLE = (
    "code", "name_lv", "name_en", "kind", "legal_basis", "valid_from", "valid_to", "requires_status",
    "means_tested", "threshold", "custom_threshold", "target_groups", "min_age", "max_age",
    "residents_only", "amount_rule", "amount", "percent", "percent_of", "cap", "min_claim", "per",
    "frequency", "yearly_cap", "yearly_cap_by_children", "times_per_year", "payment_channel",
    "reporting_category", "decision_days",
)  # fmt: skip


def require_catalogue_view(actor: Actor) -> None:
    if not (actor.can(Permission.APPLICATION_VIEW) or actor.can(Permission.CATALOGUE_EDIT)):
        raise Forbidden(MAY_NOT_VIEW, missing=Permission.APPLICATION_VIEW.value)


def snapshot(benefit: BenefitType) -> dict[str, Any]:
    values = {name: getattr(benefit, name) for name in EDITABLE}
    values["target_groups"] = list(benefit.target_groups or ())
    values["yearly_cap_by_children"] = list(benefit.yearly_cap_by_children or ())
    values["active"] = benefit.active
    return values


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# --- reads --------------------------------------------------------------------------------------------------


def in_force_on(on: dt.date) -> ColumnElement[bool]:
    """Active and valid on `on`."""
    return and_(
        BenefitType.active.is_(True),
        BenefitType.valid_from <= on,
        or_(BenefitType.valid_to.is_(None), BenefitType.valid_to >= on),
    )


@dataclass(frozen=True)
class CatalogueFilter:
    """`on`: only the entries in force on that day (None: every entry, also inactive and past ones);
    `kind`: one kind; `text`: the start of the code or a part of either name, case ignored."""

    on: dt.date | None = None
    kind: str | None = None
    text: str | None = None


def _filtered(query: Select[Any], given: CatalogueFilter) -> Select[Any]:
    if given.on is not None:
        query = query.where(in_force_on(given.on))
    if given.kind:
        query = query.where(BenefitType.kind == given.kind)
    if given.text:
        pattern = "%" + given.text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(BenefitType.code).like(pattern.lstrip("%"), escape="\\"),
                func.lower(BenefitType.name_lv).like(pattern, escape="\\"),
                func.lower(BenefitType.name_en).like(pattern, escape="\\"),
            )
        )
    return query


async def benefit_types(
    session: AsyncSession, actor: Actor, given: CatalogueFilter | None = None
) -> list[BenefitType]:
    """The catalogue (one statement), ordered by code."""
    require_catalogue_view(actor)
    query = _filtered(select(BenefitType), given or CatalogueFilter()).order_by(BenefitType.code)
    return list(await session.scalars(query))


async def benefit_type(session: AsyncSession, actor: Actor, benefit_type_id: uuid.UUID) -> BenefitType:
    require_catalogue_view(actor)
    found = await session.scalar(select(BenefitType).where(BenefitType.id == benefit_type_id))
    if found is None:
        raise NotFound(NO_SUCH_BENEFIT)
    return found


async def benefit_type_by_code(session: AsyncSession, actor: Actor, code: str) -> BenefitType:
    require_catalogue_view(actor)
    found = await session.scalar(select(BenefitType).where(BenefitType.code == code.upper()))
    if found is None:
        raise NotFound(NO_SUCH_BENEFIT)
    return found


async def amount_preview(session: AsyncSession, benefit: BenefitType, on: dt.date) -> Computation | None:
    """What the benefit gives a one-person household on `on` under the legal parameters in force then (the
    detail page's example); None where the amount depends on the household's claim or assessment."""
    if benefit.amount_rule == "fixed":
        return amount_for(benefit, on=on, parameters={}, household_size=1)
    if benefit.amount_rule == "percent_of_threshold":
        return amount_for(benefit, on=on, parameters=await load_parameters(session, on), household_size=1)
    return None


# --- acts ---------------------------------------------------------------------------------------------------


async def _locked(session: AsyncSession, actor: Actor, benefit_type_id: uuid.UUID) -> BenefitType:
    actor.require(Permission.CATALOGUE_EDIT)
    found = await session.scalar(
        select(BenefitType)
        .where(BenefitType.tenant_id == actor.tenant_id, BenefitType.id == benefit_type_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise NotFound(NO_SUCH_BENEFIT)
    return found


def _check_version(benefit: BenefitType, version: int | None) -> None:
    if version is not None and version != benefit.version:
        raise Conflict(STALE)


async def _checked(
    session: AsyncSession, raw: Mapping[str, Any], *, other_than: uuid.UUID | None = None
) -> dict[str, Any]:
    values, errors = check_benefit_type(raw)
    if values["code"] and "code" not in errors:
        query = select(BenefitType.id).where(BenefitType.code == values["code"])
        if other_than is not None:
            query = query.where(BenefitType.id != other_than)
        if await session.scalar(query.limit(1)) is not None:
            errors.setdefault("code", []).append(CODE_TAKEN)
    if errors:
        raise InvalidInput(errors)
    return values


async def _flush(session: AsyncSession) -> None:
    """A code taken by a concurrent act meanwhile is the unique constraint's to refuse: a 422 on the code."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise InvalidInput({"code": [CODE_TAKEN]}) from None


async def create_benefit_type(session: AsyncSession, actor: Actor, raw: Mapping[str, Any]) -> BenefitType:
    """Adds a benefit to the catalogue, active from its `valid_from`."""
    actor.require(Permission.CATALOGUE_EDIT)
    assert actor.tenant_id is not None
    values = await _checked(session, raw)
    benefit = BenefitType(tenant_id=actor.tenant_id, active=True, version=1, **values)
    session.add(benefit)
    await _flush(session)
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="benefits:benefit_type:create",
        entity_type="benefit_type",
        entity_id=benefit.id,
        after={k: v for k, v in snapshot(benefit).items() if v not in (None, [], "")},
    )
    return benefit


async def update_benefit_type(
    session: AsyncSession,
    actor: Actor,
    benefit_type_id: uuid.UUID,
    raw: Mapping[str, Any],
    *,
    version: int | None,
) -> BenefitType:
    """Changes a benefit's details (all of them, as the form gives them); a stale `version` is 409.
    Applications and decisions already made keep their own figures and explanations."""
    benefit = await _locked(session, actor, benefit_type_id)
    _check_version(benefit, version)
    values = await _checked(session, raw, other_than=benefit.id)
    before = snapshot(benefit)
    for name, value in values.items():
        setattr(benefit, name, value)
    old, new = _changes(before, snapshot(benefit))
    if new:
        benefit.version += 1
        await _flush(session)
        record_change(
            session,
            actor_user_id=actor.user_id,
            action="benefits:benefit_type:edit",
            entity_type="benefit_type",
            entity_id=benefit.id,
            before={"code": before["code"], **old},
            after={"code": benefit.code, **new},
        )
    return benefit


async def _set_active(
    session: AsyncSession, actor: Actor, benefit_type_id: uuid.UUID, active: bool, version: int | None
) -> BenefitType:
    benefit = await _locked(session, actor, benefit_type_id)
    _check_version(benefit, version)
    if benefit.active == active:
        message = N_("The benefit is already active.") if active else N_("The benefit is already inactive.")
        raise Conflict(message)
    benefit.active = active
    benefit.version += 1
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="benefits:benefit_type:" + ("reactivate" if active else "deactivate"),
        entity_type="benefit_type",
        entity_id=benefit.id,
        before={"code": benefit.code, "active": not active},
        after={"code": benefit.code, "active": active},
    )
    return benefit


async def deactivate_benefit_type(
    session: AsyncSession, actor: Actor, benefit_type_id: uuid.UUID, *, version: int | None
) -> BenefitType:
    """Takes a benefit out of use: no new applications; what was granted stays as decided."""
    return await _set_active(session, actor, benefit_type_id, False, version)


async def reactivate_benefit_type(
    session: AsyncSession, actor: Actor, benefit_type_id: uuid.UUID, *, version: int | None
) -> BenefitType:
    return await _set_active(session, actor, benefit_type_id, True, version)
