"""Acts on persons (the client register): register, edit, exchange the personal code, and opening a
person's record (the access log). Addresses and disability and pension periods are in periods_service.py.

Each act checks the permission, validates everything before it writes anything, changes the rows, and
writes its change-log entries in the same transaction; it never commits. Acts on one person lock that
person's row first (`SELECT … FOR UPDATE`), always in that order, so two workers changing the same
person's addresses or data wait for each other instead of interleaving."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import record_access, record_change
from app.auth.principal import Actor
from app.domains.people.models import FormerPersonalCode, Person, PersonAddress
from app.domains.people.queries import (
    PersonHeader,
    person_header,
    person_id_by_code,
    person_id_by_other_id,
)
from app.domains.people.rules import (
    PERSON_FIELDS,
    AddressData,
    InvalidPersonalCode,
    PersonData,
    parse_personal_code,
    validate_address,
    validate_person,
)
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from app.ids import uuid7
from app.permissions import Permission

ALREADY_REGISTERED = N_("This person is already registered.")
STALE = N_(
    "Someone else changed this person's data meanwhile. Reload the page to see the changes, then make "
    "yours again."
)
NO_SUCH_PERSON = N_("No such person.")

# Why a person's record may be opened from the staff pages (the access log's purpose); "api" is recorded
# for reads through the API.
PURPOSES = ("case_work", "assessment", "benefit_decision", "service_provision", "supervision")
RECORDED_PURPOSES = (*PURPOSES, "api", "data_subject_request")


@dataclass(frozen=True)
class NewPerson:
    """A person's fields as given (strings as typed or dates); validated by rules.validate_person."""

    first_name: str
    last_name: str
    personal_code: str | None = None
    birth_date: dt.date | str | None = None
    sex: str | None = None
    other_id_kind: str | None = None
    other_id: str | None = None
    citizenship: str | None = None
    legal_status: str | None = None
    preferred_language: str | None = None
    phone: str | None = None
    email: str | None = None
    died_on: dt.date | str | None = None


def _fields(data: NewPerson | Mapping[str, Any]) -> Mapping[str, Any]:
    return asdict(data) if isinstance(data, NewPerson) else data


def _snapshot(data: PersonData) -> dict[str, Any]:
    return asdict(data)


def _person_snapshot(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in PERSON_FIELDS}


async def _refuse_duplicates(
    session: AsyncSession, data: PersonData, *, code: str | None, other: bool, except_id: uuid.UUID | None
) -> None:
    """A personal code (current or former) or another identifier already registered here → a conflict
    that names the existing person."""
    if code:
        existing = await person_id_by_code(session, code)
        if existing is not None and existing != except_id:
            raise Conflict(ALREADY_REGISTERED, existing=("person", existing))
    if other and data.other_id_kind and data.other_id:
        existing = await person_id_by_other_id(session, data.other_id_kind, data.other_id)
        if existing is not None and existing != except_id:
            raise Conflict(ALREADY_REGISTERED, existing=("person", existing))


