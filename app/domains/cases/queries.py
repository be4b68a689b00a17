"""Reads of the case file for screens and the API. Every read of cases filters with
`access.visible_to(actor)`, so a sensitive case someone may not see is absent from every list, count and
timeline here; statement counts are pinned in tests/web/test_cases_pages.py.

Household labels and current members are read here with two tiny statements of our own (the households
domain's queries answer for one household at a time, with more than a list needs)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, any_, false, func, or_, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import Membership, User
from app.auth.principal import Actor
from app.domains.cases.access import visible_to
from app.domains.cases.models import Case, CaseAssignment, CaseEntry
from app.domains.households.models import Household, HouseholdMember
from app.domains.people.queries import person_names
from app.i18n import latvian_sort_key
from app.pagination import DayPosition, Page, encode_day_cursor, encode_id_cursor, older_than, page_of
from app.permissions import ROLE_PERMISSIONS, Permission

MAX_LIMIT = 100
MAX_ASSIGNED = 100  # far above any real case; bounds a screen against bad data
# Who may be responsible for a case or be named as the worker of an activity: staff who do case work.
CASEWORK_ROLES = sorted(
    r.value for r, granted in ROLE_PERMISSIONS.items() if Permission.CASE_NOTE_ADD in granted
)
# Who may be assigned to a case: staff whose roles let them see cases at all.
CASE_VIEW_ROLES = sorted(
    r.value for r, granted in ROLE_PERMISSIONS.items() if Permission.CASE_VIEW in granted
)


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


# --- staff ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffChoice:
    id: uuid.UUID
    full_name: str
    roles: tuple[str, ...] = ()

    @property
    def does_casework(self) -> bool:
        return not set(self.roles).isdisjoint(CASEWORK_ROLES)


async def staff_choices(
    session: AsyncSession, tenant_id: uuid.UUID, roles: Collection[str] = CASEWORK_ROLES
) -> tuple[StaffChoice, ...]:
    """Active staff of this municipality holding one of `roles`, in Latvian alphabetical order."""
    rows = await session.execute(
        select(User.id, User.full_name, Membership.roles)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant_id, Membership.roles.overlap(list(roles)), User.is_active)
    )
    choices = (StaffChoice(r.id, r.full_name, tuple(r.roles)) for r in rows)
    return tuple(sorted(choices, key=lambda s: latvian_sort_key(s.full_name)))


async def is_staff(
    session: AsyncSession, tenant_id: uuid.UUID, user_id: uuid.UUID, roles: Collection[str] = CASEWORK_ROLES
) -> bool:
    found = await session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.tenant_id == tenant_id,
            Membership.user_id == user_id,
            Membership.roles.overlap(list(roles)),
            User.is_active,
        )
    )
    return found is not None


async def user_names(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of staff accounts by id (the ids come from this municipality's own rows)."""
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.full_name).where(User.id.in_(set(ids))))
    return {r.id: r.full_name for r in rows}


# --- clients ----------------------------------------------------------------------------------------------


