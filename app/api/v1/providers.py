"""The public search of the register of social service providers over the API: no sign-in (listed in PUBLIC,
app/main.py), rate-limited per address like every API call. The same read as the public page
(`queries.public_search`): registrations in force in every municipality, only what the register makes
public; at most 100, by name — `truncated` says more matched and the search should be narrowed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, get
from litestar.params import QueryParameter

from app.api.v1.responses import ProblemOperation, problems
from app.domains.cases.access import municipal_today
from app.domains.providers.queries import MAX_QUERY, public_search
from app.web.routes.provider_search import maintenance_sessions


class PublicProviderOut(msgspec.Struct):
    registration_number: Annotated[str, msgspec.Meta(description='E.g. "SPR-2026/00042".')]
    name: str
    kind: Literal["state", "municipal", "legal_person", "natural_person"]
    service_types: list[str]
    addresses: Annotated[
        list[str], msgspec.Meta(description="The actual addresses the services are given at.")
    ]
    municipality: Annotated[str, msgspec.Meta(description="The municipality that registered the provider.")]
    valid_from: dt.date
    valid_until: Annotated[
        dt.date, msgspec.Meta(description="Five years from the decision (MK 385 point 4).")
    ]


class PublicProviderListOut(msgspec.Struct):
    items: list[PublicProviderOut]
    truncated: Annotated[bool, msgspec.Meta(description="More matched than are returned: narrow the search.")]


@get(
    "/providers",
    summary="Search the register of social service providers",
    description=(
        "Public: no sign-in. Registrations in force in every municipality whose name, a service type, and an "
        "address or the municipality contain the given words (case-insensitive); by name, at most 100."
    ),
    tags=["providers"],
    responses=problems(422, describe={422: "A query parameter is longer than 100 characters."}),
    operation_class=ProblemOperation,
    security=[],
)
async def search_providers(
    request: Request[Any, Any, Any],
    name: Annotated[
        str, QueryParameter(max_length=MAX_QUERY, description="Part of the provider's name.")
    ] = "",
    service: Annotated[str, QueryParameter(max_length=MAX_QUERY, description="Part of a service type.")] = "",
    place: Annotated[
        str,
        QueryParameter(max_length=MAX_QUERY, description="Part of an address or of the municipality's name."),
    ] = "",
) -> PublicProviderListOut:
    found = await public_search(
        maintenance_sessions(request), today=municipal_today(), name=name, service=service, place=place
    )
    return PublicProviderListOut(
        items=[
            PublicProviderOut(
                registration_number=p.number,
                name=p.provider_name,
                kind=p.provider_kind,  # type: ignore[arg-type]
                service_types=list(p.service_types),
                addresses=list(p.addresses),
                municipality=p.municipality,
                valid_from=p.valid_from,
                valid_until=p.valid_until,
            )
            for p in found.providers
        ],
        truncated=found.truncated,
    )
