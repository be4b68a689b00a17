"""A provider application's page (/providers/{id}) and the acts on it, each a form in place: take into
review, register (valid five years from the decision), refuse with grounds, change the service types and
addresses of a registration in force, exclude with grounds; a link to renew. A refused form comes back as
its block with the messages (422); a stale version gets 409; after an act the page is shown again."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.providers import rules
from app.domains.providers.queries import registration_card
from app.domains.providers.service import (
    change_registration,
    exclude_provider,
    refuse_application,
    register_provider,
    start_review,
)
from app.errors import InvalidInput
from app.permissions import Permission
from app.web.htmx import refused
from app.web.routes.applications_common import read_day
from app.web.routes.case_forms import Form, dotted, go_to, one, read_version, today, values_of
from app.web.routes.providers import LABELS, provider_path
from app.web.templating import language_of

PAGE = "providers/provider.html"


async def provider_context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, registration_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    """Everything providers/provider.html and its blocks need."""
    day = today()
    card = await registration_card(db, actor, registration_id, day)
    reviews = actor.can(Permission.PROVIDER_REVIEW)
    return {
        **LABELS,
        "card": card,
        "lang": language_of(request),
        "may_review": reviews and rules.may("review", card.status),
        "may_decide": reviews and rules.may("register", card.status),
        "may_change": reviews and rules.may("change", card.status),
        "may_renew": reviews and card.may_renew,
        "decision_values": {"decided_on": dotted(day), "decision_reason": ""},
        "exclude_values": {"decided_on": dotted(day), "decision_reason": ""},
        "change_values": {
            "service_types": "\n".join(card.service_types),
            "addresses": "\n".join(card.addresses),
            "contact": card.contact or "",
        },
        "errors": {},
        **extra,
    }


@get("/providers/{registration_id:uuid}", name="providers.page")
async def provider_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    registration_id: FromPath[uuid.UUID],
) -> Template:
    return Template(template_name=PAGE, context=await provider_context(request, db, actor, registration_id))


@post("/providers/{registration_id:uuid}/review", name="providers.review", status_code=200)
async def review_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    registration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    await start_review(
        db, actor, registration_id, expected_version=read_version(one(data, "version")), today=today()
    )
    return go_to(request, provider_path(registration_id))


@post("/providers/{registration_id:uuid}/decide", name="providers.decide", status_code=200)
async def decide_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    registration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    """One form, two buttons: `outcome` "register" or "refuse"."""
    values = values_of(data, ("decided_on", "decision_reason"))
    unreadable: rules.Errors = {}
    decided_on = read_day(values, "decided_on", unreadable)
    version = read_version(one(data, "version"))
    try:
        if one(data, "outcome") == "refuse":
            await refuse_application(
                db,
                actor,
                registration_id,
                decided_on=decided_on,
                reason=values["decision_reason"],
                expected_version=version,
                today=today(),
                unreadable=unreadable,
            )
        else:
            await register_provider(
                db,
                actor,
                registration_id,
                decided_on=decided_on,
                expected_version=version,
                today=today(),
                unreadable=unreadable,
            )
    except InvalidInput as exc:
        focus = "decided_on" if "decided_on" in exc.errors else "decision_reason"
        context = await provider_context(
            request, db, actor, registration_id, errors=exc.errors, decision_values=values, focus=focus
        )
        return refused(request, context, page=PAGE, block="decide_form")
    return go_to(request, provider_path(registration_id))


@post("/providers/{registration_id:uuid}/change", name="providers.change", status_code=200)
async def change_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    registration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, ("service_types", "addresses", "contact"))
    try:
        await change_registration(
            db,
            actor,
            registration_id,
            service_types=rules.lines(values["service_types"]),
            addresses=rules.lines(values["addresses"]),
            contact=values["contact"],
            expected_version=read_version(one(data, "version")),
            today=today(),
        )
    except InvalidInput as exc:
        focus = next(iter(exc.errors), None)
        context = await provider_context(
            request, db, actor, registration_id, errors=exc.errors, change_values=values, focus=focus
        )
        return refused(request, context, page=PAGE, block="change_form")
    return go_to(request, provider_path(registration_id))


@post("/providers/{registration_id:uuid}/exclude", name="providers.exclude", status_code=200)
async def exclude_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    registration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, ("decided_on", "decision_reason"))
    unreadable: rules.Errors = {}
    decided_on = read_day(values, "decided_on", unreadable)
    try:
        await exclude_provider(
            db,
            actor,
            registration_id,
            decided_on=decided_on,
            reason=values["decision_reason"],
            expected_version=read_version(one(data, "version")),
            today=today(),
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        focus = "decided_on" if "decided_on" in exc.errors else "decision_reason"
        context = await provider_context(
            request, db, actor, registration_id, errors=exc.errors, exclude_values=values, focus=focus
        )
        return refused(request, context, page=PAGE, block="exclude_form")
    return go_to(request, provider_path(registration_id))


router = Router(
    path="/",
    route_handlers=[provider_page, review_act, decide_act, change_act, exclude_act],
    include_in_schema=False,
)
