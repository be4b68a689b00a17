"""The case file pages: the cases list, opening a case, the case page (header, staff, timeline,
documents) and its acts (edit, close, reopen, assign staff), and the person page's cases tab.

The case page is one template (cases/case.html) whose blocks are the fragments: `timeline` and
`documents` for their pagers and filters, `staff` for assigning, the forms for a refused attempt. The
head's acts (edit, close, reopen) reload the page (HX-Redirect, or 303 without htmx): they change what
every part of the page offers. The timeline's and the documents' acts live in case_entries.py and
documents.py and render blocks of the same page with `case_context`."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.documents.queries import case_documents_page
from app.documents.rules import megabytes
from app.domains.cases import rules
from app.domains.cases.access import view_case
from app.domains.cases.models import Case
from app.domains.cases.queries import (
    CASE_VIEW_ROLES,
    CaseCard,
    StaffChoice,
    case_card,
    case_list_page,
    household_labels,
    others_visible,
    person_cases_page,
    staff_choices,
)
from app.domains.cases.service import CaseDraft, open_case
from app.domains.cases.timeline_queries import timeline_page
from app.domains.people.service import open_person
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.pagination import decode_day_cursor, decode_id_cursor
from app.permissions import Permission
from app.web.deps import resources
from app.web.filters import FilterForm
from app.web.htmx import is_fragment, refused
from app.web.routes.case_forms import (
    Form,
    dotted,
    first_error,
    go_to,
    many,
    one,
    read_uuid,
    today,
    values_of,
)
from app.web.routes.people import render_person_tab

PAGE = "cases/case.html"
CASE_FIELDS = ("title", "case_types", "responsible_user_id", "opened_on", "sensitive")
CLOSE_FIELDS = ("closed_on", "reason")
_TEXT = re.compile(r"[^\x00-\x1f]{1,60}")
_TYPE = re.compile("|".join(rules.CASE_TYPES))
_STATUS = re.compile("open|closed|all")
_SCOPE = re.compile("mine|all")
_KIND = re.compile("|".join(rules.ENTRY_KINDS))

LABELS = {"case_type_labels": rules.CASE_TYPES, "entry_kind_labels": rules.ENTRY_KINDS}


def choices(staff: Iterable[StaffChoice]) -> list[tuple[str, str]]:
    return [(str(s.id), s.full_name) for s in staff]


def case_path(case_id: uuid.UUID) -> str:
    return f"/cases/{case_id}"


# --- the case page's context ------------------------------------------------------------------------------


async def case_context(
    request: HTMXRequest,
    db: AsyncSession,
    actor: Actor,
    case: Case,
    *,
    kind: str | None = None,
    after: str | None = None,
    docs_after: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Everything cases/case.html and its blocks need. Four statements besides the case: the staff
    (and client) of the card, the timeline page, the documents page, the municipality's case staff."""
    card = await case_card(db, case)
    position = decode_day_cursor(after)
    timeline = await timeline_page(db, actor, case.id, after=position, kind=kind)
    docs_position = decode_id_cursor(docs_after)
    documents = await case_documents_page(db, actor, case.id, after=docs_position)
    assert actor.tenant_id is not None
    staff = await staff_choices(db, actor.tenant_id, CASE_VIEW_ROLES)
    base = case_path(case.id)
    max_upload = resources(request).settings.max_upload_bytes
    kind_param = f"kind={kind}&" if kind else ""
    return {
        **LABELS,
        "card": card,
        "may_edit": actor.can(Permission.CASE_EDIT),
        "may_note": actor.can(Permission.CASE_NOTE_ADD) and card.is_open,
        "may_upload": actor.can(Permission.DOCUMENT_UPLOAD) and card.is_open,
        "caseworker_choices": choices(s for s in staff if s.does_casework),
        "assign_choices": [(str(s.id), s.full_name) for s in staff if not card.involves(s.id)],
        "timeline": timeline,
        "kind": kind or "",
        "timeline_paged": position is not None,
        "timeline_first": f"{base}?{kind_param}".rstrip("?&"),
        "timeline_next": f"{base}?{kind_param}after={timeline.next_cursor}" if timeline.next_cursor else None,
        "documents": documents,
        "documents_paged": docs_position is not None,
        "documents_next": f"{base}?docs={documents.next_cursor}" if documents.next_cursor else None,
        "entry": {"kind": "", "occurred_on": dotted(today()), "staff_user_id": str(actor.user_id)},
        "entry_errors": {},
        "upload": {},
        "max_upload_bytes": max_upload,
        "max_upload_mb": megabytes(max_upload),
        "upload_errors": {},
        "staff_errors": {},
        "values": card_values(card),
        "errors": {},
        **extra,
    }


