"""The applications pages: the list (by status, keyset pages), receiving an application (pick the person
— the client search — the benefit, the declaration), and the application page with its assessment, its
decisions and the grant they made. Deciding, and changing or stopping a grant, are in
applications_decide.py; they render blocks of the same page (benefits/application.html) with
`application_context`."""

from __future__ import annotations

import re
import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.benefits import rules
from app.domains.benefits.queries import (
    ApplicationCard,
    application_card,
    application_list_page,
    benefit_choices,
    declaration_choices,
)
from app.domains.benefits.service import assess_application, create_application
from app.domains.people.rules import search_terms, strip_unstorable
from app.domains.people.search import search_persons
from app.domains.people.service import open_person
from app.errors import InvalidInput
from app.i18n import N_, format_day
from app.pagination import decode_day_cursor
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes.applications_common import LABELS, amount_text, explain, read_amount, read_day
from app.web.routes.case_forms import (
    Form,
    dotted,
    first_error,
    go_to,
    one,
    read_uuid,
    read_version,
    today,
    values_of,
)
from app.web.templating import language_of

PAGE = "benefits/application.html"
NEW_FIELDS = ("benefit_type_id", "declaration_id", "received_on", "channel", "requested_amount", "note")
_STATUS = re.compile("|".join(rules.APPLICATION_STATUSES))
PICK_LIMIT = 10


def application_path(application_id: uuid.UUID) -> str:
    return f"/applications/{application_id}"


# --- the list ---------------------------------------------------------------------------------------------


@get("/applications", name="applications.list")
async def applications_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.APPLICATION_VIEW)
    form = FilterForm(request.query_params, ("status",))
    status = form.text("status", _STATUS, N_("Choose from the list."))
    token = request.query_params.get("after")
    after = decode_day_cursor(token)
    page = await application_list_page(db, actor, status=status, after=after)
    context = {
        **LABELS,
        "form": form,
        "page": page,
        "paged": after is not None,
        "first_url": form.url("/applications"),
        "next_url": form.url("/applications", after=page.next_cursor) if page.next_cursor else None,
        "may_create": actor.can(Permission.APPLICATION_CREATE),
        "lang": language_of(request),
    }
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name="benefits/applications.html",
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if form.errors else 200,
            push_url=form.url("/applications", after=token if after else None),
        )
    return Template(template_name="benefits/applications.html", context=context)


# --- receiving an application -----------------------------------------------------------------------------


async def _new_context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, person: str, q: str, **extra: Any
) -> dict[str, Any]:
    person_id = read_uuid(person)
    context: dict[str, Any] = {**LABELS, "q": q, "person": None, "found": None, "lang": language_of(request)}
    if person_id is not None:
        context["person"] = await open_person(db, actor, person_id, context="new-application")
        lang = context["lang"]
        benefits = await benefit_choices(db, today())
        context["benefit_options"] = [(str(b.id), f"{b.code} · {b.name(lang)}") for b in benefits]
        context["declarations"] = await declaration_choices(db, person_id)
        context["declaration_options"] = [
            (str(d.id), f"{d.number} · {format_day(d.declared_on, lang)}") for d in context["declarations"]
        ]
    elif q:
        terms = search_terms(q)
        if terms is not None:
            found = await search_persons(db, terms, today=today(), limit=PICK_LIMIT)
            context["found"] = found.rows
        else:
            context["found"] = ()
    declarations = context.get("declarations") or ()
    context["values"] = {
        "benefit_type_id": "",
        "declaration_id": str(declarations[0].id) if declarations else "",
        "received_on": dotted(today()),
        "channel": "in_person",
        "requested_amount": "",
        "note": "",
    }
    context["errors"] = {}
    return {**context, **extra}


