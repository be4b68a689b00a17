"""The case page's head and staff acts: changing the details, closing and reopening (each from the page's
<dialog>, or a page of its own without JavaScript), assigning and removing staff. A refused form comes back
in place (422); a stale one is 409 in the status region; after the act, the page reloads, or the list when
the act took the case out of the actor's sight."""

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
from app.domains.cases import rules
from app.domains.cases.access import access_case
from app.domains.cases.models import Case
from app.domains.cases.queries import case_card, staff_choices
from app.domains.cases.service import assign_staff as assign
from app.domains.cases.service import close_case, edit_case, reopen_case
from app.domains.cases.service import unassign_staff as unassign
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission
from app.web.htmx import is_fragment, refused
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
from app.web.routes.cases import (
    CASE_FIELDS,
    CLOSE_FIELDS,
    LABELS,
    PAGE,
    card_values,
    case_context,
    case_draft,
    case_path,
    choices,
    page_blocks,
)

ASSIGNED = N_("Staff member assigned")
UNASSIGNED = N_("Staff member removed from the case")


# --- the head's acts: edit, close, reopen -----------------------------------------------------------------


async def _head_form_context(db: AsyncSession, actor: Actor, case: Case, **extra: Any) -> dict[str, Any]:
    assert actor.tenant_id is not None
    card = await case_card(db, case)
    staff = await staff_choices(db, actor.tenant_id)
    return {
        **LABELS,
        "card": card,
        "caseworker_choices": choices(staff),
        "values": card_values(card),
        "errors": {},
        **extra,
    }


async def _after_head_act(
    request: HTMXRequest, db: AsyncSession, actor: Actor, case_id: uuid.UUID
) -> Response[Any]:
    """Back to the case page; to the list when the act took the case out of the actor's sight (made it
    sensitive, or gave it to someone else)."""
    try:
        await access_case(db, actor, case_id)
    except NotFound:
        return go_to(request, "/cases")
    return go_to(request, case_path(case_id))


@get("/cases/{case_id:uuid}/edit", name="cases.edit.form")
async def edit_case_page(
    actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], case_id: FromPath[uuid.UUID]
) -> Template:
    """The edit form as its own page (without JavaScript; with it, the case page's dialog)."""
    case = await access_case(db, actor, case_id, permission=Permission.CASE_EDIT)
    context = await _head_form_context(db, actor, case)
    return Template(template_name="cases/case_edit.html", context=context)


@post("/cases/{case_id:uuid}/edit", name="cases.edit", status_code=200)
async def edit_case_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    draft, values = case_draft(data, with_opened_on=False)
    try:
        await edit_case(db, actor, case_id, draft, version=read_version(one(data, "version")))
    except InvalidInput as exc:
        case = await access_case(db, actor, case_id, permission=Permission.CASE_EDIT)
        context = await _head_form_context(
            db, actor, case, values=values, errors=exc.errors, focus=first_error(exc.errors, CASE_FIELDS)
        )
        return refused(request, context, page="cases/case_edit.html", block="edit_form", block_page=PAGE)
    return await _after_head_act(request, db, actor, case_id)


@get("/cases/{case_id:uuid}/close", name="cases.close.form")
async def close_case_page(
    actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], case_id: FromPath[uuid.UUID]
) -> Template:
    case = await access_case(db, actor, case_id, permission=Permission.CASE_EDIT)
    context = await _head_form_context(db, actor, case)
    return Template(template_name="cases/case_close.html", context=context)


@post("/cases/{case_id:uuid}/close", name="cases.close", status_code=200)
async def close_case_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, CLOSE_FIELDS)
    unreadable: rules.Errors = {}
    closed_on = rules.read_day(values, "closed_on", unreadable)
    try:
        await close_case(
            db,
            actor,
            case_id,
            closed_on=closed_on,
            reason=values["reason"],
            version=read_version(one(data, "version")),
            today=today(),
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        case = await access_case(db, actor, case_id, permission=Permission.CASE_EDIT)
        context = await _head_form_context(
            db, actor, case, values=values, errors=exc.errors, focus=first_error(exc.errors, CLOSE_FIELDS)
        )
        return refused(request, context, page="cases/case_close.html", block="close_form", block_page=PAGE)
    return await _after_head_act(request, db, actor, case_id)


@post("/cases/{case_id:uuid}/reopen", name="cases.reopen", status_code=200)
async def reopen_case_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    await reopen_case(db, actor, case_id, version=read_version(one(data, "version")))
    return await _after_head_act(request, db, actor, case_id)


# --- assigned staff ---------------------------------------------------------------------------------------


async def _staff_answer(
    request: HTMXRequest, db: AsyncSession, actor: Actor, case_id: uuid.UUID, message: str
) -> Response[Any]:
    try:
        case = await access_case(db, actor, case_id)
    except NotFound:  # removed oneself from a sensitive case
        return go_to(request, "/cases")
    if not is_fragment(request):
        return go_to(request, case_path(case_id) + "#case-staff")
    context = await case_context(request, db, actor, case, message=message, focus_staff=True)
    return page_blocks(["staff", "status_oob"], context)


@post("/cases/{case_id:uuid}/staff", name="cases.staff.add", status_code=200)
async def assign_staff_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    chosen = one(data, "user_id")
    try:
        await assign(db, actor, case_id, read_uuid(chosen))
    except InvalidInput as exc:
        case = await access_case(db, actor, case_id)
        context = await case_context(
            request, db, actor, case, staff_errors=exc.errors, staff_chosen=chosen, focus_staff=True
        )
        return refused(request, context, page=PAGE, block="staff")
    return await _staff_answer(request, db, actor, case_id, ASSIGNED)


@post("/cases/{case_id:uuid}/staff/{user_id:uuid}/remove", name="cases.staff.remove", status_code=200)
async def unassign_staff_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    user_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await unassign(db, actor, case_id, user_id)
    return await _staff_answer(request, db, actor, case_id, UNASSIGNED)


router = Router(
    path="/",
    route_handlers=[
        edit_case_page,
        edit_case_act,
        close_case_page,
        close_case_act,
        reopen_case_act,
        assign_staff_act,
        unassign_staff_act,
    ],
    include_in_schema=False,
)
