"""The service catalogue pages: the list (/services/catalogue, current or ended services), a new service's
form, and one service's page — its form for the head of service (CATALOGUE_EDIT), the same facts read-only
for anyone else who sees service events — with the steps as checkboxes in their fixed order and the
documents each step needs, its prices by date with the form of a new price from a day, what uses the
service, the providers registered for it, and ending it (or removing one never used). A refused form comes
back in place (422); a stale one is 409 in the status region; after an act, the service's page."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.services import catalogue_rules as rules
from app.domains.services.catalogue import (
    ServiceCard,
    add_service_type,
    change_price,
    change_service_type,
    end_service_type,
    remove_service_type,
    service_catalogue,
    service_type_card,
)
from app.domains.services.event_rules import REQUIRED_STEPS, STEP_LABELS, STEPS
from app.domains.services.models import ServiceType
from app.errors import InvalidInput
from app.permissions import Permission
from app.web.htmx import is_fragment, refused
from app.web.routes.case_forms import Form, dotted, first_error, go_to, many, one, read_version, today
from app.web.templating import language_of

BASE = "/services/catalogue"
LIST = "services/catalogue.html"
PAGE = "services/catalogue_service.html"
TEXT_FIELDS = (
    "code", "name_lv", "name_en", "legal_basis", "funding", "unit", "price", "valid_from", "valid_to",
)  # fmt: skip
_SHOW = re.compile("current|ended")

LABELS = {
    "funding_labels": rules.FUNDING,
    "unit_labels": rules.UNITS,
    "step_labels": STEP_LABELS,
    "all_steps": STEPS,
    "required_steps": REQUIRED_STEPS,
}


def service_path(service_type_id: uuid.UUID) -> str:
    return f"{BASE}/{service_type_id}"


# --- the list -----------------------------------------------------------------------------------------------


@get(BASE, name="service_catalogue.list")
async def catalogue_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], show: str = ""
) -> Template:
    show = show if _SHOW.fullmatch(show) else "current"
    on = today()
    catalogue = await service_catalogue(db, actor, on)
    context = {
        **LABELS,
        "show": show,
        "on": on,
        "rows": catalogue.current if show == "current" else catalogue.ended,
        "prices": catalogue.prices,
        "counts": {"current": len(catalogue.current), "ended": len(catalogue.ended)},
        "may_edit": actor.can(Permission.CATALOGUE_EDIT),
    }
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name=LIST, block_name="results", context=context, push_url=f"{BASE}?show={show}"
        )
    return Template(template_name=LIST, context=context)


# --- the form -----------------------------------------------------------------------------------------------


def price_text(value: Decimal | None, lang: str) -> str:
    """7.35 → "7,35" in Latvian (two decimals, as the price is kept)."""
    if value is None:
        return ""
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "lv" else text


def form_values(service: ServiceType | None, lang: str) -> dict[str, Any]:
    """The form's fields as text: a service's values, or a new service's defaults."""
    if service is None:
        return {
            **dict.fromkeys(TEXT_FIELDS, ""),
            "valid_from": dotted(today()),
            "keeps_waiting_list": "",
            "steps": list(STEPS),
            **{f"documents_{step}": "" for step in STEPS},
        }
    values: dict[str, Any] = {name: getattr(service, name) or "" for name in TEXT_FIELDS}
    values.update(
        price=price_text(service.price, lang),
        valid_from=dotted(service.valid_from),
        valid_to=dotted(service.valid_to),
        keeps_waiting_list="on" if service.keeps_waiting_list else "",
        steps=list(service.steps or ()),
    )
    documents = service.documents or {}
    values.update({f"documents_{step}": ", ".join(documents.get(step, ())) for step in STEPS})
    return values


