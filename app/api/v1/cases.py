"""Cases over the API: one case, its timeline (cursor pages) and recording an entry. The same access
helper and services as the web pages: a restricted case someone may not see is 404, as a missing one; every
read is written to the access log with the purpose "api"."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.v1.cursors import read_cursor
from app.api.v1.responses import ProblemOperation, problems
from app.auth.principal import Actor
from app.domains.cases import rules
from app.domains.cases.access import municipal_today, view_case
from app.domains.cases.queries import case_card
from app.domains.cases.timeline import add_entry
from app.domains.cases.timeline_queries import EntryRow, timeline_entry, timeline_page
from app.pagination import decode_day_cursor

EntryKind = Literal["note", "journal", "home_visit", "consultation", "phone_call", "meeting", "other"]
CaseType = Literal[
    "social_assistance",
    "social_services",
    "child_and_family",
    "violence",
    "disability",
    "elderly_care",
    "addiction",
    "homelessness",
    "other",
]


class ClientOut(msgspec.Struct):
    kind: Annotated[Literal["person", "household"], msgspec.Meta(description="Whose case it is.")]
    id: uuid.UUID


class CaseOut(msgspec.Struct):
    id: uuid.UUID
    number: Annotated[str, msgspec.Meta(description='The case number, e.g. "L-2026/00042".')]
    title: str
    case_types: list[CaseType]
    restricted: Annotated[
        bool, msgspec.Meta(description="Visible only to the responsible worker and the assigned staff.")
    ]
    client: ClientOut
    responsible_user_id: uuid.UUID | None
    assigned_user_ids: list[uuid.UUID]
    opened_on: dt.date
    closed_on: dt.date | None
    close_reason: str | None
    version: int


class EntryOut(msgspec.Struct):
    id: uuid.UUID
    kind: EntryKind
    occurred_on: dt.date
    duration_minutes: int | None
    staff_user_id: uuid.UUID
    subject: str
    body: str | None
    findings: str | None
    created_by: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime | None


class EntryPageOut(msgspec.Struct):
    entries: list[EntryOut]
    next_cursor: Annotated[
        str | None, msgspec.Meta(description="Pass as `cursor` for the next (older) page; null on the last.")
    ]


class EntryIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: EntryKind
    occurred_on: Annotated[
        dt.date, msgspec.Meta(description="Not in the future, not before the case opened.")
    ]
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    duration_minutes: (
        Annotated[int, msgspec.Meta(ge=0, le=1440, description="Required for activities (not for notes).")]
        | None
    ) = None
    body: Annotated[str, msgspec.Meta(max_length=20_000)] | None = None
    findings: Annotated[str, msgspec.Meta(max_length=20_000, description="Home visits only.")] | None = None
    staff_user_id: Annotated[
        uuid.UUID | None, msgspec.Meta(description="Who did it; by default the signed-in user.")
    ] = None


def _entry_out(e: EntryRow) -> EntryOut:
    return EntryOut(
        id=e.id,
        kind=e.kind,  # type: ignore[arg-type]
        occurred_on=e.occurred_on,
        duration_minutes=e.duration_minutes,
        staff_user_id=e.staff_user_id,
        subject=e.subject,
        body=e.body,
        findings=e.findings,
        created_by=e.created_by,
        created_at=e.created_at,
        updated_at=e.updated_at,
    )


NOT_FOUND = "No case with this id that the user may see (a restricted case of others answers the same)."


@get(
    "/cases/{case_id:uuid}",
    summary="One case",
    tags=["cases"],
    responses=problems(
        401, 403, 404, describe={403: "The user's roles do not allow viewing cases.", 404: NOT_FOUND}
    ),
    operation_class=ProblemOperation,
)
async def get_case(
    case_id: FromPath[uuid.UUID], actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> CaseOut:
    case = await view_case(db, actor, case_id, purpose="api")
    card = await case_card(db, case)
    return CaseOut(
        id=card.id,
        number=card.number,
        title=card.title,
        case_types=list(card.case_types),  # type: ignore[arg-type]
        restricted=card.sensitive,
        client=ClientOut(kind=card.client.kind, id=card.client.id),  # type: ignore[arg-type]
        responsible_user_id=card.responsible_user_id,
        assigned_user_ids=[s.id for s in card.assigned],
        opened_on=card.opened_on,
        closed_on=card.closed_on,
        close_reason=card.close_reason,
        version=card.version,
    )


@get(
    "/cases/{case_id:uuid}/entries",
    summary="A case's timeline, newest first",
    tags=["cases"],
    responses=problems(
        401,
        403,
        404,
        422,
        describe={
            403: "The user's roles do not allow viewing cases.",
            404: NOT_FOUND,
            422: "A query parameter is invalid (an unknown kind, a limit outside 1–100).",
        },
    ),
    operation_class=ProblemOperation,
)
async def list_entries(
    case_id: FromPath[uuid.UUID],
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    cursor: Annotated[
        str | None, Parameter(description="From the previous page's `next_cursor`.", max_length=200)
    ] = None,
    kind: EntryKind | None = None,
    limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
) -> EntryPageOut:
    await view_case(db, actor, case_id, purpose="api")
    page = await timeline_page(
        db, actor, case_id, after=read_cursor(cursor, decode_day_cursor), kind=kind, limit=limit
    )
    return EntryPageOut(entries=[_entry_out(e) for e in page.rows], next_cursor=page.next_cursor)


@post(
    "/cases/{case_id:uuid}/entries",
    summary="Record a timeline entry",
    tags=["cases"],
    status_code=201,
    responses=problems(
        400,
        401,
        403,
        404,
        409,
        415,
        422,
        describe={
            403: "The user's roles do not allow recording case activities, or the CSRF header is missing.",
            404: NOT_FOUND,
            409: "The case is closed, or the `x-atbalsts-tenant` header names another municipality.",
            422: "Invalid input; `errors` names the fields (a date in the future or before the case opened, "
            "an activity without a duration, a staff member who is not the municipality's).",
        },
    ),
    operation_class=ProblemOperation,
)
async def create_entry(
    case_id: FromPath[uuid.UUID],
    data: JSONBody[EntryIn],
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
) -> EntryOut:
    draft = rules.EntryDraft(
        kind=data.kind,
        occurred_on=data.occurred_on,
        duration_minutes=data.duration_minutes,
        subject=data.subject,
        body=data.body,
        findings=data.findings,
        staff_user_id=data.staff_user_id,
    )
    entry = await add_entry(db, actor, case_id, draft, today=municipal_today())
    row = await timeline_entry(db, actor, case_id, entry.id)
    assert row is not None
    return _entry_out(row)