async def _flush_or_conflict(session: AsyncSession, data: PersonData, except_id: uuid.UUID | None) -> None:
    """Flush in a savepoint: when a concurrent registration of the same code won the race, the unique
    constraint refuses this one, the transaction stays usable, and the winner is named."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        with session.no_autoflush:  # the refused row must not be flushed again by the lookup
            await _refuse_duplicates(session, data, code=data.personal_code, other=True, except_id=except_id)
        raise Conflict(ALREADY_REGISTERED) from None


async def register_person(
    session: AsyncSession,
    actor: Actor,
    data: NewPerson | Mapping[str, Any],
    *,
    today: dt.date,
    declared_address: Mapping[str, Any] | None = None,
) -> Person:
    """Registers a person, optionally with their declared address (fields named address_* in messages).
    A personal code or other identifier already registered here is a Conflict naming that person."""
    actor.require(Permission.PERSON_CREATE)
    cleaned, errors = validate_person(_fields(data), today)
    address: AddressData | None = None
    if declared_address is not None and any(
        v for k, v in declared_address.items() if k not in ("kind", "valid_from")
    ):
        address, address_errors = validate_address(
            {**declared_address, "kind": "declared"}, today, prefix="address_"
        )
        errors = {**errors, **address_errors}
    if errors or cleaned is None:
        raise InvalidInput(errors)
    await _refuse_duplicates(session, cleaned, code=cleaned.personal_code, other=True, except_id=None)
    person = Person(tenant_id=actor.tenant_id, name_norm=cleaned.name_norm, **_snapshot(cleaned))
    session.add(person)
    await _flush_or_conflict(session, cleaned, None)
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:person:create",
        entity_type="person",
        entity_id=person.id,
        after={k: v for k, v in _snapshot(cleaned).items() if v is not None},
    )
    if address is not None:
        insert_address(session, actor, person.id, address)
        await session.flush()
    return person


async def locked_person(session: AsyncSession, person_id: uuid.UUID) -> Person:
    person = await session.scalar(select(Person).where(Person.id == person_id).with_for_update())
    if person is None:
        raise NotFound(NO_SUCH_PERSON)
    return person


def _check_version(person: Person, version: int | None) -> None:
    if version is None or person.version != version:
        raise Conflict(STALE)


async def edit_person(
    session: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    data: NewPerson | Mapping[str, Any],
    *,
    version: int | None,
    today: dt.date,
) -> Person:
    """Changes a person's identity and contacts. `version` is the one the form was shown with: another
    change since then is a Conflict (nothing is changed). The personal code is not changed here once it is
    set (an old-format one is exchanged with change_personal_code); a person without one may get one."""
    actor.require(Permission.PERSON_EDIT)
    person = await locked_person(session, person_id)
    _check_version(person, version)
    fields = dict(_fields(data))
    if person.personal_code:
        fields["personal_code"] = person.personal_code
    cleaned, errors = validate_person(fields, today)
    if errors or cleaned is None:
        raise InvalidInput(errors)
    before = _person_snapshot(person)
    after = _snapshot(cleaned)
    changed = {k for k in PERSON_FIELDS if before[k] != after[k]}
    if not changed:
        return person
    await _refuse_duplicates(
        session,
        cleaned,
        code=cleaned.personal_code if "personal_code" in changed else None,
        other=bool({"other_id", "other_id_kind"} & changed),
        except_id=person.id,
    )
    for name in changed:
        setattr(person, name, after[name])
    person.name_norm = cleaned.name_norm
    person.version += 1
    await _flush_or_conflict(session, cleaned, person.id)
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:person:edit",
        entity_type="person",
        entity_id=person.id,
        before={k: before[k] for k in sorted(changed)},
        after={k: after[k] for k in sorted(changed)},
    )
    return person


async def change_personal_code(
    session: AsyncSession,
    actor: Actor,
    person_id: uuid.UUID,
    new_code: str,
    *,
    version: int | None,
    today: dt.date,
) -> Person:
    """Exchanges an old-format personal code for a new-format one, once (domain brief §13.1). The old code
    is kept as a former code: records made under it stay linked, and search by it still finds the person."""
    actor.require(Permission.PERSON_EDIT)
    person = await locked_person(session, person_id)
    _check_version(person, version)
    old = person.personal_code
    has_former = await session.scalar(
        select(FormerPersonalCode.id).where(FormerPersonalCode.person_id == person.id).limit(1)
    )
    if not old or old[:2] >= "32" or has_former is not None:
        raise InvalidInput(
            {
                "new_code": [
                    N_("Only an old-format personal code can be exchanged for a new one, and only once.")
                ]
            }
        )
    try:
        parsed = parse_personal_code(new_code or "")
    except InvalidPersonalCode as exc:
        raise InvalidInput({"new_code": [str(exc)]}) from None
    if not parsed.is_new_format:
        raise InvalidInput(
            {"new_code": [N_("The new personal code is in the new format: it starts with 32–39.")]}
        )
    existing = await person_id_by_code(session, parsed.code)
    if existing is not None:
        raise Conflict(ALREADY_REGISTERED, existing=("person", existing))
    session.add(
        FormerPersonalCode(tenant_id=person.tenant_id, person_id=person.id, code=old, replaced_on=today)
    )
    person.personal_code = parsed.code
    person.version += 1
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict(ALREADY_REGISTERED) from None
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:person:change-code",
        entity_type="person",
        entity_id=person.id,
        before={"personal_code": old},
        after={"personal_code": parsed.code},
    )
    return person


# --- addresses ------------------------------------------------------------------------------------------


def _address_snapshot(a: PersonAddress | AddressData) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "line": a.line,
        "locality": a.locality,
        "postal_code": a.postal_code,
        "atvk": a.atvk,
        "valid_from": a.valid_from,
        "valid_to": a.valid_to,
    }


def insert_address(
    session: AsyncSession, actor: Actor, person_id: uuid.UUID, data: AddressData
) -> PersonAddress:
    address = PersonAddress(
        id=uuid7(),  # now, not at the flush: the change log names it
        tenant_id=actor.tenant_id,
        person_id=person_id,
        address_norm=data.address_norm,
        **_address_snapshot(data),
    )
    session.add(address)
    record_change(
        session,
        actor_user_id=actor.user_id,
        action="people:address:add",
        entity_type="person_address",
        entity_id=address.id,
        after={"person_id": person_id, **_address_snapshot(data)},
    )
    return address


# --- opening a person's record ---------------------------------------------------------------------------


def valid_purpose(purpose: str | None) -> str:
    """The purpose to record: the default when none is given; an unknown one is refused (the access log
    must say why, truthfully, so it is never silently replaced)."""
    if not purpose:
        return "case_work"
    if purpose not in RECORDED_PURPOSES:
        raise InvalidInput({"purpose": [N_("Choose the purpose of viewing from the list.")]})
    return purpose


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
    A person of another municipality, or none, is "not found"; an unknown purpose is invalid input."""
    actor.require(Permission.PERSON_VIEW)
    recorded = valid_purpose(purpose)
    header = await person_header(session, person_id)
    if header is None:
        raise NotFound(NO_SUCH_PERSON)
    record_access(
        session,
        user_id=actor.user_id,
        person_id=person_id,
        purpose=recorded,
        context=context[:300] if context else None,
    )
    return header
