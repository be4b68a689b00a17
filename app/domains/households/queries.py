"""Reads about households for screens, the API and the means test: who lived with whom on a date.

Members are shown with their names, codes and birth dates, read in the same statement as the
memberships (a join on the persons table, by key) rather than one call per member."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.households.models import Household, HouseholdMember, Relationship
from app.domains.households.rules import MEMBER_ROLES, Period, age_on
from app.domains.people.models import Person

# A household has a handful of members and a person a handful of memberships and relatives; these caps
# only bound a screen against bad data (they are far above any real family).
MAX_MEMBERS = 200
MAX_RELATIONSHIPS = 200
_ROLE_ORDER = {role: i for i, role in enumerate(MEMBER_ROLES)}


def display_code(code: str | None) -> str | None:
    return f"{code[:6]}-{code[6:]}" if code else None


@dataclass(frozen=True)
class Member:
    """A membership with the member's particulars; `age` is on the date the member list is for."""

    id: uuid.UUID
    person_id: uuid.UUID
    first_name: str
    last_name: str
    personal_code: str | None  # display form
    birth_date: dt.date | None
    died_on: dt.date | None
    role: str
    joined_on: dt.date
    left_on: dt.date | None
    age: int | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def period(self) -> Period:
        return Period(self.joined_on, self.left_on)

    def state_on(self, day: dt.date) -> str:
        """current, past or future, as seen on `day`."""
        if self.period.contains(day):
            return "current"
        return "past" if self.left_on is not None and self.left_on < day else "future"


@dataclass(frozen=True)
class Link:
    """One relationship as seen from `person_id`: `related` is the person's `kind`."""

    id: uuid.UUID
    person_id: uuid.UUID
    related_person_id: uuid.UUID
    kind: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    related_name: str
    related_code: str | None
    related_birth_date: dt.date | None


@dataclass(frozen=True)
class HouseholdCard:
    """The household page: the household, the members on `on` (or all memberships with `include_past`),
    and the relationships among the members shown."""

    id: uuid.UUID
    label: str
    note: str | None
    version: int
    on: dt.date
    include_past: bool
    members: tuple[Member, ...]
    current_count: int  # members on `on`
    relationships: tuple[Link, ...]

    def names(self) -> dict[uuid.UUID, str]:
        return {m.person_id: m.name for m in self.members}


@dataclass(frozen=True)
class HouseholdOnDate:
    """A person's household as it was on `on`: used by the person tab, the API and the means test."""

    id: uuid.UUID
    label: str
    on: dt.date
    members: tuple[Member, ...]


@dataclass(frozen=True)
class MembershipRecord:
    """One of a person's memberships, for their history."""

    id: uuid.UUID
    household_id: uuid.UUID
    household_label: str
    role: str
    joined_on: dt.date
    left_on: dt.date | None


def _member_columns() -> tuple[object, ...]:
    return (
        HouseholdMember.id,
        HouseholdMember.person_id,
        HouseholdMember.role,
        HouseholdMember.joined_on,
        HouseholdMember.left_on,
        Person.first_name,
        Person.last_name,
        Person.personal_code,
        Person.birth_date,
        Person.died_on,
    )


def _member(row: Any, on: dt.date) -> Member:
    return Member(
        id=row.id,
        person_id=row.person_id,
        first_name=row.first_name,
        last_name=row.last_name,
        personal_code=display_code(row.personal_code),
        birth_date=row.birth_date,
        died_on=row.died_on,
        role=row.role,
        joined_on=row.joined_on,
        left_on=row.left_on,
        age=age_on(row.birth_date, on),
    )


def _on(day: dt.date) -> ColumnElement[bool]:
    return and_(
        HouseholdMember.joined_on <= day,
        or_(HouseholdMember.left_on.is_(None), HouseholdMember.left_on >= day),
    )


def _sorted(members: Sequence[Member], on: dt.date) -> tuple[Member, ...]:
    """Current members first, by role (head first) and age; then the others, latest first."""
    state = {"current": 0, "future": 1, "past": 2}
    return tuple(
        sorted(
            members,
            key=lambda m: (
                state[m.state_on(on)],
                _ROLE_ORDER.get(m.role, 99),
                m.birth_date or dt.date.max,
                -m.joined_on.toordinal(),
                m.last_name,
                m.first_name,
            ),
        )
    )


async def household_card(
    session: AsyncSession, household_id: uuid.UUID, *, on: dt.date, include_past: bool = False
) -> HouseholdCard | None:
    """Three statements: the household, its memberships with the persons, their relationships."""
    household = (
        await session.execute(
            select(Household.id, Household.label, Household.note, Household.version).where(
                Household.id == household_id
            )
        )
    ).one_or_none()
    if household is None:
        return None
    rows = await session.execute(
        select(*_member_columns())  # type: ignore[call-overload]
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(HouseholdMember.household_id == household_id)
        .order_by(HouseholdMember.joined_on.desc(), HouseholdMember.id)
        .limit(MAX_MEMBERS)
    )
    everyone = [_member(r, on) for r in rows]
    current = [m for m in everyone if m.state_on(on) == "current"]
    shown = _sorted(everyone if include_past else current, on)
    relationships = await _links_among(session, {m.person_id for m in shown})
    return HouseholdCard(
        id=household.id,
        label=household.label,
        note=household.note,
        version=household.version,
        on=on,
        include_past=include_past,
        members=shown,
        current_count=len(current),
        relationships=relationships,
    )


