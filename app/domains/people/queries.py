"""Reads about persons for screens: the search of the client list, the person card, the page header, the
access history ("who viewed").

Search under row-level security (design §4): only leakproof operators (equality, ranges) can be index
conditions below the policy, so every "starts with" is a range `key >= prefix AND key < bound` on a
stored normalised column with collation "C" (`persons.name_norm`, `person_addresses.address_norm`), and a
personal code is looked up by equality — never LIKE. Each read is a fixed number of statements, pinned in
tests/integration/test_people_service.py."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true, tuple_, union
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AccessLog
from app.auth.models import Membership, User
from app.domains.people.models import FormerPersonalCode, Person, PersonAddress, PersonFlag
from app.domains.people.rules import SearchTerms, display_code, prefix_upper_bound, strip_unstorable
from app.pagination import Page, Position, older_than, page_of
from app.tenants.models import Tenant

MAX_LIMIT = 100
COUNT_CAP = 1000  # a count above this is shown as "more than 1000": exact figures cost a scan


def _tenant(session: AsyncSession) -> uuid.UUID:
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


# --- search ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchRow:
    id: uuid.UUID
    first_name: str
    last_name: str
    name_norm: str
    personal_code: str | None  # display form
    other_id_kind: str | None
    other_id: str | None
    birth_date: dt.date | None
    died_on: dt.date | None
    address: str | None  # the current declared address
    found_by_former_code: bool = False

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class SearchPage:
    rows: tuple[SearchRow, ...]
    next_cursor: str | None
    total: int  # a search's count stops at COUNT_CAP + 1
    terms: SearchTerms | None

    @property
    def total_capped(self) -> bool:
        return self.terms is not None and self.total > COUNT_CAP


@dataclass(frozen=True)
class NamePosition:
    name_norm: str
    id: uuid.UUID


_MAX_CURSOR = 1400  # a name key of 201 characters (up to 4 bytes each) and a UUID, base64


def encode_name_cursor(name_norm: str, id_: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{name_norm}|{id_}".encode()).decode().rstrip("=")


def decode_name_cursor(token: str | None) -> NamePosition | None:
    """The position after which the next page starts; a token that does not decode is no position (the
    first page). It is only a position, read under the reader's tenant: a forged one shows nothing more."""
    if not token or len(token) > _MAX_CURSOR:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        name, id_text = raw.rsplit("|", 1)
        if strip_unstorable(name) != name:
            return None
        return NamePosition(name, uuid.UUID(id_text))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def _name_range(column: Any, prefix: str) -> ColumnElement[bool]:
    bound = prefix_upper_bound(prefix)
    lower = column >= prefix
    return and_(lower, column < bound) if bound is not None else lower


def _digits_bound(prefix: str) -> str | None:
    """The next digit string of the same length ("1611759" → "1611760"): a bound that compares the same
    under any collation, as the personal code column has the database's default one."""
    digits = list(prefix)
    for i in range(len(digits) - 1, -1, -1):
        if digits[i] != "9":
            digits[i] = str(int(digits[i]) + 1)
            return "".join(digits[: i + 1]) + "0" * (len(digits) - i - 1)
    return None


def _current(day: dt.date) -> ColumnElement[bool]:
    return and_(
        PersonAddress.valid_from <= day, or_(PersonAddress.valid_to.is_(None), PersonAddress.valid_to >= day)
    )


def _rows_statement(day: dt.date) -> Select[tuple[object, ...]]:
    """Persons with their current declared address (a lateral lookup per row, on the person index)."""
    declared = (
        select(PersonAddress.line, PersonAddress.locality)
        .where(
            PersonAddress.tenant_id == Person.tenant_id,
            PersonAddress.person_id == Person.id,
            PersonAddress.kind == "declared",
            _current(day),
        )
        .order_by(PersonAddress.valid_from.desc())
        .limit(1)
        .lateral("declared")
    )
    return select(
        Person.id,
        Person.first_name,
        Person.last_name,
        Person.name_norm,
        Person.personal_code,
        Person.other_id_kind,
        Person.other_id,
        Person.birth_date,
        Person.died_on,
        declared.c.line,
        declared.c.locality,
    ).outerjoin(declared, true())


