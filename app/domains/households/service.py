"""Acts on households and their members (relationships: relationships.py; opening for a screen:
access.py). Each checks the permission, refuses with field messages
before anything is written, writes the change and its audit entry in the caller's transaction, and never
commits.

A person is in at most one household of a municipality on any day. Without an exclusion constraint (the
embedded PostgreSQL ships no btree_gist) the rule is kept by a row lock: every act that gives a person a
membership period first takes `SELECT … FOR UPDATE` on the person's row, then reads their memberships.
Two concurrent acts for the same person thus run one after the other, and the second sees the first's
committed membership (READ COMMITTED reads a fresh snapshot per statement)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.households.models import Household, HouseholdMember
from app.domains.households.rules import (
    Membership,
    Period,
    household_errors,
    membership_clash,
    period_errors,
    role_errors,
)
from app.domains.people.models import Person
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission

NO_HOUSEHOLD = N_("No such household.")
NO_PERSON = N_("No such person.")
NO_MEMBERSHIP = N_("No such household membership.")
STALE = N_("Someone else changed this household meanwhile. Reload the page and try again.")


class MemberOfAnotherHousehold(InvalidInput):
    """The person is in another household over an overlapping period. The message is generic; callers
    that can say more (the pages, the API) name the household by `household_id` and `household_label`."""

    def __init__(self, field: str, household_id: uuid.UUID, household_label: str) -> None:
        super().__init__({field: [N_("This person is a member of another household over this period.")]})
        self.field = field
        self.household_id = household_id
        self.household_label = household_label


@dataclass(frozen=True)
class NewMember:
    """A member to add: who, in which role, from when (until when, inclusive; None is open)."""

    person_id: uuid.UUID | None
    role: str
    joined_on: dt.date | None
    left_on: dt.date | None = None


def _merge(*parts: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for part in parts:
        for key, messages in part.items():
            merged.setdefault(key, []).extend(messages)
    return merged


async def lock_persons(session: AsyncSession, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Locks the persons' rows, in id order (so two acts on the same pair cannot deadlock), and returns
    their birth and death dates by id; unknown ids are missing from the result."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Person.id, Person.birth_date, Person.died_on)
        .where(Person.id.in_(ids))
        .order_by(Person.id)
        .with_for_update()
    )
    return {r.id: r for r in rows}


async def _memberships_of(session: AsyncSession, person_id: uuid.UUID) -> list[Membership]:
    rows = await session.execute(
        select(
            HouseholdMember.id,
            HouseholdMember.household_id,
            HouseholdMember.joined_on,
            HouseholdMember.left_on,
            Household.label,
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(HouseholdMember.person_id == person_id)
    )
    return [
        Membership(r.household_id, Period(r.joined_on, r.left_on), id=r.id, household_label=r.label)
        for r in rows
    ]


async def _check_clash(
    session: AsyncSession,
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    period: Period,
    *,
    field: str,
    ignore: uuid.UUID | None = None,
) -> None:
    """Call with the person's row locked."""
    clash = membership_clash(household_id, period, await _memberships_of(session, person_id), ignore=ignore)
    if clash is None:
        return
    if clash.kind == "same_household":
        raise InvalidInput({field: [clash.message]})
    raise MemberOfAnotherHousehold(field, clash.existing.household_id, clash.existing.household_label)


def _membership_snapshot(m: HouseholdMember) -> dict[str, Any]:
    return {
        "household_id": m.household_id,
        "person_id": m.person_id,
        "role": m.role,
        "joined_on": m.joined_on,
        "left_on": m.left_on,
    }


async def _insert_member(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    member: NewMember,
    *,
    today: dt.date,
    prefix: str = "",
) -> HouseholdMember:
    errors = role_errors(member.role)
    person = None
    if member.person_id is None:
        errors = _merge(errors, {"person_id": [N_("Choose the person.")]})
    else:
        person = (await lock_persons(session, [member.person_id])).get(member.person_id)
        if person is None:
            errors = _merge(errors, {"person_id": [NO_PERSON]})
    errors = _merge(
        errors,
        period_errors(
            member.joined_on,
            member.left_on,
            today=today,
            birth_date=person.birth_date if person else None,
            died_on=person.died_on if person else None,
        ),
    )
    if errors:
        raise InvalidInput({prefix + k: v for k, v in errors.items()})
    assert member.person_id is not None and member.joined_on is not None
    await _check_clash(
        session,
        household_id,
        member.person_id,
        Period(member.joined_on, member.left_on),
        field=prefix + "person_id",
    )
    row = HouseholdMember(
        tenant_id=actor.tenant_id,
        household_id=household_id,
        person_id=member.person_id,
        role=member.role,
        joined_on=member.joined_on,
        left_on=member.left_on,
    )
    session.add(row)
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:member:add",
        entity_type="household_member",
        entity_id=row.id,
        after=_membership_snapshot(row),
    )
    return row


