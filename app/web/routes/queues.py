"""Waiting-list pages: the services that keep a list (/queues), and one list (/queues/<service>) with each
entry's position and why, registering a person by personal code, and the state changes of an entry
(offer a place, postpone keeping the place, back to waiting, admit, withdraw, remove with a reason)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.people.queries import person_id_by_code
from app.domains.services import queue_rules as rules
from app.domains.services.queue_providers import service_lists
from app.domains.services.queues import (
    NO_SUCH_PROVIDER,
    change_entry,
    list_of_entry,
    lists_overview,
    register_entry,
    waiting_list_page,
)
from app.errors import InvalidInput
from app.i18n import N_, TIMEZONE
from app.permissions import Permission
from app.web.htmx import refused
from app.web.routes.applications_common import read_day
from app.web.routes.case_forms import (
    Form,
    first_error,
    go_to,
    one,
    read_uuid,
    read_version,
    today,
    values_of,
)

OVERVIEW = "services/queues.html"
PAGE = "services/queue.html"
REGISTER_FIELDS = ("provider", "personal_code", "priority_reason", "registered_on", "note")
CHANGE_FIELDS = ("state", "reason", "offered_place", "offer_answer_by")
NO_SUCH_CODE = N_("No client with this personal code. Register the person in the client register first.")
ENTER_CODE = N_("Enter the personal code, e.g. 120480-11023.")


def queue_path(service_type_id: uuid.UUID, provider_id: uuid.UUID | None = None) -> str:
    return f"/queues/{service_type_id}" + (f"?provider={provider_id}" if provider_id else "")


async def _page_context(
    db: AsyncSession, actor: Actor, service_type_id: uuid.UUID, provider_id: uuid.UUID | None, **extra: Any
) -> dict[str, Any]:
    service, entries = await waiting_list_page(db, actor, service_type_id, provider_id)
    lists = await service_lists(db, service, today())
    return {
        "service": service,
        "entries": entries,
        "lists": lists,
        "provider_id": provider_id,
        "provider_name": next((c.provider_name for c in lists if c.provider_id == provider_id), None),
        "provider_options": [(str(c.provider_id), c.provider_name) for c in lists if c.provider_id],
        "state_labels": rules.STATE_LABELS,
        "transition_choices": {
            state: [(target, rules.STATE_LABELS[target]) for target in rules.STATES if target in targets]
            for state, targets in rules.TRANSITIONS.items()
        },
        "may_manage": actor.can(Permission.QUEUE_MANAGE),
        "register_form": {},
        "register_errors": {},
        "change_errors": {},
        "changing": None,
        "change_form": {},
        "focus": None,
        **extra,
    }


@get("/queues", name="queues.overview")
async def queues_overview(actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]) -> Template:
    return Template(template_name=OVERVIEW, context={"lists": await lists_overview(db, actor)})


@get("/queues/{service_type_id:uuid}", name="queues.page")
async def queue_page(
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    service_type_id: FromPath[uuid.UUID],
    provider: str = "",
) -> Template:
    context = await _page_context(db, actor, service_type_id, read_uuid(provider))
    return Template(template_name=PAGE, context=context)


async def person_by_code(db: AsyncSession, raw: str, errors: dict[str, list[str]]) -> uuid.UUID | None:
    digits = re.sub(r"\D", "", raw)
    if len(digits) != 11:
        errors["personal_code"] = [ENTER_CODE]
        return None
    person = await person_id_by_code(db, digits)
    if person is None:
        errors["personal_code"] = [NO_SUCH_CODE]
    return person


@post("/queues/{service_type_id:uuid}", name="queues.register", status_code=200)
async def register_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    service_type_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    actor.require(Permission.QUEUE_MANAGE)
    values = values_of(data, REGISTER_FIELDS)
    provider_id = read_uuid(one(data, "provider"))
    priority = one(data, "priority") == "1"
    errors: dict[str, list[str]] = {}
    person = await person_by_code(db, values["personal_code"], errors)
    if values["provider"] and provider_id is None:
        errors["provider"] = [NO_SUCH_PROVIDER]
    registered_on = read_day(values, "registered_on", errors) if values["registered_on"] else None
    try:
        if errors:
            raise InvalidInput(errors)
        # A day given is the day the application came in: the beginning of that day in Latvian time.
        registered_at = (
            dt.datetime.combine(registered_on, dt.time(), TIMEZONE) if registered_on is not None else None
        )
        await register_entry(
            db,
            actor,
            person_id=person,
            service_type_id=service_type_id,
            provider_id=provider_id,
            priority=priority,
            priority_reason=values["priority_reason"],
            registered_at=registered_at,
            note=values["note"],
        )
    except InvalidInput as exc:
        await db.rollback()
        fields = {"person_id": "personal_code", "provider_id": "provider"}
        found = {fields.get(k, k): v for k, v in exc.errors.items()}
        context = await _page_context(
            db,
            actor,
            service_type_id,
            provider_id,
            register_form={**values, "priority": priority, "provider": one(data, "provider")},
            register_errors=found,
            focus=first_error(found, REGISTER_FIELDS),
        )
        return refused(request, context, page=PAGE, block="register_form")
    return go_to(request, queue_path(service_type_id, provider_id))


@post("/queue-entries/{entry_id:uuid}", name="queues.change", status_code=200)
async def change_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    entry_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, CHANGE_FIELDS)
    service_type_id, provider_id = await list_of_entry(db, actor, entry_id)
    errors: dict[str, list[str]] = {}
    answer_by = read_day(values, "offer_answer_by", errors) if values["offer_answer_by"] else None
    try:
        if errors:
            raise InvalidInput(errors)
        await change_entry(
            db,
            actor,
            entry_id,
            state=values["state"] or None,
            expected_version=read_version(one(data, "version")),
            reason=values["reason"],
            offered_place=values["offered_place"],
            offer_answer_by=answer_by,
            today=today(),
        )
    except InvalidInput as exc:
        await db.rollback()
        context = await _page_context(
            db,
            actor,
            service_type_id,
            provider_id,
            changing=entry_id,
            change_form=values,
            change_errors=exc.errors,
            focus=first_error(exc.errors, CHANGE_FIELDS),
        )
        return refused(request, context, page=PAGE, block="entries")
    return go_to(request, queue_path(service_type_id, provider_id))


router = Router(
    path="/",
    route_handlers=[queues_overview, queue_page, register_act, change_act],
    include_in_schema=False,
)
