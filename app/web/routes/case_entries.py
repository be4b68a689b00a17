"""The case timeline's acts: the add-entry form (opened by "Record a home visit" and the like: one click
for the form, one to save), recording an entry, and correcting one inline (author or responsible worker;
a stale form gets 409). Fragments are blocks of cases/case.html."""

from __future__ import annotations

import uuid
from typing import Any

from jinja2_fragments.litestar import HTMXBlockTemplate
from litestar import Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.cases import rules
from app.domains.cases.access import access_case, view_case
from app.domains.cases.models import Case
from app.domains.cases.queries import case_card, staff_choices
from app.domains.cases.timeline import add_entry, edit_entry
from app.domains.cases.timeline_queries import EntryRow, timeline_entry
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission
from app.web.htmx import is_fragment
from app.web.routes.case_forms import (
    Form,
    dotted,
    first_error,
    go_to,
    read_uuid,
    today,
    values_of,
)
from app.web.routes.cases import LABELS, PAGE, case_context

ENTRY_FIELDS = ("kind", "occurred_on", "duration_minutes", "staff_user_id", "subject", "body", "findings")
RECORDED = N_("Entry recorded")
SAVED = N_("Saved")


def entry_draft(data: dict[str, Any]) -> tuple[rules.EntryDraft, dict[str, str]]:
    """The posted entry form as an EntryDraft (unreadable fields carried with their messages)."""
    values = values_of(data, ENTRY_FIELDS)
    unreadable: rules.Errors = {}
    day = rules.read_day(values, "occurred_on", unreadable)
    minutes = rules.read_minutes(values, "duration_minutes", unreadable)
    staff = read_uuid(values["staff_user_id"])
    if values["staff_user_id"].strip() and staff is None:
        unreadable["staff_user_id"] = [N_("Choose a staff member from the list.")]
    draft = rules.EntryDraft(
        kind=values["kind"],
        occurred_on=day,
        duration_minutes=minutes,
        subject=values["subject"],
        body=values["body"],
        findings=values["findings"],
        staff_user_id=staff,
        unreadable=unreadable,
    )
    return draft, values


def _first_field(kind: str) -> str:
    """Where the cursor goes in a new form: an activity's duration, a note's subject."""
    return "duration_minutes" if kind in rules.ACTIVITY_KINDS else "subject"


async def _entry_context(db: AsyncSession, actor: Actor, case: Case, **extra: Any) -> dict[str, Any]:
    """What the entry blocks need (lighter than the whole page): two statements."""
    card = await case_card(db, case)
    assert actor.tenant_id is not None
    staff = await staff_choices(db, actor.tenant_id)
    return {
        **LABELS,
        "card": card,
        "may_note": actor.can(Permission.CASE_NOTE_ADD) and card.is_open,
        "caseworker_choices": [(str(s.id), s.full_name) for s in staff],
        "entry_errors": {},
        **extra,
    }


def _values_of(e: EntryRow) -> dict[str, str]:
    return {
        "kind": e.kind,
        "occurred_on": dotted(e.occurred_on),
        "duration_minutes": "" if e.duration_minutes is None else str(e.duration_minutes),
        "staff_user_id": str(e.staff_user_id),
        "subject": e.subject,
        "body": e.body or "",
        "findings": e.findings or "",
        "stamp": e.stamp,
    }


def _entry_block(
    name: str, context: dict[str, Any], status: int = 200, message: str | None = None
) -> Response[Any]:
    names = [name, "status_oob"] if message else [name]
    return HTMXBlockTemplate(
        template_name=PAGE, block_names=names, context={**context, "message": message}, status_code=status
    )


@get("/cases/{case_id:uuid}/entries/new", name="cases.entries.new")
async def new_entry_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    kind: str = "",
) -> Response[Any]:
    """The add-entry panel with the form for `kind` open (no kind: the panel closed, as after Cancel)."""
    if not is_fragment(request):
        return go_to(
            request, f"/cases/{case_id}" + (f"?new={kind}#entry-form" if kind in rules.ENTRY_KINDS else "")
        )
    case = await access_case(db, actor, case_id, permission=Permission.CASE_NOTE_ADD)
    chosen = kind if kind in rules.ENTRY_KINDS else ""
    entry = {"kind": chosen, "occurred_on": dotted(today()), "staff_user_id": str(actor.user_id)}
    context = await _entry_context(
        db,
        actor,
        case,
        entry=entry,
        entry_open=bool(chosen),
        entry_focus=_first_field(chosen) if chosen else None,
    )
    return _entry_block("entry_form", context)


