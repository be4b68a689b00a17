"""Service events: opening one for a person, recording the documents that arrive, completing its steps in
the order its service type sets (event_rules.py), recording deliveries, and the month's settlement.

Each act is one transaction, audited, with an optimistic version check; the step's own facts are checked
when it is completed: the assessment needs its finding, the decision an outcome with reasons (and, when
granted, the units a month and the co-payment), the referral the provider. Whether the person's household
is needy — so pays no co-payment — is read from the statuses on the day of the decision."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.documents.numbering import format_number, next_number
from app.domains.assistance.explain import Computation
from app.domains.benefits.holdings import statuses_on
from app.domains.cases.access import municipal_today
from app.domains.people.models import Person
from app.domains.services import event_rules as rules
from app.domains.services.catalogue_rules import in_force
from app.domains.services.models import ServiceDelivery, ServiceEvent, ServicePrice, ServiceType
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

SEQUENCE = "service_events"
PREFIX = "SP"
MAX_UNITS = Decimal("9999.99")

NO_SUCH_EVENT = N_("No such service event.")
NO_SUCH_SERVICE = N_("Choose a service from the catalogue.")
NOT_IN_FORCE = N_("The service is not in the catalogue on the day of the request.")
NO_SUCH_PERSON = N_("Choose the person to register.")
STALE = N_("Someone else changed this service event meanwhile. Reload the page and try again.")
FUTURE_DAY = N_("The day cannot be in the future.")
FINDING_NEEDED = N_("Write down the needs found.")
OUTCOME_NEEDED = N_("Choose whether the service is granted or refused.")
REASONS_NEEDED = N_("Give the reasons for the decision.")
UNITS_NEEDED = N_("Give the units granted a month, a positive number.")
CO_PAYMENT_RANGE = N_("The co-payment is a percentage from 0 to 100.")
PROVIDER_NEEDED = N_("Name the provider the person is referred to.")
NOT_DELIVERING = N_("Deliveries are recorded for a granted service, from its referral on.")
COMPLETED = N_("The service event is complete and cannot change any more.")
UNITS_POSITIVE = N_("Give the units delivered, a positive number.")


def _snapshot(event: ServiceEvent) -> dict[str, Any]:
    return {
        "number": event.number,
        "step": event.step,
        "documents": list(event.documents),
        "outcome": event.outcome,
        "units_granted": event.units_granted,
        "co_payment_percent": event.co_payment_percent,
        "needy": event.needy,
        "provider_name": event.provider_name,
        "completed_at": event.completed_at,
    }


async def _locked(
    session: AsyncSession, actor: Actor, event_id: uuid.UUID, version: int | None
) -> ServiceEvent:
    actor.require(Permission.SERVICE_EVENT_MANAGE)
    event = await session.scalar(select(ServiceEvent).where(ServiceEvent.id == event_id).with_for_update())
    if event is None:
        raise NotFound(NO_SUCH_EVENT)
    if event.completed_at is not None:
        raise Conflict(COMPLETED)
    if version is not None and version != event.version:
        raise Conflict(STALE)
    return event


async def _service(session: AsyncSession, event: ServiceEvent) -> ServiceType:
    service = await session.scalar(select(ServiceType).where(ServiceType.id == event.service_type_id))
    assert service is not None
    return service


def _audit(
    actor: Actor, session: AsyncSession, event: ServiceEvent, action: str, before: dict[str, Any]
) -> None:
    record_change(
        session,
        actor_user_id=actor.user_id,
        action=f"services:event:{action}",
        entity_type="service_event",
        entity_id=event.id,
        before=before,
        after=_snapshot(event),
    )


async def open_event(
    session: AsyncSession,
    actor: Actor,
    *,
    person_id: uuid.UUID | None,
    service_type_id: uuid.UUID | None,
    requested_on: dt.date | None,
    documents: tuple[str, ...] = (),
    today: dt.date | None = None,
) -> ServiceEvent:
    """A request for a service, numbered "SP-<year>/<n>", at its first step."""
    actor.require(Permission.SERVICE_EVENT_MANAGE)
    assert actor.tenant_id is not None
    errors: dict[str, list[str]] = {}
    service = (
        await session.scalar(select(ServiceType).where(ServiceType.id == service_type_id))
        if service_type_id
        else None
    )
    if service is None:
        errors["service_type_id"] = [NO_SUCH_SERVICE]
    if person_id is None or await session.scalar(select(Person.id).where(Person.id == person_id)) is None:
        errors["person_id"] = [NO_SUCH_PERSON]
    if requested_on is None or requested_on > (today or municipal_today()):
        errors["requested_on"] = [FUTURE_DAY]
    elif service is not None and not in_force(service.valid_from, service.valid_to, requested_on):
        errors["service_type_id"] = [NOT_IN_FORCE]  # ended in the catalogue (or not yet begun) that day
    if errors:
        raise InvalidInput(errors)
    assert service is not None and person_id is not None and requested_on is not None
    steps, _ = rules.normalised_steps(service.steps)
    value = await next_number(session, actor.tenant_id, SEQUENCE, requested_on.year)
    event = ServiceEvent(
        tenant_id=actor.tenant_id,
        number=format_number(PREFIX, requested_on.year, value),
        service_type_id=service.id,
        person_id=person_id,
        requested_on=requested_on,
        step=steps[0],
        documents=sorted(set(documents)),
        created_by=actor.user_id,
    )
    session.add(event)
    await session.flush()
    _audit(actor, session, event, "open", {})
    return event


async def add_documents(
    session: AsyncSession,
    actor: Actor,
    event_id: uuid.UUID,
    kinds: tuple[str, ...],
    *,
    expected_version: int | None,
) -> ServiceEvent:
    """Records that documents of these kinds have arrived (the documents themselves are in the case file)."""
    event = await _locked(session, actor, event_id, expected_version)
    before = _snapshot(event)
    event.documents = sorted(set(event.documents) | {k.strip() for k in kinds if k.strip()})
    event.version += 1
    await session.flush()
    _audit(actor, session, event, "documents", before)
    return event


async def complete_step(
    session: AsyncSession,
    actor: Actor,
    event_id: uuid.UUID,
    *,
    expected_version: int | None,
    finding: str | None = None,
    outcome: str | None = None,
    reasons: str | None = None,
    units_granted: Decimal | None = None,
    co_payment_percent: Decimal | None = None,
    provider_name: str | None = None,
    today: dt.date | None = None,
) -> ServiceEvent:
    """Completes the current step with its facts and moves the event to the next one (or completes it)."""
    event = await _locked(session, actor, event_id, expected_version)
    service = await _service(session, event)
    steps, _ = rules.normalised_steps(service.steps)
    day = today or municipal_today()
    errors: dict[str, list[str]] = {}
    messages = rules.check_complete(steps, service.documents, event.step, event.step, event.documents)
    if messages:
        errors["documents"] = messages
    before = _snapshot(event)
    # Checked in full before anything changes: a query below would flush a half-made change.
    changes: dict[str, Any] = {}
    if event.step == rules.ASSESSMENT:
        text = (finding or "").strip()
        if not text:
            errors["finding"] = [FINDING_NEEDED]
        changes["assessment"] = text or None
    elif event.step == rules.DECISION:
        changes.update(_decision(errors, outcome, reasons, units_granted, co_payment_percent))
        held = await statuses_on(session, {event.person_id}, day)
        changes.update(decided_on=day, needy=any(s.kind == "needy" for s in held))
    elif event.step == rules.REFERRAL:
        provider = (provider_name or "").strip()[:300]
        if not provider:
            errors["provider_name"] = [PROVIDER_NEEDED]
        changes.update(provider_name=provider or None, referred_on=day)
    if errors:
        raise InvalidInput(errors)
    for name, value in changes.items():
        setattr(event, name, value)
    following = rules.next_step(steps, event.step)
    if following is None or event.outcome == "refused":
        event.completed_at = dt.datetime.now(dt.UTC)
    else:
        event.step = following
    event.version += 1
    await session.flush()
    _audit(actor, session, event, f"step:{before['step']}", before)
    return event


def _decision(
    errors: dict[str, list[str]],
    outcome: str | None,
    reasons: str | None,
    units: Decimal | None,
    co_payment: Decimal | None,
) -> dict[str, Any]:
    """The decision's fields, and its messages added to `errors`."""
    if outcome not in ("granted", "refused"):
        errors["outcome"] = [OUTCOME_NEEDED]
    text = (reasons or "").strip()
    if not text:
        errors["reasons"] = [REASONS_NEEDED]
    granted = outcome == "granted"
    if granted:
        if units is None or not Decimal(0) < units <= MAX_UNITS:
            errors["units_granted"] = [UNITS_NEEDED]
        if co_payment is None or not Decimal(0) <= co_payment <= Decimal(100):
            errors["co_payment_percent"] = [CO_PAYMENT_RANGE]
    return {
        "outcome": outcome,
        "reasons": text or None,
        "units_granted": units if granted else None,
        "co_payment_percent": co_payment if granted else None,
    }


