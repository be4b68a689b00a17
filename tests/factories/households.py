"""Persons and households for the households tests, written through a sync tenant unit of work (the
acts under test are made with the real services; these only lay the ground)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Actor, TenantChoice
from app.db import sync_tenant_uow
from app.domains.households.models import Household, HouseholdMember, Relationship
from app.domains.households.rules import inverse_kind
from app.domains.people.models import Person
from app.domains.people.rules import normalise_name, old_format_code

_serial = iter(range(100, 10_000))


def add_person(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None = None,
    *,
    with_code: bool = True,
    died_on: dt.date | None = None,
) -> uuid.UUID:
    """A person; with a birth date and `with_code`, an old-format personal code made from it."""
    code = old_format_code(birth_date, next(_serial)) if birth_date and with_code else None
    with sync_tenant_uow(sessions, tenant_id) as s:
        person = Person(
            tenant_id=tenant_id,
            first_name=first_name,
            last_name=last_name,
            name_norm=normalise_name(last_name, first_name),
            birth_date=birth_date,
            personal_code=code,
            died_on=died_on,
        )
        s.add(person)
        s.flush()
        return person.id


def person_code(sessions: sessionmaker[Session], tenant_id: uuid.UUID, person_id: uuid.UUID) -> str:
    with sync_tenant_uow(sessions, tenant_id) as s:
        person = s.get(Person, (tenant_id, person_id))
        assert person is not None and person.personal_code
        return person.personal_code


def add_household(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    label: str,
    members: list[tuple[uuid.UUID, str, dt.date, dt.date | None]] = (),  # type: ignore[assignment]
) -> uuid.UUID:
    """A household with members (person, role, joined, left) written as rows, without the checks."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        household = Household(tenant_id=tenant_id, label=label)
        s.add(household)
        s.flush()
        for person_id, role, joined, left in members:
            s.add(
                HouseholdMember(
                    tenant_id=tenant_id,
                    household_id=household.id,
                    person_id=person_id,
                    role=role,
                    joined_on=joined,
                    left_on=left,
                )
            )
        s.flush()
        return household.id


def relate(
    sessions: sessionmaker[Session], tenant_id: uuid.UUID, person_id: uuid.UUID, related: uuid.UUID, kind: str
) -> None:
    """Both directions, as the service writes them."""
    with sync_tenant_uow(sessions, tenant_id) as s:
        s.add(Relationship(tenant_id=tenant_id, person_id=person_id, related_person_id=related, kind=kind))
        s.add(
            Relationship(
                tenant_id=tenant_id, person_id=related, related_person_id=person_id, kind=inverse_kind(kind)
            )
        )


def actor_for(tenant_id: uuid.UUID, roles: tuple[str, ...] = ("social_worker",)) -> Actor:
    return Actor.build(
        user_id=uuid.uuid4(),
        username="t",
        full_name="Testa Darbiniece",
        tenant_id=tenant_id,
        memberships=(TenantChoice(tenant_id=tenant_id, name="A", slug="a", roles=roles),),
    )
