"""What the client register's page modules share: the person page's tab rendering (the contract every
tab route uses), form reading, the vocabularies the templates label values with, and the day."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial
from typing import Annotated, Any

from jinja2_fragments import render_block
from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar.enums import MediaType, RequestEncodingType
from litestar.params import Body
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from litestar.response.base import ASGIResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.labels import PURPOSE_LABELS
from app.auth.principal import Actor
from app.domains.people.countries import country_choices, country_name
from app.domains.people.queries import person_card
from app.domains.people.rules import (
    ADDRESS_KINDS,
    FLAG_DETAILS,
    FLAG_KINDS,
    LEGAL_STATUSES,
    OTHER_ID_KINDS,
    PREFERRED_LANGUAGES,
    SEXES,
    display_phone,
)
from app.domains.people.service import PURPOSES, open_person
from app.errors import NotFound
from app.i18n import N_, TIMEZONE, gettext
from app.permissions import Permission
from app.web.htmx import is_fragment
from app.web.templating import language_of

# Repeated fields arrive as a list, single ones as a string.
Form = Annotated[dict[str, str | list[str]], Body(media_type=RequestEncodingType.URL_ENCODED)]
SAVED = N_("Saved")

# Which part of the record a view showed (the access log's context), as the "who viewed" tab names it.
CONTEXT_LABELS = {
    "overview": N_("Overview"),
    "household": N_("Household"),
    "cases": N_("Cases"),
    "documents": N_("Documents"),
    "assistance": N_("Assistance"),
    "contact": N_("Contact"),
    "access": N_("Who viewed"),
    "edit": N_("Editing the data"),
    "api": N_("Through the API"),
    "case": N_("Case"),  # a restricted case: logged without its number
}
CASE_CONTEXT = N_("Case %(number)s")
DOCUMENT_CONTEXT = N_("Document")


def context_label(lang: str, context: str | None) -> str:
    """The access log's context as the "who viewed" tab shows it: "case:L-2026/00042 document:<id>" →
    "Lieta L-2026/00042, Dokuments"; an unknown one as it was written."""
    if not context:
        return "—"
    parts = []
    for word in context.split(" "):
        kind, _, value = word.partition(":")
        if kind == "case" and value:
            parts.append(gettext(lang, CASE_CONTEXT, number=value))
        elif kind == "document":
            parts.append(gettext(lang, DOCUMENT_CONTEXT))
        elif word in CONTEXT_LABELS:
            parts.append(gettext(lang, CONTEXT_LABELS[word]))
        else:
            parts.append(word)
    return ", ".join(parts)


def today() -> dt.date:
    """The municipalities' day (Europe/Riga), whatever the server's zone."""
    return dt.datetime.now(TIMEZONE).date()


def one(data: dict[str, str | list[str]], key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list):
        return value[-1] if value else ""
    return value


def chosen_purpose(request: HTMXRequest) -> str:
    """The purpose a page was opened for (?purpose=), carried by its links; the default otherwise."""
    purpose = request.query_params.get("purpose") or ""
    return purpose if purpose in PURPOSES else PURPOSES[0]


def vocabulary(request: HTMXRequest) -> dict[str, Any]:
    """Labels and choices the register's templates show values with (translated there)."""
    lang = language_of(request)
    return {
        "legal_statuses": LEGAL_STATUSES,
        "other_id_kinds": OTHER_ID_KINDS,
        "languages_spoken": PREFERRED_LANGUAGES,
        "sexes": SEXES,
        "address_kinds": ADDRESS_KINDS,
        "flag_kinds": FLAG_KINDS,
        "flag_details": FLAG_DETAILS,
        "purposes": [(p, PURPOSE_LABELS.get(p, p)) for p in PURPOSES],
        "purpose_labels": PURPOSE_LABELS,
        "context_label": partial(context_label, lang),
        "countries": country_choices(lang),
        "country_name": lambda code: country_name(code, lang),
        "phone": display_phone,
        "today": today(),
    }


PERSON_BASE = "people/person_base.html"


class TemplateBlocks(HTMXBlockTemplate):
    """Blocks of several templates in one answer. jinja2-fragments renders only the blocks a template
    itself defines; the person page's header, tab bar and status live in the page every tab extends
    (people/person_base.html), so a tab's own block and those are rendered each from its template."""

    def __init__(self, parts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(template_name=parts[0][0], block_name=parts[0][1], **kwargs)
        self.parts = parts

    def to_asgi_response(
        self,
        app: Any,
        request: Any,
        *,
        background: Any = None,
        cookies: Any = None,
        encoded_headers: Any = None,
        headers: dict[str, str] | None = None,
        is_head_response: bool = False,
        media_type: Any = None,
        status_code: int | None = None,
        type_encoders: Any = None,
    ) -> ASGIResponse:
        engine = request.app.template_engine
        context = self.create_template_context(request)
        env = engine.engine
        body = "".join(render_block(env, engine.get_template(n), block, context) for n, block in self.parts)
        return ASGIResponse(
            background=self.background or background,
            body=body.encode(self.encoding),
            cookies=self.cookies if cookies is None else [*self.cookies, *cookies],
            encoded_headers=encoded_headers,
            encoding=self.encoding,
            headers={**headers, **self.headers} if headers is not None else self.headers,
            is_head_response=is_head_response,
            media_type=MediaType.HTML,
            status_code=self.status_code or status_code or 200,
        )


def render_person_tab(
    request: HTMXRequest, template: str, active_tab: str, context: dict[str, Any], status_code: int = 200
) -> Template:
    """A tab of the person page: the whole page, or — for the tab bar's HTMX request (target #person-tab,
    not a history restore, which needs the page) — its block `tab` and the tab bar out of band, so the
    current tab is marked where the reader is. `context` holds `person` (PersonHeader)."""
    context = {
        **vocabulary(request),
        "purpose": chosen_purpose(request),
        **context,
        "active_tab": active_tab,
    }
    if is_fragment(request, "person-tab"):
        return TemplateBlocks(
            [(template, "tab"), (PERSON_BASE, "tabs")],
            context={**context, "tabs_oob": True},
            status_code=status_code,
        )
    return Template(template_name=template, context=context, status_code=status_code)


async def overview_context(
    db: AsyncSession, actor: Actor, person_id: uuid.UUID, purpose: str, **extra: Any
) -> dict[str, Any]:
    """The overview tab's data: the view is logged (open_person), then the card is read."""
    person = await open_person(db, actor, person_id, purpose=purpose, context="overview")
    card = await person_card(db, person_id)
    if card is None:  # removed between the two reads
        raise NotFound()
    return {
        "person": person,
        "card": card,
        "can_edit": actor.can(Permission.PERSON_EDIT),
        "errors": {},
        "values": {},
        "open_form": None,
        **extra,
    }
