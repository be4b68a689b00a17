"""The overview tab's forms: adding and ending addresses, disability and pension periods, and exchanging
an old-format personal code. Each form replaces its own section (a block of people/person.html): with
the messages next to the fields and the form kept open on bad input (422), or refreshed with "Saved"
in the live region. Without JavaScript the form posts normally and the page comes back whole."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any

from litestar import Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.people.periods_service import add_address, add_flag, end_address, end_flag
from app.domains.people.service import change_personal_code
from app.errors import Conflict, DomainError, InvalidInput
from app.web.htmx import is_fragment
from app.web.routes.people_common import (
    PERSON_BASE,
    SAVED,
    Form,
    TemplateBlocks,
    one,
    overview_context,
    render_person_tab,
    today,
    vocabulary,
)

PAGE = "people/person.html"
ADDRESS_FIELDS = ("kind", "line", "locality", "postal_code", "atvk", "valid_from", "valid_to")
FLAG_FIELDS = ("kind", "detail", "valid_from", "valid_to")


async def _section(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    block: str,
    *,
    failed: DomainError | None = None,
    **extra: Any,
) -> Response[Any]:
    """The section after an act: refreshed with "Saved", or — the act refused — rolled back and shown
    again with the messages (422) or the conflict (409) and the typed values."""
    status = 200
    if failed is not None:
        await db.rollback()
        status = 422 if isinstance(failed, InvalidInput) else 409
        if isinstance(failed, InvalidInput):
            extra["errors"] = failed.errors
        else:
            extra["conflict"] = failed.detail
            extra["existing_id"] = (
                failed.existing[1] if isinstance(failed, Conflict) and failed.existing else None
            )
    context = await overview_context(db, actor, person_id, "case_work", **extra)
    if is_fragment(request):
        parts = [(PAGE, block)] if failed is not None else [(PAGE, block), (PERSON_BASE, "status_oob")]
        return TemplateBlocks(
            parts,
            context={**vocabulary(request), **context, "message": SAVED, "focus": failed is not None},
            status_code=status,
        )
    if failed is None:
        return Redirect(path=f"/persons/{person_id}", status_code=303)
    return render_person_tab(request, PAGE, "overview", {**context, "focus": True}, status_code=status)


async def _period_act(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    block: str,
    act: Awaitable[object],
    *,
    values: dict[str, str],
    open_form: str,
) -> Response[Any]:
    """Runs the act (adding or ending an address or a period) and answers with its section; refused, the
    section comes back with the form `open_form` open and the typed `values`."""
    try:
        await act
    except InvalidInput as exc:
        return await _section(
            request, db, actor, person_id, block, failed=exc, values=values, open_form=open_form
        )
    return await _section(request, db, actor, person_id, block)


@post("/persons/{person_id:uuid}/addresses", name="person.address.add", status_code=200)
async def add_address_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = {k: one(data, k) for k in ADDRESS_FIELDS}
    act = add_address(db, actor, person_id, values, today=today())
    return await _period_act(
        request, db, actor, person_id, "addresses", act, values=values, open_form="address"
    )


@post("/persons/{person_id:uuid}/addresses/{address_id:uuid}/end", name="person.address.end", status_code=200)
async def end_address_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    address_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    valid_to = one(data, "valid_to")
    act = end_address(db, actor, person_id, address_id, valid_to, today=today())
    return await _period_act(
        request,
        db,
        actor,
        person_id,
        "addresses",
        act,
        values={"valid_to": valid_to},
        open_form=f"end-{address_id}",
    )


@post("/persons/{person_id:uuid}/flags", name="person.flag.add", status_code=200)
async def add_flag_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = {k: one(data, k) for k in FLAG_FIELDS}
    # One select names both the kind and its detail ("disability:II"): the form then needs no script.
    kind, _, detail = one(data, "kind_detail").partition(":")
    if kind:
        values.update(kind=kind, detail=detail)
    act = add_flag(db, actor, person_id, values, today=today())
    shown = {**values, "kind_detail": one(data, "kind_detail")}
    return await _period_act(request, db, actor, person_id, "flags", act, values=shown, open_form="flag")


@post("/persons/{person_id:uuid}/flags/{flag_id:uuid}/end", name="person.flag.end", status_code=200)
async def end_flag_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    flag_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    valid_to = one(data, "valid_to")
    act = end_flag(db, actor, person_id, flag_id, valid_to, today=today())
    return await _period_act(
        request, db, actor, person_id, "flags", act, values={"valid_to": valid_to}, open_form=f"end-{flag_id}"
    )


@post("/persons/{person_id:uuid}/code", name="person.code", status_code=200)
async def change_code_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    new_code = one(data, "new_code")
    version_text = one(data, "version")
    version = int(version_text) if version_text.isdigit() and len(version_text) < 10 else None
    try:
        await change_personal_code(db, actor, person_id, new_code, version=version, today=today())
    except (InvalidInput, Conflict) as exc:
        return await _section(
            request,
            db,
            actor,
            person_id,
            "identity",
            failed=exc,
            values={"new_code": new_code},
            open_form="code",
        )
    # The header shows the code too: the whole tab is refreshed.
    if is_fragment(request):
        context = await overview_context(db, actor, person_id, "case_work")
        return TemplateBlocks(
            [(PAGE, "identity"), (PERSON_BASE, "header"), (PERSON_BASE, "status_oob")],
            context={**vocabulary(request), **context, "message": SAVED, "header_oob": True},
        )
    return Redirect(path=f"/persons/{person_id}", status_code=303)


route_handlers = [add_address_form, end_address_form, add_flag_form, end_flag_form, change_code_form]
