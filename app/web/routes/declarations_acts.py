"""The declaration page's acts: members (add, correct, remove), a member's incomes, the property, the
housing costs, submitting and discarding. Each posts the declaration's version.

With htmx a refused form comes back in place (422, its block); a stale or submitted declaration is 409 in
the status region; after the act the whole declaration is shown again (its forms carry the new version, the
computation is redone) with the status message. Without htmx: the page again (422) or a redirect."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.assistance import service
from app.domains.people.codes import InvalidPersonalCode, parse_personal_code
from app.domains.people.queries import person_id_by_code
from app.errors import InvalidInput
from app.i18n import N_
from app.web.htmx import refused
from app.web.routes.case_forms import Form, first_error, go_to, one, read_uuid, read_version
from app.web.routes.declarations import PAGE, declaration_context, declaration_path, load_card
from app.web.routes.declarations_forms import (
    PROPERTY_FIELDS,
    housing_errors,
    income_errors,
    read_housing,
    read_incomes,
    read_property,
)

MEMBER_ADDED = N_("Member added")
MEMBER_SAVED = N_("Member saved")
MEMBER_REMOVED = N_("Member removed")
INCOMES_SAVED = N_("Incomes saved")
PROPERTY_SAVED = N_("Property saved")
HOUSING_SAVED = N_("Housing costs saved")
SUBMITTED = N_("Declaration submitted")
UNKNOWN_CODE = N_("No person with this personal code is registered in this municipality.")
MEMBER_FIELDS = ("person_id", "personal_code", "relation", "social_status", "member_id")


async def _done(
    request: HTMXRequest, db: AsyncSession, actor: Actor, declaration_id: uuid.UUID, message: str, anchor: str
) -> Response[Any]:
    """After an act: the whole declaration again (htmx) with the focus on the section acted on."""
    if not request.htmx:
        return Redirect(path=declaration_path(declaration_id, anchor), status_code=303)
    card = await load_card(db, declaration_id)
    context = await declaration_context(request, db, actor, card, message=message, focus_section=anchor)
    return HTMXBlockTemplate(
        template_name=PAGE,
        block_names=["declaration", "status_oob"],
        context=context,
        headers={"HX-Retarget": "#declaration", "HX-Reswap": "outerHTML"},
    )


async def _refused(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    declaration_id: uuid.UUID,
    *,
    block: str,
    editing: str | None,
    errors: dict[str, list[str]],
    values: dict[str, Any],
    member_id: uuid.UUID | None = None,
    order: tuple[str, ...] = (),
) -> Response[Any]:
    card = await load_card(db, declaration_id)
    context = await declaration_context(
        request, db, actor, card, editing=editing, member_id=member_id, errors=errors, values=values
    )
    context.update(focus=first_error(errors, order), m=card.member(member_id) if member_id else None)
    return refused(request, context, page=PAGE, block=block)


def _version(data: Form) -> int | None:
    return read_version(one(data, "version"))


# --- members ----------------------------------------------------------------------------------------------


async def _chosen_person(db: AsyncSession, data: Form) -> tuple[uuid.UUID | None, dict[str, list[str]]]:
    """The person to add: chosen from the household, or (no household recorded) named by personal code."""
    code = one(data, "personal_code").strip()
    if not code:
        return read_uuid(one(data, "person_id")), {}
    try:
        parsed = parse_personal_code(code)
    except InvalidPersonalCode as exc:
        return None, {"personal_code": [str(exc)]}
    found = await person_id_by_code(db, parsed.code)
    return found, ({} if found else {"personal_code": [UNKNOWN_CODE]})


@post("/declarations/{declaration_id:uuid}/members", name="declarations.members.add", status_code=200)
async def add_member_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = {k: one(data, k) for k in ("person_id", "personal_code", "relation", "social_status")}
    person_id, errors = await _chosen_person(db, data)
    try:
        if errors:
            raise InvalidInput(errors)
        await service.add_member(
            db,
            actor,
            declaration_id,
            person_id,
            relation=values["relation"],
            social_status=values["social_status"] or None,
            version=_version(data),
        )
    except InvalidInput as exc:
        found = dict(exc.errors)
        if "person_id" in found and values["personal_code"]:
            found["personal_code"] = found.pop("person_id")
        return await _refused(
            request, db, actor, declaration_id, block="household", editing="add_member",
            errors=found, values=values, order=MEMBER_FIELDS,
        )  # fmt: skip
    return await _done(request, db, actor, declaration_id, MEMBER_ADDED, "declaration-household")


@post(
    "/declarations/{declaration_id:uuid}/members/{member_id:uuid}",
    name="declarations.members.edit",
    status_code=200,
)
async def edit_member_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    member_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = {k: one(data, k) for k in ("relation", "social_status")}
    try:
        await service.edit_member(
            db,
            actor,
            declaration_id,
            member_id,
            relation=values["relation"],
            social_status=values["social_status"],
            version=_version(data),
        )
    except InvalidInput as exc:
        return await _refused(
            request, db, actor, declaration_id, block="household", editing="member", member_id=member_id,
            errors=exc.errors, values=values, order=MEMBER_FIELDS,
        )  # fmt: skip
    return await _done(request, db, actor, declaration_id, MEMBER_SAVED, "declaration-household")


@post(
    "/declarations/{declaration_id:uuid}/members/{member_id:uuid}/remove",
    name="declarations.members.remove",
    status_code=200,
)
async def remove_member_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    member_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    try:
        await service.remove_member(db, actor, declaration_id, member_id, version=_version(data))
    except InvalidInput as exc:
        return await _refused(
            request, db, actor, declaration_id, block="household", editing=None,
            errors=exc.errors, values={}, order=MEMBER_FIELDS,
        )  # fmt: skip
    return await _done(request, db, actor, declaration_id, MEMBER_REMOVED, "declaration-household")


# --- incomes, property, housing costs ---------------------------------------------------------------------


@post(
    "/declarations/{declaration_id:uuid}/members/{member_id:uuid}/incomes",
    name="declarations.incomes",
    status_code=200,
)
async def set_incomes_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    member_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    card = await load_card(db, declaration_id)
    entries, fields, values = read_incomes(data, card)
    try:
        await service.set_incomes(db, actor, declaration_id, member_id, entries, version=_version(data))
    except InvalidInput as exc:
        errors = income_errors(exc.errors, fields)
        if card.member(member_id) is None:  # not (or no longer) a member: said above the household table
            answer = await _refused(
                request,
                db,
                actor,
                declaration_id,
                block="household",
                editing=None,
                errors=exc.errors,
                values={},
            )
            answer.headers.update({"HX-Retarget": "#declaration-household", "HX-Reswap": "outerHTML"})
            return answer
        order = tuple(name for f in fields for name in (f["income_type"], f["amount"]))
        return await _refused(
            request, db, actor, declaration_id, block="member_incomes", editing="incomes",
            member_id=member_id, errors=errors, values=values, order=order,
        )  # fmt: skip
    return await _done(request, db, actor, declaration_id, INCOMES_SAVED, f"member-{member_id}")


@post("/declarations/{declaration_id:uuid}/property", name="declarations.property", status_code=200)
async def set_property_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    draft, values = read_property(data)
    try:
        await service.set_property(db, actor, declaration_id, draft, version=_version(data))
    except InvalidInput as exc:
        return await _refused(
            request, db, actor, declaration_id, block="property", editing="property",
            errors=exc.errors, values=values, order=PROPERTY_FIELDS,
        )  # fmt: skip
    return await _done(request, db, actor, declaration_id, PROPERTY_SAVED, "declaration-property")


@post("/declarations/{declaration_id:uuid}/housing", name="declarations.housing", status_code=200)
async def set_housing_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    entries, values = read_housing(data)
    try:
        await service.set_housing_costs(db, actor, declaration_id, entries, version=_version(data))
    except InvalidInput as exc:
        errors = housing_errors(exc.errors)
        order = tuple(f"cost-{e.item}-{part}" for e in entries for part in ("amount", "quantity"))
        return await _refused(
            request, db, actor, declaration_id, block="housing", editing="housing",
            errors=errors, values=values, order=order,
        )  # fmt: skip
    return await _done(request, db, actor, declaration_id, HOUSING_SAVED, "declaration-housing")


# --- submitting and discarding ----------------------------------------------------------------------------


@post("/declarations/{declaration_id:uuid}/submit", name="declarations.submit", status_code=200)
async def submit_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    try:
        await service.submit_declaration(
            db,
            actor,
            declaration_id,
            version=_version(data),
            signed=one(data, "signed") == "on",
            now=dt.datetime.now(dt.UTC),
        )
    except InvalidInput as exc:
        return await _refused(
            request, db, actor, declaration_id, block="submit", editing=None,
            errors=exc.errors, values={}, order=("signed",),
        )  # fmt: skip
    return await _done(request, db, actor, declaration_id, SUBMITTED, "declaration-head")


@post("/declarations/{declaration_id:uuid}/discard", name="declarations.discard", status_code=200)
async def discard_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    applicant_id = await service.discard_declaration(db, actor, declaration_id, version=_version(data))
    return go_to(request, f"/persons/{applicant_id}/assistance")


router = Router(
    path="/",
    route_handlers=[
        add_member_act,
        edit_member_act,
        remove_member_act,
        set_incomes_act,
        set_property_act,
        set_housing_act,
        submit_act,
        discard_act,
    ],
    include_in_schema=False,
)
