"""The status hand-over for the real-estate-tax administration: /assistance/statuses (the day to hand over,
how many rows it has) and /assistance/statuses.csv?on=… (the file; STATUS_EXPORT, each download audited).
A date that cannot be read comes back as the page with the message (422), never as a half file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Response, Router, get
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.documents.rules import content_disposition
from app.domains.benefits.handover import count_holders, statuses_csv
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.routes.case_forms import dotted, today

PAGE = "benefits/status_handover.html"


def _day(request: HTMXRequest) -> tuple[FilterForm, dt.date | None]:
    form = FilterForm(request.query_params, ("on",))
    on = form.day("on") if form.values["on"] else today()
    if on is not None:
        form.values["on"] = dotted(on)  # as people write it, whatever the link carried
    return form, on


async def _page(actor: Actor, db: AsyncSession, form: FilterForm, on: dt.date | None) -> Template:
    count = await count_holders(db, actor, on) if on is not None and not form.errors else None
    context: dict[str, Any] = {
        "form": form,
        "on": on,
        "count": count,
        "csv_url": f"/assistance/statuses.csv?on={on.isoformat()}" if on is not None else None,
    }
    return Template(template_name=PAGE, context=context, status_code=422 if form.errors else 200)


@get("/assistance/statuses", name="statuses.handover")
async def handover_page(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.STATUS_EXPORT)
    form, on = _day(request)
    return await _page(actor, db, form, on)


@get("/assistance/statuses.csv", name="statuses.csv")
async def handover_csv(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Response[Any]:
    actor.require(Permission.STATUS_EXPORT)
    form, on = _day(request)
    if on is None or form.errors:
        return await _page(actor, db, form, on)
    body = await statuses_csv(db, actor, on)  # Latvian headers: the hand-over's format, whoever downloads
    return Response(
        body,
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to every text/ type
        headers={
            "Content-Disposition": content_disposition(f"statusi-{on.isoformat()}.csv"),
            "Cache-Control": "private, no-store",
        },
    )


router = Router(path="/", route_handlers=[handover_page, handover_csv], include_in_schema=False)
