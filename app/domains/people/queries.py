"""Reads about persons for screens: the person card, the page header, the access history ("who viewed");
the search of the client list is in search.py. Each read is a fixed number of statements, pinned in
tests/integration/test_people_service.py."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AccessLog
from app.auth.models import Membership, User
from app.domains.people.models import FormerPersonalCode, Person, PersonAddress, PersonFlag
from app.domains.people.rules import display_code
from app.pagination import Page, Position, encode_cursor, older_than, page_of
from app.tenants.models import Tenant

MAX_LIMIT = 100


def tenant_of(session: AsyncSession) -> uuid.UUID:
    # Named explicitly as well as enforced by RLS: it is the leading index column, and Citus routes by it.
    tenant = session.info.get("tenant_id")
    if tenant is None:
        raise RuntimeError("person reads need a tenant-bound session")
    return tenant


async def person_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def person_names(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Display names ("first last") by id, in one statement (none for no ids); ids that are not found, or
    not this tenant's, are left out."""
    if not ids:
        return {}
    rows = await session.execute(
        select(Person.id, Person.first_name, Person.last_name).where(Person.id.in_(list(ids)))
    )
    return {r.id: f"{r.first_name} {r.last_name}" for r in rows}


@dataclass(frozen=True)
class PersonHeader:
    """What every tab of the person page shows at the top."""

    id: uuid.UUID
    first_name: str
    last_name: str
    personal_code: str | None  # display form "DDMMYY-NNNNN"
    other_id_kind: str | None
    other_id: str | None
    birth_date: dt.date | None
    sex: str | None
    died_on: dt.date | None
    version: int

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


async def person_header(session: AsyncSession, person_id: uuid.UUID) -> PersonHeader | None:
    row = (
        await session.execute(
            select(
                Person.id,
                Person.first_name,
                Person.last_name,
                Person.personal_code,
                Person.other_id_kind,
                Person.other_id,
                Person.birth_date,
                Person.sex,
                Person.died_on,
                Person.version,
            ).where(Person.id == person_id)
        )
    ).one_or_none()
    if row is None:
        return None
    return PersonHeader(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        personal_code=display_code(row.personal_code),
        other_id_kind=row.other_id_kind,
        other_id=row.other_id,
        birth_date=row.birth_date,
        sex=row.sex,
        died_on=row.died_on,
        version=row.version,
    )


async def person_id_by_code(session: AsyncSession, code: str) -> uuid.UUID | None:
    """The person with this normalised personal code (current or former), or None. One statement."""
    current = select(Person.id.label("id")).where(Person.personal_code == code)
    former = select(FormerPersonalCode.person_id.label("id")).where(FormerPersonalCode.code == code)
    return await session.scalar(select(union(current, former).subquery().c.id).limit(1))


async def person_id_by_other_id(session: AsyncSession, kind: str, other_id: str) -> uuid.UUID | None:
    return await session.scalar(
        select(Person.id).where(Person.other_id_kind == kind, Person.other_id == other_id)
    )


# --- the person card (overview tab) ---------------------------------------------------------------------


@dataclass(frozen=True)
class AddressRow:
    id: uuid.UUID
    kind: str
    line: str
    locality: str | None
    postal_code: str | None
    atvk: str | None
    valid_from: dt.date
    valid_to: dt.date | None

    @property
    def text(self) -> str:
        return ", ".join(p for p in (self.line, self.locality, self.postal_code) if p)

    def current_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


@dataclass(frozen=True)
class FlagRow:
    id: uuid.UUID
    kind: str
    detail: str | None
    valid_from: dt.date
    valid_to: dt.date | None

    def current_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


@dataclass(frozen=True)
class FormerCode:
    code: str  # display form
    replaced_on: dt.date


@dataclass(frozen=True)
class PersonCard:
    id: uuid.UUID
    first_name: str
    last_name: str
    personal_code: str | None  # display form
    personal_code_raw: str | None  # 11 digits
    other_id_kind: str | None
    other_id: str | None
    birth_date: dt.date | None
    sex: str | None
    citizenship: str | None
    legal_status: str | None
    preferred_language: str
    phone: str | None
    email: str | None
    died_on: dt.date | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime | None
    addresses: tuple[AddressRow, ...]  # kind, then newest first
    flags: tuple[FlagRow, ...]  # kind, then newest first
    former_codes: tuple[FormerCode, ...]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def may_change_code(self) -> bool:
        """An old-format code may be exchanged for a new one once (domain brief §13.1)."""
        raw = self.personal_code_raw  # old format: DDMMYY…, so never 32–39 at the start
        return raw is not None and raw[:2] < "32" and not self.former_codes

    def current_address(self, kind: str, day: dt.date) -> AddressRow | None:
        return next((a for a in self.addresses if a.kind == kind and a.current_on(day)), None)

    def addresses_of(self, kind: str) -> tuple[AddressRow, ...]:
        return tuple(a for a in self.addresses if a.kind == kind)

    def flags_of(self, kind: str) -> tuple[FlagRow, ...]:
        return tuple(f for f in self.flags if f.kind == kind)


