"""Acts on complaints, submissions and suggestions: registering one (numbered "S-<year>/<n>", due by the
municipality's answer period), assigning it to a worker, answering and closing it. Each act checks the
permission, refuses with field messages before anything is written, checks the version the form was
shown with, audits in the caller's transaction, and never commits.

`register` is the act itself, for any channel: staff reach it through `register_complaint`; the
e-services API will call it with `channel="eservice"` and no staff author."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.documents.numbering import format_number, next_number
from app.domains.cases.access import municipal_today
from app.domains.cases.queries import is_staff
from app.domains.complaints import rules
from app.domains.complaints.models import Complaint, ComplaintAttachment
from app.domains.controls.responsible import heads_of_service
from app.domains.people.models import Person
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import N_
from app.notifications.events import publish
from app.permissions import ROLE_PERMISSIONS, Permission
from app.tenants.models import Tenant

NO_COMPLAINT = N_("No such complaint.")
STALE = N_("Someone else changed the complaint meanwhile. Reload the page and try again.")
NO_PERSON = N_("Choose a client from the register.")
NO_WORKER = N_("Choose a worker of this municipality who handles complaints.")
ONLY_SELF = N_("Only a head of service may give a complaint to someone else.")

# The roles whose holders handle complaints: who may be assigned one.
HANDLER_ROLES = tuple(
    role.value for role, granted in ROLE_PERMISSIONS.items() if Permission.COMPLAINT_HANDLE in granted
)


def _snapshot(c: Complaint) -> dict[str, Any]:
    return {
        "number": c.number,
        "kind": c.kind,
        "channel": c.channel,
        "received_on": c.received_on,
        "subject": c.subject,
        "anonymous": c.anonymous,
        "person_id": c.person_id,
        "submitter_name": c.submitter_name,
        "assigned_to": c.assigned_to,
        "due_on": c.due_on,
        "status": c.status,
    }


def _audit(
    session: AsyncSession,
    actor_user_id: uuid.UUID | None,
    action: str,
    complaint: Complaint,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    record_change(
        session,
        actor_user_id=actor_user_id,
        action=f"complaints:complaint:{action}",
        entity_type="complaint",
        entity_id=complaint.id,
        before=before,
        after=after,
    )


async def access_complaint(
    session: AsyncSession,
    actor: Actor,
    complaint_id: uuid.UUID,
    *,
    permission: Permission = Permission.COMPLAINT_VIEW,
    lock: bool = False,
) -> Complaint:
    """The complaint (locked for update when `lock`), or NotFound; another municipality's is not found."""
    actor.require(permission)
    stmt = select(Complaint).where(Complaint.id == complaint_id)
    complaint = await session.scalar(stmt.with_for_update() if lock else stmt)
    if complaint is None:
        raise NotFound(NO_COMPLAINT)
    return complaint


def check_version(complaint: Complaint, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != complaint.version:
        raise Conflict(STALE)


async def answer_period_settings(session: AsyncSession, tenant_id: uuid.UUID) -> dict[str, Any]:
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == tenant_id))
    return dict(settings or {})


async def register(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    created_by: uuid.UUID | None,
    kind: str,
    channel: str,
    received_on: dt.date | None,
    subject: str | None,
    text: str | None,
    person_id: uuid.UUID | None = None,
    submitter_name: str | None = None,
    submitter_contact: str | None = None,
    anonymous: bool = False,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
    attachments: Sequence[tuple[str | None, bytes]] = (),
) -> Complaint:
    """Registers a submission from any channel, with the files sent along (name, bytes); the caller has
    checked who may. `unreadable`: the edge's messages for fields it could not read."""
    errors: rules.Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    subject_text = (subject or "").strip()
    body = (text or "").strip()
    name = (submitter_name or "").strip()
    contact = (submitter_contact or "").strip()
    rules.check_registration(
        kind=kind,
        channel=channel,
        received_on=received_on,
        subject=subject_text,
        text=body,
        anonymous=anonymous,
        has_person=person_id is not None,
        submitter_name=name,
        submitter_contact=contact,
        today=today or municipal_today(),
        errors=errors,
    )
    files = rules.check_attachments(attachments, errors)
    if (
        person_id is not None
        and "anonymous" not in errors
        and await session.scalar(select(Person.id).where(Person.id == person_id)) is None
    ):
        errors.setdefault("person_id", []).append(NO_PERSON)
    if errors:
        raise InvalidInput(errors)
    assert received_on is not None
    settings = await answer_period_settings(session, tenant_id)
    value = await next_number(session, tenant_id, rules.SEQUENCE, received_on.year)
    complaint = Complaint(
        tenant_id=tenant_id,
        number=format_number(rules.PREFIX, received_on.year, value),
        kind=kind,
        channel=channel,
        received_on=received_on,
        subject=subject_text,
        text=body,
        anonymous=anonymous,
        person_id=person_id,
        submitter_name=name or None,
        submitter_contact=(contact or None) if not anonymous else None,
        due_on=rules.due_on(received_on, settings),
        status="registered",
        created_by=created_by,
    )
    session.add(complaint)
    await session.flush()
    for position, (file, data) in enumerate(files):
        session.add(
            ComplaintAttachment(
                tenant_id=tenant_id,
                complaint_id=complaint.id,
                position=position,
                filename=file.filename,
                content_type=file.file_type.content_type,
                size_bytes=file.size,
                sha256=file.sha256,
                content=data,
            )
        )
    after = {k: v for k, v in _snapshot(complaint).items() if v is not None}
    if files:
        after["attachments"] = [file.filename for file, _ in files]
    _audit(session, created_by, "register", complaint, None, after)
    if channel == "eservice":  # nobody at the service saw it come in: the heads of service assign it
        await publish(
            session,
            "complaint_received",
            user_ids=await session.run_sync(heads_of_service),
            variables={"complaint_number": complaint.number, "subject": complaint.subject},
            link=f"/complaints/{complaint.id}",
        )
    return complaint


