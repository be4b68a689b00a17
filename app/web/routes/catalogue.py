"""The benefit catalogue pages: the list (in force on a date, or every entry; filters by kind and text), one
benefit with its rules and an example amount, and the form that adds or changes a benefit (fields grouped:
basics, eligibility, amount, payment). A refused form comes back in place (422); a stale one is 409 in the
status region; after an act, the benefit's page."""

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
from app.domains.benefits import catalogue_terms as terms
from app.domains.benefits.catalogue import (
    CatalogueFilter,
    amount_preview,
    benefit_type,
    benefit_types,
    create_benefit_type,
    deactivate_benefit_type,
    reactivate_benefit_type,
    update_benefit_type,
)
from app.domains.benefits.catalogue_checks import FIELDS, TIER_ROWS
from app.domains.benefits.models import BenefitType
from app.errors import InvalidInput
from app.i18n import N_
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes.case_forms import Form, dotted, first_error, go_to, many, one, read_version, today
from app.web.templating import language_of

BASE = "/benefits/catalogue"
FORM_PAGE = "benefits/catalogue_form.html"
TEXT_FIELDS = tuple(f for f in FIELDS if f not in ("target_groups", "yearly_cap_by_children", "active"))
CHECKBOXES = ("means_tested", "residents_only")
_SHOW = re.compile("current|all")
_KIND = re.compile("|".join(terms.KINDS))
_TEXT = re.compile(r"[^\x00-\x1f]{1,60}")

LABELS = {
    "kind_labels": terms.KINDS,
    "rule_labels": terms.AMOUNT_RULES,
    "status_labels": terms.REQUIRES_STATUS,
    "threshold_labels": terms.THRESHOLDS,
    "percent_of_labels": {code: base.label for code, base in terms.PERCENT_OF.items()},
    "per_labels": terms.PER,
    "frequency_labels": terms.FREQUENCIES,
    "channel_labels": terms.PAYMENT_CHANNELS,
    "reporting_labels": terms.REPORTING_CATEGORIES,
    "group_labels": terms.TARGET_GROUPS,
}


def benefit_path(benefit_id: uuid.UUID) -> str:
    return f"{BASE}/{benefit_id}"


# --- the list -----------------------------------------------------------------------------------------------


@get(BASE, name="catalogue.list")
async def catalogue_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    form = FilterForm(request.query_params, ("on", "show", "kind", "q"))
    show = form.text("show", _SHOW, N_("Choose from the list.")) or "current"
    on = form.day("on") or today()
    kind = form.text("kind", _KIND, N_("Choose a kind from the list."))
    text = form.text("q", _TEXT, N_("Enter at most 60 characters."))
    rows = await benefit_types(
        db, actor, CatalogueFilter(on=on if show == "current" else None, kind=kind, text=text)
    )
    context = {
        **LABELS,
        "form": form,
        "show": show,
        "on": on,
        "on_value": form.values["on"] or dotted(on),
        "rows": rows,
        "today": today(),
        "may_edit": actor.can(Permission.CATALOGUE_EDIT),
        "show_urls": {s: form.url(BASE, show=s) for s in ("current", "all")},
    }
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name="benefits/catalogue.html",
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if form.errors else 200,
            push_url=form.url(BASE),
        )
    return Template(template_name="benefits/catalogue.html", context=context)


# --- one benefit --------------------------------------------------------------------------------------------


@get(BASE + "/{benefit_id:uuid}", name="catalogue.benefit")
async def benefit_page(
    actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], benefit_id: FromPath[uuid.UUID]
) -> Template:
    benefit = await benefit_type(db, actor, benefit_id)
    on = today()
    context = {
        **LABELS,
        "b": benefit,
        "on": on,
        "preview": await amount_preview(db, benefit, on),
        "tiers": [(t["children_from"], Decimal(str(t["cap"]))) for t in benefit.yearly_cap_by_children or ()],
        "may_edit": actor.can(Permission.CATALOGUE_EDIT),
    }
    return Template(template_name="benefits/catalogue_type.html", context=context)


# --- the form -----------------------------------------------------------------------------------------------


def _amount_text(value: Decimal | None, lang: str) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",") if lang == "lv" else text


