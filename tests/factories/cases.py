"""Ground for the case-file tests: clients as plain rows, and cases, entries and documents made with the
real services in a tenant unit of work of their own (committed when the act succeeds, as a request's)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import itertools
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Actor, TenantChoice
from app.config import Settings
from app.db import async_session_factory, make_async_engine, sync_tenant_uow, tenant_uow
from app.domains.cases import rules
from app.domains.cases.service import CaseDraft, open_case
from app.domains.cases.timeline import add_entry
from app.domains.households.models import Household, HouseholdMember
from app.domains.people.models import Person
from app.domains.people.rules import normalise_name, old_format_code

T = TypeVar("T")
_serials = itertools.count(1)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def actor_for(tenant_id: uuid.UUID, user_id: uuid.UUID, *roles: str, name: str = "Testa Darbiniece") -> Actor:
    return Actor.build(
        user_id=user_id,
        username=f"u-{user_id.hex[:8]}",
        full_name=name,
        tenant_id=tenant_id,
        memberships=(TenantChoice(tenant_id, "Testa novads", "t", roles or ("social_worker",)),),
    )


def run_act(settings: Settings, tenant_id: uuid.UUID, act: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """One act in a tenant unit of work of its own: committed when it succeeds, rolled back when it raises."""

    async def go() -> T:
        engine = make_async_engine(settings.runtime_url())
        try:
            async with tenant_uow(async_session_factory(engine), tenant_id) as session:
                return await act(session)
        finally:
            await engine.dispose()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(go())
    # Inside a running loop (Playwright's sync API keeps one in the browser tests): a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def add_person(
    sessions: sessionmaker[Session], tenant_id: uuid.UUID, first: str = "Anna", last: str = "Liepiņa"
) -> uuid.UUID:
    n = next(_serials)
    with sync_tenant_uow(sessions, tenant_id) as s:
        person = Person(
            tenant_id=tenant_id,
            personal_code=old_format_code(dt.date(1970, 1, 1) + dt.timedelta(days=n), n % 1000),
            first_name=first,
            last_name=last,
            name_norm=normalise_name(last, first),
        )
        s.add(person)
        s.flush()
        return person.id


def add_household(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    label: str,
    members: Sequence[tuple[uuid.UUID, dt.date, dt.date | None]],
) -> uuid.UUID:
    """A household with members (person, joined_on, left_on)."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        household = Household(tenant_id=tenant_id, label=label)
        s.add(household)
        s.flush()
        for person_id, joined, left in members:
            s.add(
                HouseholdMember(
                    tenant_id=tenant_id,
                    household_id=household.id,
                    person_id=person_id,
                    role="head",
                    joined_on=joined,
                    left_on=left,
                )
            )
        return household.id


def make_case(
    settings: Settings,
    tenant_id: uuid.UUID,
    actor: Actor,
    *,
    person_id: uuid.UUID | None = None,
    household_id: uuid.UUID | None = None,
    title: str = "Sociālā palīdzība",
    types: Sequence[str] = ("social_assistance",),
    responsible: uuid.UUID | None = None,
    sensitive: bool = False,
    opened_on: dt.date = dt.date(2026, 1, 5),
    today: dt.date | None = None,
) -> uuid.UUID:
    draft = CaseDraft(
        title=title,
        case_types=list(types),
        responsible_user_id=responsible or actor.user_id,
        sensitive=sensitive,
        opened_on=opened_on,
    )

    async def act(session: AsyncSession) -> uuid.UUID:
        case = await open_case(
            session,
            actor,
            draft,
            person_id=person_id,
            household_id=household_id,
            today=today or dt.date.today(),
        )
        return case.id

    return run_act(settings, tenant_id, act)


def make_entry(
    settings: Settings,
    tenant_id: uuid.UUID,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    kind: str = "home_visit",
    occurred_on: dt.date = dt.date(2026, 2, 3),
    minutes: int | None = 60,
    subject: str = "Mājas vizīte",
    body: str | None = None,
    findings: str | None = None,
    staff: uuid.UUID | None = None,
    today: dt.date | None = None,
) -> uuid.UUID:
    draft = rules.EntryDraft(
        kind=kind,
        occurred_on=occurred_on,
        duration_minutes=minutes,
        subject=subject,
        body=body,
        findings=findings,
        staff_user_id=staff,
    )

    async def act(session: AsyncSession) -> uuid.UUID:
        entry = await add_entry(session, actor, case_id, draft, today=today or dt.date.today())
        return entry.id

    return run_act(settings, tenant_id, act)


def rows_of(sessions: sessionmaker[Session], tenant_id: uuid.UUID, query: Any) -> list[Any]:
    with sync_tenant_uow(sessions, tenant_id) as s:
        return list(s.execute(query))
