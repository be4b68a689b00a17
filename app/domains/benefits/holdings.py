"""What a household already holds — benefit grants and needy / low-income statuses — read for the acts
that must not overlap them, and the lock that makes the check safe.

Who "the household" is: the applicant, the members of the declaration the application rests on, and the
members of the applicant's household over the period. A grant belongs to it when it was granted to that
household or to one of those persons; a status when its applicant is one of them or they were declared
in the declaration it rests on.

The lock: every act that gives a household a period first takes `SELECT … FOR UPDATE` on the persons'
rows (in id order, like the households service, so two acts on the same persons cannot deadlock), then
reads the periods; a concurrent act for any of the same persons waits and then sees the committed one."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.assistance.models import AssistanceStatus, DeclarationMember
from app.domains.benefits.models import BenefitGrant
from app.domains.benefits.periods import Existing, Period, held
from app.domains.benefits.rules import HeldStatus
from app.domains.households.models import HouseholdMember
from app.domains.people.models import Person


async def household_persons(
    session: AsyncSession,
    applicant_id: uuid.UUID,
    *,
    declaration_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    period: Period,
) -> set[uuid.UUID]:
    """The applicant, the declaration's members, and the household's members over `period`."""
    persons = {applicant_id}
    if declaration_id is not None:
        persons |= set(
            await session.scalars(
                select(DeclarationMember.person_id).where(DeclarationMember.declaration_id == declaration_id)
            )
        )
    if household_id is not None:
        persons |= set(
            await session.scalars(
                select(HouseholdMember.person_id).where(
                    HouseholdMember.household_id == household_id,
                    HouseholdMember.joined_on <= period.valid_to,
                    or_(HouseholdMember.left_on.is_(None), HouseholdMember.left_on >= period.valid_from),
                )
            )
        )
    return persons


async def lock_persons(session: AsyncSession, person_ids: Iterable[uuid.UUID]) -> None:
    ids = sorted(set(person_ids))
    if ids:
        await session.execute(
            select(Person.id).where(Person.id.in_(ids)).order_by(Person.id).with_for_update()
        )


def _grant_owner(person_ids: Collection[uuid.UUID], household_id: uuid.UUID | None) -> ColumnElement[bool]:
    owned = BenefitGrant.applicant_id.in_(list(person_ids))
    return or_(owned, BenefitGrant.household_id == household_id) if household_id is not None else owned


async def grants_held(
    session: AsyncSession,
    benefit_type_id: uuid.UUID,
    person_ids: Collection[uuid.UUID],
    household_id: uuid.UUID | None,
) -> list[Existing]:
    """The household's grants of one benefit type, each with the period it really holds."""
    rows = await session.execute(
        select(
            BenefitGrant.id,
            BenefitGrant.valid_from,
            BenefitGrant.valid_to,
            BenefitGrant.ended_on,
            BenefitGrant.amount,
        ).where(BenefitGrant.benefit_type_id == benefit_type_id, _grant_owner(person_ids, household_id))
    )
    return [Existing(r.id, held(r.valid_from, r.valid_to, r.ended_on), r.amount) for r in rows]


def _status_owner(person_ids: Collection[uuid.UUID]) -> ColumnElement[bool]:
    declared = select(DeclarationMember.declaration_id).where(
        DeclarationMember.person_id.in_(list(person_ids))
    )
    return or_(
        AssistanceStatus.applicant_id.in_(list(person_ids)), AssistanceStatus.declaration_id.in_(declared)
    )


async def statuses_held(session: AsyncSession, person_ids: Collection[uuid.UUID]) -> list[Existing]:
    """The household's needy and low-income statuses (one household holds one status at a time)."""
    rows = await session.execute(
        select(
            AssistanceStatus.id, AssistanceStatus.kind, AssistanceStatus.valid_from, AssistanceStatus.valid_to
        ).where(_status_owner(person_ids))
    )
    return [Existing(r.id, Period(r.valid_from, r.valid_to), kind=r.kind) for r in rows]


async def statuses_on(
    session: AsyncSession, person_ids: Collection[uuid.UUID], on: dt.date
) -> list[HeldStatus]:
    """The statuses the household holds on `on`."""
    rows = await session.execute(
        select(AssistanceStatus.kind, AssistanceStatus.valid_to).where(
            _status_owner(person_ids), AssistanceStatus.valid_from <= on, AssistanceStatus.valid_to >= on
        )
    )
    return [HeldStatus(r.kind, r.valid_to) for r in rows]
