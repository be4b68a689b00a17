"""Reads of the assistant service (MK 316): the facts a request is assessed with (age and disability group
on a day, the disability period's end), a grant's page with its assistants and reports, and the list of
grants (by status, or those expiring soon)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.domains.households.rules import age_on
from app.domains.people.codes import display_code
from app.domains.people.models import Person, PersonFlag
from app.domains.services.assistant_models import (
    Assistant,
    AssistantAssignment,
    AssistantGrant,
    AssistantReport,
)
from app.errors import NotFound
from app.i18n import N_
from app.permissions import Permission

EXPIRING_DAYS = 60
LIST_LIMIT = 200
STATUSES = {
    "requested": N_("Awaiting a decision"),
    "granted": N_("Granted"),
    "refused": N_("Refused"),
}
REPORT_STATUSES = {
    "submitted": N_("Awaiting acceptance"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
}
_GROUPS = {"I": 1, "II": 2, "III": 3}  # a child's disability ("child") has no group

NO_SUCH_GRANT = N_("No such assistant service grant.")


@dataclass(frozen=True)
class ApplicantFacts:
    age: int | None
    disability_group: int | None


async def _disability(session: AsyncSession, person_id: uuid.UUID, day: dt.date) -> PersonFlag | None:
    """The person's disability period that includes `day` (the latest, should periods touch)."""
    return await session.scalar(
        select(PersonFlag)
        .where(
            PersonFlag.person_id == person_id,
            PersonFlag.kind == "disability",
            PersonFlag.valid_from <= day,
            or_(PersonFlag.valid_to.is_(None), PersonFlag.valid_to >= day),
        )
        .order_by(PersonFlag.valid_from.desc())
        .limit(1)
    )


async def applicant_on(session: AsyncSession, person_id: uuid.UUID, day: dt.date) -> ApplicantFacts:
    """Age in full years and disability group on `day`, from the client register."""
    birth = await session.scalar(select(Person.birth_date).where(Person.id == person_id))
    flag = await _disability(session, person_id, day)
    return ApplicantFacts(age_on(birth, day), _GROUPS.get(flag.detail or "") if flag else None)


async def disability_until(session: AsyncSession, person_id: uuid.UUID, day: dt.date) -> dt.date | None:
    """The last day of the disability period that includes `day` (None: open-ended or none recorded)."""
    flag = await _disability(session, person_id, day)
    return flag.valid_to if flag else None


@dataclass(frozen=True)
class AssignmentRow:
    id: uuid.UUID
    assistant_id: uuid.UUID
    name: str
    personal_code: str
    agreement_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True)
class ReportRow:
    report: AssistantReport
    assistant_name: str


@dataclass(frozen=True)
class GrantCard:
    grant: AssistantGrant
    person_name: str
    person_code: str | None
    assignments: list[AssignmentRow]
    reports: list[ReportRow]
    disability_until: dt.date | None  # of the period including the request day


async def grant_card(session: AsyncSession, actor: Actor, grant_id: uuid.UUID) -> GrantCard:
    """A grant with its person, assistants (by start) and reports (latest month first). Five statements."""
    actor.require(Permission.ASSISTANT_VIEW)
    grant = await session.scalar(select(AssistantGrant).where(AssistantGrant.id == grant_id))
    if grant is None:
        raise NotFound(NO_SUCH_GRANT)
    person = (
        await session.execute(
            select(Person.first_name, Person.last_name, Person.personal_code).where(
                Person.id == grant.person_id
            )
        )
    ).one()
    assignments = [
        AssignmentRow(
            a.id,
            a.assistant_id,
            f"{first} {last}",
            display_code(code) or code,
            a.agreement_on,
            a.valid_from,
            a.valid_to,
        )
        for a, first, last, code in await session.execute(
            select(AssistantAssignment, Assistant.first_name, Assistant.last_name, Assistant.personal_code)
            .join(Assistant, Assistant.id == AssistantAssignment.assistant_id)
            .where(AssistantAssignment.grant_id == grant.id)
            .order_by(AssistantAssignment.valid_from, AssistantAssignment.id)
        )
    ]
    reports = [
        ReportRow(r, f"{first} {last}")
        for r, first, last in await session.execute(
            select(AssistantReport, Assistant.first_name, Assistant.last_name)
            .join(Assistant, Assistant.id == AssistantReport.assistant_id)
            .where(AssistantReport.grant_id == grant.id)
            .order_by(AssistantReport.month.desc(), Assistant.last_name, AssistantReport.id)
        )
    ]
    return GrantCard(
        grant,
        f"{person.first_name} {person.last_name}",
        display_code(person.personal_code),
        assignments,
        reports,
        await disability_until(session, grant.person_id, grant.requested_on),
    )


@dataclass(frozen=True)
class GrantRow:
    id: uuid.UUID
    number: str
    person_id: uuid.UUID
    person_name: str
    status: str
    hours: Decimal
    requested_on: dt.date
    valid_from: dt.date | None
    valid_to: dt.date | None


async def grant_list(
    session: AsyncSession,
    actor: Actor,
    *,
    today: dt.date,
    status: str | None = None,
    expiring: bool = False,
    limit: int = LIST_LIMIT,
) -> list[GrantRow]:
    """Grants of the municipality, the latest request first; `expiring`: granted ones ending within 60
    days, the soonest first. One statement."""
    actor.require(Permission.ASSISTANT_VIEW)
    query = select(
        AssistantGrant.id,
        AssistantGrant.number,
        AssistantGrant.person_id,
        Person.first_name,
        Person.last_name,
        AssistantGrant.status,
        AssistantGrant.assessed_hours,
        AssistantGrant.monthly_hours,
        AssistantGrant.requested_on,
        AssistantGrant.valid_from,
        AssistantGrant.valid_to,
    ).join(Person, Person.id == AssistantGrant.person_id)
    if expiring:
        query = query.where(
            AssistantGrant.status == "granted",
            AssistantGrant.valid_to >= today,
            AssistantGrant.valid_to <= today + dt.timedelta(days=EXPIRING_DAYS),
        ).order_by(AssistantGrant.valid_to, AssistantGrant.id)
    else:
        if status is not None:
            query = query.where(AssistantGrant.status == status)
        query = query.order_by(AssistantGrant.requested_on.desc(), AssistantGrant.id.desc())
    rows = await session.execute(query.limit(limit))
    return [
        GrantRow(
            r.id,
            r.number,
            r.person_id,
            f"{r.first_name} {r.last_name}",
            r.status,
            r.monthly_hours if r.monthly_hours is not None else r.assessed_hours,
            r.requested_on,
            r.valid_from,
            r.valid_to,
        )
        for r in rows
    ]
