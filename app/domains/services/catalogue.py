"""The municipality's service catalogue: reads (the catalogue with the ended services apart, one service
with what uses it and the providers registered for it) and acts (add, change, end, remove one never
used). Changing needs CATALOGUE_EDIT (head of service); reading, the right to see service events or to
edit the catalogue. Each act checks everything first (`catalogue_rules`), then locks the row it changes
(a stale version is 409), changes it, writes the change log and never commits.

A service that events or waiting-list entries use is never removed, only ended (`valid_to`): its events
and lists go on, no new request can be registered after its last day (events.open_event). Prices are
dated: `change_price` sets a new one from a day of this month or later (the months before are settled);
once deliveries were counted, the service's own price is history (catalogue_rules.check_change)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.cases.access import municipal_today
from app.domains.services import catalogue_rules as rules
from app.domains.services.event_rules import PriceChange, PricePeriod, price_periods
from app.domains.services.models import QueueEntry, ServiceDelivery, ServiceEvent, ServicePrice, ServiceType
from app.domains.services.queue_providers import provider_choices
from app.domains.services.queue_rules import HOLDS_PLACE
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import N_, latvian_sort_key
from app.permissions import Permission

NO_SUCH_SERVICE = N_("No such service in the catalogue.")
STALE = N_("Someone else changed this service meanwhile. Reload the page to see the changes, then try again.")
CODE_TAKEN = N_("Another service of the municipality already has this code.")
IN_USE = N_("Service events or waiting-list entries use this service: end it instead of removing it.")
MAY_NOT_VIEW = N_("Your roles in this municipality do not allow this.")

EDITABLE = (
    "code", "name_lv", "name_en", "legal_basis", "funding", "unit", "price", "keeps_waiting_list",
    "valid_from", "valid_to", "steps", "documents",
)  # fmt: skip


def require_catalogue_view(actor: Actor) -> None:
    if not (actor.can(Permission.SERVICE_EVENT_VIEW) or actor.can(Permission.CATALOGUE_EDIT)):
        raise Forbidden(MAY_NOT_VIEW, missing=Permission.SERVICE_EVENT_VIEW.value)


def snapshot(service: ServiceType) -> dict[str, Any]:
    values = {name: getattr(service, name) for name in EDITABLE}
    values["steps"] = list(service.steps or ())
    values["documents"] = {step: list(kinds) for step, kinds in (service.documents or {}).items()}
    return values


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# --- reads --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    current: list[ServiceType]  # in force on the day, or not yet
    ended: list[ServiceType]  # their last day is before the day
    prices: dict[uuid.UUID, Decimal | None]  # each service's price in force on the day (its last, if ended)


async def service_catalogue(session: AsyncSession, actor: Actor, on: dt.date) -> Catalogue:
    """The municipality's services with their prices on the day (one statement), by Latvian name, the
    ended ones apart."""
    require_catalogue_view(actor)
    dated = (
        select(ServicePrice.price)
        .where(
            ServicePrice.tenant_id == ServiceType.tenant_id,
            ServicePrice.service_type_id == ServiceType.id,
            ServicePrice.valid_from <= on,
        )
        .order_by(ServicePrice.valid_from.desc())
        .limit(1)
        .correlate(ServiceType)
        .scalar_subquery()
    )
    rows = (await session.execute(select(ServiceType, dated))).all()
    services = sorted((service for service, _ in rows), key=lambda s: latvian_sort_key(s.name_lv))
    return Catalogue(
        current=[s for s in services if not rules.ended(s.valid_to, on)],
        ended=[s for s in services if rules.ended(s.valid_to, on)],
        prices={service.id: service.price if price is None else price for service, price in rows},
    )


async def service_type(session: AsyncSession, actor: Actor, service_type_id: uuid.UUID) -> ServiceType:
    require_catalogue_view(actor)
    found = await session.scalar(select(ServiceType).where(ServiceType.id == service_type_id))
    if found is None:
        raise NotFound(NO_SUCH_SERVICE)
    return found


async def usage_of(session: AsyncSession, service_type_id: uuid.UUID) -> rules.Usage:
    """What uses the service (three statements): its events by step, its deliveries, its list entries."""
    by_step = (
        await session.execute(
            select(ServiceEvent.step, ServiceEvent.completed_at.is_(None), func.count())
            .where(ServiceEvent.service_type_id == service_type_id)
            .group_by(ServiceEvent.step, ServiceEvent.completed_at.is_(None))
        )
    ).all()
    delivered = await session.scalar(
        select(
            exists().where(
                ServiceDelivery.event_id == ServiceEvent.id, ServiceEvent.service_type_id == service_type_id
            )
        )
    )
    entries, holding = (
        await session.execute(
            select(func.count(), func.count().filter(QueueEntry.state.in_(HOLDS_PLACE))).where(
                QueueEntry.service_type_id == service_type_id
            )
        )
    ).one()
    return rules.Usage(
        events=sum(int(n) for _, _, n in by_step),
        open_steps=frozenset(step for step, is_open, _ in by_step if is_open),
        deliveries=bool(delivered),
        queue_entries=int(entries),
        holding_places=int(holding),
    )


async def price_changes(session: AsyncSession, service_type_id: uuid.UUID) -> list[PriceChange]:
    """The service's dated prices (one statement), earliest first; its own price is not among them."""
    rows = await session.execute(
        select(ServicePrice.valid_from, ServicePrice.price)
        .where(ServicePrice.service_type_id == service_type_id)
        .order_by(ServicePrice.valid_from)
    )
    return [PriceChange(row.valid_from, row.price) for row in rows]


