"""The audit viewer (head of service, auditor): the municipality's change log and access log.

Each page is a GET filter form and a keyset-paginated table. The table is the block `results`: an HTMX
request targeting it (the form's active search, the "next page" link) gets that block and the result
summary for the live region, and the address to push (HX-Push-Url: the filters given, without the empty
fields the form sends); anything else gets the whole page, so links and reloads work without JS."""

from __future__ import annotations

import re
import uuid
from functools import partial
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.labels import ACTION_LABELS, ENTITY_LABELS, PURPOSE_LABELS, action_choices
from app.audit.presentation import FieldChange, field_changes
from app.audit.queries import (
    ChangeEntry,
    UserChoice,
    access_log_page,
    change_log_page,
    connected_user_names,
    user_choices,
)
from app.auth.principal import Actor
from app.domains.people.queries import person_names
from app.i18n import N_, gettext
from app.pagination import Page, Position, decode_cursor
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.templating import language_of

PAGE_SIZE = 50
_ACTION = re.compile(r"[a-z][a-z0-9_-]*(:[a-z0-9_-]+)*:?")
_ENTITY = re.compile(r"[a-z][a-z0-9_]*")
UNKNOWN_USER = N_("Choose a staff member from the list.")


def _label(lang: str, labels: dict[str, str], key: str) -> str:
    """The translated label, or the typed name itself when it has none."""
    return gettext(lang, labels[key]) if key in labels else key


def _wants_results(request: HTMXRequest) -> bool:
    htmx = request.htmx
    return bool(htmx and htmx.target == "results" and not htmx.history_restore_request)


def _respond(
    request: HTMXRequest, template: str, context: dict[str, Any], invalid: bool, address: str
) -> Template:
    if _wants_results(request):
        # 422 is swapped (base.html's htmx config): the block then shows the messages in place. The
        # header overrides the form's hx-push-url="true", which would push every field, empty or not.
        return HTMXBlockTemplate(
            template_name=template,
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if invalid else 200,
            push_url=address,
        )
    return Template(template_name=template, context=context)


def _labels(lang: str) -> dict[str, Any]:
    return {
        "action_label": partial(_label, lang, ACTION_LABELS),
        "entity_label": partial(_label, lang, ENTITY_LABELS),
        "purpose_label": partial(_label, lang, PURPOSE_LABELS),
    }


def _cursor(request: HTMXRequest) -> tuple[Position | None, str | None]:
    """The page's position, and the token as given when it is a valid one (for the address)."""
    token = request.query_params.get("after")
    position = decode_cursor(token)
    return position, token if position is not None else None


async def _user_filter(
    db: AsyncSession, form: FilterForm, user: uuid.UUID | None, full_page: bool
) -> tuple[UserChoice, ...]:
    """The filter's choices (a full page only), and a message for a chosen staff member who is not one
    of them: someone not connected to this municipality is "not in the list", and is not named."""
    users = await user_choices(db, also=user) if full_page else ()
    if user is not None:
        known = {u.id for u in users} if full_page else set(await connected_user_names(db, {user}))
        if user not in known:
            form.errors["user"] = UNKNOWN_USER
    return users


def _diffs(lang: str, rows: tuple[ChangeEntry, ...]) -> dict[uuid.UUID, tuple[FieldChange, ...]]:
    translate = partial(gettext, lang)
    return {
        e.id: field_changes(e.before, e.after, translate=translate, user_names=e.user_names) for e in rows
    }


@get("/", name="audit.changes")
async def change_log(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.AUDIT_VIEW)
    form = FilterForm(request.query_params, ("action", "entity", "user", "from", "to"))
    action = form.text("action", _ACTION, N_("Choose an action from the list."))
    entity = form.text("entity", _ENTITY, N_("Choose an entity type from the list."))
    user = form.uuid("user", UNKNOWN_USER)
    day_from, day_to = form.period("from", "to")
    cursor, token = _cursor(request)
    full_page = not _wants_results(request)
    users = await _user_filter(db, form, user, full_page)
    page = (
        Page((), None)
        if form.errors
        else await change_log_page(
            db,
            viewer=actor,
            after=cursor,
            limit=PAGE_SIZE,
            action_prefix=action,
            entity_type=entity,
            actor_user_id=user,
            day_from=day_from,
            day_to=day_to,
        )
    )
    lang = language_of(request)
    context = {
        "form": form,
        "page": page,
        "diffs": _diffs(lang, page.rows),
        "paged": cursor is not None,
        "next_url": form.url("/audit", after=page.next_cursor) if page.next_cursor else None,
        "first_url": form.url("/audit"),
        "action_choices": action_choices(),
        "entity_choices": list(ENTITY_LABELS.items()),
        "users": users,
        **_labels(lang),
    }
    address = form.url("/audit", after=token)
    return _respond(request, "audit/changes.html", context, bool(form.errors), address)


@get("/access", name="audit.access")
async def access_log(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.AUDIT_VIEW)
    form = FilterForm(request.query_params, ("person", "user", "from", "to"))
    person = form.uuid("person", N_("This link does not name a person."))
    user = form.uuid("user", UNKNOWN_USER)
    day_from, day_to = form.period("from", "to")
    cursor, token = _cursor(request)
    full_page = not _wants_results(request)
    users = await _user_filter(db, form, user, full_page)
    page = (
        Page((), None)
        if form.errors
        else await access_log_page(
            db,
            viewer=actor,
            after=cursor,
            limit=PAGE_SIZE,
            person_id=person,
            user_id=user,
            day_from=day_from,
            day_to=day_to,
        )
    )
    person_name = None
    if person and full_page:
        person_name = (await person_names(db, {person})).get(person)
    context = {
        "form": form,
        "page": page,
        "paged": cursor is not None,
        "next_url": form.url("/audit/access", after=page.next_cursor) if page.next_cursor else None,
        "first_url": form.url("/audit/access"),
        "person_name": person_name,
        "without_person_url": form.url("/audit/access", person=None),
        "users": users,
        **_labels(language_of(request)),
    }
    address = form.url("/audit/access", after=token)
    return _respond(request, "audit/access.html", context, bool(form.errors), address)


router = Router(path="/audit", route_handlers=[change_log, access_log], include_in_schema=False)
