"""Means-test declaration pages: the person page's Assistance tab (the person's declarations, starting a new
one) and the declaration page (household, incomes by member and month, property, housing costs, the
computed benefits and statuses with their explanation, submitting). The acts that change a declaration are
in declarations_acts.py and answer with blocks of the same page (declarations/declaration.html).

Opening either page is a view of the applicant's record: it goes through open_person (logged)."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.dates import DateError, parse_day
from app.domains.assistance import declaration_rules as rules
from app.domains.assistance.assessment import assess_all
from app.domains.assistance.explain import Computation
from app.domains.assistance.queries import (
    DeclarationCard,
    declaration_card,
    housing_units,
    person_declarations,
)
from app.domains.assistance.service import start_declaration, view_declaration
from app.domains.households.queries import household_on
from app.domains.people.service import open_person
from app.errors import DomainError, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission
from app.web.htmx import is_fragment
from app.web.routes.case_forms import Form, dotted, go_to, one, read_uuid, today
from app.web.routes.declarations_forms import (
    IRREGULAR_TYPES,
    REGULAR_TYPES,
    housing_values,
    income_values,
    line_label,
    line_value,
    month_key,
    property_values,
    translated,
)
from app.web.routes.people_common import render_person_tab
from app.web.templating import language_of

PAGE = "declarations/declaration.html"
TAB = "declarations/person_assistance.html"
NO_SUCH_DECLARATION = N_("No such declaration.")

# The computed results, in the order the panel shows them, with their titles.
KINDS = {
    "gmi": N_("Guaranteed minimum income benefit"),
    "housing": N_("Housing benefit"),
    "needy_status": N_("Needy household status"),
    "low_income_status": N_("Low-income household status"),
}
BENEFITS = ("gmi", "housing")

LABELS: dict[str, Any] = {
    "statuses": rules.STATUSES,
    "relations": rules.RELATIONS,
    "member_relations": rules.MEMBER_RELATIONS,
    "social_statuses": rules.SOCIAL_STATUSES,
    "housing_items": rules.HOUSING_ITEMS,
    "regular_types": REGULAR_TYPES,
    "irregular_types": IRREGULAR_TYPES,
    "kinds": KINDS,
    "benefit_kinds": BENEFITS,
    "month_key": month_key,
    "month_label": rules.month_label,
}


def declaration_path(declaration_id: uuid.UUID, anchor: str = "") -> str:
    return f"/declarations/{declaration_id}" + (f"#{anchor}" if anchor else "")


async def computations(
    db: AsyncSession, declaration_id: uuid.UUID
) -> tuple[dict[str, Computation], str | None]:
    """The results of the assessment, or the reason it cannot be made (a parameter missing on the date).
    In a savepoint: a failed computation must not spoil the page's transaction."""
    try:
        async with db.begin_nested():
            return dict(await assess_all(db, declaration_id)), None
    except DomainError as exc:
        return {}, exc.detail


async def load_card(db: AsyncSession, declaration_id: uuid.UUID) -> DeclarationCard:
    card = await declaration_card(db, declaration_id)
    if card is None:
        raise NotFound(NO_SUCH_DECLARATION)
    return card


