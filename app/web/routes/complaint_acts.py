"""A complaint's page (/complaints/{id}) and the acts on it, each a form in place: assign (a head of
service to anyone, a worker takes it over), answer, close. A refused form comes back as its block with
the messages (422); a stale version gets 409; after an act the page is shown again (`go_to`)."""

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
from app.domains.complaints import rules
from app.domains.complaints.queries import attachment_file, complaint_card, handler_choices
from app.domains.complaints.service import answer_complaint, assign_complaint, close_complaint
from app.errors import InvalidInput
from app.permissions import Permission
from app.web.downloads import private_file
from app.web.htmx import refused
from app.web.routes.applications_common import read_day
from app.web.routes.case_forms import Form, dotted, go_to, one, read_uuid, read_version, today, values_of
from app.web.routes.complaints import LABELS, complaint_path
from app.web.templating import language_of

PAGE = "complaints/complaint.html"


async def complaint_context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, complaint_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    """Everything complaints/complaint.html and its blocks need."""
    day = today()
    card = await complaint_card(db, actor, complaint_id, day)
    handles = actor.can(Permission.COMPLAINT_HANDLE)
    assigns = actor.can(Permission.COMPLAINT_ASSIGN)
    open_ = card.status in rules.OPEN
    workers = await handler_choices(db, actor) if assigns and open_ else ()
    return {
        **LABELS,
        "card": card,
        "lang": language_of(request),
        "may_assign": assigns and open_,
        "may_take": handles and not assigns and open_ and card.assigned_to != actor.user_id,
        "may_answer": handles and rules.may("answer", card.status),
        "may_close": handles and rules.may_close(card.status, anonymous=card.anonymous),
        "worker_options": [(str(w.id), w.full_name) for w in workers],
        "assign_value": str(card.assigned_to or ""),
        "answer_values": {"answer": "", "answered_on": dotted(day)},
        "errors": {},
        **extra,
    }


@get("/complaints/{complaint_id:uuid}", name="complaints.page")
async def complaint_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    complaint_id: FromPath[uuid.UUID],
) -> Template:
    return Template(template_name=PAGE, context=await complaint_context(request, db, actor, complaint_id))


@get("/complaints/{complaint_id:uuid}/attachments/{attachment_id:uuid}", name="complaints.attachment")
async def complaint_attachment(
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    complaint_id: FromPath[uuid.UUID],
    attachment_id: FromPath[uuid.UUID],
) -> Response[bytes]:
    file = await attachment_file(db, actor, complaint_id, attachment_id)
    return private_file(file.content, file.content_type, file.filename)


@post("/complaints/{complaint_id:uuid}/assign", name="complaints.assign", status_code=200)
async def assign_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    complaint_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    chosen = one(data, "assigned_to")
    user_id = actor.user_id if chosen == "me" else read_uuid(chosen)
    try:
        await assign_complaint(
            db, actor, complaint_id, user_id=user_id, expected_version=read_version(one(data, "version"))
        )
    except InvalidInput as exc:
        context = await complaint_context(
            request, db, actor, complaint_id, errors=exc.errors, assign_value=chosen, focus="assigned_to"
        )
        return refused(request, context, page=PAGE, block="assign_form")
    return go_to(request, complaint_path(complaint_id))


@post("/complaints/{complaint_id:uuid}/answer", name="complaints.answer", status_code=200)
async def answer_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    complaint_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = values_of(data, ("answer", "answered_on"))
    unreadable: rules.Errors = {}
    answered_on = read_day(values, "answered_on", unreadable)
    try:
        await answer_complaint(
            db,
            actor,
            complaint_id,
            answer=values["answer"],
            answered_on=answered_on,
            expected_version=read_version(one(data, "version")),
            today=today(),
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        focus = "answer" if "answer" in exc.errors else "answered_on"
        context = await complaint_context(
            request, db, actor, complaint_id, errors=exc.errors, answer_values=values, focus=focus
        )
        return refused(request, context, page=PAGE, block="answer_form")
    return go_to(request, complaint_path(complaint_id))


@post("/complaints/{complaint_id:uuid}/close", name="complaints.close", status_code=200)
async def close_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    complaint_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    await close_complaint(
        db, actor, complaint_id, expected_version=read_version(one(data, "version")), today=today()
    )
    return go_to(request, complaint_path(complaint_id))


router = Router(
    path="/",
    route_handlers=[complaint_page, complaint_attachment, assign_act, answer_act, close_act],
    include_in_schema=False,
)
