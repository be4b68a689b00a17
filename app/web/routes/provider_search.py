"""The public search of the register of social service providers (/public/providers): no sign-in (listed in
PUBLIC, app/main.py). It shows the registrations in force in every municipality — the provider's name and
kind, the registration number and validity, the service types, the addresses and the municipality — found
by name, service type and place (an address or the municipality). Never a personal or registration code,
contact details, documents or decision grounds: `queries.public_search` returns nothing else."""

from __future__ import annotations

from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Request, Router, get
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.domains.providers import rules
from app.domains.providers.queries import public_search
from app.web.deps import resources
from app.web.filters import FilterForm
from app.web.htmx import is_fragment
from app.web.routes.case_forms import today

PATH = "/public/providers"
FIELDS = ("name", "service", "place")


def maintenance_sessions(request: Request[Any, Any, Any]) -> async_sessionmaker[AsyncSession]:
    maint = resources(request).maint_sessions
    if maint is None:
        raise RuntimeError("the public provider search needs the maintenance sessions")
    return maint


@get(PATH, name="providers.public")
async def public_provider_search(request: HTMXRequest) -> Template:
    form = FilterForm(request.query_params, FIELDS)
    found = await public_search(
        maintenance_sessions(request),
        today=today(),
        name=form.values["name"],
        service=form.values["service"],
        place=form.values["place"],
    )
    context = {"form": form, "found": found, "provider_kinds": rules.PROVIDER_KINDS}
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name="providers/public.html",
            block_names=["results"],
            context=context,
            push_url=form.url(PATH),
        )
    return Template(template_name="providers/public.html", context=context)


router = Router(path="/", route_handlers=[public_provider_search], include_in_schema=False)