async def declaration_context(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    card: DeclarationCard,
    *,
    editing: str | None = None,
    member_id: uuid.UUID | None = None,
    errors: dict[str, list[str]] | None = None,
    values: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Everything the declaration page and its blocks need. `editing` names the form open in place
    ("incomes" of `member_id`, "member" `member_id`, "property", "housing"); `values` and `errors` are a
    refused form's."""
    lang = language_of(request)
    may_edit = actor.can(Permission.APPLICATION_CREATE) and card.is_draft
    editing = editing if may_edit else None
    candidates: list[tuple[str, str]] = []
    if may_edit and card.household_id is not None:
        household = await household_on(db, card.applicant_id, card.declared_on)
        present = {m.person_id for m in card.members}
        candidates = [
            (str(m.person_id), m.name)
            for m in (household.members if household else ())
            if m.person_id not in present
        ]
    results, problem = await computations(db, card.id)
    forms: dict[str, Any] = {}
    if editing == "property":
        forms = values or property_values(card, lang)
    elif editing == "housing":
        forms = values or housing_values(card, lang)
    elif editing == "incomes" and member_id is not None and (member := card.member(member_id)):
        forms = values or income_values(member, card, lang)
    return {
        **LABELS,
        "card": card,
        "may_edit": may_edit,
        "editing": editing,
        "editing_member": member_id,
        "candidates": candidates,
        "units": await housing_units(db, card.declared_on) if editing == "housing" else {},
        "results": results,
        "computation_problem": problem,
        "line_label": partial(line_label, lang=lang),
        "line_value": partial(line_value, lang=lang),
        "irregular_keys": [month_key(m) for m in card.irregular_months],
        "values": forms if editing in ("property", "housing", "incomes") else (values or {}),
        "errors": translated(lang, errors or {}),
        **extra,
    }


# --- the person page's tab --------------------------------------------------------------------------------


async def _tab_context(
    db: AsyncSession, actor: Actor, person: Any, lang: str, **extra: Any
) -> dict[str, Any]:
    return {
        **LABELS,
        "person": person,
        "declarations": await person_declarations(db, person.id),
        "may_start": actor.can(Permission.APPLICATION_CREATE),
        "values": {"declared_on": dotted(today())},
        **extra,
        "errors": translated(lang, extra.get("errors") or {}),
    }


@get("/persons/{person_id:uuid}/assistance", name="person.assistance")
async def person_assistance_tab(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    purpose: str = "case_work",
) -> Template:
    person = await open_person(db, actor, person_id, purpose=purpose, context="assistance")
    actor.require(Permission.APPLICATION_VIEW)
    context = await _tab_context(db, actor, person, language_of(request))
    return render_person_tab(request, TAB, "assistance", context)


@post("/persons/{person_id:uuid}/declarations", name="declarations.start", status_code=200)
async def start_declaration_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    raw = one(data, "declared_on")
    try:
        declared_on = parse_day(raw) if raw.strip() else None
        declaration = await start_declaration(db, actor, person_id, declared_on=declared_on, today=today())
    except (InvalidInput, DateError) as exc:
        errors = exc.errors if isinstance(exc, InvalidInput) else {"declared_on": [str(exc)]}
        person = await open_person(db, actor, person_id, context="assistance")
        context = await _tab_context(
            db,
            actor,
            person,
            language_of(request),
            values={"declared_on": raw},
            errors=errors,
            focus="declared_on",
        )
        if is_fragment(request):
            return HTMXBlockTemplate(
                template_name=TAB, block_name="start_form", context=context, status_code=422
            )
        return render_person_tab(request, TAB, "assistance", context, status_code=422)
    return go_to(request, declaration_path(declaration.id))


# --- the declaration page ---------------------------------------------------------------------------------


@get("/declarations/{declaration_id:uuid}", name="declarations.declaration")
async def declaration_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    declaration_id: FromPath[uuid.UUID],
    purpose: str = "case_work",
) -> Template:
    """The page; `?edit=property|housing|incomes|member` (with `member=<id>`) opens a form in place. An htmx
    request for one section (its id as the target: opening or cancelling a form) gets that section's block."""
    found = await view_declaration(db, actor, declaration_id)
    await open_person(db, actor, found.applicant_id, purpose=purpose, context="assistance")
    card = await load_card(db, declaration_id)
    query = request.query_params
    edit = query.get("edit") if query.get("edit") in EDITS else None
    member_id = read_uuid(query.get("member") or "")
    member = card.member(member_id) if member_id else None
    if edit in ("incomes", "member") and member is None:
        edit = None
    context = await declaration_context(request, db, actor, card, editing=edit, member_id=member_id)
    target = request.htmx.target if request.htmx else None
    block = _section_block(target, member)
    if block and is_fragment(request):
        context.update(m=member, focus=None)
        return HTMXBlockTemplate(template_name=PAGE, block_name=block, context=context)
    return Template(template_name=PAGE, context=context)


# What `?edit=` may open, and the page's sections an htmx request may ask for by their id.
EDITS = ("member", "property", "housing", "incomes")
BLOCKS = {
    "declaration-household": "household",
    "declaration-property": "property",
    "declaration-housing": "housing",
}


def _section_block(target: str | None, member: Any) -> str | None:
    if not target:
        return None
    if target in BLOCKS:
        return BLOCKS[target]
    if member is not None and target == f"member-{member.id}":
        return "member_incomes"
    return None


router = Router(
    path="/",
    route_handlers=[person_assistance_tab, start_declaration_act, declaration_page],
    include_in_schema=False,
)
