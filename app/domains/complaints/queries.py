"""Reads for the complaint pages: the list (by status, mine, overdue; keyset pages) and one complaint's card
with the names of the people involved, plus the workers a complaint may be given to."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, undefer

from app.audit.service import record_access
from app.auth.models import User
from app.auth.principal import Actor
from app.domains.cases.queries import StaffChoice, staff_choices
from app.domains.complaints import rules
from app.domains.complaints.models import Complaint, ComplaintAttachment
from app.domains.complaints.service import HANDLER_ROLES, access_complaint
from app.domains.people.models import Person
from app.errors import NotFound
from app.i18n import N_
from app.pagination import DayPosition, Page, encode_day_cursor, page_of
from app.permissions import Permission

PAGE_SIZE = 50
NO_ATTACHMENT = N_("No such attached file.")


@dataclass(frozen=True)
class ComplaintRow:
    id: uuid.UUID
    number: str
    kind: str
    subject: str
    submitter: str | None  # None: anonymous
    received_on: dt.date
    due_on: dt.date
    status: str
    assigned_name: str | None
    overdue: bool


def _submitter() -> ColumnElement[str | None]:
    return func.coalesce(Person.first_name + " " + Person.last_name, Complaint.submitter_name)


async def complaint_list_page(
    session: AsyncSession,
    actor: Actor,
    *,
    today: dt.date,
    status: str | None = None,
    mine: bool = False,
    overdue: bool = False,
    after: DayPosition | None = None,
    limit: int = PAGE_SIZE,
) -> Page[ComplaintRow]:
    """Newest received first; the overdue list instead by the deadline, the longest overdue first."""
    actor.require(Permission.COMPLAINT_VIEW)
    stmt = (
        select(
            Complaint.id,
            Complaint.number,
            Complaint.kind,
            Complaint.subject,
            _submitter().label("submitter"),
            Complaint.received_on,
            Complaint.due_on,
            Complaint.status,
            User.full_name,
        )
        .outerjoin(Person, Person.id == Complaint.person_id)
        .outerjoin(User, User.id == Complaint.assigned_to)
    )
    if status is not None:
        stmt = stmt.where(Complaint.status == status)
    if mine:
        stmt = stmt.where(Complaint.assigned_to == actor.user_id)
    if overdue:
        stmt = stmt.where(Complaint.status.in_(rules.OPEN), Complaint.due_on < today)
        if after is not None:
            stmt = stmt.where(tuple_(Complaint.due_on, Complaint.id) > tuple_(after.day, after.id))
        stmt = stmt.order_by(Complaint.due_on, Complaint.id)
    else:
        if after is not None:
            stmt = stmt.where(tuple_(Complaint.received_on, Complaint.id) < tuple_(after.day, after.id))
        stmt = stmt.order_by(Complaint.received_on.desc(), Complaint.id.desc())
    result = await session.execute(stmt.limit(limit + 1))
    rows = [
        ComplaintRow(
            r.id,
            r.number,
            r.kind,
            r.subject,
            r.submitter,
            r.received_on,
            r.due_on,
            r.status,
            r.full_name,
            rules.overdue(r.status, r.due_on, today),
        )
        for r in result
    ]
    return page_of(rows, limit, lambda c: encode_day_cursor(c.due_on if overdue else c.received_on, c.id))


async def overdue_count(session: AsyncSession, actor: Actor, today: dt.date) -> int:
    actor.require(Permission.COMPLAINT_VIEW)
    found = await session.scalar(
        select(func.count())
        .select_from(Complaint)
        .where(Complaint.status.in_(rules.OPEN), Complaint.due_on < today)
    )
    return int(found or 0)


@dataclass(frozen=True)
class AttachmentRow:
    id: uuid.UUID
    filename: str
    size_bytes: int


async def attachments_of(session: AsyncSession, complaint_id: uuid.UUID) -> list[AttachmentRow]:
    """The files sent with a complaint (no bytes), in the order they came; the caller has access to it."""
    rows = await session.execute(
        select(ComplaintAttachment.id, ComplaintAttachment.filename, ComplaintAttachment.size_bytes)
        .where(ComplaintAttachment.complaint_id == complaint_id)
        .order_by(ComplaintAttachment.position)
    )
    return [AttachmentRow(*row) for row in rows]


async def attachment_names(session: AsyncSession, complaint_id: uuid.UUID) -> list[str]:
    return [a.filename for a in await attachments_of(session, complaint_id)]


async def attachment_file(
    session: AsyncSession, actor: Actor, complaint_id: uuid.UUID, attachment_id: uuid.UUID
) -> ComplaintAttachment:
    """One attached file with its bytes, or NotFound (also for another complaint's or municipality's)."""
    await access_complaint(session, actor, complaint_id)
    found = await session.scalar(
        select(ComplaintAttachment)
        .options(undefer(ComplaintAttachment.content))
        .where(ComplaintAttachment.id == attachment_id, ComplaintAttachment.complaint_id == complaint_id)
    )
    if found is None:
        raise NotFound(NO_ATTACHMENT)
    return found


@dataclass(frozen=True)
class ComplaintCard:
    id: uuid.UUID
    number: str
    kind: str
    channel: str
    received_on: dt.date
    subject: str
    text: str
    anonymous: bool
    person_id: uuid.UUID | None
    person_name: str | None
    submitter_name: str | None
    submitter_contact: str | None
    assigned_to: uuid.UUID | None
    assigned_name: str | None
    due_on: dt.date
    status: str
    answer: str | None
    answered_on: dt.date | None
    answered_name: str | None
    closed_on: dt.date | None
    closed_name: str | None
    version: int
    overdue: bool
    days_left: int
    attachments: list[AttachmentRow]


async def complaint_card(
    session: AsyncSession, actor: Actor, complaint_id: uuid.UUID, today: dt.date
) -> ComplaintCard:
    """The complaint as its page shows it; a view of a client's complaint is written to the access log."""
    c = await access_complaint(session, actor, complaint_id)
    if c.person_id is not None:
        record_access(
            session,
            user_id=actor.user_id,
            person_id=c.person_id,
            purpose="case_work",
            context=f"complaint {c.number}",
        )
    assigned, answered, closed = aliased(User), aliased(User), aliased(User)
    names = (
        await session.execute(
            select(
                func.concat_ws(" ", Person.first_name, Person.last_name),
                assigned.full_name,
                answered.full_name,
                closed.full_name,
            )
            .select_from(Complaint)
            .outerjoin(Person, Person.id == Complaint.person_id)
            .outerjoin(assigned, assigned.id == Complaint.assigned_to)
            .outerjoin(answered, answered.id == Complaint.answered_by)
            .outerjoin(closed, closed.id == Complaint.closed_by)
            .where(Complaint.id == c.id)
        )
    ).one()
    return ComplaintCard(
        id=c.id,
        number=c.number,
        kind=c.kind,
        channel=c.channel,
        received_on=c.received_on,
        subject=c.subject,
        text=c.text,
        anonymous=c.anonymous,
        person_id=c.person_id,
        person_name=names[0] if c.person_id else None,
        submitter_name=c.submitter_name,
        submitter_contact=c.submitter_contact,
        assigned_to=c.assigned_to,
        assigned_name=names[1],
        due_on=c.due_on,
        status=c.status,
        answer=c.answer,
        answered_on=c.answered_on,
        answered_name=names[2],
        closed_on=c.closed_on,
        closed_name=names[3],
        version=c.version,
        overdue=rules.overdue(c.status, c.due_on, today),
        days_left=rules.days_left(c.due_on, today),
        attachments=await attachments_of(session, c.id),
    )


async def handler_choices(session: AsyncSession, actor: Actor) -> tuple[StaffChoice, ...]:
    """The workers a complaint may be given to (active staff whose roles handle complaints)."""
    actor.require(Permission.COMPLAINT_VIEW)
    assert actor.tenant_id is not None
    return await staff_choices(session, actor.tenant_id, HANDLER_ROLES)
