"""The document register (dokumentu reģistrs): incoming and outgoing documents with their registration
numbers, a filtered keyset list, and registering one (optionally linked to a case and with its file)."""

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
from app.config import Settings
from app.documents import rules as file_rules
from app.documents.queries import register_page
from app.documents.service import DIRECTIONS, RegisterDraft, register_document
from app.domains.cases import rules
from app.errors import InvalidInput
from app.i18n import N_
from app.pagination import decode_day_cursor
from app.permissions import Permission
from app.web.deps import resources
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes.case_forms import dotted, first_error, go_to, today
from app.web.routes.documents import FORM_ROOM, read_upload

FIELDS = ("direction", "registered_on", "document_date", "correspondent", "subject", "case_number", "file")
_DIRECTION = re.compile("in|out")
_TEXT = re.compile(r"[^\x00-\x1f]{1,60}")
_NUMBER = re.compile(r"(IEN|IZN)-\d{4}/\d{5,}")


@get("/register", name="register.list")
async def register_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.CASE_VIEW)
    form = FilterForm(request.query_params, ("direction", "from", "to", "correspondent"))
    direction = form.text("direction", _DIRECTION, N_("Choose incoming or outgoing."))
    first, last = form.period("from", "to")
    correspondent = form.text("correspondent", _TEXT, N_("Enter at most 60 characters."))
    token = request.query_params.get("after")
    after = decode_day_cursor(token)
    page = await register_page(
        db, actor, direction=direction, first=first, last=last, correspondent=correspondent, after=after
    )
    context = {
        "directions": DIRECTIONS,
        "form": form,
        "page": page,
        "paged": after is not None,
        "first_url": form.url("/register"),
        "next_url": form.url("/register", after=page.next_cursor) if page.next_cursor else None,
        "may_register": actor.can(Permission.REGISTER_EDIT),
        # After registering: the new number, said once on the list (from the redirect's address).
        "registered": registered
        if _NUMBER.fullmatch(registered := request.query_params.get("registered", ""))
        else None,
    }
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name="documents/register.html",
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if form.errors else 200,
            push_url=form.url("/register", after=token if after else None),
        )
    return Template(template_name="documents/register.html", context=context)


def _form_context(request: HTMXRequest, **extra: Any) -> dict[str, Any]:
    settings = resources(request).settings
    values = {"direction": "in", "registered_on": dotted(today()), **extra.pop("values", {})}
    return {
        "directions": DIRECTIONS,
        "values": values,
        "errors": {},
        "max_upload_bytes": settings.max_upload_bytes,
        "max_upload_mb": file_rules.megabytes(settings.max_upload_bytes),
        **extra,
    }


@get("/register/new", name="register.new")
async def new_register_entry(
    request: HTMXRequest, actor: NamedDependency[Actor], direction: str = "in", case: str = ""
) -> Template:
    actor.require(Permission.REGISTER_EDIT)
    values = {"direction": direction if direction in DIRECTIONS else "in", "case_number": case[:30]}
    return Template(
        template_name="documents/register_new.html", context=_form_context(request, values=values)
    )


async def _register(request: HTMXRequest, actor: Actor, db: AsyncSession) -> Response[Any]:
    actor.require(Permission.REGISTER_EDIT)
    settings = resources(request).settings
    fields, upload, cut_off = await read_upload(request, settings.max_upload_bytes)
    values = {name: fields.get(name, "") for name in FIELDS if name != "file"}
    unreadable: rules.Errors = {}
    draft = RegisterDraft(
        direction=values["direction"],
        registered_on=rules.read_day(values, "registered_on", unreadable),
        document_date=rules.read_day(values, "document_date", unreadable),
        correspondent=values["correspondent"],
        subject=values["subject"],
        case_number=values["case_number"],
        unreadable=unreadable,
    )
    try:
        if cut_off:
            raise InvalidInput({"file": [file_rules.TOO_LARGE]})
        entry = await register_document(
            db, actor, draft, upload=upload, max_bytes=settings.max_upload_bytes, today=today()
        )
    except InvalidInput as exc:
        context = _form_context(
            request, values=values, errors=exc.errors, focus=first_error(exc.errors, FIELDS)
        )
        return refused(request, context, page="documents/register_new.html", block="register_form")
    return go_to(request, f"/register?registered={entry.number}")


def register_handler(settings: Settings) -> Any:
    async def register_act(
        request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        return await _register(request, actor, db)

    return post(
        "/register",
        name="register.add",
        status_code=200,
        request_max_body_size=settings.max_upload_bytes + FORM_ROOM,
    )(register_act)


def router(settings: Settings) -> Router:
    return Router(
        path="/",
        route_handlers=[register_list, new_register_entry, register_handler(settings)],
        include_in_schema=False,
    )