async def create_household(
    session: AsyncSession,
    actor: Actor,
    *,
    label: str,
    note: str | None = None,
    members: Sequence[NewMember] = (),
    today: dt.date,
) -> Household:
    """A new household, with its first members if given (each checked like `add_member`; a member's
    field messages are named `members[<i>].<field>`). All or nothing."""
    actor.require(Permission.PERSON_EDIT)
    errors, clean_label, clean_note = household_errors(label, note)
    if errors:
        raise InvalidInput(errors)
    # A savepoint: a member refused after the household row was written takes the row with it, even when
    # the caller catches the refusal and carries on in the same transaction (a page showing the form
    # again, an import reporting the row).
    async with session.begin_nested():
        household = Household(tenant_id=actor.tenant_id, label=clean_label, note=clean_note)
        session.add(household)
        await session.flush()
        record_change(
            session,
            actor_user_id=actor.user_id,
            action="people:household:create",
            entity_type="household",
            entity_id=household.id,
            after={"label": clean_label, "note": clean_note},
        )
        # Locks in id order across the whole batch: a concurrent act on the same persons cannot deadlock.
        await lock_persons(session, [m.person_id for m in members if m.person_id])
        for i, member in enumerate(members):
            await _insert_member(session, actor, household.id, member, today=today, prefix=f"members[{i}].")
    return household


async def _household(session: AsyncSession, household_id: uuid.UUID) -> Household:
    household = await session.scalar(select(Household).where(Household.id == household_id))
    if household is None:
        raise NotFound(NO_HOUSEHOLD)
    return household


async def edit_household(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    *,
    label: str,
    note: str | None,
    version: int,
) -> Household:
    """Renames the household or changes its note. `version` is the one the form was shown with: a
    household changed meanwhile is a conflict, not silently overwritten."""
    actor.require(Permission.PERSON_EDIT)
    household = await _household(session, household_id)
    errors, clean_label, clean_note = household_errors(label, note)
    if errors:
        raise InvalidInput(errors)
    before = {"label": household.label, "note": household.note}
    result = await session.execute(
        update(Household)
        .where(Household.id == household_id, Household.version == version)
        .values(label=clean_label, note=clean_note, version=Household.version + 1)
        .returning(Household.version)
        .execution_options(synchronize_session=False)
    )
    if result.scalar_one_or_none() is None:
        raise Conflict(STALE)
    await session.refresh(household)
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:household:edit",
        entity_type="household",
        entity_id=household_id,
        before=before,
        after={"label": clean_label, "note": clean_note},
    )
    return household


async def add_member(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    *,
    person_id: uuid.UUID | None,
    role: str,
    joined_on: dt.date | None,
    left_on: dt.date | None = None,
    today: dt.date,
) -> HouseholdMember:
    """Adds the person to the household for the period. Refused (InvalidInput, nothing written): an
    unknown role or person, an implausible period, a period overlapping the person's membership of this
    household ("already a member") or of another one (MemberOfAnotherHousehold)."""
    actor.require(Permission.PERSON_EDIT)
    await _household(session, household_id)
    return await _insert_member(
        session, actor, household_id, NewMember(person_id, role, joined_on, left_on), today=today
    )


async def _membership(
    session: AsyncSession, household_id: uuid.UUID, member_id: uuid.UUID
) -> HouseholdMember:
    member = await session.scalar(select(HouseholdMember).where(HouseholdMember.id == member_id))
    if member is None or member.household_id != household_id:
        raise NotFound(NO_MEMBERSHIP)
    return member


async def _change_period(
    session: AsyncSession,
    actor: Actor,
    member: HouseholdMember,
    *,
    role: str,
    joined_on: dt.date | None,
    left_on: dt.date | None,
    today: dt.date,
    action: str,
) -> HouseholdMember:
    person = (await lock_persons(session, [member.person_id]))[member.person_id]
    await session.refresh(member)  # as it is now that the person is locked
    errors = _merge(
        role_errors(role),
        period_errors(joined_on, left_on, today=today, birth_date=person.birth_date, died_on=person.died_on),
    )
    if errors:
        raise InvalidInput(errors)
    assert joined_on is not None
    await _check_clash(
        session,
        member.household_id,
        member.person_id,
        Period(joined_on, left_on),
        field="joined_on",
        ignore=member.id,
    )
    before = _membership_snapshot(member)
    member.role, member.joined_on, member.left_on = role, joined_on, left_on
    await session.flush()
    record_change(
        session,
        actor_user_id=actor.user_id,
        action=action,
        entity_type="household_member",
        entity_id=member.id,
        before=before,
        after=_membership_snapshot(member),
    )
    return member


async def end_membership(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    member_id: uuid.UUID,
    *,
    left_on: dt.date | None,
    today: dt.date,
) -> HouseholdMember:
    """The member leaves the household: `left_on` is their last day in it."""
    actor.require(Permission.PERSON_EDIT)
    member = await _membership(session, household_id, member_id)
    if left_on is None:
        raise InvalidInput({"left_on": [N_("Enter the last day the person lived in the household.")]})
    return await _change_period(
        session,
        actor,
        member,
        role=member.role,
        joined_on=member.joined_on,
        left_on=left_on,
        today=today,
        action="people:member:leave",
    )


async def correct_membership(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    member_id: uuid.UUID,
    *,
    role: str,
    joined_on: dt.date | None,
    left_on: dt.date | None,
    today: dt.date,
) -> HouseholdMember:
    """Corrects a membership's role and period (a wrong date entered, a move recorded late); the new
    period must not overlap the person's other memberships."""
    actor.require(Permission.PERSON_EDIT)
    member = await _membership(session, household_id, member_id)
    return await _change_period(
        session,
        actor,
        member,
        role=role,
        joined_on=joined_on,
        left_on=left_on,
        today=today,
        action="people:member:edit",
    )
