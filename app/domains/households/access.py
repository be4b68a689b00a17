"""Opening household data for a screen or the API: the permission, the read, and the access log entry of
every person whose particulars are shown (a member's code and birth date are their data too)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_access
from app.auth.principal import Actor
from app.domains.households.queries import (
    HouseholdCard,
    HouseholdOnDate,
    PersonHousehold,
    household_card,
    household_on,
    person_household,
)
from app.domains.households.service import NO_HOUSEHOLD, NO_PERSON
from app.domains.people.models import Person
from app.errors import NotFound
from app.permissions import Permission


def _log_views(session: AsyncSession, actor: Actor, person_ids: Iterable[uuid.UUID], purpose: str) -> None:
    """Showing a member's code and birth date is a view of their data: the access log says so."""
    for pid in sorted(set(person_ids)):
        record_access(session, user_id=actor.user_id, person_id=pid, purpose=purpose, context="household")


async def open_household(
    session: AsyncSession,
    actor: Actor,
    household_id: uuid.UUID,
    *,
    on: dt.date,
    include_past: bool = False,
    purpose: str = "case_work",
) -> HouseholdCard:
    """The household page: permission, the card, and the access log entry of every member shown."""
    actor.require(Permission.PERSON_VIEW)
    card = await household_card(session, household_id, on=on, include_past=include_past)
    if card is None:
        raise NotFound(NO_HOUSEHOLD)
    _log_views(session, actor, (m.person_id for m in card.members), purpose)
    return card


async def open_household_on(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, on: dt.date, *, purpose: str = "case_work"
) -> HouseholdOnDate | None:
    """A person's household on a date (the API, the means test): permission and access log, like
    `open_household`. The person must exist (NotFound otherwise); None when they were in no household."""
    actor.require(Permission.PERSON_VIEW)
    exists = await session.scalar(select(Person.id).where(Person.id == person_id))
    if exists is None:
        raise NotFound(NO_PERSON)
    found = await household_on(session, person_id, on)
    _log_views(
        session, actor, [person_id, *(m.person_id for m in found.members)] if found else [person_id], purpose
    )
    return found


async def open_person_household(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, on: dt.date, *, purpose: str = "case_work"
) -> PersonHousehold:
    """The person page's household tab, after `open_person` (which logs the view of the person): the
    household on `on`, the membership history and the relationships, with the views of the others shown
    (members, relatives) in the access log."""
    actor.require(Permission.PERSON_VIEW)
    data = await person_household(session, person_id, on)
    _log_views(session, actor, data.shown_person_ids() - {person_id}, purpose)
    return data
