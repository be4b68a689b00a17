"""The legal-parameters page (/assistance/parameters): the national values valid on a chosen date with their
legal references and "unconfirmed" markers, the thresholds they give, the housing-cost norms, and the
municipality's own values with forms to add one (head of service). A refused form comes back in place
(422, its block); an accepted one reloads the page on the new period's first day."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.assistance.parameters import (
    HOUSEHOLD_TYPES,
    HOUSING_COST_ITEMS,
    MUNICIPAL_KEYS,
    NATIONAL_NOTES,
    SPECS,
)
from app.domains.assistance.parameters_queries import (
    THRESHOLD_LABELS,
    municipal_norms,
    municipal_values,
    parameters_on,
)
from app.domains.assistance.parameters_service import set_municipal_housing_norm, set_municipal_parameter
from app.errors import InvalidInput
from app.i18n import N_
from app.permissions import Permission
from app.web.htmx import refused
from app.web.routes.applications_common import read_day
from app.web.routes.case_forms import Form, dotted, first_error, go_to, today, values_of

PAGE = "parameters/page.html"
PATH = "/assistance/parameters"
VALUE_FIELDS = ("key", "household_type", "value", "valid_from", "valid_to", "legal_reference")
NORM_FIELDS = ("item", "first_person", "each_other", "valid_from", "valid_to", "legal_reference")
NOT_AN_AMOUNT = N_("Enter an amount in euros, e.g. 595 or 416,50.")
_AMOUNT = re.compile(r"-?\d{1,9}([.,]\d{1,2})?")

LABELS = {
    "specs": SPECS,
    "national_notes": NATIONAL_NOTES,
    "household_types": HOUSEHOLD_TYPES,
    "housing_items": HOUSING_COST_ITEMS,
    "threshold_labels": THRESHOLD_LABELS,
    "key_choices": [(k, SPECS[k].label) for k in MUNICIPAL_KEYS],
    "type_choices": list(HOUSEHOLD_TYPES.items()),
    "item_choices": list(HOUSING_COST_ITEMS.items()),
}


def read_amount(values: dict[str, str], name: str, errors: dict[str, list[str]]) -> Decimal | None:
    """An amount as typed ("595", "416,50", "1 234,56 €"); None when empty or unreadable (with a message)."""
    text = re.sub(r"[\s\u00a0\u202f€]", "", values.get(name, ""))
    if not text:
        return None
    if not _AMOUNT.fullmatch(text):
        errors[name] = [NOT_AN_AMOUNT]
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
        errors[name] = [NOT_AN_AMOUNT]
        return None


async def page_context(db: AsyncSession, actor: Actor, on: dt.date, **extra: Any) -> dict[str, Any]:
    """Six reads: the values on the date (four) and the municipality's own values and norms."""
    found = await parameters_on(db, on)
    return {
        **LABELS,
        "on": on,
        "on_text": dotted(on),
        "on_errors": [],
        "found": found,
        "own_values": await municipal_values(db),
        "own_norms": await municipal_norms(db),
        "may_edit": actor.can(Permission.PARAMETER_EDIT),
        "value_form": {"valid_from": dotted(on)},
        "value_errors": {},
        "norm_form": {"valid_from": dotted(on)},
        "norm_errors": {},
        "focus": None,
        **extra,
    }


@get("/", name="parameters.page")
async def parameters_page(
    actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], on: str | None = None
) -> Template:
    actor.require(Permission.APPLICATION_VIEW)
    errors: dict[str, list[str]] = {}
    day = read_day({"on": on or ""}, "on", errors) or today()
    context = await page_context(db, actor, day, on_errors=errors.get("on", []))
    if errors:
        context["on_text"] = (on or "")[:30]
    return Template(template_name=PAGE, context=context, status_code=422 if errors else 200)


@post("/", name="parameters.add_value", status_code=200)
async def add_value(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    values = values_of(data, VALUE_FIELDS)
    unreadable: dict[str, list[str]] = {}
    amount = read_amount(values, "value", unreadable)
    valid_from = read_day(values, "valid_from", unreadable)
    valid_to = read_day(values, "valid_to", unreadable)
    try:
        await set_municipal_parameter(
            db,
            actor,
            key=values["key"],
            household_type=values["household_type"],
            value=amount,
            valid_from=valid_from,
            valid_to=valid_to,
            legal_reference=values["legal_reference"],
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        await db.rollback()
        context = await page_context(
            db,
            actor,
            valid_from or today(),
            value_form=values,
            value_errors=exc.errors,
            focus=first_error(exc.errors, VALUE_FIELDS),
        )
        return refused(request, context, page=PAGE, block="value_form")
    assert valid_from is not None
    return go_to(request, f"{PATH}?on={dotted(valid_from)}")


@post("/norms", name="parameters.add_norm", status_code=200)
async def add_norm(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    values = values_of(data, NORM_FIELDS)
    unreadable: dict[str, list[str]] = {}
    first_person = read_amount(values, "first_person", unreadable)
    each_other = read_amount(values, "each_other", unreadable)
    valid_from = read_day(values, "valid_from", unreadable)
    valid_to = read_day(values, "valid_to", unreadable)
    try:
        await set_municipal_housing_norm(
            db,
            actor,
            item=values["item"],
            first_person=first_person,
            each_other=each_other,
            valid_from=valid_from,
            valid_to=valid_to,
            legal_reference=values["legal_reference"],
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        await db.rollback()
        context = await page_context(
            db,
            actor,
            valid_from or today(),
            norm_form=values,
            norm_errors=exc.errors,
            focus=first_error(exc.errors, NORM_FIELDS),
        )
        return refused(request, context, page=PAGE, block="norm_form")
    assert valid_from is not None
    return go_to(request, f"{PATH}?on={dotted(valid_from)}")


router = Router(path=PATH, route_handlers=[parameters_page, add_value, add_norm], include_in_schema=False)
