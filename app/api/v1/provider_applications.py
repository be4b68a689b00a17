"""A provider's registration through the e-services (MK 385): the person signed in through the national
login (`app/auth/citizen.py`) submits an application for a provider to a municipality, follows it and the
registration it became, and updates what may still change (`app/domains/providers/self_service.py`).
The municipality's staff review and decide it on their pages; another person's application is 404."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from app.api.v1.citizen import SIGNED_IN, chosen_municipality, client_key, one_of
from app.api.v1.idempotency import IdempotencyKey, created_once
from app.api.v1.responses import ProblemOperation, problems
from app.auth.citizen import Citizen, provide_citizen
from app.domains.cases.access import municipal_today
from app.domains.citizen.records import tenant_reader
from app.domains.providers import rules
from app.domains.providers.models import ProviderRegistration
from app.domains.providers.self_service import (
    EDITABLE,
    OwnRegistration,
    own_registration,
    own_registrations,
    update_own_registration,
)
from app.domains.providers.service import receive_application
from app.i18n import gettext
from app.web.deps import resources
from app.web.routes.provider_search import maintenance_sessions
from app.web.templating import language_of

TAGS = ["provider registration"]
CITIZEN = {"citizen": Provide(provide_citizen)}
Kind = Literal["state", "municipal", "legal_person", "natural_person"]
Status = Literal["submitted", "under_review", "registered", "refused", "excluded", "renewed", "expired"]


class ProviderApplicationIn(msgspec.Struct):
    """Fields are checked by the register's rules, so a missing one is named in the reader's language."""

    municipality: (
        Annotated[str, msgspec.Meta(max_length=63, description="The municipality's ATVK code or short name.")]
        | None
    ) = None
    provider_name: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    provider_kind: (
        Annotated[str, msgspec.Meta(max_length=20, description="One of " + ", ".join(rules.PROVIDER_KINDS))]
        | None
    ) = None
    provider_code: (
        Annotated[
            str,
            msgspec.Meta(max_length=100, description="Registration number, or personal code of a person."),
        ]
        | None
    ) = None
    service_types: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=1000)]], msgspec.Meta(max_length=100)
    ] = msgspec.field(default_factory=list)
    addresses: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=1000)]],
        msgspec.Meta(max_length=100, description="The actual addresses the services will be given at."),
    ] = msgspec.field(default_factory=list)
    contact: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    documents: (
        Annotated[
            str, msgspec.Meta(max_length=20000, description="The documents submitted with the application.")
        ]
        | None
    ) = None


class ProviderApplicationChangeIn(msgspec.Struct):
    """Only the fields given change. While waiting for review everything here may change; under review the
    documents and the contact; once registered the contact."""

    version: Annotated[int, msgspec.Meta(ge=1, description="The `version` the change is based on.")]
    contact: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    documents: Annotated[str, msgspec.Meta(max_length=20000)] | None = None
    service_types: (
        Annotated[list[Annotated[str, msgspec.Meta(max_length=1000)]], msgspec.Meta(max_length=100)] | None
    ) = None
    addresses: (
        Annotated[list[Annotated[str, msgspec.Meta(max_length=1000)]], msgspec.Meta(max_length=100)] | None
    ) = None


class ProviderApplicationOut(msgspec.Struct):
    id: uuid.UUID
    number: Annotated[str, msgspec.Meta(description='E.g. "SPR-2026/00042".')]
    municipality: str
    provider_name: str
    status: Status
    status_label: str
    submitted_on: dt.date
    valid_from: dt.date | None
    valid_until: dt.date | None


class ProviderApplicationDetailOut(ProviderApplicationOut):
    provider_kind: Kind
    provider_code: str
    service_types: list[str]
    addresses: list[str]
    contact: str | None
    documents: str | None
    decided_on: dt.date | None
    decision_reason: Annotated[str | None, msgspec.Meta(description="The grounds of a refusal or exclusion.")]
    version: int
    may_change: Annotated[list[str], msgspec.Meta(description="The fields the applicant may still change.")]


def _label(request: Request[Any, Any, Any], status: str) -> str:
    return gettext(language_of(request), rules.STATUSES[status])


def _out(request: Request[Any, Any, Any], r: OwnRegistration) -> ProviderApplicationOut:
    return ProviderApplicationOut(
        id=r.id,
        number=r.number,
        municipality=r.municipality,
        provider_name=r.provider_name,
        status=r.status,  # type: ignore[arg-type]
        status_label=_label(request, r.status),
        submitted_on=r.submitted_on,
        valid_from=r.valid_from,
        valid_until=r.valid_until,
    )


def _detail(
    request: Request[Any, Any, Any], municipality: str, r: ProviderRegistration, today: dt.date
) -> ProviderApplicationDetailOut:
    status = rules.effective_status(r.status, r.valid_until, today)
    return ProviderApplicationDetailOut(
        id=r.id,
        number=r.number,
        municipality=municipality,
        provider_name=r.provider_name,
        status=status,  # type: ignore[arg-type]
        status_label=_label(request, status),
        submitted_on=r.submitted_on,
        valid_from=r.valid_from,
        valid_until=r.valid_until,
        provider_kind=r.provider_kind,  # type: ignore[arg-type]
        provider_code=r.provider_code,
        service_types=list(r.service_types),
        addresses=list(r.addresses),
        contact=r.contact,
        documents=r.documents,
        decided_on=r.decided_on,
        decision_reason=r.decision_reason,
        version=r.version,
        may_change=list(EDITABLE.get(status, ())),
    )


async def find_own(
    request: Request[Any, Any, Any], citizen: Citizen, registration_id: uuid.UUID
) -> OwnRegistration:
    found = await own_registrations(maintenance_sessions(request), citizen.personal_code, municipal_today())
    return one_of(found, registration_id)


@post(
    "/provider-applications",
    summary="Submit an application to the register of social service providers",
    description=(
        "The signed-in person applies for a provider (themselves or an organisation they represent) to the "
        "chosen municipality, naming the service types and the actual addresses; the municipality reviews "
        "and decides it, and a registration is valid five years. Send an `Idempotency-Key` header to make a "
        "retry safe."
    ),
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    status_code=201,
    responses=problems(
        400,
        401,
        403,
        409,
        415,
        422,
        describe={
            **SIGNED_IN,
            403: "The CSRF token is missing.",
            409: "A request with the same idempotency key is still being handled.",
            422: "Invalid input, or the idempotency key was used for another body; `errors` says which.",
        },
    ),
    operation_class=ProblemOperation,
)
async def submit_provider_application(
    request: Request[Any, Any, Any],
    citizen: NamedDependency[Citizen],
    data: JSONBody[ProviderApplicationIn],
    idempotency_key: IdempotencyKey = None,
) -> Response[ProviderApplicationDetailOut]:
    async def act() -> ProviderApplicationDetailOut:
        return await apply_for_provider(request, citizen, data)

    client = client_key(request, citizen)
    return await created_once(
        resources(request).redis, client, idempotency_key, data, act, ProviderApplicationDetailOut
    )


async def apply_for_provider(
    request: Request[Any, Any, Any], citizen: Citizen, data: ProviderApplicationIn
) -> ProviderApplicationDetailOut:
    """Registers the application in the chosen municipality, submitted today by the signed-in person; one
    transaction."""
    res = resources(request)
    async with res.sessions() as db:
        tenant = await chosen_municipality(db, data.municipality)
        await db.commit()
    today = municipal_today()
    async with res.sessions() as db:
        db.info["tenant_id"] = tenant.id
        db.info["user_id"] = None
        registration = await receive_application(
            db,
            tenant.id,
            None,
            provider_name=data.provider_name,
            provider_kind=(data.provider_kind or "").strip(),
            provider_code=data.provider_code,
            service_types=data.service_types,
            addresses=data.addresses,
            submitted_on=today,
            contact=data.contact,
            documents=data.documents,
            applicant_code=citizen.personal_code,
            today=today,
        )
        detail = _detail(request, tenant.name, registration, today)
        await db.commit()
    return detail


@get(
    "/provider-applications",
    summary="My applications to the register of social service providers",
    description="Every application the signed-in person submitted, in any municipality, newest first.",
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(401, describe=SIGNED_IN),
    operation_class=ProblemOperation,
)
async def list_provider_applications(
    request: Request[Any, Any, Any], citizen: NamedDependency[Citizen]
) -> list[ProviderApplicationOut]:
    found = await own_registrations(maintenance_sessions(request), citizen.personal_code, municipal_today())
    return [_out(request, r) for r in found]


@get(
    "/provider-applications/{registration_id:uuid}",
    summary="One of my applications to the register, with its decision",
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(
        401, 404, describe={**SIGNED_IN, 404: "Not one of the signed-in person's applications."}
    ),
    operation_class=ProblemOperation,
)
async def get_provider_application(
    request: Request[Any, Any, Any], citizen: NamedDependency[Citizen], registration_id: FromPath[uuid.UUID]
) -> ProviderApplicationDetailOut:
    return await own_detail(request, citizen, registration_id)


async def own_detail(
    request: Request[Any, Any, Any], citizen: Citizen, registration_id: uuid.UUID
) -> ProviderApplicationDetailOut:
    own = await find_own(request, citizen, registration_id)
    async with tenant_reader(resources(request).sessions, own.tenant_id) as db:
        registration = await own_registration(db, citizen.personal_code, registration_id)
        return _detail(request, own.municipality, registration, municipal_today())


@patch(
    "/provider-applications/{registration_id:uuid}",
    summary="Update my application or registration",
    description=(
        "Changes the fields given: while the application waits for review, the service types, addresses, "
        "documents and contact; under review, the documents and contact; once registered, the contact "
        "(a registration's services and addresses are changed by the municipality's decision). "
        "`may_change` of the application lists what may change now."
    ),
    tags=TAGS,
    dependencies=CITIZEN,
    exclude_from_auth=True,
    responses=problems(
        400,
        401,
        403,
        404,
        409,
        415,
        422,
        describe={
            **SIGNED_IN,
            403: "The CSRF token is missing.",
            404: "Not one of the signed-in person's applications.",
            409: "`version` is not the current one, or nothing may change in the application's state.",
            422: "Invalid input, or a field that may no longer change; `errors` says which.",
        },
    ),
    operation_class=ProblemOperation,
)
async def change_provider_application(
    request: Request[Any, Any, Any],
    citizen: NamedDependency[Citizen],
    registration_id: FromPath[uuid.UUID],
    data: JSONBody[ProviderApplicationChangeIn],
) -> ProviderApplicationDetailOut:
    own = await find_own(request, citizen, registration_id)
    async with resources(request).sessions() as db:
        db.info["tenant_id"] = own.tenant_id
        db.info["user_id"] = None
        registration = await update_own_registration(
            db,
            citizen.personal_code,
            registration_id,
            expected_version=data.version,
            contact=data.contact,
            documents=data.documents,
            service_types=data.service_types,
            addresses=data.addresses,
        )
        detail = _detail(request, own.municipality, registration, municipal_today())
        await db.commit()
    return detail
