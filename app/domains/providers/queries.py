"""Reads for the provider register: the staff list (by state, pending, expiring; keyset pages), one
application's card, and the public search.

The public search is the one read across municipalities: it runs through the maintenance role (BYPASSRLS)
in a read-only transaction and returns only what the register makes public — the provider's name and kind,
the registration number and validity, the service types, the addresses and the municipality — for
registrations in force. Never a personal or registration code, contact details, documents, grounds or
staff. Like the cross-municipality check, it takes the web app's maintenance sessions."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute, aliased

from app.auth.models import User
from app.auth.principal import Actor
from app.domains.providers import rules
from app.domains.providers.models import ProviderRegistration as Registration
from app.domains.providers.service import access_registration
from app.i18n import latvian_sort_key
from app.pagination import DayPosition, Page, encode_day_cursor, page_of
from app.permissions import Permission
from app.tenants.models import Tenant

PAGE_SIZE = 50
PUBLIC_LIMIT = 100
MAX_QUERY = 100
FILTERS = ("pending", "registered", "expiring", "expired", "refused", "excluded", "renewed")


@dataclass(frozen=True)
class RegistrationRow:
    id: uuid.UUID
    number: str
    provider_name: str
    service_types: tuple[str, ...]
    addresses: tuple[str, ...]
    submitted_on: dt.date
    status: str  # effective: "expired" when a registration's validity has ended
    valid_until: dt.date | None


def _contains(column: InstrumentedAttribute[list[str]], needle: str) -> ColumnElement[bool]:
    """Some element of the array contains `needle` (case-insensitive)."""
    element = func.unnest(column).column_valued()
    return select(element).where(element.icontains(needle, autoescape=True)).exists()


def _filter(stmt: Select[Registration], which: str | None, today: dt.date) -> Select[Registration]:
    if which == "pending":
        return stmt.where(Registration.status.in_(rules.PENDING))
    if which == "registered":
        return stmt.where(Registration.status == "registered", Registration.valid_until >= today)
    if which == "expiring":
        return stmt.where(
            Registration.status == "registered",
            Registration.valid_until.between(today, today + dt.timedelta(days=rules.REMINDER_DAYS)),
        )
    if which == "expired":
        return stmt.where(Registration.status == "registered", Registration.valid_until < today)
    if which in ("refused", "excluded", "renewed"):
        return stmt.where(Registration.status == which)
    return stmt


async def registration_list_page(
    session: AsyncSession,
    actor: Actor,
    *,
    today: dt.date,
    which: str | None = None,
    query: str = "",
    after: DayPosition | None = None,
    limit: int = PAGE_SIZE,
) -> Page[RegistrationRow]:
    """Newest submitted first; `query` matches the name, the number or a service type."""
    actor.require(Permission.PROVIDER_VIEW)
    stmt = select(Registration)
    stmt = _filter(stmt, which if which in FILTERS else None, today)
    needle = query.strip()[:MAX_QUERY]
    if needle:
        stmt = stmt.where(
            Registration.provider_name.icontains(needle, autoescape=True)
            | Registration.number.icontains(needle, autoescape=True)
            | _contains(Registration.service_types, needle)
        )
    if after is not None:
        stmt = stmt.where(tuple_(Registration.submitted_on, Registration.id) < tuple_(after.day, after.id))
    stmt = stmt.order_by(Registration.submitted_on.desc(), Registration.id.desc()).limit(limit + 1)
    rows = [
        RegistrationRow(
            r.id,
            r.number,
            r.provider_name,
            tuple(r.service_types),
            tuple(r.addresses),
            r.submitted_on,
            rules.effective_status(r.status, r.valid_until, today),
            r.valid_until,
        )
        for r in await session.scalars(stmt)
    ]
    return page_of(rows, limit, lambda r: encode_day_cursor(r.submitted_on, r.id))


@dataclass(frozen=True)
class RegistrationCard:
    id: uuid.UUID
    number: str
    provider_name: str
    provider_kind: str
    provider_code: str
    contact: str | None
    service_types: tuple[str, ...]
    addresses: tuple[str, ...]
    documents: str | None
    submitted_on: dt.date
    status: str  # effective
    reviewer_name: str | None
    decided_on: dt.date | None
    decided_name: str | None
    decision_reason: str | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    excluded_on: dt.date | None
    renews_id: uuid.UUID | None
    renews_number: str | None
    renewed_by_id: uuid.UUID | None
    version: int
    may_renew: bool


async def registration_card(
    session: AsyncSession, actor: Actor, registration_id: uuid.UUID, today: dt.date
) -> RegistrationCard:
    r = await access_registration(session, actor, registration_id)
    reviewer, decider = aliased(User), aliased(User)
    previous = aliased(Registration)
    names = (
        await session.execute(
            select(reviewer.full_name, decider.full_name, previous.number)
            .select_from(Registration)
            .outerjoin(reviewer, reviewer.id == Registration.reviewer_id)
            .outerjoin(decider, decider.id == Registration.decided_by)
            .outerjoin(previous, previous.id == Registration.renews_id)
            .where(Registration.id == r.id)
        )
    ).one()
    renewed_by = await session.scalar(
        select(Registration.id)
        .where(Registration.renews_id == r.id)
        .order_by(Registration.submitted_on.desc(), Registration.id.desc())
        .limit(1)
    )
    return RegistrationCard(
        id=r.id,
        number=r.number,
        provider_name=r.provider_name,
        provider_kind=r.provider_kind,
        provider_code=r.provider_code,
        contact=r.contact,
        service_types=tuple(r.service_types),
        addresses=tuple(r.addresses),
        documents=r.documents,
        submitted_on=r.submitted_on,
        status=rules.effective_status(r.status, r.valid_until, today),
        reviewer_name=names[0],
        decided_on=r.decided_on,
        decided_name=names[1],
        decision_reason=r.decision_reason,
        valid_from=r.valid_from,
        valid_until=r.valid_until,
        excluded_on=r.excluded_on,
        renews_id=r.renews_id,
        renews_number=names[2],
        renewed_by_id=renewed_by,
        version=r.version,
        may_renew=rules.may_renew(r.status, r.valid_until, today) and renewed_by is None,
    )


@dataclass(frozen=True)
class PublicProvider:
    """One registration in force as the public register shows it: nothing else leaves the query."""

    number: str
    provider_name: str
    provider_kind: str
    service_types: tuple[str, ...]
    addresses: tuple[str, ...]
    municipality: str
    valid_from: dt.date
    valid_until: dt.date


@dataclass(frozen=True)
class PublicSearch:
    providers: tuple[PublicProvider, ...]
    truncated: bool  # more matched than are shown: narrow the search


async def public_search(
    maint: async_sessionmaker[AsyncSession],
    *,
    today: dt.date,
    name: str = "",
    service: str = "",
    place: str = "",
    limit: int = PUBLIC_LIMIT,
) -> PublicSearch:
    """Registrations in force in every municipality whose name, a service type and an address or the
    municipality contain the words given (case-insensitive); by name, at most `limit`."""
    stmt = (
        select(
            Registration.number,
            Registration.provider_name,
            Registration.provider_kind,
            Registration.service_types,
            Registration.addresses,
            Tenant.name,
            Registration.valid_from,
            Registration.valid_until,
        )
        .join(Tenant, Tenant.id == Registration.tenant_id)
        .where(Registration.status == "registered", Registration.valid_until >= today)
    )
    if needle := name.strip()[:MAX_QUERY]:
        stmt = stmt.where(Registration.provider_name.icontains(needle, autoescape=True))
    if needle := service.strip()[:MAX_QUERY]:
        stmt = stmt.where(_contains(Registration.service_types, needle))
    if needle := place.strip()[:MAX_QUERY]:
        stmt = stmt.where(
            Tenant.name.icontains(needle, autoescape=True) | _contains(Registration.addresses, needle)
        )
    stmt = stmt.order_by(Registration.provider_name, Registration.number).limit(limit + 1)
    async with maint() as session, session.begin():
        await session.execute(text("SET TRANSACTION READ ONLY"))
        rows = (await session.execute(stmt)).all()
    found = [
        PublicProvider(r[0], r[1], r[2], tuple(r[3]), tuple(r[4]), r[5], r[6], r[7])
        for r in rows[:limit]
        if r[6] is not None and r[7] is not None  # always so when registered (a check constraint)
    ]
    found.sort(key=lambda p: (latvian_sort_key(p.provider_name), p.number))
    return PublicSearch(tuple(found), len(rows) > limit)
