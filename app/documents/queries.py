"""Reads of documents and the register for screens: keyset pages, one statement each (names joined in),
never the files' bytes. Every read filters by the case's visibility (app/domains/cases/access.py):
a sensitive case's documents and register entries are absent for anyone who may not see the case."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.principal import Actor
from app.documents.models import Document, RegisterEntry
from app.domains.cases.access import visible_to
from app.domains.cases.models import Case
from app.domains.cases.queries import households_of
from app.pagination import DayPosition, Page, encode_day_cursor, encode_id_cursor, older_than, page_of

MAX_LIMIT = 100


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def _visible(actor: Actor, case_id: Any) -> ColumnElement[bool]:
    """No case, or a case the actor may see: over a statement that outer-joins `Case` on `case_id`."""
    return or_(case_id.is_(None), visible_to(actor))


@dataclass(frozen=True)
class DocumentRow:
    id: uuid.UUID
    case_id: uuid.UUID | None
    case_number: str | None
    title: str
    filename: str
    content_type: str
    size_bytes: int
    uploaded_by_name: str
    created_at: dt.datetime

    @property
    def href(self) -> str:
        return f"/documents/{self.id}/download"


def _document_select(actor: Actor) -> Select[*tuple[Any, ...]]:
    return (
        select(
            Document.id,
            Document.case_id,
            Case.number.label("case_number"),
            Document.title,
            Document.filename,
            Document.content_type,
            Document.size_bytes,
            User.full_name.label("uploaded_by_name"),
            Document.created_at,
        )
        .join(User, User.id == Document.uploaded_by)
        .outerjoin(Case, and_(Case.tenant_id == Document.tenant_id, Case.id == Document.case_id))
        .where(Document.tenant_id == actor.tenant_id, _visible(actor, Document.case_id))
        .order_by(Document.id.desc())
    )


def _document(row: object) -> DocumentRow:
    return DocumentRow(**{name: getattr(row, name) for name in DocumentRow.__dataclass_fields__})


async def case_documents_page(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    after: uuid.UUID | None = None,
    limit: int = 20,
) -> Page[DocumentRow]:
    """A case's documents, newest first (one statement)."""
    limit = _limit(limit)
    stmt = _document_select(actor).where(Document.case_id == case_id).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(Document.id < after)
    rows = [_document(r) for r in await session.execute(stmt)]
    return page_of(rows, limit, lambda d: encode_id_cursor(d.id))


async def person_documents_page(
    session: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    *,
    on: dt.date,
    after: uuid.UUID | None = None,
    limit: int = 20,
) -> Page[DocumentRow]:
    """The person tab: documents about the person (their own cases' and any filed under them) and those
    of the cases of the household they live in on `on`, newest first. Two statements."""
    limit = _limit(limit)
    households = await households_of(session, person_id, on)
    about = Document.person_id == person_id
    if households:
        household_cases = select(Case.id).where(Case.household_id.in_(households)).scalar_subquery()
        about = or_(about, Document.case_id.in_(household_cases))
    stmt = _document_select(actor).where(about).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(Document.id < after)
    rows = [_document(r) for r in await session.execute(stmt)]
    return page_of(rows, limit, lambda d: encode_id_cursor(d.id))


# --- the register -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    id: uuid.UUID
    direction: str
    number: str
    registered_on: dt.date
    document_date: dt.date | None
    correspondent: str
    subject: str
    case_id: uuid.UUID | None
    case_number: str | None
    document_id: uuid.UUID | None
    document_filename: str | None
    created_by_name: str


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def register_page(
    session: AsyncSession,
    actor: Actor,
    *,
    direction: str | None = None,
    first: dt.date | None = None,
    last: dt.date | None = None,
    correspondent: str | None = None,
    after: DayPosition | None = None,
    limit: int = 50,
) -> Page[RegisterRow]:
    """The register, newest registration first (by date, then the latest recorded), filtered by
    direction, period and the correspondent's beginning (any case). One statement."""
    limit = _limit(limit)
    stmt = (
        select(
            RegisterEntry.id,
            RegisterEntry.direction,
            RegisterEntry.number,
            RegisterEntry.registered_on,
            RegisterEntry.document_date,
            RegisterEntry.correspondent,
            RegisterEntry.subject,
            RegisterEntry.case_id,
            Case.number.label("case_number"),
            RegisterEntry.document_id,
            Document.filename.label("document_filename"),
            User.full_name.label("created_by_name"),
        )
        .join(User, User.id == RegisterEntry.created_by)
        .outerjoin(Case, and_(Case.tenant_id == RegisterEntry.tenant_id, Case.id == RegisterEntry.case_id))
        .outerjoin(
            Document,
            and_(Document.tenant_id == RegisterEntry.tenant_id, Document.id == RegisterEntry.document_id),
        )
        .where(RegisterEntry.tenant_id == actor.tenant_id, _visible(actor, RegisterEntry.case_id))
        .order_by(RegisterEntry.registered_on.desc(), RegisterEntry.id.desc())
        .limit(limit + 1)
    )
    if direction:
        stmt = stmt.where(RegisterEntry.direction == direction)
    if first:
        stmt = stmt.where(RegisterEntry.registered_on >= first)
    if last:
        stmt = stmt.where(RegisterEntry.registered_on <= last)
    if correspondent:
        stmt = stmt.where(
            func.lower(RegisterEntry.correspondent).like(
                _escape_like(correspondent.lower()) + "%", escape="\\"
            )
        )
    if after is not None:
        stmt = stmt.where(older_than(after, RegisterEntry.registered_on, RegisterEntry.id))
    rows = [
        RegisterRow(**{name: getattr(r, name) for name in RegisterRow.__dataclass_fields__})
        for r in await session.execute(stmt)
    ]
    return page_of(rows, limit, lambda e: encode_day_cursor(e.registered_on, e.id))