async def person_card(session: AsyncSession, person_id: uuid.UUID) -> PersonCard | None:
    """Everything the overview tab shows, in four statements (the person, addresses, periods, former
    codes), whatever their numbers."""
    person = await session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        return None
    addresses = (
        await session.scalars(
            select(PersonAddress)
            .where(PersonAddress.person_id == person_id)
            .order_by(PersonAddress.kind, PersonAddress.valid_from.desc(), PersonAddress.id.desc())
        )
    ).all()
    flags = (
        await session.scalars(
            select(PersonFlag)
            .where(PersonFlag.person_id == person_id)
            .order_by(PersonFlag.kind, PersonFlag.valid_from.desc(), PersonFlag.id.desc())
        )
    ).all()
    former = (
        await session.scalars(
            select(FormerPersonalCode)
            .where(FormerPersonalCode.person_id == person_id)
            .order_by(FormerPersonalCode.replaced_on.desc())
        )
    ).all()
    return PersonCard(
        id=person.id,
        first_name=person.first_name,
        last_name=person.last_name,
        personal_code=display_code(person.personal_code),
        personal_code_raw=person.personal_code,
        other_id_kind=person.other_id_kind,
        other_id=person.other_id,
        birth_date=person.birth_date,
        sex=person.sex,
        citizenship=person.citizenship,
        legal_status=person.legal_status,
        preferred_language=person.preferred_language,
        phone=person.phone,
        email=person.email,
        died_on=person.died_on,
        version=person.version,
        created_at=person.created_at,
        updated_at=person.updated_at,
        addresses=tuple(
            AddressRow(a.id, a.kind, a.line, a.locality, a.postal_code, a.atvk, a.valid_from, a.valid_to)
            for a in addresses
        ),
        flags=tuple(FlagRow(f.id, f.kind, f.detail, f.valid_from, f.valid_to) for f in flags),
        former_codes=tuple(FormerCode(display_code(f.code) or f.code, f.replaced_on) for f in former),
    )


# --- who viewed -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessView:
    """One view of a person's data. For the person themselves (`for_citizen`) the staff member is not
    named: `staff_name` is None and `roles` says in which capacity the record was opened."""

    id: uuid.UUID
    occurred_at: dt.datetime
    municipality: str
    staff_name: str | None
    roles: tuple[str, ...]
    purpose: str
    context: str | None


async def person_access_history(
    session: AsyncSession,
    person_id: uuid.UUID,
    *,
    after: Position | None = None,
    limit: int = 50,
    for_citizen: bool = False,
) -> Page[AccessView]:
    """The access log of one person, newest first, one keyset page in one statement. Staff see who; the
    citizen e-services (`for_citizen=True`) show the municipality, the viewer's role(s) and the purpose,
    never a staff member's name. Roles are the viewer's roles in the municipality now (a viewer who has
    since left has none)."""
    tenant = tenant_of(session)
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = (
        select(
            AccessLog.id,
            AccessLog.occurred_at,
            AccessLog.purpose,
            AccessLog.context,
            Tenant.name.label("municipality"),
            User.full_name,
            Membership.roles,
        )
        .join(Tenant, Tenant.id == AccessLog.tenant_id)
        .outerjoin(User, User.id == AccessLog.user_id)
        .outerjoin(
            Membership,
            and_(Membership.tenant_id == AccessLog.tenant_id, Membership.user_id == AccessLog.user_id),
        )
        .where(AccessLog.tenant_id == tenant, AccessLog.person_id == person_id)
        .order_by(AccessLog.occurred_at.desc(), AccessLog.id.desc())
        .limit(limit + 1)
    )
    if after is not None:
        stmt = stmt.where(older_than(after, AccessLog.occurred_at, AccessLog.id))
    rows = [
        AccessView(
            id=r.id,
            occurred_at=r.occurred_at,
            municipality=r.municipality,
            staff_name=None if for_citizen else r.full_name,
            roles=tuple(r.roles or ()),
            purpose=r.purpose,
            context=r.context,
        )
        for r in (await session.execute(stmt)).all()
    ]
    return page_of(rows, limit, lambda v: encode_cursor(v.occurred_at, v.id))
