"""The complaint pages: the list (filters: status, assigned to me, overdue — the overdue list sorted by
deadline; keyset pages) and registering a complaint, submission or suggestion (from a client of the
register when opened with ?person=…, otherwise by name and contact, or anonymous). The complaint's own
page and its acts are in complaint_acts.py."""

from __future__ import annotations

import re
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.complaints import rules
from app.domains.complaints.queries import complaint_list_page, overdue_count
from app.domains.complaints.service import register_complaint
from app.domains.people.service import open_person
from app.errors import InvalidInput
from app.i18n import N_
from app.pagination import decode_day_cursor
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes.applications_common import read_day
from app.web.routes.case_forms import Form, dotted, first_error, go_to, one, read_uuid, today, values_of
from app.web.templating import language_of

LABELS: dict[str, Any] = {
    "complaint_kinds": rules.KINDS,
    "complaint_channels": rules.CHANNELS,
    "complaint_statuses": rules.STATUSES,
}
NEW_FIELDS = (
    "kind",
    "channel",
    "received_on",
    "subject",
    "text",
    "submitter_name",
    "submitter_contact",
    "anonymous",
)
_STATUS = re.compile("|".join(rules.STATUSES))
_FLAG = re.compile("1")


def complaint_path(complaint_id: object) -> str:
    return f"/complaints/{complaint_id}"


@get("/complaints", name="complaints.list")
async def complaints_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.COMPLAINT_VIEW)
    form = FilterForm(request.query_params, ("status", "mine", "overdue"))
    status = form.text("status", _STATUS, N_("Choose from the list."))
    mine = form.text("mine", _FLAG, N_("Choose from the list.")) is not None
    overdue = form.text("overdue", _FLAG, N_("Choose from the list.")) is not None
    token = request.query_params.get("after")
    after = decode_day_cursor(token)
    day = today()
    page = await complaint_list_page(
        db, actor, today=day, status=status, mine=mine, overdue=overdue, after=after
    )
    context = {
        **LABELS,
        "form": form,
        "page": page,
        "paged": after is not None,
        "overdue_view": overdue,
        "overdue_total": await overdue_count(db, actor, day),
        "first_url": form.url("/complaints"),
        "next_url": form.url("/complaints", after=page.next_cursor) if page.next_cursor else None,
        "may_register": actor.can(Permission.COMPLAINT_HANDLE),
        "lang": language_of(request),
    }
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name="complaints/list.html",
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if form.errors else 200,
            push_url=form.url("/complaints", after=token if after else None),
        )
    return Template(template_name="complaints/list.html", context=context)


async def _new_context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, person: str, **extra: Any
) -> dict[str, Any]:
    person_id = read_uuid(person)
    context: dict[str, Any] = {**LABELS, "person": None, "lang": language_of(request), "errors": {}}
    if person_id is not None:
        context["person"] = await open_person(db, actor, person_id, context="new-complaint")
    context["values"] = {
        "kind": "complaint",
        "channel": "in_person",
        "received_on": dotted(today()),
        "subject": "",
        "text": "",
        "submitter_name": "",
        "submitter_contact": "",
        "anonymous": "",
    }
    return {**context, **extra}


@get("/complaints/new", name="complaints.new")
async def new_complaint_page(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], person: str = ""
) -> Template:
    actor.require(Permission.COMPLAINT_HANDLE)
    return Template(
        template_name="complaints/new.html", context=await _new_context(request, db, actor, person)
    )


@post("/complaints", name="complaints.create", status_code=200)
async def register_complaint_act(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    actor.require(Permission.COMPLAINT_HANDLE)
    values = values_of(data, NEW_FIELDS)
    unreadable: rules.Errors = {}
    received_on = read_day(values, "received_on", unreadable)
    person = one(data, "person")
    try:
        complaint = await register_complaint(
            db,
            actor,
            kind=values["kind"],
            channel=values["channel"],
            received_on=received_on,
            subject=values["subject"],
            text=values["text"],
            person_id=read_uuid(person),
            submitter_name=values["submitter_name"],
            submitter_contact=values["submitter_contact"],
            anonymous=values["anonymous"] == "1",
            today=today(),
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        context = await _new_context(
            request,
            db,
            actor,
            person,
            values=values,
            errors=exc.errors,
            focus=first_error(exc.errors, NEW_FIELDS),
        )
        return refused(request, context, page="complaints/new.html", block="complaint_form")
    return go_to(request, complaint_path(complaint.id))


router = Router(
    path="/",
    route_handlers=[complaints_list, new_complaint_page, register_complaint_act],
    include_in_schema=False,
)