def posted(data: Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the service reads, what the form shows again) from a posted form. The request and the
    decision are always in (their checkboxes are fixed)."""
    values: dict[str, Any] = {name: one(data, name) for name in TEXT_FIELDS}
    values["keeps_waiting_list"] = "on" if one(data, "keeps_waiting_list") == "on" else ""
    values["steps"] = list(dict.fromkeys([*REQUIRED_STEPS, *many(data, "steps")]))
    values.update({f"documents_{step}": one(data, f"documents_{step}") for step in STEPS})
    raw = {k: v for k, v in values.items() if not k.startswith("documents_")}
    raw["documents"] = {step: values[f"documents_{step}"] for step in STEPS}
    return raw, values


async def _page_context(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    service_type_id: uuid.UUID | None,
    values: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    card: ServiceCard | None = None
    if service_type_id is not None:
        card = await service_type_card(db, actor, service_type_id, today())
    service = card.service if card else None
    return {
        **LABELS,
        "card": card,
        "s": service,
        "on": today(),
        "values": values if values is not None else form_values(service, language_of(request)),
        "errors": {},
        "focus": None,
        "end_value": dotted(service.valid_to) if service else "",
        "end_errors": {},
        "price_values": {"price_from": "", "price": ""},
        "price_errors": {},
        "price_focus": None,
        "may_edit": actor.can(Permission.CATALOGUE_EDIT),
        **extra,
    }


async def _refused(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    service_type_id: uuid.UUID | None,
    values: dict[str, Any],
    exc: InvalidInput,
) -> Template:
    await db.rollback()  # nothing of the refused act stays (the answer is not an error: it would commit)
    context = await _page_context(
        request,
        db,
        actor,
        service_type_id,
        values,
        errors=exc.errors,
        focus=first_error(exc.errors, rules.FIELDS),
    )
    return refused(request, context, page=PAGE, block="service_form")


@get(BASE + "/new", name="service_catalogue.new")
async def new_service_page(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.CATALOGUE_EDIT)
    return Template(template_name=PAGE, context=await _page_context(request, db, actor, None))


@post(BASE, name="service_catalogue.create", status_code=200)
async def create_service_act(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    raw, values = posted(data)
    try:
        service = await add_service_type(db, actor, raw)
    except InvalidInput as exc:
        return await _refused(request, db, actor, None, values, exc)
    return go_to(request, service_path(service.id))


@get(BASE + "/{service_type_id:uuid}", name="service_catalogue.page")
async def service_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    service_type_id: FromPath[uuid.UUID],
) -> Template:
    return Template(template_name=PAGE, context=await _page_context(request, db, actor, service_type_id))


@post(BASE + "/{service_type_id:uuid}", name="service_catalogue.change", status_code=200)
async def change_service_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    service_type_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    raw, values = posted(data)
    try:
        await change_service_type(
            db, actor, service_type_id, raw, expected_version=read_version(one(data, "version"))
        )
    except InvalidInput as exc:
        return await _refused(request, db, actor, service_type_id, values, exc)
    return go_to(request, service_path(service_type_id))


@post(BASE + "/{service_type_id:uuid}/end", name="service_catalogue.end", status_code=200)
async def end_service_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    service_type_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    day = one(data, "valid_to")
    try:
        await end_service_type(
            db, actor, service_type_id, valid_to=day, expected_version=read_version(one(data, "version"))
        )
    except InvalidInput as exc:
        await db.rollback()
        context = await _page_context(
            request, db, actor, service_type_id, end_value=day, end_errors=exc.errors, focus="end_valid_to"
        )
        return refused(request, context, page=PAGE, block="end_form")
    return go_to(request, service_path(service_type_id))


@post(BASE + "/{service_type_id:uuid}/price", name="service_catalogue.price", status_code=200)
async def change_price_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    service_type_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    values = {name: one(data, name) for name in rules.PRICE_FIELDS}
    try:
        await change_price(
            db,
            actor,
            service_type_id,
            price_from=values["price_from"],
            price=values["price"],
            expected_version=read_version(one(data, "version")),
            today=today(),
        )
    except InvalidInput as exc:
        await db.rollback()
        context = await _page_context(
            request,
            db,
            actor,
            service_type_id,
            price_values=values,
            price_errors=exc.errors,
            price_focus=first_error(exc.errors, rules.PRICE_FIELDS),
        )
        return refused(request, context, page=PAGE, block="prices")
    return go_to(request, service_path(service_type_id))


@post(BASE + "/{service_type_id:uuid}/remove", name="service_catalogue.remove", status_code=200)
async def remove_service_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    service_type_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    await remove_service_type(db, actor, service_type_id, expected_version=read_version(one(data, "version")))
    return go_to(request, BASE)


router = Router(
    path="/",
    route_handlers=[
        catalogue_list,
        new_service_page,
        create_service_act,
        service_page,
        change_service_act,
        end_service_act,
        change_price_act,
        remove_service_act,
    ],
    include_in_schema=False,
)
