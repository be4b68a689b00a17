"""The status hand-over over the API, for partners (the real-estate-tax administration): needy and
low-income statuses valid on a day, one item per person holding one, a page at a time. STATUS_EXPORT;
each page is an export written to the change log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.bearer import partner_access
from app.api.v1.cursors import read_cursor
from app.api.v1.responses import ProblemOperation, problems
from app.auth.principal import Actor
from app.auth.scopes import STATUSES_READ
from app.dates import FIRST_DAY, LAST_DAY, OUT_OF_RANGE
from app.domains.benefits.handover import decode_holder_cursor, statuses_page
from app.errors import InvalidInput
from app.i18n import TIMEZONE


class StatusHolderOut(msgspec.Struct):
    personal_code: Annotated[
        str | None,
        msgspec.Meta(description="11 digits, no hyphen; null for a person without a Latvian code."),
    ]
    first_name: str
    last_name: str
    status: Annotated[
        Literal["needy", "low_income"],
        msgspec.Meta(description="`needy` (trūcīga) or `low_income` (maznodrošināta) household."),
    ]
    valid_from: dt.date
    valid_to: Annotated[dt.date, msgspec.Meta(description="The last day of the status, inclusive.")]
    municipality: Annotated[str, msgspec.Meta(description="The municipality that granted the status.")]


class StatusHolderPageOut(msgspec.Struct):
    on: Annotated[dt.date, msgspec.Meta(description="The day the statuses are valid on.")]
    items: list[StatusHolderOut]
    next_cursor: Annotated[str | None, msgspec.Meta(description="Pass as `cursor` for the next page.")]


@get(
    "/assistance-statuses",
    summary="Needy and low-income statuses valid on a day",
    description=(
        "The status hand-over (e.g. for the real-estate-tax administration): every person holding a needy "
        "or low-income household status of the user's municipality on `on` (default: today in Latvia), one "
        "item per member of the status's household, in a stable order, a page at a time. Needs the "
        "`assistance:status:export` permission, or a partner's access token with the `statuses:read` scope "
        "(a client acting for several municipalities names one in the `X-Atbalsts-Tenant` header); each "
        "call is written to the municipality's change log, naming the user or the API client."
    ),
    tags=["assistance"],
    responses=problems(
        401,
        403,
        422,
        describe={
            401: "Not signed in: no valid session, or an access token that is unknown or expired.",
            403: "The user's roles or the token's scopes do not allow the status hand-over, or the API "
            "client may not act for the municipality named.",
            422: "A query parameter is malformed: `on` is not a date (YYYY-MM-DD) from 1900 to 2999, "
            "`cursor` is not one this list gave, or `limit` is not a number from 1 to 500.",
        },
    ),
    operation_class=ProblemOperation,
    **partner_access(STATUSES_READ),
)
async def list_assistance_statuses(
    actor: NamedDependency[Actor],
    db: NamedDependency[AsyncSession],
    on: Annotated[dt.date | None, Parameter(description="The day, YYYY-MM-DD; default: today.")] = None,
    cursor: Annotated[str | None, Parameter(max_length=100, description="`next_cursor` of a page.")] = None,
    limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
) -> StatusHolderPageOut:
    day = on or dt.datetime.now(TIMEZONE).date()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput({"on": [OUT_OF_RANGE]})
    page = await statuses_page(db, actor, day, after=read_cursor(cursor, decode_holder_cursor), limit=limit)
    return StatusHolderPageOut(
        on=day,
        items=[
            StatusHolderOut(
                personal_code=r.personal_code,
                first_name=r.first_name,
                last_name=r.last_name,
                status=r.kind,  # type: ignore[arg-type]
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                municipality=r.municipality,
            )
            for r in page.rows
        ],
        next_cursor=page.next_cursor,
    )
