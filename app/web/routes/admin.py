"""Staff administration pages: the municipality's staff list, adding a person (a <dialog>, or its own
page without JavaScript), inline role editing per row, removal. The acts live in app/auth/admin.py."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.params import Body, FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.admin import add_staff_member, change_roles, list_staff, remove_staff_member, staff_member
from app.auth.principal import Actor
from app.errors import InvalidInput
from app.i18n import N_
from app.permissions import ROLE_LABELS, Permission, Role

# Repeated fields (the role checkboxes) arrive as a list, single ones as a string.
Form = Annotated[dict[str, str | list[str]], Body(media_type=RequestEncodingType.URL_ENCODED)]
PAGE = "admin/staff.html"
LIST = "/admin/staff"
ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in Role]
SAVED = N_("Saved")
ADDED = N_("Added")
REMOVED = N_("Removed from this municipality's staff")


def may_manage_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Not even the empty form for others; the acts check the permission again themselves."""
    user = connection.user
    if not isinstance(user, Actor) or not user.can(Permission.USER_MANAGE):
        raise PermissionDeniedException()


def _fragment(request: HTMXRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _all(data: dict[str, str | list[str]], key: str) -> list[str]:
    value = data.get(key, [])
    return value if isinstance(value, list) else [value]


def _one(data: dict[str, str | list[str]], key: str) -> str:
    values = _all(data, key)
    return values[-1] if values else ""


def _context(**values: Any) -> dict[str, Any]:
    return {"role_choices": ROLE_CHOICES, "values": {}, "errors": {}, **values}


def _blocks(names: list[str], status: int = 200, **context: Any) -> HTMXBlockTemplate:
    return HTMXBlockTemplate(
        template_name=PAGE, block_names=names, context=_context(**context), status_code=status
    )


@get("/", name="staff")
async def staff_page(actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]) -> Template:
    members = await list_staff(db, actor)
    return Template(template_name=PAGE, context=_context(members=members))


@get("/new", name="staff.new")
async def new_staff_page() -> Template:
    return Template(template_name="admin/staff_new.html", context=_context())


@post("/", name="staff.add", status_code=200)
async def add_staff(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    values = {key: _one(data, key) for key in ("username", "full_name", "email")}
    roles = _all(data, "roles")
    try:
        await add_staff_member(db, actor, **values, roles=roles, password=_one(data, "password") or None)
    except InvalidInput as exc:
        bad = _context(values=values, chosen=roles, errors=exc.errors, focus=True)
        if _fragment(request):
            return _blocks(["add_form"], 422, **bad)
        return Template(template_name="admin/staff_new.html", context=bad, status_code=422)
    if not _fragment(request):
        return Redirect(path=LIST, status_code=303)
    # A fresh form for the next person, the list with the new row, and "Added" for screen readers.
    members = await list_staff(db, actor)
    return _blocks(["add_form", "table", "status_oob"], members=members, oob=True, message=ADDED)


@get("/{user_id:uuid}", name="staff.row")
async def staff_row(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    user_id: FromPath[uuid.UUID],
) -> Response[Any]:
    """The row as shown in the list: what "Cancel" in the inline edit puts back."""
    member = await staff_member(db, actor, user_id)
    if not _fragment(request):
        return Redirect(path=LIST)
    return _blocks(["row"], member=member, focus=True)


@get("/{user_id:uuid}/roles", name="staff.roles")
async def edit_roles(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    user_id: FromPath[uuid.UUID],
) -> Template:
    member = await staff_member(db, actor, user_id)
    context = _context(member=member, chosen=member.roles, focus=_fragment(request))
    if _fragment(request):
        return _blocks(["edit_row"], **context)
    return Template(template_name="admin/staff_roles.html", context=context)


@post("/{user_id:uuid}/roles", name="staff.roles.save", status_code=200)
async def save_roles(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    user_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    roles = _all(data, "roles")
    try:
        await change_roles(db, actor, user_id, roles)
    except InvalidInput as exc:
        member = await staff_member(db, actor, user_id)
        bad = _context(member=member, chosen=roles, errors=exc.errors, focus=True)
        if _fragment(request):
            return _blocks(["edit_row"], 422, **bad)
        return Template(template_name="admin/staff_roles.html", context=bad, status_code=422)
    if not _fragment(request):
        return Redirect(path=LIST, status_code=303)
    member = await staff_member(db, actor, user_id)
    return _blocks(["row", "status_oob"], member=member, focus=True, message=SAVED)


@post("/{user_id:uuid}/remove", name="staff.remove", status_code=200)
async def remove_staff(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    user_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await remove_staff_member(db, actor, user_id)
    if not _fragment(request):
        return Redirect(path=LIST, status_code=303)
    members = await list_staff(db, actor)
    return _blocks(["table", "status_oob"], members=members, focus_table=True, message=REMOVED)


router = Router(
    path=LIST,
    route_handlers=[staff_page, new_staff_page, add_staff, staff_row, edit_roles, save_roles, remove_staff],
    guards=[may_manage_staff],
    include_in_schema=False,
)
