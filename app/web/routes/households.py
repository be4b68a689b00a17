"""The household page (/households/{id}): its members on a chosen date, adding a member (with a person
picker), correcting a membership or recording that a member left, renaming, and the relationships
among the members. The person page's household tab is in household_tab.py; both call the same services.

Every member-table action re-renders the block `members` (target #members): the date and the "past
members too" choice travel with it, so the table comes back as it was being looked at."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.households.access import open_household
from app.domains.households.relationships import add_relationship, remove_relationship
from app.domains.households.rules import member_errors
from app.domains.households.service import (
    NO_MEMBERSHIP,
    add_member,
    correct_membership,
    edit_household,
    end_membership,
)
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes import household_tab
from app.web.routes.household_forms import (
    ADDED,
    REMOVED,
    SAVED,
    Form,
    FormReader,
    base_context,
    blocks,
    candidates,
    clash_of,
    pick_person,
    today,
)

PAGE = "households/household.html"
CHOOSE_MEMBER = N_("Choose a member of the household.")


def _address(household_id: uuid.UUID, on: dt.date, past: bool) -> str:
    query = [] if on == today() else [f"on={on.isoformat()}"]
    if past:
        query.append("past=1")
    return f"/households/{household_id}" + ("?" + "&".join(query) if query else "")


def _view(data: Any) -> tuple[dt.date, bool, dict[str, str]]:
    """The date and "past members too" a request is for (query string or hidden form fields); a date that
    cannot be read gives today and a message for the date field."""
    raw = {"on": str(data.get("on") or ""), "past": str(data.get("past") or "")}
    form = FilterForm(raw, ("on", "past"))
    on = form.day("on") or today()
    return on, raw["past"] in ("1", "on", "true"), form.errors


async def _context(
    db: AsyncSession, actor: Actor, household_id: uuid.UUID, on: dt.date, past: bool, **values: Any
) -> dict[str, Any]:
    card = await open_household(db, actor, household_id, on=on, include_past=past)
    return base_context(
        card=card,
        on=on,
        past=past,
        can_edit=actor.can(Permission.PERSON_EDIT),
        here=_address(household_id, on, past),
        today=today(),
        **values,
    )


@get("/households/{household_id:uuid}", name="household")
async def household_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
) -> Template:
    on, past, view_errors = _view(request.query_params)
    context = await _context(db, actor, household_id, on, past, view_errors=view_errors)
    if is_fragment(request, "members"):
        return blocks(
            PAGE,
            ["members", "status_oob"],
            422 if view_errors else 200,
            push_url=_address(household_id, on, past),
            **context,
            announce_members=not view_errors,
        )
    if is_fragment(request, "household-head"):  # "Cancel" of the rename form
        return blocks(PAGE, ["head"], **context)
    return Template(template_name=PAGE, context=context, status_code=422 if view_errors else 200)


# --- the household's name ---------------------------------------------------------------------------


@get("/households/{household_id:uuid}/edit", name="household.edit")
async def edit_head(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
) -> Template:
    actor.require(Permission.PERSON_EDIT)
    on, past, _ = _view(request.query_params)
    context = await _context(db, actor, household_id, on, past, editing_head=True, focus=True)
    card = context["card"]
    context["values"] = {"label": card.label, "note": card.note or "", "version": str(card.version)}
    if is_fragment(request):
        return blocks(PAGE, ["head"], **context)
    return Template(template_name=PAGE, context=context)


@post("/households/{household_id:uuid}", name="household.save", status_code=200)
async def save_head(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    reader = FormReader(data)
    label, note, version = reader.text("label", 300), reader.text("note", 2100), reader.integer("version")
    on, past, _ = _view(data)
    try:
        await edit_household(db, actor, household_id, label=label, note=note, version=version)
    except InvalidInput as exc:
        context = await _context(
            db, actor, household_id, on, past, editing_head=True, focus=True, values=reader.values
        )
        context["errors"] = exc.errors
        return refused(request, context, page=PAGE, block="head")
    if not is_fragment(request):
        return Redirect(path=_address(household_id, on, past), status_code=303)
    context = await _context(db, actor, household_id, on, past, focus_head=True, message=SAVED)
    return blocks(PAGE, ["head", "status_oob"], **context)


# --- members --------------------------------------------------------------------------------------------


@get("/households/candidates", name="household.candidates")
async def picker_candidates(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    """The picker's list as the user types: persons by code or name start, to choose one."""
    actor.require(Permission.PERSON_VIEW)
    prefix = "related" if request.query_params.get("for") == "related" else "member"
    field = "related_person_id" if prefix == "related" else "person_id"
    q = str(request.query_params.get(f"{prefix}_q") or "")[:100]
    found = await candidates(db, q, day=today()) if q.strip() else ()
    return Template(
        template_name="households/candidates.html",
        context=base_context(prefix=prefix, field=field, candidates=found, searched=bool(q.strip())),
    )