@post("/cases/{case_id:uuid}/entries", name="cases.entries.add", status_code=200)
async def add_entry_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    draft, values = entry_draft(data)
    try:
        entry = await add_entry(db, actor, case_id, draft, today=today())
    except InvalidInput as exc:
        case = await access_case(db, actor, case_id)
        extra: dict[str, Any] = {
            "entry": values,
            "entry_errors": exc.errors,
            "entry_open": True,
            "entry_focus": first_error(exc.errors, ENTRY_FIELDS),
        }
        if is_fragment(request):
            return _entry_block("entry_form", await _entry_context(db, actor, case, **extra), 422)
        context = await case_context(request, db, actor, case, **extra)
        return Template(template_name=PAGE, context=context, status_code=422)
    if not is_fragment(request):
        return go_to(request, f"/cases/{case_id}#entry-{entry.id}")
    # The panel closes; the timeline's first page shows the new entry, which takes the focus.
    case = await view_case(db, actor, case_id)
    context = await case_context(
        request, db, actor, case, oob=True, focus_entry=str(entry.id), message=RECORDED
    )
    return HTMXBlockTemplate(
        template_name=PAGE, block_names=["entry_form", "timeline", "status_oob"], context=context
    )


async def _entry_or_404(db: AsyncSession, actor: Actor, case_id: uuid.UUID, entry_id: uuid.UUID) -> EntryRow:
    row = await timeline_entry(db, actor, case_id, entry_id)
    if row is None:
        raise NotFound(N_("No such entry."))
    return row


@get("/cases/{case_id:uuid}/entries/{entry_id:uuid}", name="cases.entries.row")
async def entry_row(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    entry_id: FromPath[uuid.UUID],
) -> Response[Any]:
    """The entry as the timeline shows it (what Cancel puts back)."""
    if not is_fragment(request):
        return go_to(request, f"/cases/{case_id}#entry-{entry_id}")
    case = await view_case(db, actor, case_id, detail=f"entry:{entry_id}")
    e = await _entry_or_404(db, actor, case_id, entry_id)
    return _entry_block("entry_row", await _entry_context(db, actor, case, e=e, focus_entry=str(e.id)))


@get("/cases/{case_id:uuid}/entries/{entry_id:uuid}/edit", name="cases.entries.edit")
async def edit_entry_form(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    entry_id: FromPath[uuid.UUID],
) -> Response[Any]:
    case = await view_case(db, actor, case_id, detail=f"entry:{entry_id}")
    actor.require(Permission.CASE_NOTE_ADD)
    e = await _entry_or_404(db, actor, case_id, entry_id)
    context = await _entry_context(db, actor, case, e=e, entry=_values_of(e), entry_focus="subject")
    if is_fragment(request):
        return _entry_block("entry_edit", context)
    return Template(template_name="cases/entry_edit.html", context=context)


@post("/cases/{case_id:uuid}/entries/{entry_id:uuid}", name="cases.entries.save", status_code=200)
async def save_entry_act(
    request: HTMXRequest,
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    case_id: FromPath[uuid.UUID],
    entry_id: FromPath[uuid.UUID],
    data: Form,
) -> Response[Any]:
    draft, values = entry_draft(data)
    stamp = values_of(data, ("stamp",))["stamp"] or None
    try:
        await edit_entry(db, actor, case_id, entry_id, draft, stamp=stamp, today=today())
    except InvalidInput as exc:
        case = await access_case(db, actor, case_id)
        e = await _entry_or_404(db, actor, case_id, entry_id)
        context = await _entry_context(
            db,
            actor,
            case,
            e=e,
            entry={**values, "stamp": stamp or ""},
            entry_errors=exc.errors,
            entry_focus=first_error(exc.errors, ENTRY_FIELDS),
        )
        if is_fragment(request):
            return _entry_block("entry_edit", context, 422)
        return Template(template_name="cases/entry_edit.html", context=context, status_code=422)
    if not is_fragment(request):
        return go_to(request, f"/cases/{case_id}#entry-{entry_id}")
    case = await access_case(db, actor, case_id)
    e = await _entry_or_404(db, actor, case_id, entry_id)
    return _entry_block(
        "entry_row", await _entry_context(db, actor, case, e=e, focus_entry=str(e.id)), message=SAVED
    )


router = Router(
    path="/",
    route_handlers=[new_entry_form, add_entry_act, entry_row, edit_entry_form, save_entry_act],
    include_in_schema=False,
)
