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
