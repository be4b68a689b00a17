"""Acts on a person's addresses and their disability and pension periods: adding one from a day and
ending the current one. The rules (overlaps, hand-over of the declared address) are in periods.py.

Like every act on a person, each locks the person's row first (service.locked_person), checks the
permission, validates before it writes and records its change in the same transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_change
from app.auth.principal import Actor
from app.domains.people.models import PersonAddress, PersonFlag
from app.domains.people.rules import (
    FLAG_KINDS,
    Period,
    first_overlap,
    hand_over,
    validate_address,
    validate_end,
    validate_flag,
)
from app.domains.people.service import insert_address, locked_person
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from app.ids import uuid7
from app.permissions import Permission

ADDRESS_OVERLAP = N_(
    "The period overlaps another address of the same kind that cannot be ended automatically: see the "
    "history, and end or correct that one first."
)
FLAG_OVERLAP = N_("The period overlaps another period of the same kind: end that one first.")


async def _periods(
    session: AsyncSession, model: type[PersonAddress] | type[PersonFlag], person_id: uuid.UUID, kind: str
) -> list[Any]:
    return list(
        (
            await session.scalars(
                select(model)
                .where(model.person_id == person_id, model.kind == kind)
                .order_by(model.valid_from)
            )
        ).all()
    )


def _as_period(row: PersonAddress | PersonFlag) -> Period:
    return Period(row.id, row.valid_from, row.valid_to)


async def _end_period(
    session: AsyncSession,
    actor: Actor,
    row: PersonAddress | PersonFlag,
    valid_to: Any,
    today: dt.date,
    *,
    action: str,
    entity_type: str,
) -> None:
    """Ends a current address or period on the day `valid_to` (validated against the others of its kind)
    and writes the change log entry `action`."""
    others = await _periods(session, type(row), row.person_id, row.kind)
    end, errors = validate_end(_as_period(row), valid_to, today, others=[_as_period(o) for o in others])
    if errors or end is None:
        raise InvalidInput(errors)
    row.valid_to = end
    record_change(
        session,
        actor_user_id=actor.user_id,
        action=action,
        entity_type=entity_type,
        entity_id=row.id,
        before={"valid_to": None},
        after={"valid_to": end},
    )
    await session.flush()


# --- addresses ------------------------------------------------------------------------------------------


async def add_address(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, data: Mapping[str, Any], *, today: dt.date
) -> PersonAddress:
    """Adds a declared or actual address from a day. The current address of that kind ends the day before
    (a new declaration replaces the previous one); any other overlap is refused with nothing changed."""
    actor.require(Permission.PERSON_EDIT)
    await locked_person(session, person_id)
    cleaned, errors = validate_address(data, today)
    if errors or cleaned is None:
        raise InvalidInput(errors)
    existing = await _periods(session, PersonAddress, person_id, cleaned.kind)
    plan = hand_over([_as_period(a) for a in existing], cleaned.valid_from, cleaned.valid_to)
    if plan.conflict is not None:
        raise InvalidInput({"valid_from": [ADDRESS_OVERLAP]})
    if plan.ends is not None:
        ended = next(a for a in existing if a.id == plan.ends.id)
        ended.valid_to = plan.ends_on
        record_change(
            session,
            actor_user_id=actor.user_id,
            action="people:address:end",
            entity_type="person_address",
            entity_id=ended.id,
            before={"valid_to": None},
            after={"valid_to": plan.ends_on},
        )
    address = insert_address(session, actor, person_id, cleaned)
    await session.flush()
    return address


async def end_address(
    session: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    address_id: uuid.UUID,
    valid_to: Any,
    *,
    today: dt.date,
) -> PersonAddress:
    """Ends a current address on a day (the person moved away, the declaration was annulled)."""
    actor.require(Permission.PERSON_EDIT)
    await locked_person(session, person_id)
    address = await session.scalar(
        select(PersonAddress).where(PersonAddress.id == address_id, PersonAddress.person_id == person_id)
    )
    if address is None:
        raise NotFound(N_("No such address."))
    await _end_period(
        session, actor, address, valid_to, today, action="people:address:end", entity_type="person_address"
    )
    return address


# --- disability and pension periods ----------------------------------------------------------------------


async def add_flag(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, data: Mapping[str, Any], *, today: dt.date
) -> PersonFlag:
    """Adds a disability (group) or pensioner (pension type) period; periods of one kind never overlap."""
    actor.require(Permission.PERSON_EDIT)
    await locked_person(session, person_id)
    cleaned, errors = validate_flag(data, today)
    if errors or cleaned is None:
        raise InvalidInput(errors)
    existing = await _periods(session, PersonFlag, person_id, cleaned.kind)
    if first_overlap([_as_period(f) for f in existing], cleaned.valid_from, cleaned.valid_to):
        raise InvalidInput({"valid_from": [FLAG_OVERLAP]})
    flag = PersonFlag(
        id=uuid7(),
        tenant_id=actor.tenant_id,
        person_id=person_id,
        kind=cleaned.kind,
        detail=cleaned.detail,
        valid_from=cleaned.valid_from,
        valid_to=cleaned.valid_to,
    )
    session.add(flag)
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:flag:add",
        entity_type="person_flag",
        entity_id=flag.id,
        after={
            "person_id": person_id,
            "kind": cleaned.kind,
            "detail": cleaned.detail,
            "valid_from": cleaned.valid_from,
            "valid_to": cleaned.valid_to,
        },
    )
    await session.flush()
    return flag


async def end_flag(
    session: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    flag_id: uuid.UUID,
    valid_to: Any,
    *,
    today: dt.date,
) -> PersonFlag:
    actor.require(Permission.PERSON_EDIT)
    await locked_person(session, person_id)
    flag = await session.scalar(
        select(PersonFlag).where(PersonFlag.id == flag_id, PersonFlag.person_id == person_id)
    )
    if flag is None or flag.kind not in FLAG_KINDS:
        raise NotFound(N_("No such period."))
    await _end_period(
        session, actor, flag, valid_to, today, action="people:flag:end", entity_type="person_flag"
    )
    return flag
