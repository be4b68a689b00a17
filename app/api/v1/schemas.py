"""Public API contracts: hand-written structs, so a column change never changes the API by accident."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec


class MunicipalityOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    roles: list[str]


class MeOut(msgspec.Struct):
    id: uuid.UUID
    username: str
    full_name: str
    municipality_id: uuid.UUID | None
    permissions: list[str]
    municipalities: list[MunicipalityOut]


class PersonIn(msgspec.Struct, forbid_unknown_fields=True):
    first_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    last_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    personal_code: Annotated[str, msgspec.Meta(max_length=12)] | None = None
    birth_date: dt.date | None = None
    sex: Annotated[str, msgspec.Meta(pattern="^[MF]$")] | None = None


class PersonOut(msgspec.Struct):
    id: uuid.UUID
    first_name: str
    last_name: str
    personal_code: str | None
    birth_date: dt.date | None
    sex: str | None


class FieldError(msgspec.Struct):
    field: Annotated[str, msgspec.Meta(description="The input field (or `body`) the message is about.")]
    message: Annotated[str, msgspec.Meta(description="What is wrong with it, in the request's language.")]


class ProblemDetails(msgspec.Struct, omit_defaults=True):
    """Every /api/v1 error: RFC 9457 problem details, served as `application/problem+json`.

    Mirrors `app.web.errors.problem()`; `detail` and `errors` are left out when there is nothing to say."""

    type: Annotated[str, msgspec.Meta(description="A URI reference naming the problem type.")]
    title: Annotated[str, msgspec.Meta(description="Short summary of the status, in the request's language.")]
    status: Annotated[int, msgspec.Meta(ge=400, le=599, description="The HTTP status code.")]
    instance: Annotated[str, msgspec.Meta(description="The request path the problem occurred at.")]
    detail: str | msgspec.UnsetType = msgspec.UNSET
    errors: list[FieldError] | msgspec.UnsetType = msgspec.UNSET
