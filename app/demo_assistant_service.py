"""Demo data for the assistant service (MK 316): in every demo municipality an adult with a group II
disability who works gets the service (80 hours a month), an assistant from the client register works on it
and last month's hours are reported and accepted with the pay; a child's request waits for the decision.
Made through the real services (the disability periods too), dated relative to the municipal today.

Call after the other demo loaders (it needs the municipalities, the staff and the persons):

    from app.demo_assistant_service import load_demo_assistant_service
    load_demo_assistant_service(settings)   # -> number of grants created (0 when there were some)

Idempotent: a municipality that already has an assistant-service request gets nothing more."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.principal import Actor, TenantChoice
from app.config import Settings
from app.db import async_session_factory, make_async_engine, tenant_uow
from app.demo import MUNICIPALITIES, STAFF, staff_username
from app.domains.benefits.periods import add_months
from app.domains.cases.access import municipal_today
from app.domains.people.models import Person, PersonFlag
from app.domains.people.periods_service import add_flag
from app.domains.services.assistant import decide_request, request_service
from app.domains.services.assistant_models import AssistantGrant
from app.domains.services.assistant_work import accept_report, add_assistant, record_report
from app.permissions import Role
from app.tenants.models import Tenant


def _years_ago(today: dt.date, years: int) -> dt.date:
    return add_months(today, -12 * years)


async def _pick(
    session: AsyncSession, born_after: dt.date, born_before: dt.date, skip: set[uuid.UUID]
) -> Person:
    """A person born in the range without a disability period yet (the first by name)."""
    disabled = exists().where(PersonFlag.person_id == Person.id, PersonFlag.kind == "disability")
    person = await session.scalar(
        select(Person)
        .where(
            Person.birth_date > born_after,
            Person.birth_date < born_before,
            Person.personal_code.is_not(None),
            ~disabled,
            Person.id.not_in(skip or {uuid.UUID(int=0)}),
        )
        .order_by(Person.name_norm, Person.id)
        .limit(1)
    )
    assert person is not None, "the demo persons cover every age"
    return person


async def _load_municipality(session: AsyncSession, worker: Actor) -> int:
    if await session.scalar(select(AssistantGrant.id).limit(1)) is not None:
        return 0
    today = municipal_today()
    adult = await _pick(session, _years_ago(today, 55), _years_ago(today, 25), set())
    helper = await _pick(session, _years_ago(today, 60), _years_ago(today, 22), {adult.id})
    child = await _pick(session, _years_ago(today, 16), _years_ago(today, 6), {adult.id, helper.id})
    since = _years_ago(today, 3)
    await add_flag(
        session, worker, adult.id, {"kind": "disability", "detail": "II", "valid_from": since}, today=today
    )
    await add_flag(
        session,
        worker,
        child.id,
        {"kind": "disability", "detail": "child", "valid_from": since, "valid_to": add_months(today, 10)},
        today=today,
    )

    requested = today - dt.timedelta(days=100)
    grant = await request_service(
        session,
        worker,
        person_id=adult.id,
        requested_on=requested,
        purposes=["work"],
        limitation=True,
        today=today,
    )
    start = requested + dt.timedelta(days=10)
    grant = await decide_request(
        session,
        worker,
        grant.id,
        expected_version=grant.version,
        outcome="granted",
        reasons="II grupas invaliditāte un kustību traucējumi; strādā algotu darbu (MK 316, 1. pielikums).",
        valid_from=start,
        today=requested + dt.timedelta(days=7),
    )
    assignment = await add_assistant(
        session,
        worker,
        grant.id,
        expected_version=grant.version,
        personal_code=helper.personal_code or "",
        agreement_on=start,
        valid_from=start,
        today=today,
    )
    last_month = add_months(today.replace(day=1), -1)
    report = await record_report(
        session,
        worker,
        grant.id,
        assistant_id=assignment.assistant_id,
        month=last_month,
        hours=Decimal("72"),
        notes="Pavadīšana uz darbu un atpakaļ, iepirkšanās.",
        today=today,
    )
    await accept_report(session, worker, grant.id, report.id, expected_version=report.version, today=today)

    await request_service(
        session,
        worker,
        person_id=child.id,
        requested_on=today - dt.timedelta(days=5),
        special_care_opinion=True,
        procedures=True,
        today=today,
    )
    return 2


async def _load(settings: Settings) -> int:
    engine = make_async_engine(settings.runtime_url())
    factory = async_session_factory(engine)
    created = 0
    try:
        async with factory() as session:
            slugs = [m.slug for m in MUNICIPALITIES]
            tenants = list(await session.scalars(select(Tenant).where(Tenant.slug.in_(slugs))))
            wanted = [staff_username(Role.SOCIAL_WORKER, t.slug) for t in tenants]
            users = {
                u.username: u.id for u in await session.scalars(select(User).where(User.username.in_(wanted)))
            }
        for tenant in tenants:
            username = staff_username(Role.SOCIAL_WORKER, tenant.slug)
            worker = Actor.build(
                user_id=users[username],
                username=username,
                full_name=STAFF[tenant.slug][Role.SOCIAL_WORKER],
                memberships=(TenantChoice(tenant.id, tenant.name, tenant.slug, (Role.SOCIAL_WORKER.value,)),),
                tenant_id=tenant.id,
            )
            async with tenant_uow(factory, tenant.id) as session:
                created += await _load_municipality(session, worker)
    finally:
        await engine.dispose()
    return created


def load_demo_assistant_service(settings: Settings) -> int:
    """Loads the assistant-service demo into every demo municipality without one; returns the number of
    grants created."""
    return asyncio.run(_load(settings))
