"""The audit viewer (head of service, auditor): the municipality's change log and access log.

Each page is a GET filter form and a keyset-paginated table. The table is the block `results`: an HTMX
request targeting it (the form's active search, the "next page" link) gets that block and the result
summary for the live region; anything else gets the whole page, so links and reloads work without JS."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Router, get
from litestar.di import NamedDependency
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.labels import ACTION_LABELS, ENTITY_LABELS, FIELD_LABELS, PURPOSE_LABELS, action_choices
from app.audit.queries import access_log_page, change_log_page, user_choices
from app.auth.principal import Actor
from app.domains.people.queries import person_names
from app.i18n import N_, gettext
from app.pagination import Page, decode_cursor
from app.permissions import Permission
from app.web.filters import FilterForm
from app.web.templating import language_of

PAGE_SIZE = 50
_ACTION = re.compile(r"[a-z][a-z0-9_-]*(:[a-z0-9_-]+)*:?")
_ENTITY = re.compile(r"[a-z][a-z0-9_]*")


def _label(lang: str, labels: dict[str, str], key: str) -> str:
    """The translated label, or the typed name itself when it has none."""
    return gettext(lang, labels[key]) if key in labels else key


def _wants_results(request: HTMXRequest) -> bool:
    htmx = request.htmx
    return bool(htmx and htmx.target == "results" and not htmx.history_restore_request)


def _respond(request: HTMXRequest, template: str, context: dict[str, Any], invalid: bool) -> Template:
    if _wants_results(request):
        # 422 is swapped (base.html's htmx config): the block then shows the messages in place.
        return HTMXBlockTemplate(
            template_name=template,
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if invalid else 200,
        )
    return Template(template_name=template, context=context)


def _labels(lang: str) -> dict[str, Any]:
    return {
        "action_label": partial(_label, lang, ACTION_LABELS),
        "entity_label": partial(_label, lang, ENTITY_LABELS),
        "field_label": partial(_label, lang, FIELD_LABELS),
        "purpose_label": partial(_label, lang, PURPOSE_LABELS),
    }


@get("/", name="audit.changes")
async def change_log(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.AUDIT_VIEW)
    form = FilterForm(request.query_params, ("action", "entity", "user", "from", "to"))
    action = form.text("action", _ACTION, N_("Choose an action from the list."))
    entity = form.text("entity", _ENTITY, N_("Choose an entity type from the list."))
    user = form.uuid("user", N_("Choose a staff member from the list."))
    day_from, day_to = form.period("from", "to")
    cursor = decode_cursor(request.query_params.get("after"))
    page = (
        Page((), None)
        if form.errors
        else await change_log_page(
            db,
            after=cursor,
            limit=PAGE_SIZE,
            action_prefix=action,
            entity_type=entity,
            actor_user_id=user,
            day_from=day_from,
            day_to=day_to,
        )
    )
    full_page = not _wants_results(request)
    context = {
        "form": form,
        "page": page,
        "paged": cursor is not None,
        "next_url": form.url("/audit", after=page.next_cursor) if page.next_cursor else None,
        "first_url": form.url("/audit"),
        "action_choices": action_choices(),
        "entity_choices": list(ENTITY_LABELS.items()),
        "users": await user_choices(db, also=user) if full_page else (),
        **_labels(language_of(request)),
    }
    return _respond(request, "audit/changes.html", context, bool(form.errors))


@get("/access", name="audit.access")
async def access_log(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.AUDIT_VIEW)
    form = FilterForm(request.query_params, ("person", "user", "from", "to"))
    person = form.uuid("person", N_("This link does not name a person."))
    user = form.uuid("user", N_("Choose a staff member from the list."))
    day_from, day_to = form.period("from", "to")
    cursor = decode_cursor(request.query_params.get("after"))
    page = (
        Page((), None)
        if form.errors
        else await access_log_page(
            db,
            after=cursor,
            limit=PAGE_SIZE,
            person_id=person,
            user_id=user,
            day_from=day_from,
            day_to=day_to,
        )
    )
    full_page = not _wants_results(request)
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
        "users": await user_choices(db, also=user) if full_page else (),
        **_labels(language_of(request)),
    }
    return _respond(request, "audit/access.html", context, bool(form.errors))


router = Router(path="/audit", route_handlers=[change_log, access_log], include_in_schema=False)
