"""Ground for the means-test declaration tests: a family in a household (rows, with a relationship and a
pension and disability period), and declarations made with the real services in an act of their own."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Actor
from app.config import Settings
from app.db import sync_tenant_uow
from app.domains.assistance.declaration_rules import IncomeEntry
from app.domains.assistance.service import set_incomes, start_declaration
from app.domains.households.models import Relationship
from app.domains.people.models import PersonFlag
from tests.factories.cases import run_act
from tests.factories.households import add_household, add_person


@dataclass(frozen=True)
class Family:
    """Jānis (head, the applicant), his wife Anna, their son Roberts, Anna's mother Velta (a pensioner with a
    group II disability) in one household since 2020; the neighbour Pēteris lives elsewhere."""

    household: uuid.UUID
    janis: uuid.UUID
    anna: uuid.UUID
    roberts: uuid.UUID
    velta: uuid.UUID
    neighbour: uuid.UUID


def make_family(sessions: sessionmaker[Session], tenant_id: uuid.UUID) -> Family:
    janis = add_person(sessions, tenant_id, "Jānis", "Bērziņš", dt.date(1980, 4, 12))
    anna = add_person(sessions, tenant_id, "Anna", "Bērziņa", dt.date(1983, 9, 1))
    roberts = add_person(sessions, tenant_id, "Roberts", "Bērziņš", dt.date(2014, 6, 30))
    velta = add_person(sessions, tenant_id, "Velta", "Kalniņa", dt.date(1950, 2, 2))
    neighbour = add_person(sessions, tenant_id, "Pēteris", "Ozols", dt.date(1975, 5, 5))
    since = dt.date(2020, 1, 1)
    household = add_household(
        sessions,
        tenant_id,
        "Bērziņu ģimene",
        [
            (janis, "head", since, None),
            (anna, "spouse", since, None),
            (roberts, "child", since, None),
            (velta, "other_relative", since, None),
        ],
    )
    with sync_tenant_uow(sessions, tenant_id) as s:
        for a, b, kind, back in ((janis, anna, "spouse", "spouse"), (janis, roberts, "child", "parent")):
            s.add(Relationship(tenant_id=tenant_id, person_id=a, related_person_id=b, kind=kind))
            s.add(Relationship(tenant_id=tenant_id, person_id=b, related_person_id=a, kind=back))
        s.add(
            PersonFlag(
                tenant_id=tenant_id, person_id=velta, kind="pensioner", detail="old_age", valid_from=since
            )
        )
        s.add(
            PersonFlag(
                tenant_id=tenant_id,
                person_id=velta,
                kind="disability",
                detail="II",
                valid_from=dt.date(2019, 1, 1),
                valid_to=dt.date(2030, 12, 31),
            )
        )
    return Family(household, janis, anna, roberts, velta, neighbour)


def start(
    settings: Settings, tenant_id: uuid.UUID, actor: Actor, applicant: uuid.UUID, declared_on: dt.date
) -> uuid.UUID:
    async def act(session):  # type: ignore[no-untyped-def]
        declaration = await start_declaration(
            session, actor, applicant, declared_on=declared_on, today=max(declared_on, dt.date.today())
        )
        return declaration.id

    return run_act(settings, tenant_id, act)


def enter_incomes(
    settings: Settings,
    tenant_id: uuid.UUID,
    actor: Actor,
    declaration_id: uuid.UUID,
    member_id: uuid.UUID,
    rows: Sequence[tuple[str, dt.date, str]],
) -> int:
    entries = [IncomeEntry(kind, month, amount) for kind, month, amount in rows]
    return run_act(
        settings,
        tenant_id,
        lambda s: set_incomes(s, actor, declaration_id, member_id, entries, version=None),
    )