async def record_delivery(
    session: AsyncSession,
    actor: Actor,
    event_id: uuid.UUID,
    *,
    day: dt.date | None,
    units: Decimal | None,
    note: str | None = None,
    today: dt.date | None = None,
) -> ServiceDelivery:
    """Units delivered on a day; only for a granted service that has been referred (or needs no referral)."""
    event = await _locked(session, actor, event_id, None)
    service = await _service(session, event)
    steps, _ = rules.normalised_steps(service.steps)
    errors: dict[str, list[str]] = {}
    if (
        event.outcome != "granted"
        or event.step not in (rules.DELIVERY, rules.SETTLEMENT)
        or rules.DELIVERY not in steps
    ):
        raise InvalidInput({"day": [NOT_DELIVERING]})
    if day is None or day > (today or municipal_today()):
        errors["day"] = [FUTURE_DAY]
    if units is None or not Decimal(0) < units <= MAX_UNITS:
        errors["units"] = [UNITS_POSITIVE]
    if errors:
        raise InvalidInput(errors)
    assert actor.tenant_id is not None and day is not None and units is not None
    delivery = ServiceDelivery(
        tenant_id=actor.tenant_id,
        event_id=event.id,
        day=day,
        units=units,
        note=(note or "").strip()[:500] or None,
        recorded_by=actor.user_id,
    )
    session.add(delivery)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="services:event:delivery",
        entity_type="service_event",
        entity_id=event.id,
        after={"day": day, "units": units},
    )
    return delivery