@post("/households/{household_id:uuid}/members", name="household.members.add", status_code=200)
async def add_member_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    reader = FormReader(data)
    on, past, _ = _view(data)
    found: tuple[Any, ...] = ()
    try:
        person_id, found = await pick_person(
            db, reader, field="person_id", query_field="member_q", day=today()
        )
        role = reader.text("role", 40)
        joined_on, left_on = reader.day("joined_on"), reader.day("left_on")
        reader.check(member_errors(role, joined_on, left_on, today=today()))
        await add_member(
            db,
            actor,
            household_id,
            person_id=person_id,
            role=role,
            joined_on=joined_on,
            left_on=left_on,
            today=today(),
        )
    except InvalidInput as exc:
        context = await _context(
            db, actor, household_id, on, past, values=reader.values, focus=True, candidates=found
        )
        context.update(errors=exc.errors, clash=clash_of(exc))
        return refused(request, context, page=PAGE, block="add_member")
    if not is_fragment(request):
        return Redirect(path=_address(household_id, on, past), status_code=303)
    context = await _context(db, actor, household_id, on, past, oob=True, focus_members=True, message=ADDED)
    return blocks(PAGE, ["add_member", "members", "relationships", "status_oob"], **context)


@get("/households/{household_id:uuid}/members/{member_id:uuid}/edit", name="household.member.edit")
async def edit_member(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
    member_id: FromPath[uuid.UUID],
) -> Template:
    """The member's row as a form: `mode=leave` asks only for the last day, otherwise role and period."""
    actor.require(Permission.PERSON_EDIT)
    on, past, _ = _view(request.query_params)
    mode = "leave" if request.query_params.get("mode") == "leave" else "edit"
    context = await _context(db, actor, household_id, on, past, editing=member_id, mode=mode, focus=True)
    member = next((m for m in context["card"].members if m.id == member_id), None)
    if member is None and not past:  # a former or future member: shown with the others
        past = True
        context = await _context(db, actor, household_id, on, past, editing=member_id, mode=mode, focus=True)
        member = next((m for m in context["card"].members if m.id == member_id), None)
    if member is None:
        raise NotFound(NO_MEMBERSHIP)
    left_on = member.left_on or (today() if mode == "leave" else None)
    context["values"] = {
        "role": member.role,
        "joined_on": f"{member.joined_on:%d.%m.%Y}",
        "left_on": f"{left_on:%d.%m.%Y}" if left_on else "",
    }
    if is_fragment(request):
        return blocks(PAGE, ["members"], **context)
    return Template(template_name=PAGE, context=context)