def form_values(benefit: BenefitType | None, lang: str) -> dict[str, Any]:
    """The form's fields as text: a benefit's values, or a new benefit's defaults."""
    if benefit is None:
        return {
            **dict.fromkeys(TEXT_FIELDS, ""),
            "valid_from": dotted(today()),
            "requires_status": "none",
            "per": "household",
            "payment_channel": "client",
            "reporting_category": "other",
            "residents_only": "on",
            "target_groups": [],
            "tiers": [{"children_from": "", "cap": ""} for _ in range(TIER_ROWS)],
        }
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = getattr(benefit, name)
        if isinstance(value, Decimal):
            value = _amount_text(value, lang)
        elif name in ("valid_from", "valid_to"):
            value = dotted(value)
        elif isinstance(value, bool):
            value = "on" if value else ""
        values[name] = "" if value is None else str(value)
    values["target_groups"] = list(benefit.target_groups or ())
    tiers = [
        {"children_from": str(t["children_from"]), "cap": _amount_text(Decimal(str(t["cap"])), lang)}
        for t in benefit.yearly_cap_by_children or ()
    ]
    values["tiers"] = tiers + [{"children_from": "", "cap": ""}] * (TIER_ROWS - len(tiers))
    return values


def posted(data: Form) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the service reads, what the form shows again) from a posted form."""
    values: dict[str, Any] = {name: one(data, name) for name in TEXT_FIELDS}
    for name in CHECKBOXES:
        values[name] = "on" if one(data, name) == "on" else ""
    values["target_groups"] = many(data, "target_groups")
    values["tiers"] = [
        {"children_from": one(data, f"tier_children_{i}"), "cap": one(data, f"tier_cap_{i}")}
        for i in range(1, TIER_ROWS + 1)
    ]
    raw = {k: v for k, v in values.items() if k != "tiers"} | {"yearly_cap_by_children": values["tiers"]}
    return raw, values


def _form_context(benefit: BenefitType | None, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**LABELS, "b": benefit, "values": values, "errors": {}, "tier_rows": TIER_ROWS, **extra}


def _refused(
    request: HTMXRequest, benefit: BenefitType | None, values: dict[str, Any], exc: InvalidInput
) -> Template:
    context = _form_context(benefit, values, errors=exc.errors, focus=first_error(exc.errors, FIELDS))
    return refused(request, context, page=FORM_PAGE, block="benefit_form")


@get(BASE + "/new", name="catalogue.new")
async def new_benefit_page(request: HTMXRequest, actor: NamedDependency[Actor]) -> Template:
    actor.require(Permission.CATALOGUE_EDIT)
    return Template(
        template_name=FORM_PAGE, context=_form_context(None, form_values(None, language_of(request)))
    )


@post(BASE, name="catalogue.create", status_code=200)
async def create_benefit_act(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    raw, values = posted(data)
    try:
        benefit = await create_benefit_type(db, actor, raw)
    except InvalidInput as exc:
        return _refused(request, None, values, exc)
    return go_to(request, benefit_path(benefit.id))


@get(BASE + "/{benefit_id:uuid}/edit", name="catalogue.edit.form")
async def edit_benefit_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    benefit_id: FromPath[uuid.UUID],
) -> Template:
    actor.require(Permission.CATALOGUE_EDIT)
    benefit = await benefit_type(db, actor, benefit_id)
    return Template(
        template_name=FORM_PAGE, context=_form_context(benefit, form_values(benefit, language_of(request)))
    )


@post(BASE + "/{benefit_id:uuid}/edit", name="catalogue.edit", status_code=200)
async def edit_benefit_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    benefit_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    raw, values = posted(data)
    try:
        await update_benefit_type(db, actor, benefit_id, raw, version=read_version(one(data, "version")))
    except InvalidInput as exc:
        benefit = await benefit_type(db, actor, benefit_id)
        return _refused(request, benefit, values, exc)
    return go_to(request, benefit_path(benefit_id))


@post(BASE + "/{benefit_id:uuid}/deactivate", name="catalogue.deactivate", status_code=200)
async def deactivate_benefit_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    benefit_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    await deactivate_benefit_type(db, actor, benefit_id, version=read_version(one(data, "version")))
    return go_to(request, benefit_path(benefit_id))


@post(BASE + "/{benefit_id:uuid}/reactivate", name="catalogue.reactivate", status_code=200)
async def reactivate_benefit_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    benefit_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    await reactivate_benefit_type(db, actor, benefit_id, version=read_version(one(data, "version")))
    return go_to(request, benefit_path(benefit_id))


router = Router(
    path="/",
    route_handlers=[
        catalogue_list,
        new_benefit_page,
        create_benefit_act,
        benefit_page,
        edit_benefit_page,
        edit_benefit_act,
        deactivate_benefit_act,
        reactivate_benefit_act,
    ],
    include_in_schema=False,
)
