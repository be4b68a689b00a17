"""Persons for the people tests: made with the real service (register_person) in a sync-looking call, or
inserted as plain rows when a test needs many (search pages, national-scale shapes)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Actor, TenantChoice
from app.config import Settings
from app.db import async_session_factory, make_async_engine, sync_tenant_uow, tenant_uow
from app.domains.people.models import Person, PersonAddress
from app.domains.people.rules import normalise_address, normalise_name, old_format_code

T = TypeVar("T")
_serials = itertools.count(1)


def actor_for(tenant_id: uuid.UUID, *roles: str, user_id: uuid.UUID | None = None) -> Actor:
    return Actor.build(
        user_id=user_id or uuid.uuid4(),
        username="tester",
        full_name="Testa Darbiniece",
        tenant_id=tenant_id,
        memberships=(TenantChoice(tenant_id, "Testa novads", "t", roles or ("social_worker",)),),
    )


def unique_code(birth: dt.date = dt.date(1980, 1, 1)) -> str:
    """A valid old-format code for `birth`, different on every call (serial and day vary)."""
    n = next(_serials)
    return old_format_code(birth + dt.timedelta(days=n // 1000), n % 1000)


def new_format_code() -> str:
    return f"3{uuid.uuid4().int % 8 + 2}{uuid.uuid4().int % 10**9:09d}"


def run_act(settings: Settings, tenant_id: uuid.UUID, act: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Runs one act in a tenant unit of work of its own (committed when it succeeds, rolled back when it
    raises), as a request would."""

    async def go() -> T:
        engine = make_async_engine(settings.runtime_url())
        try:
            async with tenant_uow(async_session_factory(engine), tenant_id) as session:
                return await act(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def insert_persons(
    sessions: sessionmaker[Session], tenant_id: uuid.UUID, rows: list[dict[str, Any]]
) -> list[uuid.UUID]:
    """Plain rows (first_name, last_name, and any other column; a code is made up when none is given)."""
    values = []
    for row in rows:
        row = dict(row)
        row.setdefault("personal_code", unique_code())
        row.setdefault("name_norm", normalise_name(row["last_name"], row["first_name"]))
        values.append({"tenant_id": tenant_id, "id": uuid.uuid4(), **row})
    with sync_tenant_uow(sessions, tenant_id) as s:
        if values:
            s.execute(insert(Person), values)
    return [v["id"] for v in values]


def insert_address(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    person_id: uuid.UUID,
    line: str,
    locality: str | None = "Rīga",
    *,
    kind: str = "declared",
    valid_from: dt.date = dt.date(2020, 1, 1),
    valid_to: dt.date | None = None,
) -> None:
    with sync_tenant_uow(sessions, tenant_id) as s:
        s.add(
            PersonAddress(
                tenant_id=tenant_id,
                person_id=person_id,
                kind=kind,
                line=line,
                locality=locality,
                address_norm=normalise_address(line, locality),
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
