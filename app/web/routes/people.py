"""Client register pages: the client list with its active search, registering a person, the person page
(overview tab) and editing a person's data. Addresses, periods and the code exchange are in
people_details.py, the "who viewed" tab in people_access.py; all are served by this module's router.

The list is one GET form: typing in the search box asks for the block `results` (htmx, after a pause),
which the server answers with the rows, the summary for the live region and the address to push, so Back,
reload and bookmarks work; without JavaScript the same form reloads the page."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.people.queries import person_card
from app.domains.people.rules import SEARCH_MODES, search_terms, strip_unstorable
from app.domains.people.search import decode_name_cursor, search_persons
from app.domains.people.service import edit_person, open_person, register_person
from app.errors import Conflict, InvalidInput, NotFound
from app.permissions import Permission
from app.web.htmx import is_fragment
from app.web.routes import people_access, people_details
from app.web.routes.people_common import (
    Form,
    chosen_purpose,
    one,
    overview_context,
    render_person_tab,
    today,
    vocabulary,
)

__all__ = ["render_person_tab", "router"]

PAGE_SIZE = 25
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "personal_code",
    "birth_date",
    "sex",
    "other_id_kind",
    "other_id",
    "citizenship",
    "legal_status",
    "preferred_language",
    "phone",
    "email",
    "died_on",
)
ADDRESS_FIELDS = ("address_line", "address_locality", "address_postal_code", "address_valid_from")
# The order the form shows its fields in: the first one in error takes the focus.
FORM_ORDER = (*PERSON_FIELDS, *ADDRESS_FIELDS)


def first_error(errors: dict[str, Any]) -> str | None:
    return next((name for name in FORM_ORDER if name in errors), next(iter(errors), None))


# --- the client list ------------------------------------------------------------------------------------


def _list_address(q: str, mode: str, purpose: str, after: str | None = None) -> str:
    params = {
        "q": q,
        "mode": mode if mode != "auto" else "",
        "purpose": purpose if purpose != "case_work" else "",
    }
    if after:
        params["after"] = after
    kept = {k: v for k, v in params.items() if v}
    return f"/persons?{urlencode(kept)}" if kept else "/persons"


@get("/persons", name="persons")
async def person_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.PERSON_VIEW)
    q = strip_unstorable(request.query_params.get("q") or "").strip()[:100]
    mode = request.query_params.get("mode") or "auto"
    mode = mode if mode in SEARCH_MODES else "auto"
    purpose = chosen_purpose(request)
    token = request.query_params.get("after")
    position = decode_name_cursor(token)
    terms = search_terms(q, mode)
    searched = bool(q)
    day = today()
    if searched and terms is None:
        page = None  # nothing searchable in the text (punctuation only): no rows, say so
        registered = None
    else:
        page = await search_persons(db, terms, today=day, after=position, limit=PAGE_SIZE)
        registered = page.total if terms is None else None
    context = {
        **vocabulary(request),
        "q": q,
        "mode": mode,
        "purpose": purpose,
        "page": page,
        "searched": searched,
        "registered": registered,
        "paged": position is not None,
        "next_url": _list_address(q, mode, purpose, page.next_cursor) if page and page.next_cursor else None,
        "first_url": _list_address(q, mode, purpose),
        "purpose_query": f"?purpose={purpose}" if purpose != "case_work" else "",
        "can_create": actor.can(Permission.PERSON_CREATE),
        "new_url": _new_address(q, terms.mode if terms else None),
    }
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name="people/list.html",
            block_names=["results", "summary"],
            context={**context, "oob": True},
            push_url=_list_address(q, mode, purpose, token if position else None),
        )
    return Template(template_name="people/list.html", context=context)


def _new_address(q: str, mode: str | None) -> str:
    """The empty state offers to register the person searched for, with the code or name filled in."""
    if mode == "code" and len(q.replace("-", "").replace(" ", "")) == 11:
        return f"/persons/new?{urlencode({'personal_code': q})}"
    if mode == "name" and q:
        words = q.split()
        return f"/persons/new?{urlencode({'last_name': words[0], 'first_name': ' '.join(words[1:])})}"
    return "/persons/new"


# --- registering ----------------------------------------------------------------------------------------


def _form_context(request: HTMXRequest, **values: Any) -> dict[str, Any]:
    return {**vocabulary(request), "values": {}, "errors": {}, "existing_id": None, "focus": None, **values}


@get("/persons/new", name="persons.new")
async def new_person_page(request: HTMXRequest, actor: NamedDependency[Actor]) -> Template:
    actor.require(Permission.PERSON_CREATE)
    # A link from the empty search state may fill in the code or the name.
    values = {k: request.query_params.get(k, "")[:100] for k in ("personal_code", "first_name", "last_name")}
    return Template(template_name="people/new.html", context=_form_context(request, values=values))


@post("/persons", name="persons.register", status_code=200)
async def register(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    values = {k: one(data, k) for k in FORM_ORDER}
    address = {k.removeprefix("address_"): values[k] for k in ADDRESS_FIELDS}
    try:
        person = await register_person(
            db, actor, {k: values[k] for k in PERSON_FIELDS}, today=today(), declared_address=address
        )
    except (InvalidInput, Conflict) as exc:
        await db.rollback()
        bad = _form_context(request, values=values)
        if isinstance(exc, InvalidInput):
            bad.update(errors=exc.errors, focus=first_error(exc.errors))
            status = 422
        else:
            bad.update(existing_id=exc.existing[1] if exc.existing else None, conflict=exc.detail)
            status = 409
        if is_fragment(request):
            return HTMXBlockTemplate(
                template_name="people/new.html", block_name="form", context=bad, status_code=status
            )
        return Template(template_name="people/new.html", context=bad, status_code=status)
    address_of = f"/persons/{person.id}"
    if is_fragment(request):
        return ClientRedirect(address_of)
    return Redirect(path=address_of, status_code=303)


# --- the person page: overview and edit -------------------------------------------------------------------


@get("/persons/{person_id:uuid}", name="person")
async def person_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    purpose: str = "case_work",
) -> Template:
    context = await overview_context(db, actor, person_id, purpose)
    return render_person_tab(request, "people/person.html", "overview", context)


def _edit_values(card: Any) -> dict[str, str]:
    def text(value: Any) -> str:
        if value is None:
            return ""
        return value.strftime("%d.%m.%Y") if hasattr(value, "strftime") else str(value)

    return {name: text(getattr(card, name)) for name in PERSON_FIELDS}


@get("/persons/{person_id:uuid}/edit", name="person.edit")
async def edit_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
) -> Template:
    actor.require(Permission.PERSON_EDIT)
    person = await open_person(db, actor, person_id, purpose=chosen_purpose(request), context="edit")
    card = await person_card(db, person_id)
    if card is None:
        raise NotFound()
    context = _form_context(
        request, person=person, card=card, values=_edit_values(card), version=card.version
    )
    return render_person_tab(request, "people/edit.html", "overview", context)


@post("/persons/{person_id:uuid}/edit", name="person.save", status_code=200)
async def save_person(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = {k: one(data, k) for k in PERSON_FIELDS}
    version_text = one(data, "version")
    version = int(version_text) if version_text.isdigit() and len(version_text) < 10 else None
    try:
        await edit_person(db, actor, person_id, values, version=version, today=today())
    except (InvalidInput, Conflict) as exc:
        await db.rollback()
        person = await open_person(db, actor, person_id, context="edit")
        card = await person_card(db, person_id)
        bad = _form_context(request, person=person, card=card, values=values, version=version)
        if isinstance(exc, InvalidInput):
            bad.update(errors=exc.errors, focus=first_error(exc.errors))
        else:
            stale = exc.existing is None
            bad.update(
                existing_id=exc.existing[1] if exc.existing else None, conflict=exc.detail, stale=stale
            )
        status = 422 if isinstance(exc, InvalidInput) else 409
        if is_fragment(request):
            return HTMXBlockTemplate(
                template_name="people/edit.html",
                block_name="form",
                context={**bad, "active_tab": "overview", "purpose": "case_work"},
                status_code=status,
            )
        return render_person_tab(request, "people/edit.html", "overview", bad, status_code=status)
    address_of = f"/persons/{person_id}"
    if is_fragment(request):
        return ClientRedirect(address_of)
    return Redirect(path=address_of, status_code=303)


router = Router(
    path="/",
    route_handlers=[
        person_list,
        new_person_page,
        register,
        person_page,
        edit_page,
        save_person,
        *people_details.route_handlers,
        *people_access.route_handlers,
    ],
    include_in_schema=False,
)