def page_blocks(names: list[str], context: dict[str, Any], status: int = 200, **kw: Any) -> HTMXBlockTemplate:
    return HTMXBlockTemplate(template_name=PAGE, block_names=names, context=context, status_code=status, **kw)


# --- the list ---------------------------------------------------------------------------------------------


@get("/cases", name="cases.list")
async def cases_list(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> Template:
    actor.require(Permission.CASE_VIEW)
    form = FilterForm(request.query_params, ("scope", "status", "type", "q"))
    # Who records no case work (read-only institutions, auditors) has no cases of their own: all by default.
    own_cases = actor.can(Permission.CASE_NOTE_ADD)
    scope = form.text("scope", _SCOPE, N_("Choose from the list.")) or ("mine" if own_cases else "all")
    status = form.text("status", _STATUS, N_("Choose from the list.")) or "open"
    case_type = form.text("type", _TYPE, N_("Choose a case type from the list."))
    text = form.text("q", _TEXT, N_("Enter at most 60 characters."))
    token = request.query_params.get("after")
    after = decode_id_cursor(token)
    page = await case_list_page(
        db,
        actor,
        mine=scope == "mine",
        status=None if status == "all" else status,
        case_type=case_type,
        text=text,
        after=after,
    )
    # An empty "my cases" says where the others are, when there are any the user may see.
    others_hint = scope == "mine" and not page.rows and after is None and await others_visible(db, actor)
    context = {
        **LABELS,
        "form": form,
        "scope": scope,
        "others_hint": others_hint,
        "status": status,
        "page": page,
        "paged": after is not None,
        "first_url": form.url("/cases"),
        "next_url": form.url("/cases", after=page.next_cursor) if page.next_cursor else None,
        "scope_urls": {s: form.url("/cases", scope=s) for s in ("mine", "all")},
    }
    if is_fragment(request, "results"):
        return HTMXBlockTemplate(
            template_name="cases/list.html",
            block_names=["results", "summary"],
            context={**context, "oob": True},
            status_code=422 if form.errors else 200,
            push_url=form.url("/cases", after=token if after else None),
        )
    return Template(template_name="cases/list.html", context=context)


# --- opening a case ---------------------------------------------------------------------------------------


async def _client(db: AsyncSession, actor: Actor, person: str, household: str) -> dict[str, Any]:
    """The client named by the form (?person= or ?household=): its name for the form, or NotFound."""
    person_id, household_id = read_uuid(person), read_uuid(household)
    if person_id and not household_id:
        header = await open_person(db, actor, person_id, context="new-case")
        return {"person_id": person_id, "household_id": None, "client_name": header.name}
    if household_id and not person_id:
        label = (await household_labels(db, {household_id})).get(household_id)
        if label is not None:
            return {"person_id": None, "household_id": household_id, "client_name": label}
    raise NotFound(N_("Open a case from the client's page: a person or a household."))


async def _new_case_context(
    db: AsyncSession, actor: Actor, client: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    assert actor.tenant_id is not None
    staff = await staff_choices(db, actor.tenant_id)
    mine = any(s.id == actor.user_id for s in staff)
    values = {
        "title": "",
        "case_types": [],
        "responsible_user_id": str(actor.user_id) if mine else "",
        "opened_on": dotted(today()),
        "sensitive": "",
    }
    return {
        **LABELS,
        **client,
        "caseworker_choices": choices(staff),
        "values": values,
        "errors": {},
        "with_opened_on": True,
        **extra,
    }


@get("/cases/new", name="cases.new")
async def new_case_page(
    actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], person: str = "", household: str = ""
) -> Template:
    actor.require(Permission.CASE_CREATE)
    client = await _client(db, actor, person, household)
    return Template(template_name="cases/new.html", context=await _new_case_context(db, actor, client))


def case_draft(data: dict[str, Any], *, with_opened_on: bool) -> tuple[CaseDraft, dict[str, Any]]:
    values: dict[str, Any] = values_of(data, ("title", "responsible_user_id", "opened_on", "sensitive"))
    values["case_types"] = many(data, "case_types")
    unreadable: rules.Errors = {}
    opened_on = rules.read_day(values, "opened_on", unreadable) if with_opened_on else None
    responsible = read_uuid(values["responsible_user_id"])
    if values["responsible_user_id"].strip() and responsible is None:
        unreadable["responsible_user_id"] = [N_("Choose the responsible worker.")]
    draft = CaseDraft(
        title=values["title"],
        case_types=values["case_types"],
        responsible_user_id=responsible,
        sensitive=values["sensitive"] == "on",
        opened_on=opened_on,
        unreadable=unreadable,
    )
    return draft, values


@post("/cases", name="cases.open", status_code=200)
async def open_case_act(
    request: HTMXRequest, actor: NamedDependency[Actor], db: NamedDependency[AsyncSession], data: Form
) -> Response[Any]:
    actor.require(Permission.CASE_CREATE)
    client = await _client(db, actor, one(data, "person"), one(data, "household"))
    draft, values = case_draft(data, with_opened_on=True)
    try:
        case = await open_case(
            db,
            actor,
            draft,
            person_id=client["person_id"],
            household_id=client["household_id"],
            today=today(),
        )
    except InvalidInput as exc:
        context = await _new_case_context(
            db, actor, client, values=values, errors=exc.errors, focus=first_error(exc.errors, CASE_FIELDS)
        )
        return refused(request, context, page="cases/new.html", block="case_form")
    return go_to(request, case_path(case.id))


# --- the case page ----------------------------------------------------------------------------------------


@get("/cases/{case_id:uuid}", name="cases.case")
async def case_page(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    purpose: str = "case_work",
) -> Template:
    query = request.query_params
    kind = query.get("kind") if _KIND.fullmatch(query.get("kind") or "") else None
    case = await view_case(db, actor, case_id, purpose=purpose)
    context = await case_context(
        request, db, actor, case, kind=kind, after=query.get("after"), docs_after=query.get("docs")
    )
    new_kind = query.get("new")
    if new_kind in rules.ENTRY_KINDS and context["may_note"]:
        context["entry"]["kind"] = new_kind
        context["entry_open"] = True
    if is_fragment(request, "timeline"):
        return page_blocks(["timeline"], context)
    if is_fragment(request, "case-documents"):
        return page_blocks(["documents"], context)
    return Template(template_name=PAGE, context=context)


def card_values(card: CaseCard) -> dict[str, Any]:
    return {
        "title": card.title,
        "case_types": list(card.case_types),
        "responsible_user_id": str(card.responsible_user_id or ""),
        "sensitive": "on" if card.sensitive else "",
        "closed_on": dotted(today()),
        "reason": "",
    }


# --- the person page's tab --------------------------------------------------------------------------------


@get("/persons/{person_id:uuid}/cases", name="person.cases")
async def person_cases_tab(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    person_id: FromPath[uuid.UUID],
    purpose: str = "case_work",
) -> Template:
    person = await open_person(db, actor, person_id, purpose=purpose, context="cases")
    actor.require(Permission.CASE_VIEW)
    position = decode_day_cursor(request.query_params.get("after"))
    page = await person_cases_page(db, actor, person_id, on=today(), after=position)
    base = f"/persons/{person_id}/cases"
    context = {
        **LABELS,
        "person": person,
        "page": page,
        "paged": position is not None,
        "first_url": base,
        "next_url": f"{base}?after={page.next_cursor}" if page.next_cursor else None,
        "may_open": actor.can(Permission.CASE_CREATE),
    }
    return render_person_tab(request, "cases/person_cases.html", "cases", context)


router = Router(
    path="/",
    route_handlers=[
        cases_list,
        new_case_page,
        open_case_act,
        case_page,
        person_cases_tab,
    ],
    include_in_schema=False,
)
