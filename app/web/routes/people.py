"""Client register pages: the person page and its tabs (overview, who viewed)."""

from __future__ import annotations

import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.people.service import open_person


def render_person_tab(
    request: HTMXRequest, template: str, active_tab: str, context: dict[str, Any]
) -> Template:
    """A tab of the person page: the whole page, or only its block `tab` for the tab bar's HTMX request
    (not for a history restore, which needs the page). `context` holds `person` (PersonHeader)."""
    context = {**context, "active_tab": active_tab}
    htmx = request.htmx
    if htmx and htmx.target == "person-tab" and not htmx.history_restore_request:
        return HTMXBlockTemplate(template_name=template, block_name="tab", context=context)
    return Template(template_name=template, context=context)


@get("/persons/{person_id:uuid}", name="person")
async def person_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: uuid.UUID,
    purpose: str = "case_work",
) -> Template:
    person = await open_person(db, actor, person_id, purpose=purpose, context="overview")
    return render_person_tab(request, "people/person.html", "overview", {"person": person})


router = Router(path="/", route_handlers=[person_page], include_in_schema=False)
