"""Lists around applications: a person's applications, decisions, grants and statuses (the part of the
person page's assistance tab that benefits/_person_benefits.html shows; also served on its own at
/persons/{id}/benefits, which the template loads when the including page did not read it), and the
statuses and grants that expire within N days (/assistance/expiring)."""

from __future__ import annotations

import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.benefits.queries import expiring, person_benefits
from app.domains.people.service import open_person
from app.permissions import Permission
from app.web.htmx import is_fragment
from app.web.routes.applications_common import LABELS
from app.web.routes.case_forms import today
from app.web.templating import language_of

DEFAULT_DAYS = 30
MAX_DAYS = 366


async def person_benefits_context(
    request: HTMXRequest, db: AsyncSession, actor: Actor, person_id: uuid.UUID
) -> dict[str, Any]:
    """What benefits/_person_benefits.html needs, for a page that includes it (the person's view is logged
    by the including page's own open_person)."""
    return {
        **LABELS,
        "person_benefits": await person_benefits(db, actor, person_id),
        "benefits_person_id": person_id,
        "lang": language_of(request),
        "today": today(),
        "may_apply": actor.can(Permission.APPLICATION_CREATE),
    }


@get("/persons/{person_id:uuid}/benefits", name="person.benefits")
async def person_benefits_part(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
) -> Template:
    person = await open_person(db, actor, person_id, context="benefits")
    context = {**await person_benefits_context(request, db, actor, person_id), "person": person}
    if is_fragment(request):
        return HTMXBlockTemplate(
            template_name="benefits/person_benefits.html", block_name="benefits", context=context
        )
    return Template(template_name="benefits/person_benefits.html", context=context)


@get("/assistance/expiring", name="assistance.expiring")
async def expiring_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
) -> Template:
    raw = (request.query_params.get("days") or "").strip()
    days = int(raw) if raw.isdigit() and len(raw) <= 3 else DEFAULT_DAYS
    days = max(1, min(days, MAX_DAYS))
    found = await expiring(db, actor, on=today(), days=days)
    context = {**LABELS, "found": found, "days": days, "lang": language_of(request)}
    if is_fragment(request, "expiring"):
        return HTMXBlockTemplate(
            template_name="benefits/expiring.html",
            block_name="expiring",
            context=context,
            push_url=f"/assistance/expiring?days={days}",
        )
    return Template(template_name="benefits/expiring.html", context=context)


router = Router(path="/", route_handlers=[person_benefits_part, expiring_page], include_in_schema=False)
