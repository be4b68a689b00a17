"""Persons over the API: the same service functions and reads the web pages use. Every read of one
person's data goes through open_person and is written to the access log with the purpose "api"."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.v1.cursors import read_cursor
from app.api.v1.responses import ProblemOperation, problems
from app.api.v1.schemas import (
    AccessEntryOut,
    AccessLogOut,
    AddressOut,
    PeriodOut,
    PersonIn,
    PersonOut,
    PersonPageOut,
    PersonSummaryOut,
)
from app.auth.principal import Actor
from app.domains.cases.access import redact_access_contexts
from app.domains.people.queries import PersonCard, person_access_history, person_card
from app.domains.people.rules import search_terms
from app.domains.people.search import decode_name_cursor, search_persons
from app.domains.people.service import open_person, register_person
from app.errors import NotFound
from app.i18n import TIMEZONE
from app.pagination import decode_cursor
from app.permissions import Permission


def today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


def _out(card: PersonCard) -> PersonOut:
    return PersonOut(
        id=card.id,
        first_name=card.first_name,
        last_name=card.last_name,
        personal_code=card.personal_code_raw,
        birth_date=card.birth_date,
        sex=card.sex,
        other_id_kind=card.other_id_kind,  # type: ignore[arg-type]
        other_id=card.other_id,
        citizenship=card.citizenship,
        legal_status=card.legal_status,  # type: ignore[arg-type]
        preferred_language=card.preferred_language,
        phone=card.phone,
        email=card.email,
        died_on=card.died_on,
        version=card.version,
        former_personal_codes=[c.code.replace("-", "") for c in card.former_codes],
        addresses=[
            AddressOut(a.kind, a.line, a.locality, a.postal_code, a.valid_from, a.valid_to)  # type: ignore[arg-type]
            for a in card.addresses
        ],
        periods=[PeriodOut(f.kind, f.detail, f.valid_from, f.valid_to) for f in card.flags],
    )


async def _card(db: AsyncSession, person_id: uuid.UUID) -> PersonCard:
    card = await person_card(db, person_id)
    if card is None:
        raise NotFound()
    return card


@get(
    "/persons",
    summary="Search the client register",
    description=(
        "Persons of the user's municipality in name order (last name, first name), a page at a time. `q` "
        "is a personal code (whole, with or without the hyphen, also a former one; or its first 6+ digits), "
        "a document number, an address with the house number, or a name: its start, case and diacritics "
        "ignored, last name or first name first. `mode` forces one reading of `q`."
    ),
    tags=["persons"],
    responses=problems(
        401,
        403,
        422,
        describe={
            403: "The user's roles do not allow viewing persons.",
            422: "A query parameter is malformed (e.g. `limit` is not a number from 1 to 100).",
        },
    ),
    operation_class=ProblemOperation,
)
async def list_persons(
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    q: Annotated[str | None, Parameter(max_length=100, description="What to search for.")] = None,
    mode: Literal["auto", "name", "code", "address", "other_id"] = "auto",
    cursor: Annotated[str | None, Parameter(max_length=1400, description="`next_cursor` of a page.")] = None,
    limit: Annotated[int, Parameter(ge=1, le=100)] = 25,
) -> PersonPageOut:
    actor.require(Permission.PERSON_VIEW)
    page = await search_persons(
        db,
        search_terms(q or "", mode),
        today=today(),
        after=read_cursor(cursor, decode_name_cursor),
        limit=limit,
    )
    return PersonPageOut(
        items=[
            PersonSummaryOut(
                id=r.id,
                first_name=r.first_name,
                last_name=r.last_name,
                personal_code=r.personal_code.replace("-", "") if r.personal_code else None,
                other_id_kind=r.other_id_kind,  # type: ignore[arg-type]
                other_id=r.other_id,
                birth_date=r.birth_date,
                died_on=r.died_on,
                declared_address=r.address,
            )
            for r in page.rows
        ],
        next_cursor=page.next_cursor,
        total=page.total,
        total_capped=page.total_capped,
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
                "A person with this personal code (current or former) or this other identifier is already "
                "registered in the municipality (`existing` gives that person's address), or the "
                "`x-atbalsts-tenant` header names another municipality than the session's."
            ),
        },
    ),
    operation_class=ProblemOperation,
)
async def create_person(
    data: JSONBody[PersonIn], actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> PersonOut:
    fields: dict[str, Any] = msgspec.structs.asdict(data)
    person = await register_person(db, actor, fields, today=today())
    return _out(await _card(db, person.id))


@get(
    "/persons/{person_id:uuid}",
    summary="One person",
    description="Reading it is written to the person's access log (purpose `api`).",
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
    await open_person(db, actor, person_id, purpose="api", context="api")
    return _out(await _card(db, person_id))


@get(
    "/persons/{person_id:uuid}/access-log",
    summary="Who viewed a person's data",
    description=(
        "The person's access log, newest first: when, by whom (staff name and roles), why and which part. "
        "Reading it is itself written to the log (purpose `api`)."
    ),
    tags=["persons"],
    responses=problems(
        401,
        403,
        404,
        422,
        describe={
            403: "The user's roles do not allow viewing persons.",
            404: "No person with this id in the user's municipality.",
            422: "A query parameter is malformed.",
        },
    ),
    operation_class=ProblemOperation,
)
async def get_person_access_log(
    person_id: FromPath[uuid.UUID],
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    cursor: Annotated[str | None, Parameter(max_length=200, description="`next_cursor` of a page.")] = None,
    limit: Annotated[int, Parameter(ge=1, le=100)] = 50,
) -> AccessLogOut:
    await open_person(db, actor, person_id, purpose="api", context="access")
    page = await person_access_history(db, person_id, after=read_cursor(cursor, decode_cursor), limit=limit)
    shown = await redact_access_contexts(db, actor, (v.context for v in page.rows))
    return AccessLogOut(
        items=[
            AccessEntryOut(
                occurred_at=v.occurred_at,
                staff_name=v.staff_name,
                roles=list(v.roles),
                purpose=v.purpose,
                context=shown.get(v.context or "", v.context),
            )
            for v in page.rows
        ],
        next_cursor=page.next_cursor,
    )
