"""The provider register's staff pages: the list (filters: pending, in force, expiring, expired, refused,
excluded, renewed; a search by name, number or service type; keyset pages) and receiving an application
(a renewal when opened with ?renews=…, pre-filled from the registration it renews). The application's own
page and its acts are in provider_acts.py; the public search is in provider_search.py."""

from __future__ import annotations

import re
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.providers import rules
from app.domains.providers.queries import FILTERS, registration_card, registration_list_page
from app.domains.providers.service import submit_application
from app.errors import InvalidInput
from app.i18n import N_
from app.pagination import decode_day_cursor
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes.applications_common import read_day
from app.web.routes.case_forms import Form, dotted, first_error, go_to, one, read_uuid, today, values_of
from app.web.templating import language_of

LABELS: dict[str, Any] = {
    "provider_kinds": rules.PROVIDER_KINDS,
    "provider_statuses": rules.STATUSES,
    "provider_filters": {
        "pending": N_("Waiting for a decision"),
        "registered": N_("In force"),
        "expiring": N_("Expiring within 60 days"),
        "expired": N_("Expired"),
        "refused": N_("Refused"),
        "excluded": N_("Excluded"),
        "renewed": N_("Renewed"),
    },
}
NEW_FIELDS = (
    "provider_name",
    "provider_kind",
    "provider_code",
    "contact",
    "service_types",
    "addresses",
    "documents",
    "submitted_on",
)
_WHICH = re.compile("|".join(FILTERS))


def provider_path(registration_id: object) -> str:
    return f"/providers/{registration_id}"


@get("/providers", name="providers.list")
async def providers_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.PROVIDER_VIEW)
    form = FilterForm(request.query_params, ("which", "q"))
    which = form.text("which", _WHICH, N_("Choose from the list."))
    query = form.values["q"]
    token = request.query_params.get("after")
    after = decode_day_cursor(token)
    page = await registration_list_page(db, actor, today=today(), which=which, query=query, after=after)
    context = {
        **LABELS,
        "form": form,
        "page": page,
        "paged": after is not None,
        "first_url": form.url("/providers"),
        "next_url": form.url("/providers", after=page.next_cursor) if page.next_cursor else None,
        "may_submit": actor.can(Permission.PROVIDER_REVIEW),
        "lang": language_of(request),
    }
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name="providers/list.html",
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if form.errors else 200,
            push_url=form.url("/providers", after=token if after else None),
        )
    return Template(template_name="providers/list.html", context=context)


async def _new_context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, renews: str, **extra: Any
) -> dict[str, Any]:
    renews_id = read_uuid(renews)
    context: dict[str, Any] = {**LABELS, "renews": None, "lang": language_of(request), "errors": {}}
    values = {name: "" for name in NEW_FIELDS}
    values.update(provider_kind="legal_person", submitted_on=dotted(today()))
    if renews_id is not None:
        card = await registration_card(db, actor, renews_id, today())
        context["renews"] = card
        values.update(
            provider_name=card.provider_name,
            provider_kind=card.provider_kind,
            provider_code=card.provider_code,
            contact=card.contact or "",
            service_types="\n".join(card.service_types),
            addresses="\n".join(card.addresses),
        )
    context["values"] = values
    return {**context, **extra}


@get("/providers/new", name="providers.new")
async def new_provider_page(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], renews: str = ""
) -> Template:
    actor.require(Permission.PROVIDER_REVIEW)
    return Template(
        template_name="providers/new.html", context=await _new_context(request, db, actor, renews)
    )


@post("/providers", name="providers.create", status_code=200)
async def submit_provider_act(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    actor.require(Permission.PROVIDER_REVIEW)
    values = values_of(data, NEW_FIELDS)
    unreadable: rules.Errors = {}
    submitted_on = read_day(values, "submitted_on", unreadable)
    renews = one(data, "renews")
    try:
        registration = await submit_application(
            db,
            actor,
            provider_name=values["provider_name"],
            provider_kind=values["provider_kind"],
            provider_code=values["provider_code"],
            contact=values["contact"],
            service_types=rules.lines(values["service_types"]),
            addresses=rules.lines(values["addresses"]),
            documents=values["documents"],
            submitted_on=submitted_on,
            renews_id=read_uuid(renews),
            today=today(),
            unreadable=unreadable,
        )
    except InvalidInput as exc:
        context = await _new_context(
            request,
            db,
            actor,
            renews,
            values=values,
            errors=exc.errors,
            focus=first_error(exc.errors, NEW_FIELDS),
        )
        return refused(request, context, page="providers/new.html", block="provider_form")
    return go_to(request, provider_path(registration.id))


router = Router(
    path="/",
    route_handlers=[providers_list, new_provider_page, submit_provider_act],
    include_in_schema=False,
)
