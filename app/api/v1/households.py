"""Households over the API: the same service functions the pages call, and a person's household on a date
(what a means test or an e-service reads). Contracts are hand-written structs, so a column change never
changes the API by accident."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.v1.responses import ProblemOperation, problems
from app.auth.principal import Actor
from app.domains.households.access import open_household, open_household_on
from app.domains.households.queries import HouseholdCard, HouseholdOnDate, Member
from app.domains.households.service import MemberOfAnotherHousehold, NewMember, add_member, create_household
from app.errors import InvalidInput
from app.i18n import N_, TIMEZONE, gettext
from app.web.templating import language_of

Role = Literal[
    "head",
    "spouse",
    "partner",
    "child",
    "parent",
    "grandparent",
    "grandchild",
    "sibling",
    "other_relative",
    "other",
]
LEFT_ON = "Last day in the household (inclusive); none: still a member."
OTHER_HOUSEHOLD = N_("This person is a member of another household over this period: %(household)s.")


class MemberIn(msgspec.Struct, forbid_unknown_fields=True):
    person_id: uuid.UUID
    role: Annotated[Role, msgspec.Meta(description="The person's role in the household.")]
    joined_on: Annotated[dt.date, msgspec.Meta(description="First day in the household.")]
    left_on: Annotated[dt.date, msgspec.Meta(description=LEFT_ON)] | None = None


class HouseholdIn(msgspec.Struct, forbid_unknown_fields=True):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Bērziņu ģimene"])]
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    members: Annotated[list[MemberIn], msgspec.Meta(max_length=50)] = msgspec.field(default_factory=list)


class MemberOut(msgspec.Struct):
    id: Annotated[uuid.UUID, msgspec.Meta(description="The membership's id.")]
    person_id: uuid.UUID
    first_name: str
    last_name: str
    personal_code: str | None
    birth_date: dt.date | None
    role: str
    joined_on: dt.date
    left_on: dt.date | None


class MemberOnDateOut(MemberOut):
    age: Annotated[int | None, msgspec.Meta(description="Full years on the date asked for.")]


class HouseholdOut(msgspec.Struct):
    id: uuid.UUID
    label: str
    note: str | None
    version: int
    members: Annotated[list[MemberOut], msgspec.Meta(description="Every membership, past and present.")]


class MembershipOut(msgspec.Struct):
    id: uuid.UUID
    household_id: uuid.UUID
    person_id: uuid.UUID
    role: str
    joined_on: dt.date
    left_on: dt.date | None


NO_HOUSEHOLD_THEN = "None: the person was in no household on that day."


class HouseholdOnDateOut(msgspec.Struct):
    id: uuid.UUID
    label: str
    members: list[MemberOnDateOut]


class PersonHouseholdOut(msgspec.Struct):
    person_id: uuid.UUID
    on: dt.date
    household: Annotated[
        HouseholdOnDateOut | None,
        msgspec.Meta(description=NO_HOUSEHOLD_THEN),
    ]


def _today() -> dt.date:
    return dt.datetime.now(TIMEZONE).date()


def _code(m: Member) -> str | None:
    return m.personal_code.replace("-", "") if m.personal_code else None


def _member(m: Member) -> MemberOut:
    return MemberOut(
        id=m.id,
        person_id=m.person_id,
        first_name=m.first_name,
        last_name=m.last_name,
        personal_code=_code(m),
        birth_date=m.birth_date,
        role=m.role,
        joined_on=m.joined_on,
        left_on=m.left_on,
    )


def _household(card: HouseholdCard) -> HouseholdOut:
    return HouseholdOut(
        id=card.id,
        label=card.label,
        note=card.note,
        version=card.version,
        members=[_member(m) for m in card.members],
    )


def _on_date(found: HouseholdOnDate) -> HouseholdOnDateOut:
    members = [
        MemberOnDateOut(**{f: getattr(_member(m), f) for f in MemberOut.__struct_fields__}, age=m.age)
        for m in found.members
    ]
    return HouseholdOnDateOut(id=found.id, label=found.label, members=members)


def _naming_the_household(request: Request[Any, Any, Any], exc: MemberOfAnotherHousehold) -> InvalidInput:
    """The refusal with the other household named, in the reader's language (already translated: the
    error handler leaves a text it has no translation for as it is)."""
    text = gettext(language_of(request), OTHER_HOUSEHOLD, household=exc.household_label)
    return InvalidInput({exc.field: [text]})


NO_SUCH = "No such household in the municipality."
WRITE_ERRORS = {
    403: "The user's roles do not allow changing households, or the CSRF header is missing or wrong.",
    409: "The `x-atbalsts-tenant` header names another municipality than the session's.",
    422: (
        "Invalid input; `errors` names the fields: an unknown person or role, an implausible period, or a "
        "period overlapping the person's membership of this or another household (named in the message)."
    ),
}


@post(
    "/households",
    summary="Create a household, with its first members",
    tags=["households"],
    status_code=201,
    responses=problems(400, 401, 403, 409, 415, 422, describe=WRITE_ERRORS),
    operation_class=ProblemOperation,
)
async def create_household_api(
    request: Request[Any, Any, Any],
    data: JSONBody[HouseholdIn],
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
) -> HouseholdOut:
    members = [NewMember(m.person_id, m.role, m.joined_on, m.left_on) for m in data.members]
    try:
        household = await create_household(
            db, actor, label=data.label, note=data.note, members=members, today=_today()
        )
    except MemberOfAnotherHousehold as exc:
        raise _naming_the_household(request, exc) from None
    card = await open_household(db, actor, household.id, on=_today(), include_past=True, purpose="api")
    return _household(card)


@get(
    "/households/{household_id:uuid}",
    summary="One household with all its memberships",
    tags=["households"],
    responses=problems(
        401,
        403,
        404,
        describe={
            403: "The user's roles do not allow viewing persons.",
            404: "No household with this id in the user's municipality.",
        },
    ),
    operation_class=ProblemOperation,
)
async def get_household(
    household_id: FromPath[uuid.UUID], actor: NamedDependency[Actor], db: NamedDependency[AsyncSession]
) -> HouseholdOut:
    card = await open_household(db, actor, household_id, on=_today(), include_past=True, purpose="api")
    return _household(card)


@post(
    "/households/{household_id:uuid}/members",
    summary="Add a member to a household",
    tags=["households"],
    status_code=201,
    responses=problems(
        400,
        401,
        403,
        404,
        409,
        415,
        422,
        describe={**WRITE_ERRORS, 404: NO_SUCH},
    ),
    operation_class=ProblemOperation,
)
async def add_member_api(
    request: Request[Any, Any, Any],
    household_id: FromPath[uuid.UUID],
    data: JSONBody[MemberIn],
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
) -> MembershipOut:
    try:
        member = await add_member(
            db,
            actor,
            household_id,
            person_id=data.person_id,
            role=data.role,
            joined_on=data.joined_on,
            left_on=data.left_on,
            today=_today(),
        )
    except MemberOfAnotherHousehold as exc:
        raise _naming_the_household(request, exc) from None
    return MembershipOut(
        id=member.id,
        household_id=member.household_id,
        person_id=member.person_id,
        role=member.role,
        joined_on=member.joined_on,
        left_on=member.left_on,
    )


@get(
    "/persons/{person_id:uuid}/household",
    summary="A person's household on a date",
    description=(
        "The household the person belonged to on the date (default: today) and everyone who belonged to it "
        "that day, with their age on that day. `household` is null when the person was in no household."
    ),
    tags=["households"],
    responses=problems(
        401,
        403,
        404,
        422,
        describe={
            403: "The user's roles do not allow viewing persons.",
            404: "No person with this id in the user's municipality.",
            422: "`on` is not a date (YYYY-MM-DD).",
        },
    ),
    operation_class=ProblemOperation,
)
async def get_person_household(
    person_id: FromPath[uuid.UUID],
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    on: Annotated[
        dt.date | None, Parameter(query="on", description="The date (YYYY-MM-DD); today when left out.")
    ] = None,
) -> PersonHouseholdOut:
    day = on or _today()
    found = await open_household_on(db, actor, person_id, day, purpose="api")
    return PersonHouseholdOut(person_id=person_id, on=day, household=_on_date(found) if found else None)