async def register_complaint(
    session: AsyncSession,
    actor: Actor,
    *,
    kind: str,
    channel: str,
    received_on: dt.date | None,
    subject: str | None,
    text: str | None,
    person_id: uuid.UUID | None = None,
    submitter_name: str | None = None,
    submitter_contact: str | None = None,
    anonymous: bool = False,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Complaint:
    """A worker registers a submission received in person, by post or by e-mail."""
    actor.require(Permission.COMPLAINT_HANDLE)
    assert actor.tenant_id is not None
    return await register(
        session,
        tenant_id=actor.tenant_id,
        created_by=actor.user_id,
        kind=kind,
        channel=channel,
        received_on=received_on,
        subject=subject,
        text=text,
        person_id=person_id,
        submitter_name=submitter_name,
        submitter_contact=submitter_contact,
        anonymous=anonymous,
        today=today,
        unreadable=unreadable,
    )


def _require_state(act: str, complaint: Complaint) -> None:
    if not rules.may(act, complaint.status):
        raise Conflict(rules.NOT_NOW)


async def assign_complaint(
    session: AsyncSession,
    actor: Actor,
    complaint_id: uuid.UUID,
    *,
    user_id: uuid.UUID | None,
    expected_version: int | None = None,
) -> Complaint:
    """Gives the complaint to a worker who handles complaints: a head of service to anyone, a worker
    only to themselves (taking over an unassigned one, or one of a colleague's)."""
    complaint = await access_complaint(
        session, actor, complaint_id, permission=Permission.COMPLAINT_HANDLE, lock=True
    )
    check_version(complaint, expected_version)
    _require_state("assign", complaint)
    if user_id is not None and user_id != actor.user_id and not actor.can(Permission.COMPLAINT_ASSIGN):
        raise Forbidden(ONLY_SELF, missing=Permission.COMPLAINT_ASSIGN.value)
    assert actor.tenant_id is not None
    if user_id is None or not await is_staff(session, actor.tenant_id, user_id, HANDLER_ROLES):
        raise InvalidInput({"assigned_to": [NO_WORKER]})
    before = {"assigned_to": complaint.assigned_to, "status": complaint.status}
    complaint.assigned_to = user_id
    complaint.status = rules.NEXT_STATUS["assign"]
    complaint.version += 1
    await session.flush()
    _audit(
        session,
        actor.user_id,
        "assign",
        complaint,
        before,
        {"number": complaint.number, "assigned_to": user_id, "status": complaint.status},
    )
    return complaint


async def answer_complaint(
    session: AsyncSession,
    actor: Actor,
    complaint_id: uuid.UUID,
    *,
    answer: str | None,
    answered_on: dt.date | None,
    expected_version: int | None = None,
    today: dt.date | None = None,
    unreadable: dict[str, list[str]] | None = None,
) -> Complaint:
    """Records the answer given (its text and day); one still unassigned becomes the answerer's."""
    complaint = await access_complaint(
        session, actor, complaint_id, permission=Permission.COMPLAINT_HANDLE, lock=True
    )
    check_version(complaint, expected_version)
    _require_state("answer", complaint)
    errors: rules.Errors = {k: list(v) for k, v in (unreadable or {}).items()}
    text = (answer or "").strip()
    rules.check_answer(
        answer=text,
        answered_on=answered_on,
        received_on=complaint.received_on,
        today=today or municipal_today(),
        errors=errors,
    )
    if errors:
        raise InvalidInput(errors)
    before = {"status": complaint.status, "assigned_to": complaint.assigned_to}
    complaint.answer = text
    complaint.answered_on = answered_on
    complaint.answered_by = actor.user_id
    complaint.assigned_to = complaint.assigned_to or actor.user_id
    complaint.status = rules.NEXT_STATUS["answer"]
    complaint.version += 1
    await session.flush()
    _audit(
        session,
        actor.user_id,
        "answer",
        complaint,
        before,
        {
            "number": complaint.number,
            "status": complaint.status,
            "answered_on": answered_on,
            "answer_length": len(text),
            "overdue": answered_on is not None and answered_on > complaint.due_on,
        },
    )
    return complaint


async def close_complaint(
    session: AsyncSession,
    actor: Actor,
    complaint_id: uuid.UUID,
    *,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Complaint:
    """Closes an answered complaint, or an anonymous one (no answer is owed) after it was looked into."""
    complaint = await access_complaint(
        session, actor, complaint_id, permission=Permission.COMPLAINT_HANDLE, lock=True
    )
    check_version(complaint, expected_version)
    _require_state("close", complaint)
    if not rules.may_close(complaint.status, anonymous=complaint.anonymous):
        raise Conflict(rules.ANSWER_FIRST)
    before = {"status": complaint.status}
    complaint.status = rules.NEXT_STATUS["close"]
    complaint.closed_on = today or municipal_today()
    complaint.closed_by = actor.user_id
    complaint.version += 1
    await session.flush()
    _audit(
        session,
        actor.user_id,
        "close",
        complaint,
        before,
        {"number": complaint.number, "status": complaint.status, "closed_on": complaint.closed_on},
    )
    return complaint