async def month_settlement(
    session: AsyncSession, actor: Actor, event_id: uuid.UUID, month: dt.date
) -> tuple[Computation, Decimal]:
    """The month's settlement of a granted event: the client's share with its explanation, the payer's.
    Each delivery is priced at the service's price in force on its day."""
    actor.require(Permission.SERVICE_EVENT_VIEW)
    event = await session.scalar(select(ServiceEvent).where(ServiceEvent.id == event_id))
    if event is None:
        raise NotFound(NO_SUCH_EVENT)
    service = await _service(session, event)
    deliveries = await session.execute(
        select(ServiceDelivery.day, ServiceDelivery.units).where(ServiceDelivery.event_id == event.id)
    )
    prices = await session.execute(
        select(ServicePrice.valid_from, ServicePrice.price).where(ServicePrice.service_type_id == service.id)
    )
    return rules.settle_month(
        (rules.Delivery(d.day, d.units) for d in deliveries),
        month,
        price=service.price or Decimal(0),  # its own price, from its first day
        unit=service.unit,
        co_payment_percent=event.co_payment_percent or Decimal(0),
        needy=event.needy,
        changes=[rules.PriceChange(p.valid_from, p.price) for p in prices],
    )


@dataclass(frozen=True)
class EventCard:
    event: ServiceEvent
    service: ServiceType
    steps: tuple[str, ...]
    person_name: str
    deliveries: list[ServiceDelivery]
    missing: list[str]  # documents the current step still needs


async def event_card(session: AsyncSession, actor: Actor, event_id: uuid.UUID) -> EventCard:
    actor.require(Permission.SERVICE_EVENT_VIEW)
    event = await session.scalar(select(ServiceEvent).where(ServiceEvent.id == event_id))
    if event is None:
        raise NotFound(NO_SUCH_EVENT)
    service = await _service(session, event)
    person = (
        await session.execute(select(Person.first_name, Person.last_name).where(Person.id == event.person_id))
    ).one()
    deliveries = list(
        await session.scalars(
            select(ServiceDelivery).where(ServiceDelivery.event_id == event.id).order_by(ServiceDelivery.day)
        )
    )
    steps, _ = rules.normalised_steps(service.steps)
    missing = (
        [] if event.completed_at else rules.missing_documents(service.documents, event.step, event.documents)
    )
    return EventCard(event, service, steps, f"{person.first_name} {person.last_name}", deliveries, missing)


@dataclass(frozen=True)
class EventRow:
    id: uuid.UUID
    number: str
    person_id: uuid.UUID
    person_name: str
    service_name_lv: str
    service_name_en: str
    step: str
    requested_on: dt.date


async def open_events(session: AsyncSession, actor: Actor, limit: int = 200) -> list[EventRow]:
    """The events not yet complete, oldest request first."""
    actor.require(Permission.SERVICE_EVENT_VIEW)
    rows = await session.execute(
        select(
            ServiceEvent.id,
            ServiceEvent.number,
            ServiceEvent.person_id,
            Person.first_name,
            Person.last_name,
            ServiceType.name_lv,
            ServiceType.name_en,
            ServiceEvent.step,
            ServiceEvent.requested_on,
        )
        .join(Person, Person.id == ServiceEvent.person_id)
        .join(ServiceType, ServiceType.id == ServiceEvent.service_type_id)
        .where(ServiceEvent.completed_at.is_(None))
        .order_by(ServiceEvent.requested_on, ServiceEvent.id)
        .limit(limit)
    )
    return [
        EventRow(
            r.id,
            r.number,
            r.person_id,
            f"{r.first_name} {r.last_name}",
            r.name_lv,
            r.name_en,
            r.step,
            r.requested_on,
        )
        for r in rows
    ]


async def service_choices(
    session: AsyncSession, actor: Actor, today: dt.date | None = None
) -> list[ServiceType]:
    """The services a request may be for: those not ended before `today` (the catalogue's end dates)."""
    actor.require(Permission.SERVICE_EVENT_VIEW)
    day = today or municipal_today()
    return list(
        await session.scalars(
            select(ServiceType)
            .where(or_(ServiceType.valid_to.is_(None), ServiceType.valid_to >= day))
            .order_by(ServiceType.name_lv)
        )
    )
