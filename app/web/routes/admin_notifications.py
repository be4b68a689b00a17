"""The delivery log (head of service): every notice the municipality sent or tried to send, filtered by
status, channel and event, keyset paginated, with each message's attempts and last error, a "Retry"
for failed and given-up messages, and the contacts that could not be used.

Like the audit pages, the table is the block `results`: an HTMX request targeting it (the filter form,
"next page") gets that block and the summary for the live region; anything else gets the whole page.
"Retry" posts a form (CSRF token, municipality); with HTMX the row is swapped for its new state and the
status region says what happened, without JavaScript the page is reloaded (303)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.errors import NotFound
from app.i18n import N_
from app.notifications.labels import CHANNEL_LABELS, EVENT_LABELS, STATUS_LABELS
from app.notifications.models import CHANNELS, STATUSES
from app.notifications.queries import (
    delivery_entry,
    delivery_log_page,
    open_contact_problems,
    status_counts,
)
from app.notifications.service import MESSAGE_NOT_FOUND, retry_message
from app.notifications.templates import EVENTS
from app.pagination import Page, decode_cursor
from app.permissions import Permission
from app.web.filters import FilterForm

PATH = "/admin/notifications"
PAGE = "admin/notifications.html"
PAGE_SIZE = 50
REQUEUED = N_("The message is queued to be sent again.")
_STATUS = re.compile("|".join(STATUSES))
_CHANNEL = re.compile("|".join(CHANNELS))
_EVENT = re.compile(r"[a-z][a-z0-9_]{0,59}")
# Status tags in the colours the other pages use: blue waiting, green done, red failed, yellow contact.
STATUS_CLASSES = {
    "queued": "incoming",
    "sent": "open",
    "failed": "warn",
    "given_up": "warn",
    "unusable": "restricted",
}


def may_view_delivery_log(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Not even an empty page for others; the queries and the retry check the permission themselves."""
    user = connection.user
    if not isinstance(user, Actor) or not user.can(Permission.OUTBOX_VIEW):
        raise PermissionDeniedException()


def _wants_results(request: HTMXRequest) -> bool:
    htmx = request.htmx
    return bool(htmx and htmx.target == "results" and not htmx.history_restore_request)


def _fragment(request: HTMXRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _labels() -> dict[str, Any]:
    events = sorted(set(EVENTS) | set(EVENT_LABELS))
    return {
        "status_labels": STATUS_LABELS,
        "status_class": lambda status: STATUS_CLASSES.get(status, ""),
        "channel_labels": CHANNEL_LABELS,
        "event_labels": EVENT_LABELS,
        "event_choices": events,
        "statuses": STATUSES,
        "channels": CHANNELS,
    }


@get("/", name="notifications.log")
async def delivery_log(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    form = FilterForm(request.query_params, ("status", "channel", "event"))
    status = form.text("status", _STATUS, N_("Choose a status from the list."))
    channel = form.text("channel", _CHANNEL, N_("Choose a channel from the list."))
    event = form.text("event", _EVENT, N_("Choose an event from the list."))
    token = request.query_params.get("after")
    cursor = decode_cursor(token)
    page = (
        Page((), None)
        if form.errors
        else await delivery_log_page(
            db, actor, after=cursor, limit=PAGE_SIZE, status=status, channel=channel, event=event
        )
    )
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "paged": cursor is not None,
        "next_url": form.url(PATH, after=page.next_cursor) if page.next_cursor else None,
        "first_url": form.url(PATH),
        **_labels(),
    }
    address = form.url(PATH, after=token if cursor is not None else None)
    if _wants_results(request):
        return HTMXBlockTemplate(
            template_name=PAGE,
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if form.errors else 200,
            push_url=address,
        )
    problems, problem_count = await open_contact_problems(db, actor)
    context.update(counts=await status_counts(db, actor), problems=problems, problem_count=problem_count)
    return Template(template_name=PAGE, context=context)


@post("/{message_id:uuid}/retry", name="notifications.retry", status_code=200)
async def retry(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    message_id: FromPath[uuid.UUID],
) -> Response[Any]:
    await retry_message(db, actor, message_id)
    if not _fragment(request):
        return Redirect(path=PATH, status_code=303)
    entry = await delivery_entry(db, actor, message_id)
    if entry is None:  # retry_message found it a moment ago, in this transaction
        raise NotFound(MESSAGE_NOT_FOUND)
    return HTMXBlockTemplate(
        template_name=PAGE,
        block_names=["row", "status_oob"],
        context={"m": entry, "focus": True, "message": REQUEUED, **_labels()},
    )


router = Router(
    path=PATH,
    route_handlers=[delivery_log, retry],
    guards=[may_view_delivery_log],
    include_in_schema=False,
)
