"""The provider's pages (/provider): signed in through the national login, a person applies to a
municipality's register of social service providers, follows their applications and the registrations
they became, and updates what may still change. The same acts as the API
(`app/api/v1/provider_applications.py`); a refused form comes back with its messages in place (422)."""

from __future__ import annotations

import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request, Response, Router, get, post
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from app.api.v1.provider_applications import (
    ProviderApplicationIn,
    apply_for_provider,
    find_own,
    own_detail,
)
from app.auth.citizen import Citizen, citizen_config, citizen_of
from app.domains.cases.access import municipal_today
from app.domains.providers import rules
from app.domains.providers.self_service import own_registrations, update_own_registration
from app.errors import InvalidInput
from app.tenants.queries import municipality_list
from app.web.deps import resources
from app.web.htmx import is_fragment, refused
from app.web.routes.case_forms import first_error, go_to
from app.web.routes.provider_search import maintenance_sessions

PATH = "/provider"
NEW_FIELDS = (
    "municipality",
    "provider_name",
    "provider_kind",
    "provider_code",
    "contact",
    "service_types",
    "addresses",
    "documents",
)
CHANGE_FIELDS = ("contact", "service_types", "addresses", "documents", "version")


def _sign_in(request: Request[Any, Any, Any], next_path: str) -> Template | None:
    """The sign-in offer when nobody is signed in as a citizen, else None."""
    if citizen_of(request) is not None:
        return None
    context = {"citizen": None, "sign_in_offered": citizen_config(request) is not None, "next": next_path}
    return Template(template_name="citizen/provider_sign_in.html", context=context)


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {k: v[:25_000] for k, v in form.items() if isinstance(v, str)}


@get(PATH, name="provider.portal")
async def provider_portal(request: HTMXRequest) -> Template:
    if (offer := _sign_in(request, PATH)) is not None:
        return offer
    citizen = citizen_of(request)
    assert citizen is not None
    found = await own_registrations(maintenance_sessions(request), citizen.personal_code, municipal_today())
    context = {"citizen": citizen, "registrations": found, "statuses": rules.STATUSES}
    return Template(template_name="citizen/provider_portal.html", context=context)


async def _new_context(request: Request[Any, Any, Any], citizen: Citizen, **extra: Any) -> dict[str, Any]:
    async with resources(request).sessions() as db:
        municipalities = await municipality_list(db)
    return {
        "citizen": citizen,
        "municipalities": [(m.slug, m.name) for m in municipalities],
        "provider_kinds": rules.PROVIDER_KINDS,
        "values": {"provider_kind": "legal_person", **extra.pop("values", {})},
        "errors": {},
        "focus": None,
        **extra,
    }


@get(f"{PATH}/apply", name="provider.apply")
async def provider_apply_form(request: HTMXRequest) -> Template:
    if (offer := _sign_in(request, f"{PATH}/apply")) is not None:
        return offer
    citizen = citizen_of(request)
    assert citizen is not None
    return Template(template_name="citizen/provider_apply.html", context=await _new_context(request, citizen))


@post(f"{PATH}/apply", name="provider.apply.submit", status_code=200)
async def provider_apply(request: HTMXRequest) -> Response[Any]:
    citizen = citizen_of(request)
    if citizen is None:
        return Redirect(PATH, status_code=303)
    values = await _form(request)
    data = ProviderApplicationIn(
        municipality=values.get("municipality"),
        provider_name=values.get("provider_name"),
        provider_kind=values.get("provider_kind"),
        provider_code=values.get("provider_code"),
        service_types=rules.lines(values.get("service_types")),
        addresses=rules.lines(values.get("addresses")),
        contact=values.get("contact"),
        documents=values.get("documents"),
    )
    try:
        detail = await apply_for_provider(request, citizen, data)
    except InvalidInput as exc:
        context = await _new_context(
            request, citizen, values=values, errors=exc.errors, focus=first_error(exc.errors, NEW_FIELDS)
        )
        return refused(request, context, page="citizen/provider_apply.html", block="provider_form")
    return go_to(request, f"{PATH}/applications/{detail.id}")


async def _detail_context(
    request: Request[Any, Any, Any], citizen: Citizen, registration_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    detail = await own_detail(request, citizen, registration_id)
    values = {
        "contact": detail.contact or "",
        "documents": detail.documents or "",
        "service_types": "\n".join(detail.service_types),
        "addresses": "\n".join(detail.addresses),
        "version": str(detail.version),
    }
    return {
        "citizen": citizen,
        "detail": detail,
        "provider_kinds": rules.PROVIDER_KINDS,
        "values": {**values, **extra.pop("values", {})},
        "errors": {},
        "focus": None,
        "saved": False,
        **extra,
    }


@get(f"{PATH}/applications/{{registration_id:uuid}}", name="provider.application")
async def provider_application(request: HTMXRequest, registration_id: FromPath[uuid.UUID]) -> Template:
    path = f"{PATH}/applications/{registration_id}"
    if (offer := _sign_in(request, path)) is not None:
        return offer
    citizen = citizen_of(request)
    assert citizen is not None
    context = await _detail_context(request, citizen, registration_id)
    return Template(template_name="citizen/provider_application.html", context=context)


@post(f"{PATH}/applications/{{registration_id:uuid}}", name="provider.application.change", status_code=200)
async def provider_application_change(
    request: HTMXRequest, registration_id: FromPath[uuid.UUID]
) -> Response[Any]:
    citizen = citizen_of(request)
    if citizen is None:
        return Redirect(PATH, status_code=303)
    own = await find_own(request, citizen, registration_id)
    values = await _form(request)
    version = values.get("version", "")
    try:
        async with resources(request).sessions() as db:
            db.info["tenant_id"] = own.tenant_id
            db.info["user_id"] = None
            await update_own_registration(
                db,
                citizen.personal_code,
                registration_id,
                expected_version=int(version) if version.isdigit() else None,
                contact=values.get("contact"),
                documents=values.get("documents"),
                service_types=rules.lines(values["service_types"]) if "service_types" in values else None,
                addresses=rules.lines(values["addresses"]) if "addresses" in values else None,
            )
            await db.commit()
    except InvalidInput as exc:
        context = await _detail_context(
            request,
            citizen,
            registration_id,
            values=values,
            errors=exc.errors,
            focus=first_error(exc.errors, CHANGE_FIELDS),
        )
        return refused(request, context, page="citizen/provider_application.html", block="change_form")
    context = await _detail_context(request, citizen, registration_id, saved=True)
    if is_fragment(request):
        return HTMXBlockTemplate(
            template_name="citizen/provider_application.html", block_name="change_form", context=context
        )
    return Template(template_name="citizen/provider_application.html", context=context)


router = Router(
    path="/",
    route_handlers=[
        provider_portal,
        provider_apply_form,
        provider_apply,
        provider_application,
        provider_application_change,
    ],
    include_in_schema=False,
)
