"""Who is told how: the person page's "Contact" tab (/persons/{id}/contact: the client's channels, language
and consent, next to their contacts and the delivery's contact problems) and the staff member's own
settings (/me/notifications: the events also sent by e-mail)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.people.service import open_person
from app.errors import Conflict, DomainError, InvalidInput
from app.notifications.events import STAFF_EVENT_LABELS
from app.notifications.labels import CHANNEL_LABELS
from app.notifications.preference_models import CLIENT_CHANNELS
from app.notifications.preferences import (
    CONSENTS,
    ContactSettings,
    contact_settings,
    read_preferences,
    read_staff_settings,
    save_contact_preferences,
    save_staff_settings,
    staff_settings,
)
from app.permissions import Permission
from app.web.htmx import is_fragment
from app.web.routes.people_common import (
    PERSON_BASE,
    SAVED,
    Form,
    TemplateBlocks,
    chosen_purpose,
    one,
    render_person_tab,
    today,
    vocabulary,
)

TAB = "notifications/contact.html"
STAFF_PAGE = "notifications/staff_settings.html"
NOTICE_LANGUAGES = (("lv", "Latvian"), ("en", "English"))
FIELD_ORDER = ("channels", *(f"channel_{c}" for c in CLIENT_CHANNELS), "language", "consent", "consent_on")


def _values(settings: ContactSettings) -> dict[str, Any]:
    return {
        "channels": list(settings.channels),
        "language": settings.language,
        "consent": settings.consent or "",
        "consent_on": settings.consent_on.strftime("%d.%m.%Y") if settings.consent_on else "",
    }


def _typed(data: Form) -> dict[str, Any]:
    chosen = data.get("channels", [])
    return {
        "channels": [chosen] if isinstance(chosen, str) else list(chosen),
        "language": one(data, "language"),
        "consent": one(data, "consent"),
        "consent_on": one(data, "consent_on"),
    }


async def _tab_context(db: AsyncSession, actor: Actor, person_id: uuid.UUID, **extra: Any) -> dict[str, Any]:
    settings = await contact_settings(db, person_id)
    return {
        "settings": settings,
        "values": _values(settings),
        "errors": {},
        "can_edit": actor.can(Permission.PERSON_EDIT),
        "channel_labels": CHANNEL_LABELS,
        "client_channels": CLIENT_CHANNELS,
        "notice_languages": NOTICE_LANGUAGES,
        "consents": CONSENTS,
        **extra,
    }


@get("/persons/{person_id:uuid}/contact", name="person.contact")
async def contact_tab(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
) -> Template:
    person = await open_person(db, actor, person_id, purpose=chosen_purpose(request), context="contact")
    context = {"person": person, **await _tab_context(db, actor, person_id)}
    return render_person_tab(request, TAB, "contact", context)


@post("/persons/{person_id:uuid}/contact", name="person.contact.save", status_code=200)
async def save_contact(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    draft, errors = read_preferences(data, today())
    try:
        version = int(one(data, "version") or "0")
    except ValueError:
        version = -1  # a tampered form: reported as changed meanwhile
    failed: DomainError | None = None
    try:
        await save_contact_preferences(db, actor, person_id, draft, version=version, errors=errors)
    except (InvalidInput, Conflict) as exc:
        failed = exc
        await db.rollback()
    if failed is None and not is_fragment(request):
        return Redirect(path=f"/persons/{person_id}/contact", status_code=303)
    person = await open_person(db, actor, person_id, context="contact")
    context = {"person": person, **await _tab_context(db, actor, person_id), "message": SAVED}
    status = 200
    if isinstance(failed, InvalidInput):
        status = 422
        context.update(values=_typed(data), errors=failed.errors, message=None)
        context["focus"] = next((n for n in FIELD_ORDER if n in failed.errors), None)
    elif isinstance(failed, Conflict):
        status = 409
        context.update(values=_typed(data), conflict=failed.detail, message=None)
    if is_fragment(request):
        parts = [(TAB, "tab"), (PERSON_BASE, "status_oob")]
        full = {**vocabulary(request), "purpose": "case_work", "active_tab": "contact", **context}
        return TemplateBlocks(parts, context=full, status_code=status)
    return render_person_tab(request, TAB, "contact", context, status_code=status)


def _staff_context(settings: Any, **extra: Any) -> dict[str, Any]:
    return {
        "settings": settings,
        "chosen": list(settings.email_events),
        "event_labels": STAFF_EVENT_LABELS,
        "errors": {},
        **extra,
    }


@get("/me/notifications", name="me.notifications")
async def staff_page(actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]) -> Template:
    return Template(template_name=STAFF_PAGE, context=_staff_context(await staff_settings(db, actor)))


@post("/me/notifications", name="me.notifications.save", status_code=200)
async def save_staff(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    events, errors = read_staff_settings(data)
    try:
        if errors:
            raise InvalidInput(errors)
        await save_staff_settings(db, actor, events)
    except InvalidInput as exc:
        await db.rollback()
        context = _staff_context(await staff_settings(db, actor), errors=exc.errors)
        return Template(template_name=STAFF_PAGE, context=context, status_code=422)
    if not is_fragment(request):
        return Redirect(path="/me/notifications", status_code=303)
    context = _staff_context(await staff_settings(db, actor), message=SAVED)
    return TemplateBlocks([(STAFF_PAGE, "form"), (STAFF_PAGE, "status_oob")], context=context)


router = Router(
    path="/",
    route_handlers=[contact_tab, save_contact, staff_page, save_staff],
    include_in_schema=False,
)