async def _member_act(
    request: HTMXRequest,
    actor: Actor,
    db: AsyncSession,
    household_id: uuid.UUID,
    member_id: uuid.UUID,
    data: dict[str, str | list[str]],
    mode: str,
) -> Response[Any]:
    reader = FormReader(data)
    on, past, _ = _view(data)
    try:
        if mode == "leave":
            left_on = reader.day("left_on")
            reader.check()
            await end_membership(db, actor, household_id, member_id, left_on=left_on, today=today())
        else:
            role, joined_on, left_on = reader.text("role", 40), reader.day("joined_on"), reader.day("left_on")
            reader.check()
            await correct_membership(
                db,
                actor,
                household_id,
                member_id,
                role=role,
                joined_on=joined_on,
                left_on=left_on,
                today=today(),
            )
    except InvalidInput as exc:
        context = await _context(
            db, actor, household_id, on, past, editing=member_id, mode=mode, focus=True, values=reader.values
        )
        context.update(errors=exc.errors, clash=clash_of(exc))
        return refused(request, context, page=PAGE, block="members")
    if not is_fragment(request):
        return Redirect(path=_address(household_id, on, past), status_code=303)
    context = await _context(db, actor, household_id, on, past, focus_row=member_id, message=SAVED)
    return blocks(PAGE, ["members", "status_oob"], **context)


@post(
    "/households/{household_id:uuid}/members/{member_id:uuid}", name="household.member.save", status_code=200
)
async def save_member(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
    member_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    return await _member_act(request, actor, db, household_id, member_id, data, "edit")


@post(
    "/households/{household_id:uuid}/members/{member_id:uuid}/leave",
    name="household.member.leave",
    status_code=200,
)
async def member_leaves(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
    member_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    return await _member_act(request, actor, db, household_id, member_id, data, "leave")


# --- relationships among the members ---------------------------------------------------------------------


@post("/households/{household_id:uuid}/relationships", name="household.relationships.add", status_code=200)
async def add_relationship_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    reader = FormReader(data)
    on, past, _ = _view(data)
    try:
        person_id = reader.uuid("rel_person_id", CHOOSE_MEMBER)
        related_id = reader.uuid("related_person_id", CHOOSE_MEMBER)
        kind = reader.text("kind", 40)
        if person_id is None and "rel_person_id" not in reader.errors:
            reader.errors["rel_person_id"] = [CHOOSE_MEMBER]
        reader.check()
        assert person_id is not None
        await add_relationship(
            db, actor, person_id=person_id, related_person_id=related_id, kind=kind, today=today()
        )
    except InvalidInput as exc:
        errors = {("rel_person_id" if k == "person_id" else k): v for k, v in exc.errors.items()}
        context = await _context(db, actor, household_id, on, past, values=reader.values, focus_rel=True)
        context["errors"] = errors
        return refused(request, context, page=PAGE, block="relationships")
    if not is_fragment(request):
        return Redirect(path=_address(household_id, on, past), status_code=303)
    context = await _context(db, actor, household_id, on, past, focus_rel_list=True, message=ADDED)
    return blocks(PAGE, ["relationships", "status_oob"], **context)


@post(
    "/households/{household_id:uuid}/relationships/{relationship_id:uuid}/remove",
    name="household.relationships.remove",
    status_code=200,
)
async def remove_relationship_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    household_id: FromPath[uuid.UUID],
    relationship_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    on, past, _ = _view(data)
    person_id = FormReader(data).uuid("person_id", CHOOSE_MEMBER) or uuid.UUID(int=0)  # none: "no such"
    await remove_relationship(db, actor, person_id, relationship_id)
    if not is_fragment(request):
        return Redirect(path=_address(household_id, on, past), status_code=303)
    context = await _context(db, actor, household_id, on, past, focus_rel_list=True, message=REMOVED)
    return blocks(PAGE, ["relationships", "status_oob"], **context)


router = Router(
    path="/",
    route_handlers=[
        household_page,
        edit_head,
        save_head,
        picker_candidates,
        add_member_form,
        edit_member,
        save_member,
        member_leaves,
        add_relationship_form,
        remove_relationship_form,
        *household_tab.handlers,
    ],
    include_in_schema=False,
)