@dataclass(frozen=True)
class ServiceCard:
    service: ServiceType
    usage: rules.Usage
    providers: list[tuple[uuid.UUID, str]]  # registered in the provider register for the service on the day
    prices: list[PricePeriod]  # its own price from its first day, then each dated one, earliest first
    on: dt.date

    @property
    def price_now(self) -> PricePeriod:
        """The price in force on the card's day (the first one before the service begins)."""
        return next((p for p in reversed(self.prices) if p.valid_from <= self.on), self.prices[0])


async def service_type_card(
    session: AsyncSession, actor: Actor, service_type_id: uuid.UUID, on: dt.date
) -> ServiceCard:
    service = await service_type(session, actor, service_type_id)
    return ServiceCard(
        service,
        await usage_of(session, service.id),
        await provider_choices(session, service, on),
        price_periods(service.valid_from, service.price, await price_changes(session, service.id)),
        on,
    )


# --- acts ---------------------------------------------------------------------------------------------------


async def _locked(
    session: AsyncSession, actor: Actor, service_type_id: uuid.UUID, expected_version: int | None
) -> ServiceType:
    actor.require(Permission.CATALOGUE_EDIT)
    found = await session.scalar(
        select(ServiceType)
        .where(ServiceType.tenant_id == actor.tenant_id, ServiceType.id == service_type_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise NotFound(NO_SUCH_SERVICE)
    if expected_version is not None and expected_version != found.version:
        raise Conflict(STALE)
    return found


async def _checked(
    session: AsyncSession, raw: Mapping[str, Any], *, other_than: uuid.UUID | None = None
) -> tuple[dict[str, Any], rules.Errors]:
    values, errors = rules.check_service_type(raw)
    if values["code"] and "code" not in errors:
        query = select(ServiceType.id).where(ServiceType.code == values["code"])
        if other_than is not None:
            query = query.where(ServiceType.id != other_than)
        if await session.scalar(query.limit(1)) is not None:
            errors.setdefault("code", []).append(CODE_TAKEN)
    return values, errors


async def _flush(session: AsyncSession) -> None:
    """A code taken by a concurrent act meanwhile is the unique constraint's to refuse: a 422 on the code."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise InvalidInput({"code": [CODE_TAKEN]}) from None


def _audit(
    session: AsyncSession,
    actor: Actor,
    service: ServiceType,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    record_change(
        session,
        actor_user_id=actor.user_id,
        action=f"services:service_type:{action}",
        entity_type="service_type",
        entity_id=service.id,
        before=before,
        after=after,
    )


async def add_service_type(session: AsyncSession, actor: Actor, raw: Mapping[str, Any]) -> ServiceType:
    """Adds a service to the catalogue, in force from its `valid_from`."""
    actor.require(Permission.CATALOGUE_EDIT)
    assert actor.tenant_id is not None
    values, errors = await _checked(session, raw)
    if errors:
        raise InvalidInput(errors)
    service = ServiceType(tenant_id=actor.tenant_id, version=1, **values)
    session.add(service)
    await _flush(session)
    _audit(session, actor, service, "create", None, snapshot(service))
    return service


async def change_service_type(
    session: AsyncSession,
    actor: Actor,
    service_type_id: uuid.UUID,
    raw: Mapping[str, Any],
    *,
    expected_version: int | None,
) -> ServiceType:
    """Changes a service's details (all of them, as the form gives them); a stale version is 409. A change
    that would strand the events or lists using the service is refused field by field."""
    service = await _locked(session, actor, service_type_id, expected_version)
    values, errors = await _checked(session, raw, other_than=service.id)
    before = snapshot(service)
    if not errors:
        errors = rules.check_change(before, values, await usage_of(session, service.id))
    if errors:
        raise InvalidInput(errors)
    for name, value in values.items():
        setattr(service, name, value)
    old, new = _changes(before, snapshot(service))
    if new:
        service.version += 1
        await _flush(session)
        _audit(
            session, actor, service, "edit", {"code": before["code"], **old}, {"code": service.code, **new}
        )
    return service


async def end_service_type(
    session: AsyncSession,
    actor: Actor,
    service_type_id: uuid.UUID,
    *,
    valid_to: Any,
    expected_version: int | None,
) -> ServiceType:
    """Sets the service's last day: its events and waiting lists go on, no new request after that day."""
    service = await _locked(session, actor, service_type_id, expected_version)
    day, errors = rules.check_end(service.valid_from, valid_to)
    if errors:
        raise InvalidInput(errors)
    if day != service.valid_to:
        before = service.valid_to
        service.valid_to = day
        service.version += 1
        await session.flush()
        _audit(
            session,
            actor,
            service,
            "end",
            {"code": service.code, "valid_to": before},
            {"code": service.code, "valid_to": day},
        )
    return service


async def change_price(
    session: AsyncSession,
    actor: Actor,
    service_type_id: uuid.UUID,
    *,
    price_from: Any,
    price: Any,
    expected_version: int | None,
    today: dt.date | None = None,
) -> ServicePrice:
    """Sets the service's new price from a day on (as typed: "01.05.2026", "7,80"), until a later one's day:
    the day is in this month or later (`today`, Latvia's by default) and within the service's days. A
    price already set for that day is replaced. Checked first (422), then the version (a stale one is 409);
    the service's version goes up."""
    service = await _locked(session, actor, service_type_id, None)
    day, value, errors = rules.check_price_change(
        price_from,
        price,
        valid_from=service.valid_from,
        valid_to=service.valid_to,
        today=today or municipal_today(),
    )
    if errors:
        raise InvalidInput(errors)
    if expected_version is not None and expected_version != service.version:
        raise Conflict(STALE)
    assert actor.tenant_id is not None and day is not None and value is not None
    # The service's row is locked: no other act sets a price of this service meanwhile.
    row = await session.scalar(
        select(ServicePrice).where(ServicePrice.service_type_id == service.id, ServicePrice.valid_from == day)
    )
    if row is None:
        periods = price_periods(service.valid_from, service.price, await price_changes(session, service.id))
        action, was = "price", next(p.price for p in reversed(periods) if p.valid_from <= day)
        row = ServicePrice(tenant_id=actor.tenant_id, service_type_id=service.id, valid_from=day, price=value)
        session.add(row)
    elif row.price == value:
        return row  # the same price again: no new version, no audit row
    else:
        action, was = "price-replace", row.price  # the day's price set anew
        row.price = value
    row.created_by = actor.user_id
    service.version += 1
    await session.flush()
    _audit(
        session,
        actor,
        service,
        action,
        {"code": service.code, "price_from": day, "price": was},
        {"code": service.code, "price_from": day, "price": value},
    )
    return row


async def remove_service_type(
    session: AsyncSession, actor: Actor, service_type_id: uuid.UUID, *, expected_version: int | None
) -> None:
    """Removes a service added by mistake, with its dated prices; one that events or waiting-list entries
    use is 409 (end it)."""
    service = await _locked(session, actor, service_type_id, expected_version)
    if (await usage_of(session, service.id)).used:
        raise Conflict(IN_USE)
    before = snapshot(service)
    changes = await price_changes(session, service.id)
    if changes:
        before["prices"] = [{"valid_from": c.valid_from, "price": c.price} for c in changes]
        await session.execute(delete(ServicePrice).where(ServicePrice.service_type_id == service.id))
    await session.delete(service)
    await session.flush()
    _audit(session, actor, service, "remove", before, None)