async def _links_among(session: AsyncSession, person_ids: set[uuid.UUID]) -> tuple[Link, ...]:
    """Each relationship between two of the persons once (from the elder's side, so a parent reads
    "parent of"): both directions are stored, one is enough to show."""
    if len(person_ids) < 2:
        return ()
    rows = await session.execute(
        select(
            Relationship.id,
            Relationship.person_id,
            Relationship.related_person_id,
            Relationship.kind,
            Relationship.valid_from,
            Relationship.valid_to,
            Person.first_name,
            Person.last_name,
            Person.personal_code,
            Person.birth_date,
        )
        .join(Person, Person.id == Relationship.related_person_id)
        .where(Relationship.person_id.in_(person_ids), Relationship.related_person_id.in_(person_ids))
        .order_by(Relationship.person_id, Relationship.id)
        .limit(MAX_RELATIONSHIPS)
    )
    links = [_link(r) for r in rows]
    seen: set[frozenset[object]] = set()
    shown: list[Link] = []
    # "child" rows read "X's child is Y"; prefer the side that reads "Y is X's parent" (kind parent,
    # guardian) and otherwise the first of the pair.
    preferred = {"child": 1, "ward": 1}
    for link in sorted(links, key=lambda lk: preferred.get(lk.kind, 0)):
        key = frozenset({link.person_id, link.related_person_id, _pair_kind(link.kind)})
        if key in seen:
            continue
        seen.add(key)
        shown.append(link)
    return tuple(shown)


def _pair_kind(kind: str) -> str:
    return {"child": "parent", "ward": "guardian"}.get(kind, kind)


def _link(row: Any) -> Link:
    return Link(
        id=row.id,
        person_id=row.person_id,
        related_person_id=row.related_person_id,
        kind=row.kind,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        related_name=f"{row.first_name} {row.last_name}",
        related_code=display_code(row.personal_code),
        related_birth_date=row.birth_date,
    )


async def household_on(session: AsyncSession, person_id: uuid.UUID, on: dt.date) -> HouseholdOnDate | None:
    """The household the person belonged to on `on`, with everyone who belonged to it that day (name,
    code, role, birth date, age on that day), or None when the person was in no household then. Two
    statements. The means test (trūcīgas mājsaimniecības izvērtēšana) reads the household through this."""
    found = (
        await session.execute(
            select(Household.id, Household.label)
            .join(HouseholdMember, HouseholdMember.household_id == Household.id)
            .where(HouseholdMember.person_id == person_id, _on(on))
            .order_by(HouseholdMember.joined_on.desc())
            .limit(1)
        )
    ).one_or_none()
    if found is None:
        return None
    rows = await session.execute(
        select(*_member_columns())  # type: ignore[call-overload]
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(HouseholdMember.household_id == found.id, _on(on))
        .limit(MAX_MEMBERS)
    )
    members = _sorted([_member(r, on) for r in rows], on)
    return HouseholdOnDate(id=found.id, label=found.label, on=on, members=members)


async def membership_history(session: AsyncSession, person_id: uuid.UUID) -> tuple[MembershipRecord, ...]:
    """All of a person's memberships, latest first."""
    rows = await session.execute(
        select(
            HouseholdMember.id,
            HouseholdMember.household_id,
            Household.label,
            HouseholdMember.role,
            HouseholdMember.joined_on,
            HouseholdMember.left_on,
        )
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(HouseholdMember.person_id == person_id)
        .order_by(HouseholdMember.joined_on.desc(), HouseholdMember.id)
        .limit(MAX_MEMBERS)
    )
    return tuple(
        MembershipRecord(
            id=r.id,
            household_id=r.household_id,
            household_label=r.label,
            role=r.role,
            joined_on=r.joined_on,
            left_on=r.left_on,
        )
        for r in rows
    )


async def relationships_of(session: AsyncSession, person_id: uuid.UUID) -> tuple[Link, ...]:
    """The person's relationships, each as "<related> is the person's <kind>", by kind then name."""
    rows = await session.execute(
        select(
            Relationship.id,
            Relationship.person_id,
            Relationship.related_person_id,
            Relationship.kind,
            Relationship.valid_from,
            Relationship.valid_to,
            Person.first_name,
            Person.last_name,
            Person.personal_code,
            Person.birth_date,
        )
        .join(Person, Person.id == Relationship.related_person_id)
        .where(Relationship.person_id == person_id)
        .order_by(Relationship.kind, Person.last_name, Person.first_name, Relationship.id)
        .limit(MAX_RELATIONSHIPS)
    )
    return tuple(_link(r) for r in rows)


@dataclass(frozen=True)
class PersonHousehold:
    """The person page's household tab."""

    on: dt.date
    household: HouseholdOnDate | None
    history: tuple[MembershipRecord, ...]
    relationships: tuple[Link, ...]

    def shown_person_ids(self) -> set[uuid.UUID]:
        ids = {r.related_person_id for r in self.relationships}
        if self.household:
            ids |= {m.person_id for m in self.household.members}
        return ids


async def person_household(session: AsyncSession, person_id: uuid.UUID, on: dt.date) -> PersonHousehold:
    """Four statements: the household on `on` (two), the membership history, the relationships."""
    return PersonHousehold(
        on=on,
        household=await household_on(session, person_id, on),
        history=await membership_history(session, person_id),
        relationships=await relationships_of(session, person_id),
    )