def _row(r: Any, former: set[uuid.UUID]) -> SearchRow:
    return SearchRow(
        id=r.id,
        first_name=r.first_name,
        last_name=r.last_name,
        name_norm=r.name_norm,
        personal_code=display_code(r.personal_code),
        other_id_kind=r.other_id_kind,
        other_id=r.other_id,
        birth_date=r.birth_date,
        died_on=r.died_on,
        address=", ".join(p for p in (r.line, r.locality) if p) or None,
        found_by_former_code=r.id in former,
    )


def name_search_condition(terms: SearchTerms) -> ColumnElement[bool]:
    """`name_norm` starts with the text, or with one of its other word orders: ranges only."""
    ranges = [_name_range(Person.name_norm, p) for p in (terms.text, *terms.alternatives)]
    return or_(*ranges) if len(ranges) > 1 else ranges[0]


async def search_persons(
    session: AsyncSession,
    terms: SearchTerms | None,
    *,
    today: dt.date,
    after: NamePosition | None = None,
    limit: int = 25,
) -> SearchPage:
    """A page of the client list in name order (name_norm, id), filtered by the search terms (None: every
    person). Two statements: the page (rows with their current declared address) and the capped count."""
    tenant = _tenant(session)
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = _rows_statement(today).where(Person.tenant_id == tenant)
    counted: Select[Any] = select(Person.id).where(Person.tenant_id == tenant)
    former_ids: set[uuid.UUID] = set()
    if terms is not None and terms.mode == "name":
        condition = name_search_condition(terms)
        stmt, counted = stmt.where(condition), counted.where(condition)
    elif terms is not None and terms.mode == "code" and len(terms.text) == 11:
        # Exact: the current code, or a former one (an exchanged old-format code still finds the person).
        former = select(FormerPersonalCode.person_id).where(
            FormerPersonalCode.tenant_id == tenant, FormerPersonalCode.code == terms.text
        )
        ids = set(await session.scalars(former))
        former_ids = ids
        condition = (
            or_(Person.personal_code == terms.text, Person.id.in_(ids))
            if ids
            else (Person.personal_code == terms.text)
        )
        stmt, counted = stmt.where(condition), counted.where(condition)
    elif terms is not None and terms.mode == "code":
        bound = _digits_bound(terms.text)
        condition = Person.personal_code >= terms.text
        if bound is not None:
            condition = and_(condition, Person.personal_code < bound)
        stmt, counted = stmt.where(condition), counted.where(condition)
    elif terms is not None and terms.mode == "other_id":
        condition = Person.other_id == terms.text
        stmt, counted = stmt.where(condition), counted.where(condition)
    elif terms is not None and terms.mode == "address":
        # The matching current addresses first (a range on the address index), then their persons in
        # name order: a rare address does not make the name index walk the whole municipality.
        matches = (
            select(PersonAddress.person_id)
            .where(
                PersonAddress.tenant_id == tenant,
                _name_range(PersonAddress.address_norm, terms.text),
                _current(today),
            )
            .distinct()
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
        condition = Person.id.in_(select(matches.c.person_id))
        stmt, counted = stmt.where(condition), counted.where(condition)
    if after is not None:
        stmt = stmt.where(tuple_(Person.name_norm, Person.id) > tuple_(after.name_norm, after.id))
    stmt = stmt.order_by(Person.name_norm, Person.id).limit(limit + 1)
    found = [_row(r, former_ids) for r in (await session.execute(stmt)).all()]
    # The whole register is counted exactly (one index-only pass over the municipality); a search is
    # counted up to the cap, which is all the reader needs ("more than 1000: type more").
    capped = counted if terms is None else counted.limit(COUNT_CAP + 1)
    total = int(await session.scalar(select(func.count()).select_from(capped.subquery())) or 0)
    shown = tuple(found[:limit])
    next_cursor = (
        encode_name_cursor(shown[-1].name_norm, shown[-1].id) if len(found) > limit and shown else None
    )
    return SearchPage(shown, next_cursor, total, terms)


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
    tenant = _tenant(session)
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
    return page_of(rows, limit, lambda v: (v.occurred_at, v.id))
