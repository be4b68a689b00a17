"""Public API contracts: hand-written structs, so a column change never changes the API by accident."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

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


OtherIdKind = Literal["passport", "residence_permit", "foreign_code", "other"]
LegalStatus = Literal[
    "citizen",
    "non_citizen",
    "permanent_resident",
    "temporary_resident",
    "refugee",
    "alternative_status",
    "stateless",
    "other",
]


class PersonIn(msgspec.Struct, forbid_unknown_fields=True):
    """A person to register. A personal code, or for a person without one `other_id_kind` and
    `other_id`, is required; the birth date too unless an old-format code carries it."""

    first_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    last_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    personal_code: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=12, description="DDMMYY-CNNNN or 32NNNN-NNNNN, with or without the hyphen."
            ),
        ]
        | None
    ) = None
    birth_date: dt.date | None = None
    sex: Annotated[str, msgspec.Meta(pattern="^[MF]$")] | None = None
    other_id_kind: OtherIdKind | None = None
    other_id: Annotated[str, msgspec.Meta(max_length=40, description="The document's number.")] | None = None
    citizenship: (
        Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", description="ISO 3166-1 alpha-3, e.g. LVA.")] | None
    ) = None
    legal_status: LegalStatus | None = None
    preferred_language: Literal["lv", "en", "ru"] = "lv"
    phone: (
        Annotated[str, msgspec.Meta(max_length=30, description="Latvian (8 digits) or international (+…).")]
        | None
    ) = None
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    died_on: dt.date | None = None


class AddressOut(msgspec.Struct):
    kind: Literal["declared", "actual"]
    line: str
    locality: str | None
    postal_code: str | None
    valid_from: dt.date
    valid_to: Annotated[dt.date | None, msgspec.Meta(description="The last day; null while it lasts.")]


class PeriodOut(msgspec.Struct):
    kind: Annotated[str, msgspec.Meta(description="`disability` or `pensioner`.")]
    detail: Annotated[
        str | None, msgspec.Meta(description="Disability group (I, II, III, child) or pension type.")
    ]
    valid_from: dt.date
    valid_to: dt.date | None


class PersonOut(msgspec.Struct):
    id: uuid.UUID
    first_name: str
    last_name: str
    personal_code: Annotated[str | None, msgspec.Meta(description="11 digits, without the hyphen.")]
    birth_date: dt.date | None
    sex: str | None
    other_id_kind: OtherIdKind | None
    other_id: str | None
    citizenship: str | None
    legal_status: LegalStatus | None
    preferred_language: str
    phone: Annotated[str | None, msgspec.Meta(description="International form: +37120000000.")]
    email: str | None
    died_on: dt.date | None
    version: Annotated[int, msgspec.Meta(description="Changes with every edit (optimistic locking).")]
    former_personal_codes: Annotated[
        list[str], msgspec.Meta(description="Earlier codes (an old-format code exchanged for a new one).")
    ]
    addresses: Annotated[list[AddressOut], msgspec.Meta(description="Declared and actual, newest first.")]
    periods: Annotated[list[PeriodOut], msgspec.Meta(description="Disability and pension periods.")]


class PersonSummaryOut(msgspec.Struct):
    id: uuid.UUID
    first_name: str
    last_name: str
    personal_code: str | None
    other_id_kind: OtherIdKind | None
    other_id: str | None
    birth_date: dt.date | None
    died_on: dt.date | None
    declared_address: Annotated[str | None, msgspec.Meta(description="The current declared address.")]


class PersonPageOut(msgspec.Struct):
    items: list[PersonSummaryOut]
    next_cursor: Annotated[str | None, msgspec.Meta(description="Pass as `cursor` for the next page.")]
    total: Annotated[int, msgspec.Meta(description="Matches; for a search, counted up to 1001.")]
    total_capped: Annotated[bool, msgspec.Meta(description="More matches than `total` says.")]


class AccessEntryOut(msgspec.Struct):
    occurred_at: dt.datetime
    staff_name: str | None
    roles: list[str]
    purpose: Annotated[str, msgspec.Meta(description="Why the record was opened, e.g. `case_work`, `api`.")]
    context: Annotated[str | None, msgspec.Meta(description="Which part was viewed, e.g. `overview`.")]


class AccessLogOut(msgspec.Struct):
    items: list[AccessEntryOut]
    next_cursor: str | None


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
    existing: (
        Annotated[
            str,
            msgspec.Meta(
                description="On a 409 for a duplicate: the API address of the record already there."
            ),
        ]
        | msgspec.UnsetType
    ) = msgspec.UNSET
