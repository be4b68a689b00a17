"""The home page: the municipality at a glance."""

from __future__ import annotations

from litestar import Router, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.tenants.queries import municipality_overview


@get("/", name="home")
async def home(actor: Actor, db: AsyncSession) -> Template:
    overview = await municipality_overview(db, actor.tenant_id) if actor.tenant_id else None
    return Template(template_name="home/index.html", context={"overview": overview})


router = Router(path="/", route_handlers=[home], include_in_schema=False)
