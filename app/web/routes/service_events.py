"""Service-event pages: the open events (/service-events), opening one for a client by personal code, and
an event's page — its steps, the documents that arrived, the current step's form, the deliveries and the
month's settlement with its explanation. Refused forms come back in place (422, Latvian messages)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.services import event_rules as rules
from app.domains.services.events import (
    add_documents,
    complete_step,
    event_card,
    month_settlement,
    open_event,
    open_events,
    record_delivery,
    service_choices,
)
from app.errors import InvalidInput
from app.i18n import N_
from app.permissions import Permission
from app.web.htmx import refused
from app.web.routes.applications_common import explain, read_day
from app.web.routes.case_forms import Form, first_error, go_to, one, read_uuid, read_version, today, values_of
from app.web.routes.queues import person_by_code
from app.web.templating import language_of

LIST = "services/events.html"
PAGE = "services/event.html"
NEW_FIELDS = ("personal_code", "service_type_id", "requested_on", "documents")
STEP_FIELDS = ("finding", "outcome", "reasons", "units_granted", "co_payment_percent", "provider_name")
DELIVERY_FIELDS = ("day", "units", "note")
NOT_A_NUMBER = N_("Enter a number, e.g. 12 or 12,5.")


def event_path(event_id: uuid.UUID) -> str:
    return f"/service-events/{event_id}"


def _number(values: dict[str, str], name: str, errors: dict[str, list[str]]) -> Decimal | None:
    raw = values[name].replace(" ", "").replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        errors[name] = [NOT_A_NUMBER]
        return None


def _kinds(raw: str) -> tuple[str, ...]:
    return tuple(k.strip()[:50] for k in raw.replace(";", ",").split(",") if k.strip())


async def _list_context(request: HTMXRequest, db: AsyncSession, actor: Actor, **extra: Any) -> dict[str, Any]:
    english = language_of(request) == "en"
    services = await service_choices(db, actor)
    return {
        "events": await open_events(db, actor),
        "service_options": [(s.id, s.name_en if english else s.name_lv) for s in services],
        "step_labels": rules.STEP_LABELS,
        "may_manage": actor.can(Permission.SERVICE_EVENT_MANAGE),
        "form": {},
        "errors": {},
        "focus": None,
        **extra,
    }


@get("/service-events", name="service_events.list")
async def events_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    return Template(template_name=LIST, context=await _list_context(request, db, actor))


@post("/service-events", name="service_events.open", status_code=200)
async def open_act(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    values = values_of(data, NEW_FIELDS)
    errors: dict[str, list[str]] = {}
    person = await person_by_code(db, values["personal_code"], errors)
    requested_on = read_day(values, "requested_on", errors)
    try:
        if errors:
            raise InvalidInput(errors)
        event = await open_event(
            db,
            actor,
            person_id=person,
            service_type_id=read_uuid(values["service_type_id"]),
            requested_on=requested_on,
            documents=_kinds(values["documents"]),
            today=today(),
        )
    except InvalidInput as exc:
        await db.rollback()
        found = {("personal_code" if k == "person_id" else k): v for k, v in exc.errors.items()}
        context = await _list_context(
            request, db, actor, form=values, errors=found, focus=first_error(found, NEW_FIELDS)
        )
        return refused(request, context, page=LIST, block="open_form")
    return go_to(request, event_path(event.id))


def _month(raw: str) -> dt.date:
    """ "03.2026" → 1 March 2026; anything else: this month."""
    try:
        month, year = (int(part) for part in raw.split("."))
        return dt.date(year, month, 1)
    except ValueError:
        return today().replace(day=1)


async def _context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, event_id: uuid.UUID, month: str = "", **extra: Any
) -> dict[str, Any]:
    card = await event_card(db, actor, event_id)
    chosen = _month(month)
    settlement = None
    if card.event.outcome == "granted":
        client, payer = await month_settlement(db, actor, event_id, chosen)
        settlement = {
            "lines": explain(client.lines, language_of(request)),
            "client": client.amount,
            "payer": payer,
        }
    return {
        "card": card,
        "step_labels": rules.STEP_LABELS,
        "month": chosen,
        "settlement": settlement,
        "may_manage": actor.can(Permission.SERVICE_EVENT_MANAGE) and card.event.completed_at is None,
        "step_form": {},
        "step_errors": {},
        "delivery_form": {},
        "delivery_errors": {},
        "document_errors": {},
        "focus": None,
        **extra,
    }


@get("/service-events/{event_id:uuid}", name="service_events.page")
async def event_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    event_id: FromPath[uuid.UUID],
    month: str = "",
) -> Template:
    return Template(template_name=PAGE, context=await _context(request, db, actor, event_id, month[:7]))


@post("/service-events/{event_id:uuid}/documents", name="service_events.documents", status_code=200)
async def documents_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    event_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    await add_documents(
        db,
        actor,
        event_id,
        _kinds(one(data, "documents")),
        expected_version=read_version(one(data, "version")),
    )
    return go_to(request, event_path(event_id))


@post("/service-events/{event_id:uuid}/step", name="service_events.step", status_code=200)
async def step_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    event_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, STEP_FIELDS)
    errors: dict[str, list[str]] = {}
    units = _number(values, "units_granted", errors)
    co_payment = _number(values, "co_payment_percent", errors)
    try:
        if errors:
            raise InvalidInput(errors)
        await complete_step(
            db,
            actor,
            event_id,
            expected_version=read_version(one(data, "version")),
            finding=values["finding"],
            outcome=values["outcome"] or None,
            reasons=values["reasons"],
            units_granted=units,
            co_payment_percent=co_payment,
            provider_name=values["provider_name"],
            today=today(),
        )
    except InvalidInput as exc:
        await db.rollback()
        context = await _context(
            request,
            db,
            actor,
            event_id,
            step_form=values,
            step_errors=exc.errors,
            focus=first_error(exc.errors, STEP_FIELDS),
        )
        return refused(request, context, page=PAGE, block="step_form")
    return go_to(request, event_path(event_id))


@post("/service-events/{event_id:uuid}/deliveries", name="service_events.delivery", status_code=200)
async def delivery_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    event_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, DELIVERY_FIELDS)
    errors: dict[str, list[str]] = {}
    day = read_day(values, "day", errors)
    units = _number(values, "units", errors)
    try:
        if errors:
            raise InvalidInput(errors)
        await record_delivery(db, actor, event_id, day=day, units=units, note=values["note"], today=today())
    except InvalidInput as exc:
        await db.rollback()
        context = await _context(
            request,
            db,
            actor,
            event_id,
            delivery_form=values,
            delivery_errors=exc.errors,
            focus=first_error(exc.errors, DELIVERY_FIELDS),
        )
        return refused(request, context, page=PAGE, block="delivery_form")
    return go_to(request, event_path(event_id) + "#deliveries")


router = Router(
    path="/",
    route_handlers=[events_list, open_act, event_page, documents_act, step_act, delivery_act],
    include_in_schema=False,
)