async def household_labels(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await session.execute(select(Household.id, Household.label).where(Household.id.in_(set(ids))))
    return {r.id: r.label for r in rows}


async def households_of(session: AsyncSession, person_id: uuid.UUID, on: dt.date) -> list[uuid.UUID]:
    """The households the person is a member of on `on` (one, unless the data is wrong)."""
    rows = await session.scalars(
        select(HouseholdMember.household_id).where(
            HouseholdMember.person_id == person_id,
            HouseholdMember.joined_on <= on,
            or_(HouseholdMember.left_on.is_(None), HouseholdMember.left_on >= on),
        )
    )
    return list(set(rows))


@dataclass(frozen=True)
class Client:
    kind: str  # person | household
    id: uuid.UUID
    name: str  # "" when the record is unreadable

    @property
    def href(self) -> str:
        return f"/persons/{self.id}" if self.kind == "person" else f"/households/{self.id}"


async def clients_of(
    session: AsyncSession, pairs: Collection[tuple[uuid.UUID | None, uuid.UUID | None]]
) -> dict[tuple[uuid.UUID | None, uuid.UUID | None], Client]:
    """(person_id, household_id) → Client, in at most two statements whatever the number of pairs."""
    persons = await person_names(session, {p for p, _ in pairs if p})
    households = await household_labels(session, {h for _, h in pairs if h})
    found: dict[tuple[uuid.UUID | None, uuid.UUID | None], Client] = {}
    for person_id, household_id in pairs:
        if person_id:
            found[(person_id, household_id)] = Client("person", person_id, persons.get(person_id, ""))
        elif household_id:
            found[(person_id, household_id)] = Client(
                "household", household_id, households.get(household_id, "")
            )
    return found


# --- one case ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseCard:
    """The case page's header: the case, its client, the responsible and the assigned staff."""

    id: uuid.UUID
    number: str
    title: str
    case_types: tuple[str, ...]
    sensitive: bool
    opened_on: dt.date
    closed_on: dt.date | None
    close_reason: str | None
    version: int
    client: Client
    responsible_user_id: uuid.UUID | None
    responsible_name: str | None
    assigned: tuple[StaffChoice, ...]  # other than the responsible worker

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def involves(self, user_id: uuid.UUID) -> bool:
        return user_id == self.responsible_user_id or any(s.id == user_id for s in self.assigned)


async def case_card(session: AsyncSession, case: Case) -> CaseCard:
    """Two statements: the staff (the responsible worker and the assigned, with names) and the client's
    name (a person's or a household's)."""
    # Two index lookups in one statement: the assigned (by case) and the responsible worker (by id).
    assigned_rows = (
        select(User.id, User.full_name, true().label("assigned"))
        .join(CaseAssignment, CaseAssignment.user_id == User.id)
        .where(CaseAssignment.tenant_id == case.tenant_id, CaseAssignment.case_id == case.id)
        .limit(MAX_ASSIGNED)
    )
    responsible_row = select(User.id, User.full_name, false().label("assigned")).where(
        User.id == case.responsible_user_id
    )
    rows = await session.execute(union_all(assigned_rows, responsible_row))
    names: dict[uuid.UUID, str] = {}
    assigned: list[StaffChoice] = []
    for r in rows:
        names[r.id] = r.full_name
        if r.assigned:
            assigned.append(StaffChoice(r.id, r.full_name))
    client = (await clients_of(session, [(case.person_id, case.household_id)]))[
        (case.person_id, case.household_id)
    ]
    return CaseCard(
        id=case.id,
        number=case.number,
        title=case.title,
        case_types=tuple(case.case_types),
        sensitive=case.sensitive,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        close_reason=case.close_reason,
        version=case.version,
        client=client,
        responsible_user_id=case.responsible_user_id,
        responsible_name=names.get(case.responsible_user_id) if case.responsible_user_id else None,
        assigned=tuple(
            sorted(
                (s for s in assigned if s.id != case.responsible_user_id),
                key=lambda s: latvian_sort_key(s.full_name),
            )
        ),
    )


# --- lists of cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    id: uuid.UUID
    number: str
    title: str
    case_types: tuple[str, ...]
    sensitive: bool
    opened_on: dt.date
    closed_on: dt.date | None
    responsible_name: str | None
    last_activity: dt.date | None
    client: Client


def _mine(actor: Actor) -> ColumnElement[bool]:
    assigned = (
        select(CaseAssignment.case_id)
        .where(CaseAssignment.tenant_id == actor.tenant_id, CaseAssignment.user_id == actor.user_id)
        .scalar_subquery()
    )
    return or_(Case.responsible_user_id == actor.user_id, Case.id.in_(assigned))


def _last_activity() -> ColumnElement[dt.date]:
    # The newest entry's date: one index lookup per case on (tenant_id, case_id, occurred_on, id).
    return (
        select(func.max(CaseEntry.occurred_on))
        .where(CaseEntry.tenant_id == Case.tenant_id, CaseEntry.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )


def _case_select() -> Select[*tuple[Any, ...]]:
    return select(
        Case.id,
        Case.number,
        Case.title,
        Case.case_types,
        Case.sensitive,
        Case.opened_on,
        Case.closed_on,
        Case.person_id,
        Case.household_id,
        User.full_name.label("responsible_name"),
        _last_activity().label("last_activity"),
    ).outerjoin(User, User.id == Case.responsible_user_id)


async def _rows(session: AsyncSession, stmt: Select[*tuple[Any, ...]]) -> list[CaseRow]:
    rows = list(await session.execute(stmt))
    clients = await clients_of(session, {(r.person_id, r.household_id) for r in rows})
    return [
        CaseRow(
            id=r.id,
            number=r.number,
            title=r.title,
            case_types=tuple(r.case_types),
            sensitive=r.sensitive,
            opened_on=r.opened_on,
            closed_on=r.closed_on,
            responsible_name=r.responsible_name,
            last_activity=r.last_activity,
            client=clients[(r.person_id, r.household_id)],
        )
        for r in rows
    ]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def others_visible(session: AsyncSession, actor: Actor) -> bool:
    """Whether the actor may see any case that is not theirs (for the hint on an empty "my cases")."""
    stmt = select(Case.id).where(visible_to(actor), ~_mine(actor)).limit(1)
    return (await session.execute(stmt)).first() is not None


async def case_list_page(
    session: AsyncSession,
    actor: Actor,
    *,
    mine: bool,
    status: str | None = None,
    case_type: str | None = None,
    text: str | None = None,
    after: uuid.UUID | None = None,
    limit: int = 25,
) -> Page[CaseRow]:
    """The cases list, newest first: the actor's own (responsible or assigned) or all they may see,
    filtered by status (open/closed), type and text (the number's beginning or words of the title).
    At most three statements: the page, the persons' names, the households' labels."""
    limit = _limit(limit)
    stmt = _case_select().where(visible_to(actor)).order_by(Case.id.desc()).limit(limit + 1)
    if mine:
        stmt = stmt.where(_mine(actor))
    if status == "open":
        stmt = stmt.where(Case.closed_on.is_(None))
    elif status == "closed":
        stmt = stmt.where(Case.closed_on.is_not(None))
    if case_type:
        stmt = stmt.where(any_(Case.case_types) == case_type)
    if text:
        pattern = _escape_like(text)
        stmt = stmt.where(
            or_(
                Case.number.ilike(pattern + "%", escape="\\"),
                Case.title.ilike("%" + pattern + "%", escape="\\"),
            )
        )
    if after is not None:
        stmt = stmt.where(Case.id < after)
    return page_of(await _rows(session, stmt), limit, lambda r: encode_id_cursor(r.id))


async def person_cases_page(
    session: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    *,
    on: dt.date,
    after: DayPosition | None = None,
    limit: int = 25,
) -> Page[CaseRow]:
    """The person tab: the person's own cases and those of the household they live in on `on`, that the
    actor may see, by newest activity (the latest entry, or the opening day)."""
    limit = _limit(limit)
    households = await households_of(session, person_id, on)
    client = Case.person_id == person_id
    if households:
        client = or_(client, Case.household_id.in_(households))
    inner = _case_select().where(client, visible_to(actor)).subquery()
    activity = func.coalesce(inner.c.last_activity, inner.c.opened_on)
    stmt = select(inner).order_by(activity.desc(), inner.c.id.desc()).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(older_than(after, activity, inner.c.id))
    rows = await _rows(session, stmt)
    return page_of(rows, limit, lambda r: encode_day_cursor(r.last_activity or r.opened_on, r.id))


async def case_by_number(session: AsyncSession, actor: Actor, number: str) -> uuid.UUID | None:
    """The visible case with exactly this number (the register links cases by number)."""
    return await session.scalar(select(Case.id).where(Case.number == number, visible_to(actor)))
