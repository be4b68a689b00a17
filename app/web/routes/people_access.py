"""The person page's "who viewed" tab: the person's access log, newest first, a keyset page at a time.
Opening it is itself a view of the person's record, so it is logged like every other tab."""

from __future__ import annotations

import uuid
from dataclasses import replace
from urllib.parse import urlencode

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.cases.access import redact_access_contexts
from app.domains.people.queries import person_access_history
from app.domains.people.service import open_person
from app.pagination import decode_cursor
from app.web.routes.people_common import chosen_purpose, render_person_tab

PAGE_SIZE = 50


@get("/persons/{person_id:uuid}/access", name="person.access")
async def access_tab(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
) -> Template:
    purpose = chosen_purpose(request)
    person = await open_person(db, actor, person_id, purpose=purpose, context="access")
    position = decode_cursor(request.query_params.get("after"))
    page = await person_access_history(db, person_id, after=position, limit=PAGE_SIZE)
    shown = await redact_access_contexts(db, actor, (v.context for v in page.rows))
    page = replace(
        page, rows=tuple(replace(v, context=shown.get(v.context or "", v.context)) for v in page.rows)
    )
    base = f"/persons/{person_id}/access"
    keep = {"purpose": purpose} if purpose != "case_work" else {}
    context = {
        "person": person,
        "page": page,
        "paged": position is not None,
        "first_url": f"{base}?{urlencode(keep)}" if keep else base,
        "next_url": f"{base}?{urlencode({**keep, 'after': page.next_cursor})}" if page.next_cursor else None,
    }
    return render_person_tab(request, "people/access.html", "access", context)


route_handlers = [access_tab]
