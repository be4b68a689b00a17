"""The staff inbox (/inbox): the signed-in user's notices, unread first; marking one or all read; opening
one (marks it read and goes to its record); and the header's unread badge, a tiny fragment the header
polls every 30 s and that every mark-as-read answer also sends out of band."""

from __future__ import annotations

import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.i18n import N_
from app.notifications.events import STAFF_EVENT_LABELS
from app.notifications.inbox import inbox_page, mark_all_read, mark_read, title_text, unread_count
from app.web.htmx import is_fragment
from app.web.routes.people_common import TemplateBlocks
from app.web.templating import language_of

PAGE = "inbox/inbox.html"
BADGE = "inbox/_badge.html"
ALL_READ = N_("All notifications are marked as read.")
NO_STORE = {"cache-control": "no-store"}


async def _context(request: HTMXRequest, db: AsyncSession, actor: Actor, after: str | None) -> dict[str, Any]:
    lang = language_of(request)
    page = await inbox_page(db, actor, after=after)
    return {
        "page": page,
        "paged": after is not None,
        "unread": await unread_count(db, actor),
        "title_of": lambda row: title_text(lang, row.title, row.params),
        "event_labels": STAFF_EVENT_LABELS,
        "next_url": f"/inbox?after={page.next_cursor}" if page.next_cursor else None,
    }


@get("/inbox", name="inbox")
async def inbox(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    after = request.query_params.get("after")
    context = await _context(request, db, actor, after)
    if is_fragment(request, "inbox-items"):
        return HTMXBlockTemplate(template_name=PAGE, block_name="items", context=context)
    return Template(template_name=PAGE, context=context)


@get("/inbox/badge", name="inbox.badge")
async def badge(actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]) -> Template:
    """The badge alone (the header polls it): the number of unread notices, nothing when none."""
    return Template(template_name=BADGE, context={"unread": await unread_count(db, actor)}, headers=NO_STORE)


@post("/inbox/{item_id:uuid}/read", name="inbox.read", status_code=200)
async def read_one(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    item_id: FromPath[uuid.UUID],
) -> Response[Any]:
    item = await mark_read(db, actor, item_id)
    if not request.htmx:
        return Redirect(path="/inbox", status_code=303)
    await db.flush()
    lang = language_of(request)
    context = {
        "row": item,
        "title_of": lambda row: title_text(lang, row.title, row.params),
        "event_labels": STAFF_EVENT_LABELS,
        "unread": await unread_count(db, actor),
        "oob": True,
    }
    return TemplateBlocks([(PAGE, "row"), (BADGE, "badge")], context=context, headers=NO_STORE)


@post("/inbox/read-all", name="inbox.read_all", status_code=200)
async def read_all(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Response[Any]:
    await mark_all_read(db, actor)
    if not request.htmx:
        return Redirect(path="/inbox", status_code=303)
    context = {**await _context(request, db, actor, None), "oob": True, "message": ALL_READ}
    return TemplateBlocks(
        [(PAGE, "items"), (BADGE, "badge"), (PAGE, "status_oob")], context=context, headers=NO_STORE
    )


@post("/inbox/{item_id:uuid}/open", name="inbox.open", status_code=303)
async def open_item(
    actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], item_id: FromPath[uuid.UUID]
) -> Redirect:
    """Marks the notice read and goes to its record (the inbox when it has none)."""
    item = await mark_read(db, actor, item_id)
    return Redirect(path=item.link or "/inbox", status_code=303)


router = Router(
    path="/", route_handlers=[inbox, badge, read_one, read_all, open_item], include_in_schema=False
)
