"""The decision on an application (from the page's <dialog>, or a page of its own without JavaScript),
the check of the other municipalities shown in it, and the decisions that change or stop a grant or end
a status. A refused form comes back in place (422, the overlapping period named); a stale or repeated one
is 409 in the status region; after the act the application page reloads."""

from __future__ import annotations

import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.benefits import rules
from app.domains.benefits.queries import grant_of, status_of
from app.domains.benefits.service_decisions import PeriodClash, decide_application
from app.domains.benefits.service_grants import change_grant, end_status, stop_grant
from app.errors import InvalidInput
from app.permissions import Permission
from app.web.htmx import refused
from app.web.routes.applications import PAGE, application_context, application_path
from app.web.routes.applications_common import clash_message, read_amount, read_day
from app.web.routes.case_forms import Form, first_error, go_to, one, read_version, today, values_of

DECISION_FIELDS = ("outcome", "amount", "valid_from", "valid_to", "reasons")
ACT_FIELDS = ("from_date", "new_amount", "reasons")


async def other_municipalities(db: AsyncSession, actor: Actor, application_id: uuid.UUID) -> list[Any] | None:
    """What the household receives in other municipalities (GMI, housing benefit), each check audited by
    the check itself; None when the check is not available in this installation."""
    try:
        from app.domains.benefits.crossmunicipal import check_other_municipalities
    except ImportError:
        return None
    return list(await check_other_municipalities(db, actor, application_id, today()))


# --- the decision -----------------------------------------------------------------------------------------


@get("/applications/{application_id:uuid}/decide", name="applications.decide.form")
async def decide_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    application_id: FromPath[uuid.UUID],
) -> Template:
    """The decision form as its own page (without JavaScript; with it, the page's dialog)."""
    actor.require(Permission.APPLICATION_DECIDE)
    context = await application_context(request, db, actor, application_id)
    if context["cross_checked"] and context["may_decide"]:
        context["others"] = await other_municipalities(db, actor, application_id)
        context["others_checked"] = True
    return Template(template_name="benefits/decide.html", context=context)


@get("/applications/{application_id:uuid}/other-municipalities", name="applications.others")
async def others_fragment(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    application_id: FromPath[uuid.UUID],
) -> Template:
    """The dialog's warning list, fetched when the dialog is opened (so a mere look at the page checks
    nothing in other municipalities)."""
    actor.require(Permission.APPLICATION_DECIDE)
    context = await application_context(request, db, actor, application_id)
    context["others"] = await other_municipalities(db, actor, application_id)
    context["others_checked"] = True
    return HTMXBlockTemplate(template_name=PAGE, block_name="others", context=context)


@post("/applications/{application_id:uuid}/decide", name="applications.decide", status_code=200)
async def decide_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    application_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, DECISION_FIELDS)
    unreadable: rules.Errors = {}
    valid_from = read_day(values, "valid_from", unreadable)
    valid_to = read_day(values, "valid_to", unreadable)
    amount = read_amount(values, "amount", unreadable)
    try:
        await decide_application(
            db,
            actor,
            application_id,
            outcome=values["outcome"] or None,
            amount=amount,
            valid_from=valid_from,
            valid_to=valid_to,
            reasons=values["reasons"],
            expected_version=read_version(one(data, "version")),
            today=today(),
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        errors = exc.errors
        if isinstance(exc, PeriodClash):
            errors = {"valid_from": [clash_message(request, exc.existing)]}
        context = await application_context(
            request,
            db,
            actor,
            application_id,
            values=values,
            errors=errors,
            focus=first_error(errors, DECISION_FIELDS),
        )
        return refused(request, context, page="benefits/decide.html", block="decision_form", block_page=PAGE)
    return go_to(request, application_path(application_id) + "#decisions")


# --- changing and stopping a grant, ending a status -------------------------------------------------------


async def _act_page(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    *,
    grant_id: uuid.UUID | None,
    status_id: uuid.UUID | None,
) -> dict[str, Any]:
    if grant_id is not None:
        row: Any = await grant_of(db, actor, grant_id)
    else:
        assert status_id is not None
        row = await status_of(db, actor, status_id)
    assert row.application_id is not None
    context = await application_context(request, db, actor, row.application_id)
    return {**context, "row": row}


async def _grant_act(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    data: dict[str, Any],
    *,
    act: str,
    grant_id: uuid.UUID | None = None,
    status_id: uuid.UUID | None = None,
) -> Response[Any]:
    values = values_of(data, ACT_FIELDS)
    unreadable: rules.Errors = {}
    from_date = read_day(values, "from_date", unreadable)
    try:
        if act == "change":
            assert grant_id is not None
            new_amount = read_amount(values, "new_amount", unreadable)
            decision = await change_grant(
                db,
                actor,
                grant_id,
                from_date=from_date,
                new_amount=new_amount,
                reasons=values["reasons"],
                today=today(),
                unreadable=unreadable,
            )
        elif act == "stop":
            assert grant_id is not None
            decision = await stop_grant(
                db,
                actor,
                grant_id,
                from_date=from_date,
                reasons=values["reasons"],
                today=today(),
                unreadable=unreadable,
            )
        else:
            assert status_id is not None
            decision = await end_status(
                db,
                actor,
                status_id,
                from_date=from_date,
                reasons=values["reasons"],
                today=today(),
                unreadable=unreadable,
            )
    except InvalidInput as exc:
        context = await _act_page(request, db, actor, grant_id=grant_id, status_id=status_id)
        context.update(
            act=act,
            refused_act=f"{act}-{context['row'].id}",
            act_values=values,
            act_errors=exc.errors,
            focus=first_error(exc.errors, ACT_FIELDS),
        )
        return refused(request, context, page="benefits/grant_act.html", block="act_form", block_page=PAGE)
    assert decision.application_id is not None
    return go_to(request, application_path(decision.application_id) + "#decisions")


@get("/grants/{grant_id:uuid}/{act:str}", name="grants.act.form")
async def grant_act_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    act: FromPath[str],
) -> Template:
    actor.require(Permission.APPLICATION_DECIDE)
    if act not in ("stop", "change"):
        from app.errors import NotFound

        raise NotFound()
    context = await _act_page(request, db, actor, grant_id=grant_id, status_id=None)
    return Template(template_name="benefits/grant_act.html", context={**context, "act": act})


@post("/grants/{grant_id:uuid}/stop", name="grants.stop", status_code=200)
async def stop_grant_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    return await _grant_act(request, db, actor, data, act="stop", grant_id=grant_id)


@post("/grants/{grant_id:uuid}/change", name="grants.change", status_code=200)
async def change_grant_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    grant_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    return await _grant_act(request, db, actor, data, act="change", grant_id=grant_id)


@get("/statuses/{status_id:uuid}/end", name="statuses.end.form")
async def end_status_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    status_id: FromPath[uuid.UUID],
) -> Template:
    actor.require(Permission.APPLICATION_DECIDE)
    context = await _act_page(request, db, actor, grant_id=None, status_id=status_id)
    return Template(template_name="benefits/grant_act.html", context={**context, "act": "end"})


@post("/statuses/{status_id:uuid}/end", name="statuses.end", status_code=200)
async def end_status_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    status_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    return await _grant_act(request, db, actor, data, act="end", status_id=status_id)


router = Router(
    path="/",
    route_handlers=[
        decide_page,
        others_fragment,
        decide_act,
        grant_act_page,
        stop_grant_act,
        change_grant_act,
        end_status_page,
        end_status_act,
    ],
    include_in_schema=False,
)
