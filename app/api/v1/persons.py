"""Persons over the API: the same service functions the web pages call."""

from __future__ import annotations

import datetime as dt
import uuid

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.v1.responses import ProblemOperation, problems
from app.api.v1.schemas import PersonIn, PersonOut
from app.audit.service import record_access
from app.auth.principal import Actor
from app.domains.people.models import Person
from app.domains.people.service import NewPerson, register_person
from app.errors import NotFound
from app.permissions import Permission


def _out(p: Person) -> PersonOut:
    return PersonOut(
        id=p.id,
        first_name=p.first_name,
        last_name=p.last_name,
        personal_code=p.personal_code,
        birth_date=p.birth_date,
        sex=p.sex,
    )


@post(
    "/persons",
    summary="Register a person",
    tags=["persons"],
    status_code=201,
    responses=problems(
        400,
        401,
        403,
        409,
        415,
        422,
        describe={
            403: "The user's roles do not allow registering persons, or the CSRF header is missing or wrong.",
            409: (
                "A person with this personal code is already registered in the municipality, or the "
                "`x-atbalsts-tenant` header names another municipality than the session's."
            ),
        },
    ),
    operation_class=ProblemOperation,
)
async def create_person(
    data: JSONBody[PersonIn], actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> PersonOut:
    person = await register_person(
        db,
        actor,
        NewPerson(
            first_name=data.first_name,
            last_name=data.last_name,
            personal_code=data.personal_code,
            birth_date=data.birth_date,
            sex=data.sex,
        ),
        today=dt.date.today(),
    )
    return _out(person)


@get(
    "/persons/{person_id:uuid}",
    summary="One person",
    tags=["persons"],
    responses=problems(
        401,
        403,
        404,
        describe={
            403: "The user's roles do not allow viewing persons.",
            404: "No person with this id in the user's municipality.",
        },
    ),
    operation_class=ProblemOperation,
)
async def get_person(
    person_id: FromPath[uuid.UUID], actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> PersonOut:
    actor.require(Permission.PERSON_VIEW)
    person = await db.get(Person, (actor.tenant_id, person_id))
    if person is None:
        raise NotFound()
    record_access(db, user_id=actor.user_id, person_id=person.id, purpose="api")
    return _out(person)