@get("/applications/new", name="applications.new")
async def new_application_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person: str = "",
    q: str = "",
) -> Template:
    actor.require(Permission.APPLICATION_CREATE)
    q = strip_unstorable(q).strip()[:100]
    context = await _new_context(request, db, actor, person, q)
    if is_fragment(request, "person-pick"):
        return HTMXBlockTemplate(
            template_name="benefits/application_new.html", block_name="pick", context=context
        )
    return Template(template_name="benefits/application_new.html", context=context)


@post("/applications", name="applications.create", status_code=200)
async def create_application_act(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    actor.require(Permission.APPLICATION_CREATE)
    values = values_of(data, NEW_FIELDS)
    unreadable: rules.Errors = {}
    received_on = read_day(values, "received_on", unreadable)
    requested = read_amount(values, "requested_amount", unreadable)
    person = one(data, "person")
    try:
        application = await create_application(
            db,
            actor,
            applicant_id=read_uuid(person),
            benefit_type_id=read_uuid(values["benefit_type_id"]),
            received_on=received_on,
            declaration_id=read_uuid(values["declaration_id"]),
            requested_amount=requested,
            channel=values["channel"],
            note=values["note"],
            today=today(),
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        context = await _new_context(
            request,
            db,
            actor,
            person,
            "",
            values=values,
            errors=exc.errors,
            focus=first_error(exc.errors, NEW_FIELDS),
        )
        return refused(request, context, page="benefits/application_new.html", block="application_form")
    return go_to(request, application_path(application.id))


# --- the application page ---------------------------------------------------------------------------------


def decision_values(card: ApplicationCard) -> dict[str, str]:
    """The decision form as first shown: the assessment's outcome and amount, from the day received."""
    eligible = card.assessed_eligible is not False
    return {
        "outcome": "granted" if eligible else "refused",
        "amount": amount_text(card.assessed_amount) if card.benefit.kind not in rules.STATUS_KINDS else "",
        "valid_from": dotted(card.received_on),
        "valid_to": "",
        "reasons": "",
    }


async def application_context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, application_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    """Everything benefits/application.html and its blocks need."""
    card = await application_card(db, actor, application_id)
    lang = language_of(request)
    open_status = card.status in ("received", "assessed")
    return {
        **LABELS,
        "card": card,
        "lang": lang,
        "benefit_name": card.benefit.name(lang),
        "explained": explain(card.explanation, lang),
        "is_status": card.benefit.kind in rules.STATUS_KINDS,
        "cross_checked": card.benefit.kind in rules.CROSS_CHECKED_KINDS,
        "may_assess": actor.can(Permission.APPLICATION_CREATE) and open_status,
        "may_decide": actor.can(Permission.APPLICATION_DECIDE) and card.status == "assessed",
        "may_end": actor.can(Permission.APPLICATION_DECIDE),
        "values": decision_values(card),
        "errors": {},
        "act_values": {"from_date": dotted(today()), "new_amount": "", "reasons": ""},
        "act_errors": {},
        "today": today(),
        **extra,
    }


@get("/applications/{application_id:uuid}", name="applications.page")
async def application_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    application_id: FromPath[uuid.UUID],
) -> Template:
    context = await application_context(request, db, actor, application_id)
    return Template(template_name=PAGE, context=context)


@post("/applications/{application_id:uuid}/assess", name="applications.assess", status_code=200)
async def assess_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    application_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    try:
        await assess_application(
            db, actor, application_id, expected_version=read_version(one(data, "version"))
        )
    except InvalidInput as exc:  # e.g. a legal parameter missing for the date
        messages = [m for ms in exc.errors.values() for m in ms] or [exc.detail]
        context = await application_context(request, db, actor, application_id, assess_errors=messages)
        if is_fragment(request):
            return HTMXBlockTemplate(
                template_name=PAGE, block_name="assessment", context=context, status_code=422
            )
        return Template(template_name=PAGE, context=context, status_code=422)
    return go_to(request, application_path(application_id) + "#assessment")


router = Router(
    path="/",
    route_handlers=[
        applications_list,
        new_application_page,
        create_application_act,
        application_page,
        assess_act,
    ],
    include_in_schema=False,
)
