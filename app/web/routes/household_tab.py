"""The person page's household tab (/persons/{id}/household): the person's household on a date with its
members, their membership history, their relationships (add, remove) and "create a household with this
person". Registered through households.router."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.households.access import open_person_household
from app.domains.households.relationships import add_relationship, remove_relationship
from app.domains.households.rules import RELATIONSHIP_KINDS, household_errors, member_errors
from app.domains.households.service import NewMember, create_household
from app.domains.people.queries import PersonHeader, person_header
from app.domains.people.service import open_person
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes.household_forms import (
    ADDED,
    REMOVED,
    Form,
    FormReader,
    base_context,
    blocks,
    clash_of,
    pick_person,
    today,
)
from app.web.routes.people import render_person_tab

TAB = "households/person_household.html"
_MEMBER_PREFIX = "members[0]."
CHOOSE_KIND = N_("Choose a relationship from the list.")


def _tab_address(person_id: uuid.UUID, on: dt.date | None = None) -> str:
    address = f"/persons/{person_id}/household"
    return address if on is None or on == today() else f"{address}?on={on.isoformat()}"


async def _header(db: AsyncSession, person_id: uuid.UUID) -> PersonHeader:
    """The page header for the answer to an act (the act itself checked the permission); the view of the
    person was logged when the tab was opened."""
    header = await person_header(db, person_id)
    if header is None:
        raise NotFound(N_("No such person."))
    return header


async def _context(
    db: AsyncSession,
    actor: Actor,
    person: PersonHeader,
    on: dt.date,
    purpose: str = "case_work",
    **values: Any,
) -> dict[str, Any]:
    data = await open_person_household(db, actor, person.id, on, purpose=purpose)
    defaults: dict[str, Any] = {
        "create_values": {"role": "head", "joined_on": f"{today():%d.%m.%Y}"},
        "create_errors": {},
    }
    return base_context(
        person=person,
        data=data,
        on=on,
        today=today(),
        can_edit=actor.can(Permission.PERSON_EDIT),
        active_tab="household",
        **{**defaults, **values},
    )


@get("/persons/{person_id:uuid}/household", name="person.household")
async def household_tab(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    purpose: str = "case_work",
) -> Template:
    person = await open_person(db, actor, person_id, purpose=purpose, context="household")
    form = FilterForm({"on": str(request.query_params.get("on") or "")}, ("on",))
    on = form.day("on") or today()
    context = await _context(db, actor, person, on, view_errors=form.errors, purpose=purpose)
    if is_fragment(request, "household-now"):
        return blocks(
            TAB,
            ["current"],
            422 if form.errors else 200,
            push_url=_tab_address(person_id, on),
            **context,
        )
    return render_person_tab(request, TAB, "household", context)


@post("/persons/{person_id:uuid}/household", name="person.household.create", status_code=200)
async def create_with_person(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    """A new household with this person as its first member."""
    person = await _header(db, person_id)
    reader = FormReader(data)
    label, note = reader.text("label", 300), reader.text("note", 2100)
    role, joined_on, left_on = reader.text("role", 40), reader.day("joined_on"), reader.day("left_on")
    try:
        reader.check(household_errors(label, note)[0], member_errors(role, joined_on, left_on, today=today()))
        household = await create_household(
            db,
            actor,
            label=label,
            note=note,
            members=[NewMember(person_id, role, joined_on, left_on)],
            today=today(),
        )
    except InvalidInput as exc:
        errors = {k.removeprefix(_MEMBER_PREFIX): v for k, v in exc.errors.items()}
        clash = clash_of(exc)
        if clash:
            clash["field"] = "person_id"
        context = await _context(
            db, actor, person, today(), create_values=reader.values, create_errors=errors, clash=clash
        )
        context.update(open_create=True, focus_create=True)
        return refused(request, context, page=TAB, block="create_form")
    address = f"/households/{household.id}"
    if is_fragment(request):
        return ClientRedirect(redirect_to=address)
    return Redirect(path=address, status_code=303)


@post("/persons/{person_id:uuid}/relationships", name="person.relationships.add", status_code=200)
async def add_relationship_tab(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    person = await _header(db, person_id)
    reader = FormReader(data)
    found: tuple[Any, ...] = ()
    try:
        related_id, found = await pick_person(
            db, reader, field="related_person_id", query_field="related_q", day=today()
        )
        kind = reader.text("kind", 40)
        valid_from, valid_to = reader.day("valid_from"), reader.day("valid_to")
        reader.check({} if kind in RELATIONSHIP_KINDS else {"kind": [CHOOSE_KIND]})
        await add_relationship(
            db,
            actor,
            person_id=person_id,
            related_person_id=related_id,
            kind=kind,
            valid_from=valid_from,
            valid_to=valid_to,
            today=today(),
        )
    except InvalidInput as exc:
        context = await _context(db, actor, person, today(), values=reader.values, candidates=found)
        context.update(errors=exc.errors, focus_rel=True)
        return refused(request, context, page=TAB, block="relationships")
    if not is_fragment(request):
        return Redirect(path=_tab_address(person_id), status_code=303)
    context = await _context(db, actor, person, today(), focus_rel_list=True, message=ADDED)
    return blocks(TAB, ["relationships", "status_oob"], **context)


@post(
    "/persons/{person_id:uuid}/relationships/{relationship_id:uuid}/remove",
    name="person.relationships.remove",
    status_code=200,
)
async def remove_relationship_tab(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    relationship_id: FromPath[uuid.UUID],
) -> Response[Any]:
    person = await _header(db, person_id)
    await remove_relationship(db, actor, person_id, relationship_id)
    if not is_fragment(request):
        return Redirect(path=_tab_address(person_id), status_code=303)
    context = await _context(db, actor, person, today(), focus_rel_list=True, message=REMOVED)
    return blocks(TAB, ["relationships", "status_oob"], **context)


handlers = [household_tab, create_with_person, add_relationship_tab, remove_relationship_tab]
