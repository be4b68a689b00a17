"""Acts on persons. The foundation registers a person; the people domain grows from here."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_access, record_change
from app.auth.principal import Actor
from app.domains.people.models import Person
from app.domains.people.queries import PersonHeader, person_header
from app.domains.people.rules import InvalidPersonalCode, normalise_name, parse_personal_code
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.permissions import Permission


@dataclass(frozen=True)
class NewPerson:
    first_name: str
    last_name: str
    personal_code: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None


def _validate(data: NewPerson, today: dt.date) -> tuple[str | None, dt.date | None]:
    errors: dict[str, list[str]] = {}
    code: str | None = None
    birth = data.birth_date
    if not data.first_name.strip():
        errors["first_name"] = [N_("Enter the first name.")]
    if not data.last_name.strip():
        errors["last_name"] = [N_("Enter the last name.")]
    if data.personal_code and data.personal_code.strip():
        try:
            parsed = parse_personal_code(data.personal_code)
        except InvalidPersonalCode as exc:
            errors["personal_code"] = [str(exc)]
        else:
            code = parsed.code
            if parsed.birth_date and birth and parsed.birth_date != birth:
                errors["birth_date"] = [N_("The birth date does not match the personal code.")]
            birth = birth or parsed.birth_date
    if birth and (birth > today or birth.year < 1900):
        errors["birth_date"] = [N_("The birth date is impossible.")]
    if data.sex not in (None, "", "M", "F"):
        errors["sex"] = [N_("Choose M or F.")]
    if errors:
        raise InvalidInput(errors)
    return code, birth


async def register_person(session: AsyncSession, actor: Actor, data: NewPerson, *, today: dt.date) -> Person:
    actor.require(Permission.PERSON_CREATE)
    code, birth = _validate(data, today)
    if code:
        existing = await session.scalar(select(Person.id).where(Person.personal_code == code))
        if existing:
            raise Conflict(N_("A person with this personal code is already registered."))
    person = Person(
        tenant_id=actor.tenant_id,
        personal_code=code,
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        name_norm=normalise_name(data.last_name, data.first_name),
        birth_date=birth,
        sex=data.sex or None,
    )
    session.add(person)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent registration of the same code won the race
        raise Conflict(N_("A person with this personal code is already registered.")) from None
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:person:create",
        entity_type="person",
        entity_id=person.id,
        after={
            "personal_code": code,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "birth_date": birth,
        },
    )
    return person


PURPOSES = ("case_work", "assessment", "benefit_decision", "service_provision", "supervision")


async def open_person(
    session: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    *,
    purpose: str = "case_work",
    context: str | None = None,
) -> PersonHeader:
    """Every view of a person's data goes through here: the permission is checked, the view is written to
    the access log (who, when, why, which part) in the same transaction, and the page header is returned.
    A person of another municipality, or none, is "not found"."""
    actor.require(Permission.PERSON_VIEW)
    header = await person_header(session, person_id)
    if header is None:
        raise NotFound(N_("No such person."))
    record_access(
        session,
        user_id=actor.user_id,
        person_id=person_id,
        purpose=purpose if purpose in PURPOSES else "case_work",
        context=context,
    )
    return header
