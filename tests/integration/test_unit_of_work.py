"""A failed act leaves nothing behind: no row, no audit entry, no outbox message."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from app.audit.models import ChangeLog
from app.auth.principal import Actor, TenantChoice
from app.db import async_session_factory, make_async_engine, sync_tenant_uow, tenant_uow
from app.domains.people.models import Person
from app.domains.people.service import NewPerson, register_person
from app.notifications.email import schedule_email
from app.notifications.models import OutboxMessage


class Boom(Exception):
    pass


def _actor(tenant_id: uuid.UUID) -> Actor:
    return Actor.build(
        user_id=uuid.uuid4(),
        username="t",
        full_name="T",
        tenant_id=tenant_id,
        memberships=(TenantChoice(tenant_id=tenant_id, name="A", slug="a", roles=("social_worker",)),),
    )


async def _act_then_fail(settings, tenant_id: uuid.UUID) -> None:
    engine = make_async_engine(settings.runtime_url())
    try:
        with pytest.raises(Boom):
            async with tenant_uow(async_session_factory(engine), tenant_id) as session:
                person = await register_person(
                    session,
                    _actor(tenant_id),
                    NewPerson("Zane", "Krūmiņa", "161175-19997"),
                    today=dt.date(2026, 11, 23),
                )
                schedule_email(session, to="zane@example.lv", subject="Sveiki", text="Paziņojums")
                await session.flush()
                assert person.id is not None
                raise Boom()
    finally:
        await engine.dispose()


def test_a_failed_act_leaves_no_row_no_audit_no_message(settings, rw_sessions, tenant_a) -> None:
    import asyncio

    asyncio.run(_act_then_fail(settings, tenant_a))
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        for model in (Person, ChangeLog, OutboxMessage):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model.__tablename__
