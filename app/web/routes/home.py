"""The home page: the municipality at a glance."""

from __future__ import annotations

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.tenants.queries import municipality_list, municipality_overview


@get("/", name="home")
async def home(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    overview = await municipality_overview(db, actor.tenant_id) if actor.tenant_id else None
    # A national account (platform administrator, ministry analyst) works in no single municipality.
    municipalities = await municipality_list(db) if not actor.tenant_id and actor.national_roles else ()
    context = {"overview": overview, "municipalities": municipalities}
    if request.htmx and request.htmx.target == "counts" and not request.htmx.history_restore_request:
        # The counts poll themselves: only their block is rendered.
        return HTMXBlockTemplate(template_name="home/index.html", block_name="counts", context=context)
    return Template(template_name="home/index.html", context=context)


router = Router(path="/", route_handlers=[home], include_in_schema=False)
